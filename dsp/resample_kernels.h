// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's inner-product kernels (dsp/resample.h uses them; tests and
// benchmarks call them directly): the scalar references, the Highway ones of
// each target (resample_hwy_kernels.cc, one IsaKernels table per kernel) and
// the hand-written AVX-512 ones kept where they measure faster.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "isa.h"

namespace fastaudio {

namespace resample_detail {
// The scalar reference: one output, `taps` coefficients against `x`, summed in order.
float dot_scalar(const float *x, const float *c, size_t taps);
// Four outputs of one channel at once: windows x[0..3], coefficient rows c[0..3].
using Dot4Fn = void (*)(const float *const x[4], const float *const c[4], size_t taps, float out[4]);
void dot4_scalar(const float *const x[4], const float *const c[4], size_t taps, float out[4]);
void dot4_avx512(const float *const x[4], const float *const c[4], size_t taps, float out[4]);
// Two channels: windows x[0..3] (first channel) and x[4..7] (second) share
// coefficient rows c[0..3]; out[0..3] and out[4..7]. Bit-identical to dot4_avx512.
using Dot4x2Fn = void (*)(const float *const x[8], const float *const c[4], size_t taps, float out[8]);
void dot4x2_avx512(const float *const x[8], const float *const c[4], size_t taps, float out[8]);
// Four windows, two rows: outputs 0-1 use c0, 2-3 use c1 (c1 may equal c0).
// Bit-identical to dot4_avx512 with rows {c0, c0, c1, c1}.
using Dot4RowsFn = void (*)(const float *const x[4], const float *c0, const float *c1, size_t taps, float out[4]);
void dot4_rows_avx512(const float *const x[4], const float *c0, const float *c1, size_t taps, float out[4]);
// The same, summing in F64 (products of two floats are exact in F64).
float dot_wide_scalar(const float *x, const float *c, size_t taps);
void dot4_wide_scalar(const float *const x[4], const float *const c[4], size_t taps, float out[4]);
float dot_wide_avx512(const float *x, const float *c, size_t taps);
void dot4_wide_avx512(const float *const x[4], const float *const c[4], size_t taps, float out[4]);
// Structured ratios: hand-written AVX-512 kernels; the per-ISA tables below
// have the same work written once for every target.
// Integer decimation by M: 64 outputs from M phase streams (xr[r][j] = x[j*M + r]),
// xr[r] 64-byte aligned and readable for 16 floats past the last window.
void decimate64_aligned_avx512(const float *const *xr, unsigned M, const float *c, size_t taps, float *out);
// Ratio 2/3: 80 even outputs (row c0, streams 0-2) and 80 odd ones (row c1,
// streams 1-3) of xr[s][j] = x[3j + s]. Stream 3 is not read: it is stream 0
// one further on. The even outputs are bit-identical to the above (called at
// xr and at xr + 64), the odd ones equal within rounding (another order).
void decimate80x2_aligned_avx512(const float *const xr[3], const float *c0, const float *c1, size_t taps,
                                 float *out0, float *out1);
// The same for 32 + 32 outputs, reading all four streams; bit-identical to
// the single-phase kernel.
void decimate32x2_aligned_avx512(const float *const xr[4], const float *c0, const float *c1, size_t taps,
                                 float *out0, float *out1);
// out[4i + 0..3] = a[i], b[i], c[i], d[i] for i < n (stereo 2/3 stage: even
// and odd outputs of both channels to interleaved frames), and back (the
// stereo cascade's input split into even and odd frames of each channel).
void interleave4_avx2(const float *a, const float *b, const float *c, const float *d, size_t n, float *out);
void deinterleave4_avx2(const float *x, size_t n, float *a, float *b, float *c, float *d);
void interleave4_avx512(const float *a, const float *b, const float *c, const float *d, size_t n, float *out);
// x[3j + r] -> d_r[j] for j < 16 * vecs (integer decimation by 3, e.g. 48k -> 16k).
void split3_avx512(const float *src, size_t vecs, float *d0, float *d1, float *d2);
// Integer interpolation by L (2..6): 32 * L outputs in order; false if L is unsupported.
bool interpolate32_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out);
constexpr unsigned kMaxBlockInterpolation = 6;
// The same for L = 2..4 over 64 input positions (64 * L outputs, written
// `stride` floats apart: one channel of interleaved output) from x 64-byte
// aligned and readable up to x[round_up(taps, 16) + 80]; bit-identical to two
// interpolate32_avx512 calls. False if L is unsupported.
bool interpolate64_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out,
                                  size_t stride = 1);
