// SPDX-License-Identifier: LGPL-2.1-or-later
// Small AVX2 helpers shared by the kernels. Only for functions built with
// target("avx2") and reached after a run-time CPU check.
#pragma once

#include <immintrin.h>

namespace fastaudio::simd_avx2 {

// Sum of the eight lanes.
__attribute__((target("avx2"))) inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// _mm256_hadd_ps(a, b) as two shuffles and an add: [a0+a1, a2+a3, b0+b1,
// b2+b3 | a4+a5, a6+a7, b4+b5, b6+b7]. vhaddps is microcoded on AMD cores
// (one per 2 cycles on Zen 4 against two vshufps per cycle), so this is
// about twice as fast where horizontal adds are the bottleneck.
__attribute__((target("avx2"))) inline __m256 pair_sums(__m256 a, __m256 b) {
  return _mm256_add_ps(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

// Horizontal sums of four vectors at once: [sum(a), sum(b), sum(c), sum(d)].
__attribute__((target("avx2"))) inline __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 ab = pair_sums(a, b), cd = pair_sums(c, d);
  const __m256 abcd = pair_sums(ab, cd);
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

}  // namespace fastaudio::simd_avx2
