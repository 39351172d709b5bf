// SPDX-License-Identifier: LGPL-2.1-or-later
#include <algorithm>
// FIR inner products for the resampler with AVX2+FMA and AVX-512F. Built for
// baseline x86-64: only the functions marked with a target attribute use the
// wider instructions, and they are reached only after a run-time CPU check.
// Taps are always a multiple of 8. Several independent accumulators hide the
// FMA latency; the 4-output variants also share the loop overhead.
#include <immintrin.h>
#include <utility>

// GCC 12's AVX-512 headers read an intentionally undefined register in some
// intrinsics (masked loads, casts) and warn about it when they are inlined.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "resample.h"
#include "resample_kernels.h"

#include "simd_avx2.h"
#include "simd_avx512.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))
#define FA_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace fastaudio::resample_detail {

namespace {


FA_AVX512 inline float hsum512(__m512 v) {
  const __m256 lo = _mm512_castps512_ps256(v);
  const __m256 hi = _mm512_castps512_ps256(_mm512_shuffle_f32x4(v, v, 0xEE));
  return simd_avx2::hsum(_mm256_add_ps(lo, hi));
}

// Horizontal sums of four vectors at once: [sum(a), sum(b), sum(c), sum(d)].
FA_AVX2 inline __m128 hsum4x256(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 ab = simd_avx2::pair_sums(a, b), cd = simd_avx2::pair_sums(c, d);
  const __m256 abcd = simd_avx2::pair_sums(ab, cd);
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

FA_AVX512 inline __m256 fold512(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_castps512_ps256(_mm512_shuffle_f32x4(v, v, 0xEE)));
}

}  // namespace

FA_AVX2 void dot4_avx2(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  __m256 a[4][2];
  for (int q = 0; q < 4; q++) a[q][0] = a[q][1] = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= taps; i += 16) {
    for (int q = 0; q < 4; q++) {
      a[q][0] = _mm256_fmadd_ps(_mm256_loadu_ps(x[q] + i), _mm256_loadu_ps(c[q] + i), a[q][0]);
      a[q][1] = _mm256_fmadd_ps(_mm256_loadu_ps(x[q] + i + 8), _mm256_loadu_ps(c[q] + i + 8), a[q][1]);
    }
  }
  if (i < taps) {
    for (int q = 0; q < 4; q++)
      a[q][0] = _mm256_fmadd_ps(_mm256_loadu_ps(x[q] + i), _mm256_loadu_ps(c[q] + i), a[q][0]);
  }
  _mm_storeu_ps(out, hsum4x256(_mm256_add_ps(a[0][0], a[0][1]), _mm256_add_ps(a[1][0], a[1][1]),
                                _mm256_add_ps(a[2][0], a[2][1]), _mm256_add_ps(a[3][0], a[3][1])));
}

FA_AVX512 void dot4_avx512(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  __m512 a[4][2];
  for (int q = 0; q < 4; q++) a[q][0] = a[q][1] = _mm512_setzero_ps();
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  const float *c0 = c[0], *c1 = c[1], *c2 = c[2], *c3 = c[3];
  size_t i = 0;
  for (; i + 32 <= taps; i += 32) {
    a[0][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x0 + i), _mm512_loadu_ps(c0 + i), a[0][0]);
    a[1][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x1 + i), _mm512_loadu_ps(c1 + i), a[1][0]);
    a[2][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x2 + i), _mm512_loadu_ps(c2 + i), a[2][0]);
    a[3][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x3 + i), _mm512_loadu_ps(c3 + i), a[3][0]);
    a[0][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x0 + i + 16), _mm512_loadu_ps(c0 + i + 16), a[0][1]);
    a[1][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x1 + i + 16), _mm512_loadu_ps(c1 + i + 16), a[1][1]);
    a[2][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x2 + i + 16), _mm512_loadu_ps(c2 + i + 16), a[2][1]);
    a[3][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x3 + i + 16), _mm512_loadu_ps(c3 + i + 16), a[3][1]);
  }
  for (; i < taps; i += 16) {
    const __mmask16 m = simd_avx512::tail_mask(taps - i);
    a[0][0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x0 + i), _mm512_maskz_loadu_ps(m, c0 + i), a[0][0]);
    a[1][0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x1 + i), _mm512_maskz_loadu_ps(m, c1 + i), a[1][0]);
    a[2][0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x2 + i), _mm512_maskz_loadu_ps(m, c2 + i), a[2][0]);
    a[3][0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x3 + i), _mm512_maskz_loadu_ps(m, c3 + i), a[3][0]);
  }
  _mm_storeu_ps(out, hsum4x256(fold512(_mm512_add_ps(a[0][0], a[0][1])), fold512(_mm512_add_ps(a[1][0], a[1][1])),
                                fold512(_mm512_add_ps(a[2][0], a[2][1])), fold512(_mm512_add_ps(a[3][0], a[3][1]))));
}

// Two channels at once (stereo): the same four coefficient rows for both, so
// each coefficient load feeds two FMAs. Per output the summation order is
// exactly dot4_avx512's, so results are bit-identical to it.
FA_AVX512 void dot4x2_avx512(const float *const x[8], const float *const c[4], size_t taps, float out[8]) {
  const float *p0 = x[0], *p1 = x[1], *p2 = x[2], *p3 = x[3], *s0 = x[4], *s1 = x[5], *s2 = x[6], *s3 = x[7];
  const float *c0 = c[0], *c1 = c[1], *c2 = c[2], *c3 = c[3];
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  __m512 e0 = a0, e1 = a0, e2 = a0, e3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;  // second halves
  size_t i = 0;
#define FA_STEP(acc_a, acc_b, o)                                                      \
  {                                                                                   \
    __m512 k = _mm512_loadu_ps(c0 + (o));                                             \
    acc_a##0 = _mm512_fmadd_ps(_mm512_loadu_ps(p0 + (o)), k, acc_a##0);               \
    acc_b##0 = _mm512_fmadd_ps(_mm512_loadu_ps(s0 + (o)), k, acc_b##0);               \
    k = _mm512_loadu_ps(c1 + (o));                                                    \
    acc_a##1 = _mm512_fmadd_ps(_mm512_loadu_ps(p1 + (o)), k, acc_a##1);               \
    acc_b##1 = _mm512_fmadd_ps(_mm512_loadu_ps(s1 + (o)), k, acc_b##1);               \
    k = _mm512_loadu_ps(c2 + (o));                                                    \
    acc_a##2 = _mm512_fmadd_ps(_mm512_loadu_ps(p2 + (o)), k, acc_a##2);               \
    acc_b##2 = _mm512_fmadd_ps(_mm512_loadu_ps(s2 + (o)), k, acc_b##2);               \
    k = _mm512_loadu_ps(c3 + (o));                                                    \
    acc_a##3 = _mm512_fmadd_ps(_mm512_loadu_ps(p3 + (o)), k, acc_a##3);               \
    acc_b##3 = _mm512_fmadd_ps(_mm512_loadu_ps(s3 + (o)), k, acc_b##3);               \
  }
  for (; i + 32 <= taps; i += 32) {
    FA_STEP(a, b, i)
    FA_STEP(e, f, i + 16)
  }
#undef FA_STEP
  for (; i < taps; i += 16) {
    const __mmask16 m = simd_avx512::tail_mask(taps - i);
    __m512 k = _mm512_maskz_loadu_ps(m, c0 + i);
    a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p0 + i), k, a0);
    b0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, s0 + i), k, b0);
    k = _mm512_maskz_loadu_ps(m, c1 + i);
    a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p1 + i), k, a1);
    b1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, s1 + i), k, b1);
    k = _mm512_maskz_loadu_ps(m, c2 + i);
    a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p2 + i), k, a2);
    b2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, s2 + i), k, b2);
    k = _mm512_maskz_loadu_ps(m, c3 + i);
    a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p3 + i), k, a3);
    b3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, s3 + i), k, b3);
  }
  _mm_storeu_ps(out, hsum4x256(fold512(_mm512_add_ps(a0, e0)), fold512(_mm512_add_ps(a1, e1)),
                               fold512(_mm512_add_ps(a2, e2)), fold512(_mm512_add_ps(a3, e3))));
  _mm_storeu_ps(out + 4, hsum4x256(fold512(_mm512_add_ps(b0, f0)), fold512(_mm512_add_ps(b1, f1)),
                                   fold512(_mm512_add_ps(b2, f2)), fold512(_mm512_add_ps(b3, f3))));
}

