// SPDX-License-Identifier: LGPL-2.1-or-later
// AVX2 dither kernel: the eight generators of DitherLanes in one register,
// the same arithmetic as Quantizer::quantize_one() in float, so the same
// bits (tests/check/dsp/quantize.cc compares).
#include <immintrin.h>

#include "quantize.h"

#define FA_AVX2 __attribute__((target("avx2")))

namespace fastaudio::simd {
namespace {

FA_AVX2 inline __m256i xorshift8(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_slli_epi32(x, 13));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 17));
  return _mm256_xor_si256(x, _mm256_slli_epi32(x, 5));
}

FA_AVX2 inline __m256 uniform8(__m256i x) { return _mm256_mul_ps(_mm256_cvtepi32_ps(x), _mm256_set1_ps(0x1p-32f)); }

}  // namespace

FA_AVX2 void quantize_dither_avx2(float *x, size_t n, float full, DitherMethod dither, DitherLanes *lanes) {
  __m256i state = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(lanes->state.data()));
  const __m256 scale = _mm256_set1_ps(full), inverse = _mm256_set1_ps(1.0f / full), bias = _mm256_set1_ps(0.5f);
  const __m256 lo = _mm256_set1_ps(-full), hi = _mm256_set1_ps(full - 1);
  const bool triangular = dither == DitherMethod::Tpdf;
  for (size_t i = 0; i < n; i += 8) {
    __m256 s = _mm256_mul_ps(_mm256_loadu_ps(x + i), scale);
    s = _mm256_and_ps(s, _mm256_cmp_ps(s, s, _CMP_ORD_Q));  // NaN -> 0
    state = xorshift8(state);
    __m256 d = uniform8(state);
    if (triangular) {
      state = xorshift8(state);
      d = _mm256_add_ps(d, uniform8(state));
    } else {
      d = _mm256_add_ps(d, d);
    }
    const __m256 t = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(_mm256_add_ps(s, d), bias), lo), hi);
    _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_floor_ps(t), inverse));
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i *>(lanes->state.data()), state);
}

}  // namespace fastaudio::simd
