#include "vad_energy.h"

#include "vad_energy_reference.h"

namespace fastaudio {

namespace simd {
double sum_squares_avx2(const float *x, size_t n);
double band_energy_avx2(const float *x, size_t n, size_t decim);
BandEnergyKernel band_energy_avx2_for(size_t decim);
double band_energy4_avx512(const float *x, size_t n, size_t decim);
}  // namespace simd

namespace {

// AVX-512 has its own kernel for decimation 4 only: 16 kHz, where the
// detector usually runs. The other decimations keep the AVX2 kernels.
double band_energy_avx512(const float *x, size_t n, size_t decim) {
  return decim == 4 ? simd::band_energy4_avx512(x, n, decim) : simd::band_energy_avx2(x, n, decim);
}

}  // namespace

SumSquaresKernel find_sum_squares_kernel(Isa isa) {
  return isa >= Isa::Avx2 ? simd::sum_squares_avx2 : ref::sum_squares;
}

BandEnergyKernel find_band_energy_kernel(Isa isa) {
  if (isa >= Isa::Avx512) return band_energy_avx512;
  return isa >= Isa::Avx2 ? simd::band_energy_avx2 : ref::band_energy;
}

BandEnergyKernel find_band_energy_kernel(Isa isa, size_t decim) {
  if (isa >= Isa::Avx512 && decim == 4) return simd::band_energy4_avx512;
  return isa >= Isa::Avx2 ? simd::band_energy_avx2_for(decim) : ref::band_energy;
}

size_t band_decimation(unsigned rate) {
  size_t d = 1;
  while (d < 32 && rate / (2 * d) >= 4000) d *= 2;
  return d;
}

}  // namespace fastaudio
