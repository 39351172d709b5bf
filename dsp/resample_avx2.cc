// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's filter-bank rows with AVX2 (gathers from the prototype
// table); its inner products are Highway kernels (resample_hwy_kernels.cc).
// Built for baseline x86-64: only the functions marked with a target
// attribute use the wider instructions, and they are reached only after a
// run-time CPU check. Taps are always a multiple of 8.
#include <immintrin.h>

#include <algorithm>
#include <utility>

#include "resample_kernels.h"

namespace fastaudio::resample_detail {

// Without FMA: GCC would contract the intrinsics' multiplies and adds.
#define FA_AVX2_NO_FMA __attribute__((target("avx2")))

// ((p q) r) s, as the scalar expression groups it.
FA_AVX2_NO_FMA static inline __m256d mul4(__m256d p, __m256d q, __m256d r, __m256d s) {
  return _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(p, q), r), s);
}

// table_row() of resample_kernels.h, four taps at a time: the same
// operations in the same order, no FMA, so the bank is bit-identical to the
// scalar one.
FA_AVX2_NO_FMA void table_row_avx2(const double *t, size_t len, double x0, double step, size_t taps, double *row) {
  const __m256d cap = _mm256_set1_pd(double(len - 4)), vx0 = _mm256_set1_pd(x0), vstep = _mm256_set1_pd(step);
  const __m256d sign = _mm256_set1_pd(-0.0), one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0);
  const __m256d sixth = _mm256_set1_pd(1.0 / 6), half = _mm256_set1_pd(0.5);
  __m256d m = _mm256_set_pd(3, 2, 1, 0);
  const __m256d four = _mm256_set1_pd(4.0);
  for (size_t k = 0; k < taps; k += 4, m = _mm256_add_pd(m, four)) {
    const __m256d x = _mm256_andnot_pd(sign, _mm256_sub_pd(vx0, m));
    const __m256d pos = _mm256_min_pd(_mm256_mul_pd(x, vstep), cap);
    const __m128i i = _mm256_cvttpd_epi32(pos);
    const __m256d f = _mm256_sub_pd(pos, _mm256_cvtepi32_pd(i));
    // The masked form with a zero source: GCC 12 warns about the plain one's undefined source.
    const __m256d zero = _mm256_setzero_pd(), all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    const __m256d a = _mm256_mask_i32gather_pd(zero, t, i, all, 8);
    const __m256d b = _mm256_mask_i32gather_pd(zero, t + 1, i, all, 8);
    const __m256d c = _mm256_mask_i32gather_pd(zero, t + 2, i, all, 8);
    const __m256d d = _mm256_mask_i32gather_pd(zero, t + 3, i, all, 8);
    const __m256d fm1 = _mm256_sub_pd(f, one), fm2 = _mm256_sub_pd(f, two), fp1 = _mm256_add_pd(f, one);
    const __m256d outer = _mm256_sub_pd(mul4(d, fp1, f, fm1), mul4(a, f, fm1, fm2));
    const __m256d inner = _mm256_sub_pd(mul4(b, fp1, fm1, fm2), mul4(c, fp1, f, fm2));
    _mm256_storeu_pd(row + k, _mm256_add_pd(_mm256_mul_pd(outer, sixth), _mm256_mul_pd(inner, half)));
  }
}

}  // namespace fastaudio::resample_detail
