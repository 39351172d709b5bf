#include "vad_energy.h"

#include "vad_energy_reference.h"

namespace fastaudio {

namespace simd {
double sum_squares_avx2(const float *x, size_t n);
double band_energy_avx2(const float *x, size_t n, size_t decim);
BandEnergyKernel band_energy_avx2_for(size_t decim);
}  // namespace simd

SumSquaresKernel find_sum_squares_kernel(Isa isa) {
  return isa >= Isa::Avx2 ? simd::sum_squares_avx2 : ref::sum_squares;
}

BandEnergyKernel find_band_energy_kernel(Isa isa) {
  return isa >= Isa::Avx2 ? simd::band_energy_avx2 : ref::band_energy;
}

BandEnergyKernel find_band_energy_kernel(Isa isa, size_t decim) {
  return isa >= Isa::Avx2 ? simd::band_energy_avx2_for(decim) : ref::band_energy;
}

size_t band_decimation(unsigned rate) {
  size_t d = 1;
  while (d < 32 && rate / (2 * d) >= 4000) d *= 2;
  return d;
}

}  // namespace fastaudio