// Four windows with two coefficient rows: outputs 0 and 1 use c0, 2 and 3
// use c1 (or all four c0 when c1 == c0: one coefficient load per four FMAs).
// For outputs one period (up outputs) apart, which share a phase. Per output
// the summation order is exactly dot4_avx512's.
template <bool kSame>
FA_AVX512 inline void dot4_rows(const float *const x[4], const float *c0, const float *c1, size_t taps,
                                float out[4]) {
  const float *p0 = x[0], *p1 = x[1], *p2 = x[2], *p3 = x[3];
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
  size_t i = 0;
  for (; i + 32 <= taps; i += 32) {
    const __m512 k0 = _mm512_loadu_ps(c0 + i), h0 = _mm512_loadu_ps(c0 + i + 16);
    const __m512 k1 = kSame ? k0 : _mm512_loadu_ps(c1 + i), h1 = kSame ? h0 : _mm512_loadu_ps(c1 + i + 16);
    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(p0 + i), k0, a0);
    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(p1 + i), k0, a1);
    a2 = _mm512_fmadd_ps(_mm512_loadu_ps(p2 + i), k1, a2);
    a3 = _mm512_fmadd_ps(_mm512_loadu_ps(p3 + i), k1, a3);
    e0 = _mm512_fmadd_ps(_mm512_loadu_ps(p0 + i + 16), h0, e0);
    e1 = _mm512_fmadd_ps(_mm512_loadu_ps(p1 + i + 16), h0, e1);
    e2 = _mm512_fmadd_ps(_mm512_loadu_ps(p2 + i + 16), h1, e2);
    e3 = _mm512_fmadd_ps(_mm512_loadu_ps(p3 + i + 16), h1, e3);
  }
  for (; i < taps; i += 16) {
    const __mmask16 m = simd_avx512::tail_mask(taps - i);
    const __m512 k0 = _mm512_maskz_loadu_ps(m, c0 + i), k1 = kSame ? k0 : _mm512_maskz_loadu_ps(m, c1 + i);
    a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p0 + i), k0, a0);
    a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p1 + i), k0, a1);
    a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p2 + i), k1, a2);
    a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p3 + i), k1, a3);
  }
  _mm_storeu_ps(out, hsum4x256(fold512(_mm512_add_ps(a0, e0)), fold512(_mm512_add_ps(a1, e1)),
                               fold512(_mm512_add_ps(a2, e2)), fold512(_mm512_add_ps(a3, e3))));
}

FA_AVX512 void dot4_rows_avx512(const float *const x[4], const float *c0, const float *c1, size_t taps,
                                float out[4]) {
  if (c0 == c1) dot4_rows<true>(x, c0, c0, taps, out);
  else dot4_rows<false>(x, c0, c1, taps, out);
}

FA_AVX2 float dot_wide_avx2(const float *x, const float *c, size_t taps) {
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd(), a2 = _mm256_setzero_pd(),
          a3 = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 16 <= taps; i += 16) {
    a0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), _mm256_cvtps_pd(_mm_loadu_ps(c + i)), a0);
    a1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i + 4)), _mm256_cvtps_pd(_mm_loadu_ps(c + i + 4)), a1);
    a2 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i + 8)), _mm256_cvtps_pd(_mm_loadu_ps(c + i + 8)), a2);
    a3 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i + 12)), _mm256_cvtps_pd(_mm_loadu_ps(c + i + 12)), a3);
  }
  for (; i < taps; i += 4)
    a0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), _mm256_cvtps_pd(_mm_loadu_ps(c + i)), a0);
  __m256d s = _mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3));
  __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  return float(_mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h))));
}

FA_AVX2 void dot4_wide_avx2(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = dot_wide_avx2(x[q], c[q], taps);
}

FA_AVX512 float dot_wide_avx512(const float *x, const float *c, size_t taps) {
  __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd(), a2 = _mm512_setzero_pd(),
          a3 = _mm512_setzero_pd();
  size_t i = 0;
  for (; i + 32 <= taps; i += 32) {
    a0 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i)), _mm512_cvtps_pd(_mm256_loadu_ps(c + i)), a0);
    a1 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i + 8)), _mm512_cvtps_pd(_mm256_loadu_ps(c + i + 8)), a1);
    a2 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i + 16)), _mm512_cvtps_pd(_mm256_loadu_ps(c + i + 16)), a2);
    a3 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i + 24)), _mm512_cvtps_pd(_mm256_loadu_ps(c + i + 24)), a3);
  }
  for (; i < taps; i += 8)
    a0 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i)), _mm512_cvtps_pd(_mm256_loadu_ps(c + i)), a0);
  const __m512d s = _mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3));
  const __m256d q = _mm256_add_pd(_mm512_castpd512_pd256(s),
                                  _mm256_castps_pd(_mm512_castps512_ps256(_mm512_shuffle_f32x4(
                                      _mm512_castpd_ps(s), _mm512_castpd_ps(s), 0xEE))));
  __m128d h = _mm_add_pd(_mm256_castpd256_pd128(q), _mm256_extractf128_pd(q, 1));
  return float(_mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h))));
}