constexpr unsigned kMaxBlock64Interpolation = 4;
// Stereo, L = 2..4: 32 input positions of interleaved frames (x[2j + c],
// 64-byte aligned, 2 * (32 + taps) floats readable) to 32 * L
// interleaved output frames; each channel bit-identical to
// interpolate32_avx512 on it alone. False if L is unsupported.
bool interpolate32x2_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out);
// The same for 40 positions (2 * (40 + taps) floats readable, 40 * L frames out).
bool interpolate40x2_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out);
// Rational ratios with up a multiple of 16 and down <= 1.5 up (44.1k <-> 48k,
// the 320/441 second stage at 44.1k -> 16k): 16 consecutive outputs, lane i
// with window x + r[i] (r[i] <= 24) and coefficients tb[m * 16 + i] (the
// rows of the 16 outputs' phases, transposed). Reads x up to x[taps + 23].
void gather16_avx512(const float *x, const float *tb, const int32_t *r, size_t taps, float *out);
inline constexpr int32_t kGatherMaxSpan = 24;
// Two groups with the same phases (a period apart): one coefficient load for
// both; bit-identical to two gather16_avx512 calls.
void gather16x2_avx512(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                       float *out0, float *out1);
// Where lanes are further apart (down <= 4 up), input-major (the Spread16
// tables below): out[i] = sum_m row_i[m] * x[r[i] + m] with tb[t * 16 + i]
// = row_i[t - r[i]] (r increasing; tb has taps + r[15] rows rounded up to
// a multiple of 4, zero outside each lane's row; x readable as far); lane i takes
// only its own window. The x2 / x4 kernels (groups with the same phases, a
// period apart or in other channels) load each coefficient once for all
// windows and give the bits of one window at a time.
inline constexpr int32_t kSpreadMaxSpan = 60;
// The exact copies (splits and interleaves) through the kernels of
// best_isa(): every ISA gives the same bits. e[m] = x[2m], o[m] = x[2m + 1]:
void deinterleave2(const float *x, size_t pairs, float *e, float *o);
// The same on AVX-512, unrolled (the stereo input split into the history).
void deinterleave2_avx512(const float *x, size_t pairs, float *e, float *o);
void interleave2(const float *e, const float *o, size_t pairs, float *x);
void interleave2_avx512(const float *e, const float *o, size_t pairs, float *x);
// a[m] = x[4m], b[m] = x[4m + 1], c[m] = x[4m + 2], d[m] = x[4m + 3] for m < n.
void deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *d);
// The cascade's half-band stage on e[m] = x[2m], o[m] = x[2m+1]:
// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]), in that
// order (the scalar reference; kHalfbandKernels has each ISA's, whose FMA
// agrees with it to rounding).
void halfband_block(const float *e, const float *o, const float *h, size_t K, size_t count, float *y);
// The same with the sums in registers (AVX-512F; FMA like the AVX-512 clone).
void halfband_block_avx512(const float *e, const float *o, const float *h, size_t K, size_t count, float *y);
// One row of a bank from an even prototype tabulated with one point before
// its centre (t[1] is the centre, t[0] = t[2]) and at least four zeros at
// its end: row[m] = the prototype at |x0 - m| x step table steps, by
// four-point Lagrange interpolation. taps is a multiple of 4. The AVX2
// version (with gathers) is bit-identical.
void table_row(const double *t, size_t len, double x0, double step, size_t taps, double *row);
void table_row_avx2(const double *t, size_t len, double x0, double step, size_t taps, double *row);
// One table per kernel, indexed by Isa (isa.h): Scalar is the reference,
// Neon, Avx2 and Avx512 the Highway kernels or a faster hand-written one.
// The block kernels' contracts are those of the AVX-512 kernels above
// (alignment, inputs readable as far, outputs as many), which run for Avx512.
using Decimate64Fn = void (*)(const float *const *xr, unsigned M, const float *c, size_t taps, float *out);
// Ratio 2/3, n (a multiple of 16) even and odd outputs from all four streams.
using DecimatePairFn = void (*)(const float *const xr[4], const float *c0, const float *c1, size_t taps,
                                float *out0, float *out1, size_t n);
