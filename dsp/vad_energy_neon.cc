// SPDX-License-Identifier: LGPL-2.1-or-later
// NEON energy kernels for ARM64: a block of kBandBlock decimated sums is two
// float32x4 registers; each block's energy about its mean is summed in float
// and the blocks are combined in double.
#include <arm_neon.h>

#include "vad_energy.h"
#include "vad_energy_reference.h"

namespace fastaudio::simd {

namespace {

// Four consecutive decimated sums (each of D samples) from 4 * D samples.
template <size_t D>
inline float32x4_t decimated4(const float *p) {
  if constexpr (D == 1) {
    return vld1q_f32(p);
  } else if constexpr (D == 2) {
    const float32x4x2_t v = vld2q_f32(p);
    return vaddq_f32(v.val[0], v.val[1]);
  } else {
    float32x4_t v[4];
    for (size_t q = 0; q < 4; q++) {
      v[q] = vld1q_f32(p + q * D);
      for (size_t k = 4; k < D; k += 4) v[q] = vaddq_f32(v[q], vld1q_f32(p + q * D + k));
    }
    return vpaddq_f32(vpaddq_f32(v[0], v[1]), vpaddq_f32(v[2], v[3]));
  }
}

// One kernel per decimation (the argument is ignored): what the detector
// holds, with no dispatch per call.
template <size_t D>
double band_energy_fixed(const float *x, size_t n, size_t) {
  const size_t m = n / D, blocks = m / kBandBlock;
  double band = 0;
  for (size_t b = 0; b < blocks; b++) {
    const float *p = x + b * kBandBlock * D;
    const float32x4_t lo = decimated4<D>(p), hi = decimated4<D>(p + 4 * D);
    const float32x4_t mean = vdupq_n_f32(vaddvq_f32(vaddq_f32(lo, hi)) * (1.f / kBandBlock));
    const float32x4_t dl = vsubq_f32(lo, mean), dh = vsubq_f32(hi, mean);
    band += vaddvq_f32(vfmaq_f32(vmulq_f32(dl, dl), dh, dh));
  }
  // The last, shorter block as the reference computes it.
  const size_t start = blocks * kBandBlock;
  if (start < m) {
    double sum = 0, sq = 0;
    for (size_t j = start; j < m; j++) {
      double s = 0;
      for (size_t k = 0; k < D; k++) s += x[j * D + k];
      sum += s;
      sq += s * s;
    }
    band += sq - sum * sum / double(m - start);
  }
  band /= double(D);
  return band > 0 ? band : (band == band ? 0.0 : band);
}

}  // namespace

BandEnergyKernel band_energy_neon_for(size_t decim) {
  switch (decim) {
    case 1: return band_energy_fixed<1>;
    case 2: return band_energy_fixed<2>;
    case 4: return band_energy_fixed<4>;
    case 8: return band_energy_fixed<8>;
    case 16: return band_energy_fixed<16>;
    case 32: return band_energy_fixed<32>;
    default: return ref::band_energy;
  }
}

double band_energy_neon(const float *x, size_t n, size_t decim) { return band_energy_neon_for(decim)(x, n, decim); }

}  // namespace fastaudio::simd