FA_AVX512 void dot4_wide_avx512(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = dot_wide_avx512(x[q], c[q], taps);
}

}  // namespace fastaudio::resample_detail

namespace fastaudio::resample_detail {

// Window s of a block of 16 taps (x[jb + s + 16k ...], k-th vector): the
// even ones are shifted out of the block's aligned loads (valignd, the FP
// shuffle ports), the odd ones loaded unaligned (the load ports). Half and
// half keeps both kinds of port busy: 15-20 % faster than all valignd when
// one window feeds one or two FMAs. Same values either way.
template <int S>
FA_AVX512 inline __m512 tap_window(__m512i lo, __m512i hi, const float *at) {
  if constexpr (S == 0) return _mm512_castsi512_ps(lo);
  else if constexpr (S % 2 == 1) return _mm512_loadu_ps(at);
  else return _mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, S));
}

// Integer decimation, 64 consecutive outputs: out[n] = sum_m c[m] * x[n*M + m],
// with the input split into M phase streams xr[r][j] = x[j*M + r] so that the
// 16 lanes of a vector are 16 consecutive outputs and each coefficient is
// broadcast once for four vectors. The 16 shifted windows of 16 consecutive
// taps come from the block's aligned loads (tap_window: half by valignd,
// half by unaligned loads). xr[r] must be 64-byte aligned. Summed phase
// by phase: agrees with dot_scalar within rounding.
FA_AVX512 void decimate64_aligned_avx512(const float *const *xr, unsigned M, const float *c, size_t taps,
                                         float *out) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  for (unsigned r = 0; r < M; r++) {
    const float *x = xr[r];
    const size_t n = (taps > r) ? (taps - r + M - 1) / M : 0;  // taps j*M + r < taps
    for (size_t jb = 0; jb < n; jb += 16) {
      const __m512i v0 = _mm512_castps_si512(_mm512_load_ps(x + jb));
      const __m512i v1 = _mm512_castps_si512(_mm512_load_ps(x + jb + 16));
      const __m512i v2 = _mm512_castps_si512(_mm512_load_ps(x + jb + 32));
      const __m512i v3 = _mm512_castps_si512(_mm512_load_ps(x + jb + 48));
      const __m512i v4 = _mm512_castps_si512(_mm512_load_ps(x + jb + 64));
      const size_t left = n - jb;
#define FA_TAP(s)                                                                                   \
  if ((s) < left) {                                                                                 \
    const __m512 k = _mm512_set1_ps(c[(jb + (s)) * M + r]);                                        \
    a0 = _mm512_fmadd_ps(k, tap_window<(s)>(v0, v1, x + jb + (s)), a0);                        \
    a1 = _mm512_fmadd_ps(k, tap_window<(s)>(v1, v2, x + jb + (s) + 16), a1);                   \
    a2 = _mm512_fmadd_ps(k, tap_window<(s)>(v2, v3, x + jb + (s) + 32), a2);                   \
    a3 = _mm512_fmadd_ps(k, tap_window<(s)>(v3, v4, x + jb + (s) + 48), a3);                   \
  }
      FA_TAP(0) FA_TAP(1) FA_TAP(2) FA_TAP(3) FA_TAP(4) FA_TAP(5) FA_TAP(6) FA_TAP(7)
      FA_TAP(8) FA_TAP(9) FA_TAP(10) FA_TAP(11) FA_TAP(12) FA_TAP(13) FA_TAP(14) FA_TAP(15)
#undef FA_TAP
    }
  }
  _mm512_storeu_ps(out, a0);
  _mm512_storeu_ps(out + 16, a1);
  _mm512_storeu_ps(out + 32, a2);
  _mm512_storeu_ps(out + 48, a3);
}

namespace {

// Taps of rows c0 (streams 0-2) and c1 (streams 1-3) on stream st of the
// 2/3 stage: c0's tap j * 3 + st and c1's tap j * 3 + st - 1 exist for j
// below these.
struct PairTapCounts {
  size_t n0, n1;
};
inline PairTapCounts pair_tap_counts(unsigned st, size_t taps) {
  const size_t n0 = st < 3 && taps > st ? (taps - st + 2) / 3 : 0;
  const size_t n1 = st >= 1 && taps > st - 1 ? (taps - st + 3) / 3 : 0;
  return {n0, n1};
}

}  // namespace

// Ratio 2/3 as two 3:1 decimations: 80 even outputs (row c0 on streams
// 0, 1, 2) and 80 odd ones (row c1 on streams 1, 2, 3), where xr[s][j] = x[3j + s].
// Every shifted window is made once for two FMAs: streams 1 and 2 serve
// both rows, and stream 3 is stream 0 one further on, so the window of
// stream 0 at j also serves row c1's stream-3 tap at j - 1 (5 % faster than
// a pass over stream 3 of its own). 160 outputs per call: 10 ms at 16 kHz
// and its multiples are whole calls. The even outputs sum in the order
// decimate64_aligned_avx512 does (bit-identical); the odd ones add stream 3's
// taps first (the same sums, in another order).
FA_AVX512 void decimate80x2_aligned_avx512(const float *const xr[3], const float *c0, const float *c1, size_t taps,
                                           float *out0, float *out1) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
  for (unsigned st = 0; st < 3; st++) {
    const float *x = xr[st];
    const PairTapCounts counts = pair_tap_counts(st, taps);
    const size_t n0 = counts.n0;
    // On stream 0, row c1's stream-3 tap (j - 1) * 3 + 2, for 1 <= j <= taps / 3.
    const size_t n1 = st >= 1 ? counts.n1 : taps / 3 + 1;
    const size_t n = std::max(n0, n1);
    for (size_t jb = 0; jb < n; jb += 16) {
      const __m512i v0 = _mm512_castps_si512(_mm512_load_ps(x + jb));
      const __m512i v1 = _mm512_castps_si512(_mm512_load_ps(x + jb + 16));
      const __m512i v2 = _mm512_castps_si512(_mm512_load_ps(x + jb + 32));
      const __m512i v3 = _mm512_castps_si512(_mm512_load_ps(x + jb + 48));
      const __m512i v4 = _mm512_castps_si512(_mm512_load_ps(x + jb + 64));
      const __m512i v5 = _mm512_castps_si512(_mm512_load_ps(x + jb + 80));
#define FA_TAP2(s)                                                                             \
  {                                                                                            \
    const size_t j = jb + (s);                                                                 \
    const bool t0 = j < n0, t1 = j < n1 && (st > 0 || j > 0);                                  \
    if (t0 || t1) {                                                                            \
      const __m512 w0 = tap_window<(s)>(v0, v1, x + jb + (s));                                 \
      const __m512 w1 = tap_window<(s)>(v1, v2, x + jb + (s) + 16);                            \
      const __m512 w2 = tap_window<(s)>(v2, v3, x + jb + (s) + 32);                            \
      const __m512 w3 = tap_window<(s)>(v3, v4, x + jb + (s) + 48);                            \
      const __m512 w4 = tap_window<(s)>(v4, v5, x + jb + (s) + 64);                            \
      if (t0) {                                                                                \
        const __m512 k = _mm512_set1_ps(c0[j * 3 + st]);                                       \
        a0 = _mm512_fmadd_ps(k, w0, a0), a1 = _mm512_fmadd_ps(k, w1, a1);                     \
        a2 = _mm512_fmadd_ps(k, w2, a2), a3 = _mm512_fmadd_ps(k, w3, a3);                     \
        a4 = _mm512_fmadd_ps(k, w4, a4);                                                       \
      }                                                                                        \
      if (t1) {                                                                                \
        const __m512 k = _mm512_set1_ps(c1[j * 3 + st - 1]);                                   \
        b0 = _mm512_fmadd_ps(k, w0, b0), b1 = _mm512_fmadd_ps(k, w1, b1);                     \
        b2 = _mm512_fmadd_ps(k, w2, b2), b3 = _mm512_fmadd_ps(k, w3, b3);                     \
        b4 = _mm512_fmadd_ps(k, w4, b4);                                                       \
      }                                                                                        \
    }                                                                                          \
  }
      FA_TAP2(0) FA_TAP2(1) FA_TAP2(2) FA_TAP2(3) FA_TAP2(4) FA_TAP2(5) FA_TAP2(6) FA_TAP2(7)
      FA_TAP2(8) FA_TAP2(9) FA_TAP2(10) FA_TAP2(11) FA_TAP2(12) FA_TAP2(13) FA_TAP2(14) FA_TAP2(15)
#undef FA_TAP2
    }
  }
  _mm512_storeu_ps(out0, a0);
  _mm512_storeu_ps(out0 + 16, a1);
  _mm512_storeu_ps(out0 + 32, a2);
  _mm512_storeu_ps(out0 + 48, a3);
  _mm512_storeu_ps(out0 + 64, a4);
  _mm512_storeu_ps(out1, b0);
  _mm512_storeu_ps(out1 + 16, b1);
  _mm512_storeu_ps(out1 + 32, b2);
  _mm512_storeu_ps(out1 + 48, b3);
  _mm512_storeu_ps(out1 + 64, b4);
}

