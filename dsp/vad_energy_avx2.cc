// AVX2 energy kernels. Float accumulators in lanes (within a ~2 ms block
// that loses nothing measurable), blocks combined in double.
#include <immintrin.h>

#include "vad_energy.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))

namespace fastaudio::simd {
namespace {

FA_AVX2 inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

}  // namespace

FA_AVX2 double sum_squares_avx2(const float *x, size_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    __m256 v2 = _mm256_loadu_ps(x + i + 16), v3 = _mm256_loadu_ps(x + i + 24);
    a0 = _mm256_fmadd_ps(v0, v0, a0);
    a1 = _mm256_fmadd_ps(v1, v1, a1);
    a2 = _mm256_fmadd_ps(v2, v2, a2);
    a3 = _mm256_fmadd_ps(v3, v3, a3);
  }
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    a0 = _mm256_fmadd_ps(v, v, a0);
  }
  double acc = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; i++) acc += double(x[i]) * double(x[i]);
  return acc;
}

// Sum and sum of squares of each block; two independent chains per
// quantity so that blocks of 16+ samples keep both FMA ports busy.
FA_AVX2 FrameEnergy frame_energy_avx2(const float *x, size_t n, size_t decim, size_t block) {
  (void)decim;
  FrameEnergy e;
  if (block == 0) block = n;
  for (size_t start = 0; start < n; start += block) {
    const size_t len = start + block <= n ? block : n - start;
    const float *p = x + start;
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, q0 = s0, q1 = s0;
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
      __m256 v0 = _mm256_loadu_ps(p + i), v1 = _mm256_loadu_ps(p + i + 8);
      s0 = _mm256_add_ps(s0, v0);
      s1 = _mm256_add_ps(s1, v1);
      q0 = _mm256_fmadd_ps(v0, v0, q0);
      q1 = _mm256_fmadd_ps(v1, v1, q1);
    }
    if (i + 8 <= len) {
      __m256 v = _mm256_loadu_ps(p + i);
      s0 = _mm256_add_ps(s0, v);
      q0 = _mm256_fmadd_ps(v, v, q0);
      i += 8;
    }
    double sum = hsum(_mm256_add_ps(s0, s1)), sq = hsum(_mm256_add_ps(q0, q1));
    for (; i < len; i++) {
      sum += p[i];
      sq += double(p[i]) * double(p[i]);
    }
    e.total += sq;
    const double centred = sq - sum * sum / double(len);
    e.band += centred > 0 ? centred : (centred == centred ? 0.0 : centred);
  }
  return e;
}

}  // namespace fastaudio::simd
