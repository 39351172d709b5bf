// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's inner products with AVX-512F for the generic path: four
// outputs per call, two channels or two rows sharing coefficient loads.
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
  _mm_storeu_ps(out, simd_avx2::hsum4(simd_avx512::fold(_mm512_add_ps(a[0][0], a[0][1])), simd_avx512::fold(_mm512_add_ps(a[1][0], a[1][1])),
                                simd_avx512::fold(_mm512_add_ps(a[2][0], a[2][1])), simd_avx512::fold(_mm512_add_ps(a[3][0], a[3][1]))));
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
  _mm_storeu_ps(out, simd_avx2::hsum4(simd_avx512::fold(_mm512_add_ps(a0, e0)), simd_avx512::fold(_mm512_add_ps(a1, e1)),
                               simd_avx512::fold(_mm512_add_ps(a2, e2)), simd_avx512::fold(_mm512_add_ps(a3, e3))));
  _mm_storeu_ps(out + 4, simd_avx2::hsum4(simd_avx512::fold(_mm512_add_ps(b0, f0)), simd_avx512::fold(_mm512_add_ps(b1, f1)),
                                   simd_avx512::fold(_mm512_add_ps(b2, f2)), simd_avx512::fold(_mm512_add_ps(b3, f3))));
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
  _mm_storeu_ps(out, simd_avx2::hsum4(simd_avx512::fold(_mm512_add_ps(a0, e0)), simd_avx512::fold(_mm512_add_ps(a1, e1)),
                               simd_avx512::fold(_mm512_add_ps(a2, e2)), simd_avx512::fold(_mm512_add_ps(a3, e3))));
}

FA_AVX512 void dot4_rows_avx512(const float *const x[4], const float *c0, const float *c1, size_t taps,
                                float out[4]) {
  if (c0 == c1) dot4_rows<true>(x, c0, c0, taps, out);
  else dot4_rows<false>(x, c0, c1, taps, out);
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