namespace {

// Tap jb + S of one stream of the 32 + 32 kernel below, for C channels:
// its two windows per channel (stream x[c] at jb + S and 16 on) into row
// c0's sums a (while the tap exists for it) and row c1's sums b.
template <size_t C, int S>
FA_AVX512 inline void tap32x2(const __m512i (&v)[C][3], const float *const (&x)[C], size_t jb, unsigned st,
                              PairTapCounts n, const float *c0, const float *c1, __m512 (&a)[C][2],
                              __m512 (&b)[C][2]) {
  const size_t j = jb + S;
  const bool t0 = j < n.n0, t1 = j < n.n1;
  if (!t0 && !t1) return;
  __m512 w[C][2];
#pragma GCC unroll 2
  for (size_t c = 0; c < C; c++) {
    w[c][0] = tap_window<S>(v[c][0], v[c][1], x[c] + jb + S);
    w[c][1] = tap_window<S>(v[c][1], v[c][2], x[c] + jb + S + 16);
  }
  if (t0) {
    const __m512 k = _mm512_set1_ps(c0[j * 3 + st]);
#pragma GCC unroll 2
    for (size_t c = 0; c < C; c++) {
      a[c][0] = _mm512_fmadd_ps(k, w[c][0], a[c][0]);
      a[c][1] = _mm512_fmadd_ps(k, w[c][1], a[c][1]);
    }
  }
  if (t1) {
    const __m512 k = _mm512_set1_ps(c1[j * 3 + st - 1]);
#pragma GCC unroll 2
    for (size_t c = 0; c < C; c++) {
      b[c][0] = _mm512_fmadd_ps(k, w[c][0], b[c][0]);
      b[c][1] = _mm512_fmadd_ps(k, w[c][1], b[c][1]);
    }
  }
}

template <size_t C, int... S>
FA_AVX512 inline void taps32x2(const __m512i (&v)[C][3], const float *const (&x)[C], size_t jb, unsigned st,
                               PairTapCounts n, const float *c0, const float *c1, __m512 (&a)[C][2],
                               __m512 (&b)[C][2], std::integer_sequence<int, S...>) {
  (tap32x2<C, S>(v, x, jb, st, n, c0, c1, a, b), ...);
}

// 32 even and 32 odd outputs (a buffer's last partial block of at most 64
// outputs) for C channels at once, streams[c] holding channel c's four
// phase streams: over all four streams in the single-phase kernel's order,
// so each channel is bit-identical to decimate64_aligned_avx512 on it. With
// C = 2 each coefficient broadcast feeds four FMAs instead of two. Inlined
// into each entry point, as spread16 is.
template <size_t C>
FA_AVX512 __attribute__((always_inline)) inline void decimate32x2(const float *const *const (&streams)[C],
                                                                  const float *c0, const float *c1, size_t taps,
                                                                  float *const (&out0)[C], float *const (&out1)[C]) {
  __m512 a[C][2], b[C][2];
#pragma GCC unroll 2
  for (size_t c = 0; c < C; c++) a[c][0] = a[c][1] = b[c][0] = b[c][1] = _mm512_setzero_ps();
  for (unsigned st = 0; st < 4; st++) {
    const float *x[C];
#pragma GCC unroll 2
    for (size_t c = 0; c < C; c++) x[c] = streams[c][st];
    const PairTapCounts n = pair_tap_counts(st, taps);
    for (size_t jb = 0; jb < std::max(n.n0, n.n1); jb += 16) {
      __m512i v[C][3];
#pragma GCC unroll 2
      for (size_t c = 0; c < C; c++)
#pragma GCC unroll 3
        for (size_t k = 0; k < 3; k++) v[c][k] = _mm512_castps_si512(_mm512_load_ps(x[c] + jb + 16 * k));
      taps32x2<C>(v, x, jb, st, n, c0, c1, a, b, std::make_integer_sequence<int, 16>());
    }
  }
#pragma GCC unroll 2
  for (size_t c = 0; c < C; c++) {
    _mm512_storeu_ps(out0[c], a[c][0]);
    _mm512_storeu_ps(out0[c] + 16, a[c][1]);
    _mm512_storeu_ps(out1[c], b[c][0]);
    _mm512_storeu_ps(out1[c] + 16, b[c][1]);
  }
}

}  // namespace

FA_AVX512 void decimate32x2_aligned_avx512(const float *const xr[4], const float *c0, const float *c1, size_t taps,
                                           float *out0, float *out1) {
  decimate32x2<1>({xr}, c0, c1, taps, {out0}, {out1});
}

