// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written AVX-512 conversion kernels for float -> int, kept because
// they measure faster than the Highway ones (convert_kernels.cc registers
// them): NaN handling is a mask, and masked loads and stores take the tail,
// so every sample takes the same path.
#include <immintrin.h>

// GCC 12 warns about the undefined vectors inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "convert_x86.h"
#include "simd_avx512.h"

#define FA_AVX512 __attribute__((target("avx512f")))

namespace fastaudio::simd {
namespace {

FA_AVX512 inline __m256i f32_to_s16_vec(__m512 x) {
  const __m512 scale = _mm512_set1_ps(32768.f), lo = _mm512_set1_ps(-32768.f), hi = _mm512_set1_ps(32767.f);
  const __m512 v = _mm512_mul_ps(x, scale);
  const __mmask16 ordered = _mm512_cmp_ps_mask(v, v, _CMP_ORD_Q);  // NaN -> 0
  return _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(_mm512_maskz_mov_ps(ordered, _mm512_min_ps(_mm512_max_ps(v, lo), hi))));
}

// 2^31 and above convert to INT32_MIN: the ">= 2^31" mask puts INT32_MAX there.
FA_AVX512 inline __m512i f32_to_s32_vec(__m512 x) {
  const __m512 scale = _mm512_set1_ps(2147483648.f);
  const __m512 v = _mm512_mul_ps(x, scale);
  const __m512i r = _mm512_maskz_cvtps_epi32(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);
  return _mm512_mask_mov_epi32(r, _mm512_cmp_ps_mask(v, scale, _CMP_GE_OQ), _mm512_set1_epi32(INT32_MAX));
}

}  // namespace

// A masked narrowing store is slow on some cores: full vectors go through a
// register and a plain store; only the tail is masked.
FA_AVX512 void f32_to_s16_avx512(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst + i), f32_to_s16_vec(_mm512_loadu_ps(src + i)));
  if (i < n) {
    const __mmask16 m = simd_avx512::tail_mask(n - i);
    _mm512_mask_cvtepi32_storeu_epi16(dst + i, m, _mm512_cvtepi16_epi32(f32_to_s16_vec(_mm512_maskz_loadu_ps(m, src + i))));
  }
}

FA_AVX512 void f32_to_s32_avx512(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int32_t *>(out);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_si512(dst + i, f32_to_s32_vec(_mm512_loadu_ps(src + i)));
  if (i < n) {
    const __mmask16 m = simd_avx512::tail_mask(n - i);
    _mm512_mask_storeu_epi32(dst + i, m, f32_to_s32_vec(_mm512_maskz_loadu_ps(m, src + i)));
  }
}

}  // namespace fastaudio::simd
