// SPDX-License-Identifier: LGPL-2.1-or-later
// Small AVX-512 helpers shared by the kernels. Only for functions built with
// target("avx512f") and reached after a run-time CPU check.
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace fastaudio::simd_avx512 {

// Lanes 0 .. left - 1 of 16 (all of them from 16 on): the mask of a last,
// partial vector for masked loads and stores.
__attribute__((target("avx512f"))) inline __mmask16 tail_mask(size_t left) {
  return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
}

// The two 256-bit halves added: what a horizontal sum of the 16 lanes
// reduces to first.
__attribute__((target("avx512f"))) inline __m256 fold(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_castps512_ps256(_mm512_shuffle_f32x4(v, v, 0xEE)));
}

}  // namespace fastaudio::simd_avx512