FA_AVX512 void decimate32x2_stereo_aligned_avx512(const float *const xl[4], const float *const xr[4],
                                                  const float *c0, const float *c1, size_t taps, float *out_l0,
                                                  float *out_l1, float *out_r0, float *out_r1) {
  decimate32x2<2>({xl, xr}, c0, c1, taps, {out_l0, out_r0}, {out_l1, out_r1});
}

// e[m] = x[2m], o[m] = x[2m + 1]: 64 pairs per iteration (eight loads in
// flight). Splitting a stereo buffer that comes from memory, the compiler's
// one-vector loop (deinterleave2) takes about 1.4x memcpy's time for the same
// bytes; this one about memcpy's.
FA_AVX512 void deinterleave2_avx512(const float *x, size_t pairs, float *e, float *o) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  size_t m = 0;
  for (; m + 64 <= pairs; m += 64) {
    __m512 a[4], b[4];
    for (int v = 0; v < 4; v++) a[v] = _mm512_loadu_ps(x + 2 * m + 32 * v), b[v] = _mm512_loadu_ps(x + 2 * m + 32 * v + 16);
    for (int v = 0; v < 4; v++) {
      _mm512_storeu_ps(e + m + 16 * v, _mm512_permutex2var_ps(a[v], ie, b[v]));
      _mm512_storeu_ps(o + m + 16 * v, _mm512_permutex2var_ps(a[v], io, b[v]));
    }
  }
  for (; m + 16 <= pairs; m += 16) {
    const __m512 a = _mm512_loadu_ps(x + 2 * m), b = _mm512_loadu_ps(x + 2 * m + 16);
    _mm512_storeu_ps(e + m, _mm512_permutex2var_ps(a, ie, b));
    _mm512_storeu_ps(o + m, _mm512_permutex2var_ps(a, io, b));
  }
  for (; m < pairs; m++) e[m] = x[2 * m], o[m] = x[2 * m + 1];
}

// out[4i .. 4i + 3] = a[i], b[i], c[i], d[i] for i < n: 16 quads per four
// permute pairs and four stores.
FA_AVX512 void interleave4_avx512(const float *a, const float *b, const float *c, const float *d, size_t n,
                                  float *out) {
  // ab / cd: pairs of lanes 0-7 (lo) and 8-15 (hi); then pairs of pairs.
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512i lo2 = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i hi2 = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 va = _mm512_loadu_ps(a + i), vb = _mm512_loadu_ps(b + i);
    const __m512 vc = _mm512_loadu_ps(c + i), vd = _mm512_loadu_ps(d + i);
    const __m512d ab0 = _mm512_castps_pd(_mm512_permutex2var_ps(va, lo, vb));
    const __m512d ab1 = _mm512_castps_pd(_mm512_permutex2var_ps(va, hi, vb));
    const __m512d cd0 = _mm512_castps_pd(_mm512_permutex2var_ps(vc, lo, vd));
    const __m512d cd1 = _mm512_castps_pd(_mm512_permutex2var_ps(vc, hi, vd));
    double *o = reinterpret_cast<double *>(out + 4 * i);
    _mm512_storeu_pd(o, _mm512_permutex2var_pd(ab0, lo2, cd0));
    _mm512_storeu_pd(o + 8, _mm512_permutex2var_pd(ab0, hi2, cd0));
    _mm512_storeu_pd(o + 16, _mm512_permutex2var_pd(ab1, lo2, cd1));
    _mm512_storeu_pd(o + 24, _mm512_permutex2var_pd(ab1, hi2, cd1));
  }
  for (; i < n; i++) out[4 * i] = a[i], out[4 * i + 1] = b[i], out[4 * i + 2] = c[i], out[4 * i + 3] = d[i];
}

// Splits 48 * vecs interleaved floats into 3 phase streams (x[3j + r]):
// two permutes per output vector instead of 48 scalar copies.
FA_AVX512 void split3_avx512(const float *src, size_t vecs, float *d0, float *d1, float *d2) {
  float *dst[3] = {d0, d1, d2};
  __m512i from_ab[3], from_tc[3];
  for (int r = 0; r < 3; r++) {
    alignas(64) int32_t ab[16], tc[16];
    for (int q = 0; q < 16; q++) {
      const int i = 3 * q + r;
      ab[q] = i < 32 ? i : 0;
      tc[q] = i < 32 ? q : 16 + (i - 32);
    }
    from_ab[r] = _mm512_load_si512(ab);
    from_tc[r] = _mm512_load_si512(tc);
  }
  for (size_t v = 0; v < vecs; v++) {
    const __m512 a = _mm512_loadu_ps(src + 48 * v), b = _mm512_loadu_ps(src + 48 * v + 16),
                 c = _mm512_loadu_ps(src + 48 * v + 32);
    for (int r = 0; r < 3; r++) {
      const __m512 t = _mm512_permutex2var_ps(a, from_ab[r], b);
      _mm512_storeu_ps(dst[r] + 16 * v, _mm512_permutex2var_ps(t, from_tc[r], c));
    }
  }
}