using Split3Fn = void (*)(const float *src, size_t vecs, float *d0, float *d1, float *d2);
using Interleave4Fn = void (*)(const float *a, const float *b, const float *c, const float *d, size_t n,
                               float *out);
using Interpolate32Fn = bool (*)(const float *x, const float *bank, size_t taps, unsigned L, float *out);
using Interpolate64Fn = bool (*)(const float *x, const float *bank, size_t taps, unsigned L, float *out,
                                 size_t stride);
using InterpolateStereoFn = bool (*)(const float *x, const float *bank, size_t taps, unsigned L, float *out);
using Interpolate32x2Fn = InterpolateStereoFn;
using Interpolate40x2Fn = InterpolateStereoFn;
// 48 positions (2 * (48 + taps) floats readable, 48 * L frames out): whole
// blocks of three AVX2 vectors of sums per phase.
using Interpolate48x2Fn = InterpolateStereoFn;
using Dot4WideFn = Dot4Fn;
using Spread16Fn = void (*)(const float *x, const float *tb, const int32_t *r, size_t taps, float *out);
using Spread16x2Fn = void (*)(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                              float *out0, float *out1);
using Spread16x4Fn = void (*)(const float *const x[4], const float *tb, const int32_t *r, size_t taps,
                              float *const out[4]);
// Two groups with their own tables and lanes (each as spread16 alone).
using Spread16TwoFn = void (*)(const float *x0, const float *tb0, const int32_t *r0, const float *x1,
                               const float *tb1, const int32_t *r1, size_t taps, float *out0, float *out1);
using Deinterleave4Fn = void (*)(const float *x, size_t n, float *a, float *b, float *c, float *d);
using Deinterleave2Fn = void (*)(const float *x, size_t pairs, float *e, float *o);
using Interleave2Fn = void (*)(const float *e, const float *o, size_t pairs, float *x);
using HalfbandFn = void (*)(const float *e, const float *o, const float *h, size_t K, size_t count, float *y);

// The generic path.
extern const IsaKernels<Dot4Fn> kDot4Kernels;
extern const IsaKernels<Dot4WideFn> kDot4WideKernels;  // sums in F64
// Integer decimation, the 2/3 stage and the cascade's half-band.
extern const IsaKernels<Decimate64Fn> kDecimate64Kernels;
extern const IsaKernels<DecimatePairFn> kDecimatePairKernels;
extern const IsaKernels<HalfbandFn> kHalfbandKernels;
// Exact copies: stream splits and interleaves.
extern const IsaKernels<Split3Fn> kSplit3Kernels;
extern const IsaKernels<Interleave4Fn> kInterleave4Kernels;
extern const IsaKernels<Deinterleave4Fn> kDeinterleave4Kernels;
extern const IsaKernels<Deinterleave2Fn> kDeinterleave2Kernels;
extern const IsaKernels<Interleave2Fn> kInterleave2Kernels;
// Integer interpolation, one channel and stereo.
extern const IsaKernels<Interpolate32Fn> kInterpolate32Kernels;
extern const IsaKernels<Interpolate64Fn> kInterpolate64Kernels;
extern const IsaKernels<InterpolateStereoFn> kInterpolate32x2Kernels;
extern const IsaKernels<InterpolateStereoFn> kInterpolate40x2Kernels;
extern const IsaKernels<InterpolateStereoFn> kInterpolate48x2Kernels;
// Rational ratios.
extern const IsaKernels<Spread16Fn> kSpread16Kernels;
extern const IsaKernels<Spread16x2Fn> kSpread16x2Kernels;
extern const IsaKernels<Spread16x4Fn> kSpread16x4Kernels;
extern const IsaKernels<Spread16TwoFn> kSpread16TwoKernels;  // where it beats spread16 twice

