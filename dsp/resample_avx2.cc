// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's filter-bank rows with AVX2 (gathers from the prototype
// table) and the four-stream split and interleave of stereo's cascade;
// its inner products are Highway kernels (resample_hwy_kernels.cc).
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

#define FA_AVX2 __attribute__((target("avx2")))

// a[m] = x[4m], b[m] = x[4m + 1], c[m] = x[4m + 2], d[m] = x[4m + 3]: eight
// quads, one per 128-bit lane as they are loaded, then a 4 x 4 transpose
// within the lanes (eight shuffles; Highway's LoadInterleaved4 takes twelve).
FA_AVX2 void deinterleave4_avx2(const float *x, size_t n, float *a, float *b, float *c, float *d) {
  size_t m = 0;
  for (; m + 8 <= n; m += 8) {
    // Quads m, m + 4 / m + 1, m + 5 / m + 2, m + 6 / m + 3, m + 7, each in a
    // 128-bit lane as it is loaded (the insert from memory is no shuffle).
    const float *p = x + 4 * m;
    const __m256 u0 = _mm256_loadu2_m128(p + 16, p), u1 = _mm256_loadu2_m128(p + 20, p + 4);
    const __m256 u2 = _mm256_loadu2_m128(p + 24, p + 8), u3 = _mm256_loadu2_m128(p + 28, p + 12);
    const __m256d t0 = _mm256_castps_pd(_mm256_unpacklo_ps(u0, u1)), t1 = _mm256_castps_pd(_mm256_unpackhi_ps(u0, u1));
    const __m256d t2 = _mm256_castps_pd(_mm256_unpacklo_ps(u2, u3)), t3 = _mm256_castps_pd(_mm256_unpackhi_ps(u2, u3));
    _mm256_storeu_ps(a + m, _mm256_castpd_ps(_mm256_unpacklo_pd(t0, t2)));
    _mm256_storeu_ps(b + m, _mm256_castpd_ps(_mm256_unpackhi_pd(t0, t2)));
    _mm256_storeu_ps(c + m, _mm256_castpd_ps(_mm256_unpacklo_pd(t1, t3)));
    _mm256_storeu_ps(d + m, _mm256_castpd_ps(_mm256_unpackhi_pd(t1, t3)));
  }
  for (; m < n; m++) a[m] = x[4 * m], b[m] = x[4 * m + 1], c[m] = x[4 * m + 2], d[m] = x[4 * m + 3];
}

// out[4i .. 4i + 3] = a[i], b[i], c[i], d[i]: deinterleave4_avx2 backwards.
FA_AVX2 void interleave4_avx2(const float *a, const float *b, const float *c, const float *d, size_t n, float *out) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256d va = _mm256_castps_pd(_mm256_loadu_ps(a + i)), vb = _mm256_castps_pd(_mm256_loadu_ps(b + i));
    const __m256d vc = _mm256_castps_pd(_mm256_loadu_ps(c + i)), vd = _mm256_castps_pd(_mm256_loadu_ps(d + i));
    const __m256 t0 = _mm256_castpd_ps(_mm256_unpacklo_pd(va, vb)), t2 = _mm256_castpd_ps(_mm256_unpackhi_pd(va, vb));
    const __m256 t1 = _mm256_castpd_ps(_mm256_unpacklo_pd(vc, vd)), t3 = _mm256_castpd_ps(_mm256_unpackhi_pd(vc, vd));
    const __m256 u0 = _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)), u1 = _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 u2 = _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(2, 0, 2, 0)), u3 = _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 1, 3, 1));
    float *o = out + 4 * i;
    _mm256_storeu_ps(o, _mm256_permute2f128_ps(u0, u1, 0x20));
    _mm256_storeu_ps(o + 8, _mm256_permute2f128_ps(u2, u3, 0x20));
    _mm256_storeu_ps(o + 16, _mm256_permute2f128_ps(u0, u1, 0x31));
    _mm256_storeu_ps(o + 24, _mm256_permute2f128_ps(u2, u3, 0x31));
  }
  for (; i < n; i++) out[4 * i] = a[i], out[4 * i + 1] = b[i], out[4 * i + 2] = c[i], out[4 * i + 3] = d[i];
}

}  // namespace fastaudio::resample_detail
