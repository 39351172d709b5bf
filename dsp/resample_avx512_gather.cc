// SPDX-License-Identifier: LGPL-2.1-or-later
// AVX-512F kernels for rational ratios: sixteen consecutive outputs of a
// period per call, each lane with its own phase row (gather16, spread16).
// Built for baseline x86-64: only the functions marked with a target
// attribute use the wider instructions, and they are reached only after a
// run-time CPU check. Taps are always a multiple of 8.
#include <immintrin.h>

#include <algorithm>
#include <utility>

// GCC 12's AVX-512 headers read an intentionally undefined register in some
// intrinsics (masked loads, casts) and warn about it when they are inlined.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "resample_kernels.h"
#include "simd_avx2.h"
#include "simd_avx512.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))
#define FA_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace fastaudio::resample_detail {

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

}  // namespace fastaudio::resample_detail
