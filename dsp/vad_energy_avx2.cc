// AVX2 energy kernels: float accumulators in lanes, combined in double.
#include <immintrin.h>

#include <algorithm>

#include "vad_energy.h"
#include "vad_energy_reference.h"

#include "simd_avx2.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))

namespace fastaudio::simd {
namespace {


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
  double acc = simd_avx2::hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; i++) acc += double(x[i]) * double(x[i]);
  return acc;
}

namespace {

// Lane k of the result = sum of the 8 lanes of w[k]: eight horizontal sums
// at once (lane order is permuted; callers only sum over the lanes).
FA_AVX2 inline __m256 hsum8(const __m256 *w) {
  const __m256 q0 = _mm256_hadd_ps(_mm256_hadd_ps(w[0], w[1]), _mm256_hadd_ps(w[2], w[3]));
  const __m256 q1 = _mm256_hadd_ps(_mm256_hadd_ps(w[4], w[5]), _mm256_hadd_ps(w[6], w[7]));
  return _mm256_add_ps(_mm256_permute2f128_ps(q0, q1, 0x20), _mm256_permute2f128_ps(q0, q1, 0x31));
}

// One block: 8 sums of D consecutive samples from p (8 * D floats), in some
// lane order (callers only sum over lanes).
template <size_t D>
FA_AVX2 inline __m256 decimate_block(const float *p) {
  if constexpr (D == 1) {
    return _mm256_loadu_ps(p);
  } else if constexpr (D == 2) {
    return _mm256_hadd_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8));
  } else if constexpr (D == 4) {
    // A 4x4 transpose inside each 128-bit half, then vertical adds: fewer
    // shuffle uops than three hadds.
    const __m256 v0 = _mm256_loadu_ps(p), v1 = _mm256_loadu_ps(p + 8);
    const __m256 v2 = _mm256_loadu_ps(p + 16), v3 = _mm256_loadu_ps(p + 24);
    const __m256 a = _mm256_add_ps(_mm256_unpacklo_ps(v0, v1), _mm256_unpackhi_ps(v0, v1));
    const __m256 b = _mm256_add_ps(_mm256_unpacklo_ps(v2, v3), _mm256_unpackhi_ps(v2, v3));
    return _mm256_add_ps(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  } else {
    // D / 8 vectors per sum, added vertically, then 8 horizontal sums.
    __m256 w[8];
    for (int k = 0; k < 8; k++) {
      const float *pk = p + k * D;
      w[k] = _mm256_loadu_ps(pk);
      for (size_t i = 1; i < D / 8; i++) w[k] = _mm256_add_ps(w[k], _mm256_loadu_ps(pk + 8 * i));
    }
    return hsum8(w);
  }
}

template <size_t D>
FA_AVX2 double band_energy_d(const float *x, size_t n) {
  const size_t blocks = n / (D * kBandBlock);
  __m256 sq0 = _mm256_setzero_ps(), sq1 = sq0, means = sq0;
  __m256 d[8];
  size_t b = 0;
  for (; b + 8 <= blocks; b += 8) {
    for (int k = 0; k < 8; k += 2) {
      d[k] = decimate_block<D>(x + (b + k) * D * kBandBlock);
      sq0 = _mm256_fmadd_ps(d[k], d[k], sq0);
      d[k + 1] = decimate_block<D>(x + (b + k + 1) * D * kBandBlock);
      sq1 = _mm256_fmadd_ps(d[k + 1], d[k + 1], sq1);
    }
    const __m256 s = hsum8(d);  // eight block sums
    means = _mm256_fmadd_ps(s, s, means);
  }
  if (b < blocks) {
    // The last 1-7 blocks, zero-padded; a constant trip count keeps d[] in
    // registers.
    const size_t rem = blocks - b;
    for (size_t k = 0; k < 8; k++) {
      if (k < rem) {
        d[k] = decimate_block<D>(x + (b + k) * D * kBandBlock);
        sq0 = _mm256_fmadd_ps(d[k], d[k], sq0);
      } else {
        d[k] = _mm256_setzero_ps();
      }
    }
    const __m256 s = hsum8(d);
    means = _mm256_fmadd_ps(s, s, means);
  }
  double sq = simd_avx2::hsum(_mm256_add_ps(sq0, sq1)), mean_sq = simd_avx2::hsum(means) / double(kBandBlock);
  // A short last block of sums.
  const size_t m = n / D;
  double tail_sum = 0;
  size_t tail_len = 0;
  for (size_t j = blocks * kBandBlock; j < m; j++, tail_len++) {
    double s = 0;
    for (size_t k = 0; k < D; k++) s += x[j * D + k];
    tail_sum += s;
    sq += s * s;
  }
  if (tail_len) mean_sq += tail_sum * tail_sum / double(tail_len);
  const double band = (sq - mean_sq) / double(D);
  return band > 0 ? band : (band == band ? 0.0 : band);
}

}  // namespace

FA_AVX2 double band_energy_avx2(const float *x, size_t n, size_t decim) {
  switch (decim) {
    case 1: return band_energy_d<1>(x, n);
    case 2: return band_energy_d<2>(x, n);
    case 4: return band_energy_d<4>(x, n);
    case 8: return band_energy_d<8>(x, n);
    case 16: return band_energy_d<16>(x, n);
    case 32: return band_energy_d<32>(x, n);
    default: return ref::band_energy(x, n, decim);
  }
}

}  // namespace fastaudio::simd