namespace {

// Integer interpolation by L, 32 consecutive input positions: out[q*L + p] =
// sum_m bank[p][m] * x[q + m]. One load of x feeds L FMAs.
template <unsigned L>
FA_AVX512 void interpolate32(const float *x, const float *bank, size_t taps, float *out) {
  __m512 a[L][2];
  for (unsigned p = 0; p < L; p++) a[p][0] = a[p][1] = _mm512_setzero_ps();
  for (size_t m = 0; m < taps; m++) {
    const __m512 x0 = _mm512_loadu_ps(x + m), x1 = _mm512_loadu_ps(x + m + 16);
    for (unsigned p = 0; p < L; p++) {
      const __m512 k = _mm512_set1_ps(bank[p * taps + m]);
      a[p][0] = _mm512_fmadd_ps(k, x0, a[p][0]);
      a[p][1] = _mm512_fmadd_ps(k, x1, a[p][1]);
    }
  }
  alignas(64) float tmp[L][32];
  for (unsigned p = 0; p < L; p++) {
    _mm512_store_ps(tmp[p], a[p][0]);
    _mm512_store_ps(tmp[p] + 16, a[p][1]);
  }
  for (unsigned q = 0; q < 32; q++)
    for (unsigned p = 0; p < L; p++) out[q * L + p] = tmp[p][q];
}

// 64 consecutive input positions, x 64-byte aligned: the shifted windows
// of each 16 taps come from five aligned loads by valignd (no loads that
// straddle cache lines), each coefficient broadcast feeds four FMAs. Per
// output the sum runs over m in order, exactly as interpolate32's. Taps
// are a multiple of 8: whole blocks of 16, then one of 8.
template <unsigned L, int S>
FA_AVX512 inline void interp_tap(__m512 (&a)[L][4], __m512i v0, __m512i v1, __m512i v2, __m512i v3, __m512i v4,
                                 const float *c, size_t taps) {
  const __m512 w0 = _mm512_castsi512_ps(_mm512_alignr_epi32(v1, v0, S));
  const __m512 w1 = _mm512_castsi512_ps(_mm512_alignr_epi32(v2, v1, S));
  const __m512 w2 = _mm512_castsi512_ps(_mm512_alignr_epi32(v3, v2, S));
  const __m512 w3 = _mm512_castsi512_ps(_mm512_alignr_epi32(v4, v3, S));
  for (unsigned p = 0; p < L; p++) {
    const __m512 k = _mm512_set1_ps(c[p * taps + S]);
    a[p][0] = _mm512_fmadd_ps(k, w0, a[p][0]);
    a[p][1] = _mm512_fmadd_ps(k, w1, a[p][1]);
    a[p][2] = _mm512_fmadd_ps(k, w2, a[p][2]);
    a[p][3] = _mm512_fmadd_ps(k, w3, a[p][3]);
  }
}

template <unsigned L, int... S>
FA_AVX512 inline void interp_taps(__m512 (&a)[L][4], const float *x, const float *c, size_t taps,
                                  std::integer_sequence<int, S...>) {
  const __m512i v0 = _mm512_castps_si512(_mm512_load_ps(x));
  const __m512i v1 = _mm512_castps_si512(_mm512_load_ps(x + 16));
  const __m512i v2 = _mm512_castps_si512(_mm512_load_ps(x + 32));
  const __m512i v3 = _mm512_castps_si512(_mm512_load_ps(x + 48));
  const __m512i v4 = _mm512_castps_si512(_mm512_load_ps(x + 64));
  (interp_tap<L, S>(a, v0, v1, v2, v3, v4, c, taps), ...);
}

template <unsigned L>
FA_AVX512 void interpolate64_aligned(const float *x, const float *bank, size_t taps, float *out, size_t stride) {
  __m512 a[L][4];
  for (unsigned p = 0; p < L; p++) a[p][0] = a[p][1] = a[p][2] = a[p][3] = _mm512_setzero_ps();
  size_t jb = 0;
  for (; jb + 16 <= taps; jb += 16) interp_taps<L>(a, x + jb, bank + jb, taps, std::make_integer_sequence<int, 16>());
  if (jb < taps) interp_taps<L>(a, x + jb, bank + jb, taps, std::make_integer_sequence<int, 8>());
  alignas(64) float tmp[L][64];
  for (unsigned p = 0; p < L; p++)
    for (unsigned v = 0; v < 4; v++) _mm512_store_ps(tmp[p] + 16 * v, a[p][v]);
  if (stride == 1) {
    for (unsigned q = 0; q < 64; q++)
      for (unsigned p = 0; p < L; p++) out[q * L + p] = tmp[p][q];
  } else {
    for (unsigned q = 0; q < 64; q++)
      for (unsigned p = 0; p < L; p++) out[(q * L + p) * stride] = tmp[p][q];
  }
}

}  // namespace

bool interpolate64_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out,
                                  size_t stride) {
  switch (L) {
    case 2: interpolate64_aligned<2>(x, bank, taps, out, stride); return true;
    case 3: interpolate64_aligned<3>(x, bank, taps, out, stride); return true;
    case 4: interpolate64_aligned<4>(x, bank, taps, out, stride); return true;
    default: return false;
  }
}

namespace {

// Stereo: 8 V input positions of both channels from interleaved frames
// (x[2j + c], 64-byte aligned), lanes are frames (64-bit: both channels of a
// position), windows shifted by valignq. Each coefficient broadcast feeds V
// FMAs (V = 4 as in interpolate64_aligned; V = 5 still fits in registers at
// L = 3 and is about 6 % faster), and per output the sum runs over m in
// order, so each channel is bit-identical to interpolate32 on it alone. The
// accumulators are permuted into output order (frame q * L + p) and stored
// interleaved: no separate transpose or interleave pass.
template <unsigned L, unsigned V, int S>
FA_AVX512 inline void interp2_tap(__m512d (&a)[L][V], const __m512i (&v)[V + 1], const float *c, size_t taps) {
  // The loops are unrolled so that a and w live in registers at any -O level.
  __m512d w[V];
#pragma GCC unroll 8
  for (unsigned k = 0; k < V; k++) w[k] = _mm512_castsi512_pd(_mm512_alignr_epi64(v[k + 1], v[k], S));
#pragma GCC unroll 8
  for (unsigned p = 0; p < L; p++) {
    const __m512 kc = _mm512_set1_ps(c[p * taps + S]);
#pragma GCC unroll 8
    for (unsigned k = 0; k < V; k++)
      a[p][k] = _mm512_castps_pd(_mm512_fmadd_ps(kc, _mm512_castpd_ps(w[k]), _mm512_castpd_ps(a[p][k])));
  }
}

template <unsigned L, unsigned V, int... S>
FA_AVX512 inline void interp2_taps(__m512d (&a)[L][V], const float *x, const float *c, size_t taps,
                                   std::integer_sequence<int, S...>) {
  __m512i v[V + 1];
#pragma GCC unroll 8
  for (unsigned k = 0; k <= V; k++) v[k] = _mm512_load_si512(x + 16 * k);
  (interp2_tap<L, V, S>(a, v, c, taps), ...);
}

// 8 * V positions (V vectors of 8 frames per phase).
template <unsigned L, unsigned V>
FA_AVX512 void interpolate_x2_aligned(const float *x, const float *bank, size_t taps, float *out) {
  __m512d a[L][V];
#pragma GCC unroll 8
  for (unsigned p = 0; p < L; p++)
#pragma GCC unroll 8
    for (unsigned k = 0; k < V; k++) a[p][k] = _mm512_setzero_pd();
  for (size_t jb = 0; jb < taps; jb += 8)
    interp2_taps<L, V>(a, x + 2 * jb, bank + jb, taps, std::make_integer_sequence<int, 8>());
  // Output frame i = q * L + p of 8 positions (L vectors of 8 frames per
  // accumulator column k): lane e of vector t is position (8t + e) / L of
  // phase (8t + e) % L, gathered with one masked permute per phase.
  alignas(64) int64_t idx[L][8];
  __mmask8 from[L][L] = {};
  for (unsigned t = 0; t < L; t++)
    for (unsigned e = 0; e < 8; e++) {
      idx[t][e] = int64_t((8 * t + e) / L);
      from[t][(8 * t + e) % L] |= __mmask8(1u << e);
    }
#pragma GCC unroll 8
  for (unsigned t = 0; t < L; t++) {
    const __m512i ix = _mm512_load_si512(idx[t]);
#pragma GCC unroll 8
    for (unsigned k = 0; k < V; k++) {
      __m512d r = _mm512_permutexvar_pd(ix, a[0][k]);
#pragma GCC unroll 8
      for (unsigned p = 1; p < L; p++) r = _mm512_mask_permutexvar_pd(r, from[t][p], ix, a[p][k]);
      _mm512_storeu_pd(reinterpret_cast<double *>(out + 2 * (8 * L * k + 8 * t)), r);
    }
  }
}

}  // namespace

