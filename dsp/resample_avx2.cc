// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's inner products with AVX2 + FMA: four outputs per call,
// several independent accumulators hiding the FMA latency.
// Built for baseline x86-64: only the functions marked with a target
// attribute use the wider instructions, and they are reached only after a
// run-time CPU check. Taps are always a multiple of 8.
#include <immintrin.h>

#include <algorithm>
#include <utility>

#include "resample_kernels.h"
#include "simd_avx2.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))

namespace fastaudio::resample_detail {

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
  _mm_storeu_ps(out, simd_avx2::hsum4(_mm256_add_ps(a[0][0], a[0][1]), _mm256_add_ps(a[1][0], a[1][1]),
                                _mm256_add_ps(a[2][0], a[2][1]), _mm256_add_ps(a[3][0], a[3][1])));
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

}  // namespace fastaudio::resample_detail
