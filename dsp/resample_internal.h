// SPDX-License-Identifier: LGPL-2.1-or-later
// What the resampler's files share and users do not see: the design
// constants, the banks and their caches, and the kernel choice.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <tuple>
#include <vector>

#include "resample.h"
#include "resample_kernels.h"

namespace fastaudio::resample_detail {

// Above this many phases the bank would not fit in cache: store a fixed
// number of phases and interpolate linearly between the two nearest.
inline constexpr uint32_t kMaxExactPhases = 2048;
// Downsampling, the filter is smoother in input periods by the ratio: as
// few phases as keep the same interpolation error (its square), at least
// kMinInterpolatedPhases, so the bank's size stays about that of 1:1
// whatever the ratio (2048 x 890 taps would be 7 MB for `high` at 96k -> 16k).
inline constexpr uint32_t kInterpolatedPhases = 2048;
inline constexpr uint32_t kMinInterpolatedPhases = 2;
// Phases are interpolated too where an exact bank would exceed this many
// coefficients (far downsampling: 47 x 254k taps at 48k -> 47 very-high).
inline constexpr size_t kMaxExactBankFloats = size_t(1) << 21;
inline uint32_t interpolated_phases(uint32_t up, uint32_t down) {
  const uint64_t p = (uint64_t(kInterpolatedPhases) * up + down - 1) / down;
  return uint32_t(std::clamp<uint64_t>(p, kMinInterpolatedPhases, kInterpolatedPhases));
}

// Interpolated equiripple banks (see interpolated_equiripple_bank): the
// prototype's design rate in multiples of the lower rate, and the
// interpolating Kaiser sinc's half-width (design samples) and beta.
inline constexpr unsigned kInterpFactor = 4;
inline constexpr size_t kInterpHalfWidth = 8;
inline constexpr double kInterpBeta = 18.0;

// Prototypes behind the banks of other than integer ratios are tabulated
// at this many points per period of the lower rate (four-point
// interpolation from there is exact to about 1e-11 of the peak).
inline constexpr size_t kTableSteps = 512;
// Banks kept after their resamplers are gone, in bytes (see retain()).
inline constexpr size_t kRetainedBankBytes = size_t(8) << 20;

// History frames consumed beyond what must be kept before it is moved down.
inline constexpr size_t kCompactSlack = 2048;

// Outputs made per block where they are written to another format or
// layout (the block, 7.5 kB in stereo, stays in L1 until written): a
// multiple of every block path's unit (64 outputs, 160, periods of 160
// and 320, interpolation by 2-6), so the blocks make the same outputs as
// one call.
inline constexpr size_t kOutputBlockFrames = 960;
// Most outputs before a block path's unit starts (a group of 16 outputs).
inline constexpr size_t kOutputBlockLead = 15;

// Taps are padded to a multiple of this (one AVX2 vector).
inline constexpr size_t kTapAlign = 8;

// Centre taps of a row summed in F64 where the rest is summed in F32
// (resample_centre.cc): a multiple of kTapAlign.
inline constexpr size_t kCentreTaps = 32;
// Most tables of eight outputs' centre taps kept per second stage (one per
// phase pattern: up / gcd(up, 8), 40 at 320/441); beyond, one output at a time.
inline constexpr size_t kMaxCentrePatterns = 64;

// The Gather path's outputs per kernel call (16 float lanes), and the fewest
// due in a last group for which a whole group beats the generic kernel.
inline constexpr size_t kGatherGroup = 16;
inline constexpr size_t kGatherMinLanes = 4;

// Outputs whose window [index, index + taps) ends at or before `end` (window
// coordinates), counting from the next one.
inline size_t outputs_before(uint64_t next_index, uint32_t next_phase, uint32_t up, uint32_t down,
                             size_t taps, uint64_t end) {
  if (end < next_index + taps) return 0;
  const unsigned __int128 e = end - taps - next_index;  // last allowed index offset
  const unsigned __int128 limit = (e + 1) * up;           // next_phase + j*down < limit
  return size_t((limit - next_phase + down - 1) / down);
}

// A polyphase bank, shared by every resampler with the same design (see
// resample_design.cc).
// `scale` is the lower rate / the input rate; `factor` the equiripple
// design's integer ratio, or 0 for the preset's Kaiser window.
std::shared_ptr<const std::vector<float>> shared_bank(size_t phases, bool extra_row, size_t taps, double scale,
                                                      const ResamplePreset &p, unsigned factor);
// Any bank by its design: (rows, extra row, taps, table steps per input
// period, gain or layout tag, prototype table), built by `build` on a miss
// and kept with the others (see retained_bank_bytes()).
using BankKey = std::tuple<size_t, bool, size_t, double, double, const void *>;
std::shared_ptr<const std::vector<float>> cached_bank(const BankKey &key,
                                                      const std::function<std::vector<float>()> &build);
// `row` (taps a multiple of 4) in F32 at `dst`, scaled by `gain`, or by
// 1 / its sum when gain is 0 (unity gain at DC; four partial sums, not one
// long chain).
void store_scaled_row(const double *row, size_t taps, double gain, float *dst);
// A preset's Kaiser-windowed sinc tabulated at kTableSteps per period of the
// lower rate (as table_row() reads it).
const std::vector<double> &kaiser_table(const ResamplePreset &p);
// A preset's equiripple prototype designed at kInterpFactor x the lower
// rate, made continuous and tabulated the same way (presets with one).
const std::vector<double> &equiripple_table(const ResamplePreset &p);
// Bytes of the banks kept alive for reuse: at most kRetainedBankBytes, or
// the one most recently used if it alone is bigger.
size_t retained_bank_bytes();
// An equiripple prototype interpolated onto the bank's grid (any ratio).
// extra_row: one more row (phase `phases`) for interpolating between phases.
std::shared_ptr<const std::vector<float>> interpolated_equiripple_bank(const ResamplePreset &p, int in_rate,
                                                                       int out_rate, size_t phases, bool extra_row,
                                                                       size_t taps);

// ---- Two-stage path: half-band 2:1 decimation, then the rational rest ----
//
// At 3:1 decimation (48k -> 16k) a half-band filter first halves the rate:
// only what folds into the output band (below out_rate / 2) must be
// rejected, so its transition band is wide (out/2 .. in/2 - out/2) and every
// other tap is zero. The 2/3 stage after it runs at half the input rate
// with the 3:1 equiripple prototype split into two phases: about half the
// multiplies per output of the single 3:1 stage.

// Half-band Kaiser designs: h[i] is the tap at +-(2i + 1), the centre is 1/2.
// At 3:1 (48k -> 16k) the stopband starts at 1/3 of the input rate; at
// 44.1k -> 16k it starts at 14.05k / 44.1k = 0.319, which takes more taps
// per side for the same rejection. `high` needs -130 dB there, `very-high`
// -150 dB (a larger beta, whose wider transition takes more taps again at
// 44.1k: K 16 reaches -153 dB at 3:1, K 20 -158 dB at 0.319).
struct HalfbandDesign {
  size_t K;     // odd taps per side
  double beta;
};
inline constexpr HalfbandDesign kHalfband3 = {14, 14.5};
inline constexpr HalfbandDesign kHalfbandNarrow = {16, 14.5};
inline constexpr HalfbandDesign kHalfbandVeryHigh3 = {16, 16.6};
inline constexpr HalfbandDesign kHalfbandVeryHighNarrow = {20, 17.0};
// The half-band of a two-stage preset; three_to_one: the ratio is exactly 3:1.
inline const HalfbandDesign &halfband_design(ResampleQuality q, bool three_to_one) {
  if (q == ResampleQuality::VeryHigh) return three_to_one ? kHalfbandVeryHigh3 : kHalfbandVeryHighNarrow;
  return three_to_one ? kHalfband3 : kHalfbandNarrow;
}

const std::vector<float> &halfband_taps(const HalfbandDesign &design);
// The same taps before their rounding to F32.
const std::vector<double> &halfband_taps_wide(const HalfbandDesign &design);

// The block paths (Decimate, TwoThirds, Interpolate, Gather) have kernels
// for every SIMD ISA; Scalar and Orc run the generic path.
constexpr bool has_block_kernels(Isa isa) { return isa != Isa::Scalar && isa != Isa::Orc; }

// Kernels that exist as hand-written AVX-512 ones only: null elsewhere.
extern const IsaKernels<Dot4x2Fn> kDot4x2Kernels;
extern const IsaKernels<Dot4RowsFn> kDot4RowsKernels;
using Gather16Fn = void (*)(const float *x, const float *tb, const int32_t *r, size_t taps, float *out);
using Gather16x2Fn = void (*)(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                              float *out0, float *out1);
extern const IsaKernels<Gather16Fn> kGather16Kernels;
extern const IsaKernels<Gather16x2Fn> kGather16x2Kernels;
using TableRowFn = void (*)(const double *t, size_t len, double x0, double step, size_t taps, double *row);
extern const IsaKernels<TableRowFn> kTableRowKernels;

// The four-output kernels of the generic path for an ISA.
struct Kernels {
  Dot4Fn dot4;
  Dot4x2Fn dot4x2 = nullptr;  // channel pairs, where a kernel exists
  Dot4RowsFn dot4_rows = nullptr;  // outputs a period apart sharing rows
};

Kernels kernels_for(Isa isa, bool wide);

// The input's split into even and odd frames: deinterleave2().
void split_pairs(const float *x, size_t pairs, float *e, float *o);

// The half-band stage's kernel for the inner stage's ISA.
void run_halfband(Isa isa, const float *e, const float *o, const float *h, size_t K, size_t count, float *y);
// The same sum in F64 with F64 taps, rounded once (dsp/resample_wide_sums.cc);
// K at most kMaxWideHalfbandK.
inline constexpr size_t kMaxWideHalfbandK = 32;
void halfband_block_wide(Isa isa, const float *e, const float *o, const double *h, size_t K, size_t count,
                         float *y);
// Centre taps of kCentreGroup consecutive outputs in F64 (resample_centre.cc):
// out[l * stride] += sum_t table[t * kCentreGroup + l] * x[t] for t < span,
// rounded once.
inline constexpr size_t kCentreGroup = 8;
void centre_group_wide(Isa isa, const float *x, const double *table, size_t span, float *out, size_t stride);

}  // namespace fastaudio::resample_detail