bool interpolate40x2_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
  switch (L) {
    case 2: interpolate_x2_aligned<2, 5>(x, bank, taps, out); return true;
    case 3: interpolate_x2_aligned<3, 5>(x, bank, taps, out); return true;
    case 4: interpolate_x2_aligned<4, 5>(x, bank, taps, out); return true;
    default: return false;
  }
}

bool interpolate32x2_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
  switch (L) {
    case 2: interpolate_x2_aligned<2, 4>(x, bank, taps, out); return true;
    case 3: interpolate_x2_aligned<3, 4>(x, bank, taps, out); return true;
    case 4: interpolate_x2_aligned<4, 4>(x, bank, taps, out); return true;
    default: return false;
  }
}

// Sixteen consecutive outputs of a rational ratio (one per lane), each with
// its own phase row: out[i] = sum_m tb[m * 16 + i] * x[r[i] + m]. Per eight
// taps, two loads of x cover every lane's window (r[i] + 7 <= 31) and one
// permute per tap gathers the lanes' samples, so each FMA needs one
// coefficient load, one permute and a quarter of a load of x (the dot
// products load a window and a row per FMA). Four accumulators (taps mod 4)
// hide the FMA latency. Reads x up to x[taps + 23].
template <bool kTwo>
FA_AVX512 inline void gather16(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                               float *out0, float *out1) {
  const __m512i base = _mm512_loadu_si512(r);
  __m512i idx[8];
  for (int j = 0; j < 8; j++) idx[j] = _mm512_add_epi32(base, _mm512_set1_epi32(j));
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  for (size_t m = 0; m < taps; m += 8) {
    const __m512 lo = _mm512_loadu_ps(x0 + m), hi = _mm512_loadu_ps(x0 + m + 16);
    __m512 lo1 = lo, hi1 = hi;
    if (kTwo) lo1 = _mm512_loadu_ps(x1 + m), hi1 = _mm512_loadu_ps(x1 + m + 16);
    const float *c = tb + m * 16;
#define FA_GTAP(j, acc, bcc)                                                                  \
  {                                                                                           \
    const __m512 cv = _mm512_loadu_ps(c + 16 * (j));                                          \
    acc = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo, idx[j], hi), cv, acc);                   \
    if (kTwo) bcc = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo1, idx[j], hi1), cv, bcc);       \
  }
    FA_GTAP(0, a0, b0) FA_GTAP(1, a1, b1) FA_GTAP(2, a2, b2) FA_GTAP(3, a3, b3)
    FA_GTAP(4, a0, b0) FA_GTAP(5, a1, b1) FA_GTAP(6, a2, b2) FA_GTAP(7, a3, b3)
#undef FA_GTAP
  }
  _mm512_storeu_ps(out0, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  if (kTwo) _mm512_storeu_ps(out1, _mm512_add_ps(_mm512_add_ps(b0, b1), _mm512_add_ps(b2, b3)));
}

FA_AVX512 void gather16_avx512(const float *x, const float *tb, const int32_t *r, size_t taps, float *out) {
  gather16<false>(x, nullptr, tb, r, taps, out, nullptr);
}

FA_AVX512 void gather16x2_avx512(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                                 float *out0, float *out1) {
  gather16<true>(x0, x1, tb, r, taps, out0, out1);
}

namespace {

// Tap i of the half-band for `Blocks` groups of 16 outputs from q: the
// window of o at K + i is loaded, the one at K - 1 - i (within the first 16
// frames of the group's o) is shifted out of two registers (valignd needs
// the shift as an immediate, hence the template). Loads and shuffles run on
// different ports, so this is about 1.7x faster than two loads per tap.
template <size_t K, size_t Blocks, int I>
FA_AVX512 inline void halfband_tap_regs(const float *o, const __m512 *hk, size_t q, const __m512i *v, __m512 *acc) {
  constexpr int t = int(K) - 1 - I;  // 0 .. K-1 <= 15
  const __m512 k = hk[I];
  for (size_t b = 0; b < Blocks; b++) {
    __m512 back;
    if constexpr (t == 0) back = _mm512_castsi512_ps(v[b]);
    else back = _mm512_castsi512_ps(_mm512_alignr_epi32(v[b + 1], v[b], t));
    acc[b] = _mm512_fmadd_ps(k, _mm512_add_ps(_mm512_loadu_ps(o + q + 16 * b + K + I), back), acc[b]);
  }
}

template <size_t K, size_t Blocks, int... I>
FA_AVX512 inline void halfband_taps_regs(const float *o, const __m512 *hk, size_t q, const __m512i *v, __m512 *acc,
                                         std::integer_sequence<int, I...>) {
  (halfband_tap_regs<K, Blocks, I>(o, hk, q, v, acc), ...);
}

// hk[i]: tap i's coefficient in every lane, broadcast once per call (the
// kernel is bound by its loads: a broadcast per tap and group was a third of them).
template <size_t K, size_t Blocks>
FA_AVX512 inline void halfband_group_regs(const float *e, const float *o, const __m512 *hk, size_t q, float *y) {
  __m512i v[Blocks + 1];
  for (size_t b = 0; b <= Blocks; b++) v[b] = _mm512_castps_si512(_mm512_loadu_ps(o + q + 16 * b));
  __m512 acc[Blocks];
  for (size_t b = 0; b < Blocks; b++) acc[b] = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_loadu_ps(e + q + 16 * b));
  halfband_taps_regs<K, Blocks>(o, hk, q, v, acc, std::make_integer_sequence<int, int(K)>{});
  for (size_t b = 0; b < Blocks; b++) _mm512_storeu_ps(y + q + 16 * b, acc[b]);
}

// The last 1-15 outputs (or all of them for a K without a register
// version): two masked loads per tap.
FA_AVX512 void halfband_tail(const float *e, const float *o, const float *h, size_t K, size_t q, size_t count,
                             float *y) {
  const __m512 half = _mm512_set1_ps(0.5f);
  for (; q < count; q += 16) {
    const __mmask16 m = simd_avx512::tail_mask(count - q);
    __m512 a0 = _mm512_mul_ps(half, _mm512_maskz_loadu_ps(m, e + q));
    for (size_t i = 0; i < K; i++) {
      const float *a = o + K + i + q, *b = o + K - 1 - i + q;
      a0 = _mm512_fmadd_ps(_mm512_set1_ps(h[i]),
                           _mm512_add_ps(_mm512_maskz_loadu_ps(m, a), _mm512_maskz_loadu_ps(m, b)), a0);
    }
    _mm512_mask_storeu_ps(y + q, m, a0);
  }
}

