// SPDX-License-Identifier: LGPL-2.1-or-later
#include "vad_energy.h"

#include "vad_energy_reference.h"

namespace fastaudio {

namespace simd {
double band_energy_avx2(const float *x, size_t n, size_t decim);
BandEnergyKernel band_energy_avx2_for(size_t decim);
BandEnergyKernel band_energy_avx512_for(size_t decim);
double band_energy_neon(const float *x, size_t n, size_t decim);
BandEnergyKernel band_energy_neon_for(size_t decim);
}  // namespace simd

#if defined(__x86_64__)
namespace {

// AVX-512 kernels exist for decimations 4-32 (16 kHz and up); 1 and 2 (below
// 16 kHz) keep the AVX2 ones.
double band_energy_avx512(const float *x, size_t n, size_t decim) {
  if (BandEnergyKernel k = simd::band_energy_avx512_for(decim)) return k(x, n, decim);
  return simd::band_energy_avx2(x, n, decim);
}

}  // namespace
#endif

SumSquaresKernel find_sum_squares_kernel(Isa isa) { return kSumSquaresKernels.for_isa(isa); }

BandEnergyKernel find_band_energy_kernel(Isa isa) {
#if defined(__x86_64__)
  if (isa >= Isa::Avx512) return band_energy_avx512;
  if (isa >= Isa::Avx2) return simd::band_energy_avx2;
#elif defined(__aarch64__)
  if (isa >= Isa::Neon) return simd::band_energy_neon;
#endif
  (void)isa;
  return ref::band_energy;
}

BandEnergyKernel find_band_energy_kernel(Isa isa, size_t decim) {
#if defined(__x86_64__)
  if (isa >= Isa::Avx512)
    if (BandEnergyKernel k = simd::band_energy_avx512_for(decim)) return k;
  if (isa >= Isa::Avx2) return simd::band_energy_avx2_for(decim);
#elif defined(__aarch64__)
  if (isa >= Isa::Neon) return simd::band_energy_neon_for(decim);
#endif
  (void)isa, (void)decim;
  return ref::band_energy;
}

size_t band_decimation(unsigned rate) {
  size_t d = 1;
  while (d < 32 && rate / (2 * d) >= 4000) d *= 2;
  return d;
}

}  // namespace fastaudio
