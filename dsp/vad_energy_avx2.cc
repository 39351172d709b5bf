// AVX2 energy kernels. Float accumulators in lanes (within a ~2 ms block
// that loses nothing measurable), blocks combined in double.
#include <immintrin.h>

#include <algorithm>

#include "vad_energy.h"
#include "vad_energy_reference.h"

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

namespace {

// out[j] = in[2j] + in[2j+1] for j < n/2; out may equal in.
FA_AVX2 void halve(const float *in, float *out, size_t n) {
  const size_t half = n / 2;
  size_t j = 0;
  for (; j + 8 <= half; j += 8) {
    __m256 a = _mm256_loadu_ps(in + 2 * j), b = _mm256_loadu_ps(in + 2 * j + 8);
    __m256 h = _mm256_hadd_ps(a, b);  // a01 a23 b01 b23 | a45 a67 b45 b67
    _mm256_storeu_ps(out + j, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(h), 0xD8)));
  }
  for (; j < half; j++) out[j] = in[2 * j] + in[2 * j + 1];
}

FA_AVX2 inline float block_sum(const float *p, size_t len) {
  __m256 acc = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= len; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(p + i));
  float s = hsum(acc);
  for (; i < len; i++) s += p[i];
  return s;
}

constexpr size_t kChunk = 1024;  // floats of stack scratch: the first halving's output

}  // namespace

// Decimate by repeated pairwise sums (the same boxcar sums as the reference,
// added in a different order), then sum of squares minus the block means.
FA_AVX2 FrameEnergy frame_energy_avx2(const float *x, size_t n, size_t decim, size_t block) {
  FrameEnergy e;
  e.total = sum_squares_avx2(x, n);
  if (decim == 0) decim = 1;
  const size_t m = n / decim;
  if (block == 0) block = m;
  if (m == 0) return e;
  // A chunk is whole blocks whose first halving fits the scratch.
  const size_t max_chunk = decim == 1 ? m : 2 * kChunk / decim;
  if (block > max_chunk) return ref::frame_energy(x, n, decim, block);
  const size_t per_chunk = max_chunk / block * block;
  alignas(32) float buf[kChunk];
  for (size_t j0 = 0; j0 < m; j0 += per_chunk) {
    const size_t cm = std::min(per_chunk, m - j0);
    const float *d;
    if (decim == 1) {
      d = x + j0;
    } else {
      halve(x + j0 * decim, buf, cm * decim);
      for (size_t len = cm * decim / 2; len > cm; len /= 2) halve(buf, buf, len);
      d = buf;
    }
    double sq = sum_squares_avx2(d, cm), means = 0;
    for (size_t b = 0; b < cm; b += block) {
      const size_t len = std::min(block, cm - b);
      const double s = block_sum(d + b, len);
      means += s * s / double(len);
    }
    const double centred = (sq - means) / double(decim);
    e.band += centred > 0 ? centred : (centred == centred ? 0.0 : centred);
  }
  return e;
}

}  // namespace fastaudio::simd