template <size_t K>
FA_AVX512 void halfband_regs(const float *e, const float *o, const float *h, size_t count, float *y) {
  // Backward windows lie in the group's first 16 frames (K <= 16); the
  // registers read o up to 15 frames past the group, inside the 2K - 1
  // frames the forward windows read anyway (K >= 9).
  static_assert(K >= 9 && K <= 16);
  __m512 hk[K];
  for (size_t i = 0; i < K; i++) hk[i] = _mm512_set1_ps(h[i]);
  size_t q = 0;
  for (; q + 32 <= count; q += 32) halfband_group_regs<K, 2>(e, o, hk, q, y);
  for (; q + 16 <= count; q += 16) halfband_group_regs<K, 1>(e, o, hk, q, y);
  halfband_tail(e, o, h, K, q, count, y);
}

}  // namespace

// halfband_block with the sums kept in registers across the taps (the
// portable version adds each tap into memory). Same order of sums per
// output: e / 2, then h[i] * (o[q + K + i] + o[q + K - 1 - i]) for i = 0..K-1.
FA_AVX512 void halfband_block_avx512(const float *e, const float *o, const float *h, size_t K, size_t count,
                                     float *y) {
  switch (K) {
    case 14: return halfband_regs<14>(e, o, h, count, y);  // 3:1 (48k -> 16k)
    case 16: return halfband_regs<16>(e, o, h, count, y);  // narrower ratios (44.1k -> 16k)
    default: return halfband_tail(e, o, h, K, 0, count, y);
  }
}

// Sixteen consecutive outputs whose windows are too far apart for
// gather16_avx512 (decimation beyond 1.5:1, e.g. 44.1k -> 16k): input-major.
// Frame t of the group's span meets lane i's coefficient tb[t * 16 + i]
// (lane i's row from t = r[i] on), so each tap is one broadcast of x[t] and
// one coefficient load: taps + r[15] FMAs where the dot products need taps
// FMAs with two loads each, half of them straddling cache lines. Where t is
// outside some lane's window (the first r[15] and the last r[15] frames)
// the FMA is masked, so a lane only ever reads its own window (a NaN
// elsewhere cannot reach it). Per lane the sum runs over t in order; four
// accumulators (t mod 4) hide the FMA latency.
// N groups at once (N = 2: a period apart, the same phases; N = 4: four
// periods of mono or two of each stereo channel) share every coefficient
// load, which is what streams from L2; with no index vectors 4 x N
// accumulators fit in registers up to N = 4, where a four-window gather16
// does not. Every window gets the same masks and order of sums as it would
// alone.
namespace {

// Tap t of the N windows against coefficient row c; MASKED: only lanes k.
template <size_t N, bool MASKED>
FA_AVX512 inline void spread_tap(__m512 (&acc)[N], const float *const (&x)[N], size_t t, const float *c,
                                 __mmask16 k) {
  const __m512 cv = _mm512_loadu_ps(c);
#pragma GCC unroll 4
  for (size_t n = 0; n < N; n++) {
    const __m512 xv = _mm512_set1_ps(x[n][t]);
    if constexpr (MASKED) acc[n] = _mm512_mask3_fmadd_ps(xv, cv, acc[n], k);
    else acc[n] = _mm512_fmadd_ps(xv, cv, acc[n]);
  }
}

// Inlined into each entry point: as a call taking its windows through
// arrays it measured 5 % slower at N = 4.
template <size_t N>
FA_AVX512 __attribute__((always_inline)) inline void spread16(const float *const (&x)[N], const float *tb,
                                                              const int32_t *r, size_t taps, float *const (&out)[N]) {
  const __m512i first = _mm512_loadu_si512(r);
  const __m512i end = _mm512_add_epi32(first, _mm512_set1_epi32(int32_t(taps)));
  const size_t span = size_t(r[15]);
  const size_t head = (span + 3) / 4 * 4, mid = std::max(head, taps / 4 * 4), stop = (taps + span + 3) / 4 * 4;
  __m512 acc[4][N];  // acc[t mod 4][window]
#pragma GCC unroll 4
  for (size_t q = 0; q < 4; q++)
#pragma GCC unroll 4
    for (size_t n = 0; n < N; n++) acc[q][n] = _mm512_setzero_ps();
  __m512i tv = _mm512_setzero_si512();
  const __m512i one = _mm512_set1_epi32(1);
  size_t t = 0;
  for (; t < head; t += 4) {  // lanes whose window has not begun are masked
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++) {
      spread_tap<N, true>(acc[q], x, t + q, tb + (t + q) * 16, _mm512_cmple_epi32_mask(first, tv));
      tv = _mm512_add_epi32(tv, one);
    }
  }
  for (; t < mid; t += 4)  // every lane inside its window
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++) spread_tap<N, false>(acc[q], x, t + q, tb + (t + q) * 16, 0);
  tv = _mm512_set1_epi32(int32_t(t));
  for (; t < stop; t += 4) {  // lanes whose window has ended are masked
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++) {
      spread_tap<N, true>(acc[q], x, t + q, tb + (t + q) * 16, _mm512_cmpgt_epi32_mask(end, tv));
      tv = _mm512_add_epi32(tv, one);
    }
  }
#pragma GCC unroll 4
  for (size_t n = 0; n < N; n++)
    _mm512_storeu_ps(out[n], _mm512_add_ps(_mm512_add_ps(acc[0][n], acc[1][n]), _mm512_add_ps(acc[2][n], acc[3][n])));
}

}  // namespace

FA_AVX512 void spread16_avx512(const float *x, const float *tb, const int32_t *r, size_t taps, float *out) {
  spread16<1>({x}, tb, r, taps, {out});
}

FA_AVX512 void spread16x2_avx512(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps,
                                 float *out0, float *out1) {
  spread16<2>({x0, x1}, tb, r, taps, {out0, out1});
}

FA_AVX512 void spread16x4_avx512(const float *const x[4], const float *tb, const int32_t *r, size_t taps,
                                 float *const out[4]) {
  spread16<4>({x[0], x[1], x[2], x[3]}, tb, r, taps, {out[0], out[1], out[2], out[3]});
}

bool interpolate32_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
  switch (L) {
    case 2: interpolate32<2>(x, bank, taps, out); return true;
    case 3: interpolate32<3>(x, bank, taps, out); return true;
    case 4: interpolate32<4>(x, bank, taps, out); return true;
    case 5: interpolate32<5>(x, bank, taps, out); return true;
    case 6: interpolate32<6>(x, bank, taps, out); return true;
    default: return false;
  }
}

}  // namespace fastaudio::resample_detail