// Integer interpolation by L of `positions` input positions of one channel
// (step 1, outputs `stride` floats apart) or of interleaved stereo frames
// (step 2, stride 2), false if L is unsupported; InterpolateEntries makes
// the four block kernels (Interpolate32Fn .. InterpolateStereoFn) of one.
using InterpolateAnyFn = bool (*)(const float *x, size_t step, const float *bank, size_t taps, unsigned L,
                                  size_t positions, float *out, size_t stride);
template <InterpolateAnyFn kAny>
struct InterpolateEntries {
  static bool mono32(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
    return kAny(x, 1, bank, taps, L, 32, out, 1);
  }
  static bool mono64(const float *x, const float *bank, size_t taps, unsigned L, float *out, size_t stride) {
    return L <= kMaxBlock64Interpolation && kAny(x, 1, bank, taps, L, 64, out, stride);
  }
  static bool stereo32(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
    return L <= kMaxBlock64Interpolation && kAny(x, 2, bank, taps, L, 32, out, 2);
  }
  static bool stereo40(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
    return L <= kMaxBlock64Interpolation && kAny(x, 2, bank, taps, L, 40, out, 2);
  }
  static bool stereo48(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
    return L <= kMaxBlock64Interpolation && kAny(x, 2, bank, taps, L, 48, out, 2);
  }
};

// The scalar references of the block kernels: each output a plain sum in
// tap order (resample_block_reference.cc).
namespace ref {
void decimate64(const float *const *xr, unsigned M, const float *c, size_t taps, float *out);
void decimate_pair(const float *const xr[4], const float *c0, const float *c1, size_t taps, float *out0,
                   float *out1, size_t n);
void split3(const float *src, size_t vecs, float *d0, float *d1, float *d2);
void interleave4(const float *a, const float *b, const float *c, const float *d, size_t n, float *out);
bool interpolate_any(const float *x, size_t step, const float *bank, size_t taps, unsigned L, size_t positions,
                     float *out, size_t stride);
using Interpolate = InterpolateEntries<&interpolate_any>;
void spread16(const float *x, const float *tb, const int32_t *r, size_t taps, float *out);
void spread16x2(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps, float *out0,
                float *out1);
void spread16x4(const float *const x[4], const float *tb, const int32_t *r, size_t taps, float *const out[4]);
void deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *d);
void deinterleave2(const float *x, size_t pairs, float *e, float *o);
void interleave2(const float *e, const float *o, size_t pairs, float *x);
void spread16_two(const float *x0, const float *tb0, const int32_t *r0, const float *x1, const float *tb1,
                  const int32_t *r1, size_t taps, float *out0, float *out1);
}  // namespace ref

// Windowed sinc at x input periods from the centre (for tests of the design).
double kaiser_sinc(double x, double fc, double half_width, double beta);
// kaiser_sinc(k / step, fc, half_width, beta) for k = 0 .. n-1, computed fast.
std::vector<double> prototype_on_grid(size_t n, size_t step, double fc, double half_width, double beta);
}  // namespace resample_detail

}  // namespace fastaudio
