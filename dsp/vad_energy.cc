// SPDX-License-Identifier: LGPL-2.1-or-later
#include "vad_energy.h"

#include "vad_energy_reference.h"

namespace fastaudio {

SumSquaresKernel find_sum_squares_kernel(Isa isa) { return kSumSquaresKernels.for_isa(isa); }

BandEnergyKernel find_band_energy_kernel(Isa isa, size_t decim) {
  for (size_t i = 0; i < kBandDecimations; i++)
    if (decim == size_t(1) << i) return kBandEnergyKernels[i].for_isa(isa);
  return ref::band_energy;
}

size_t band_decimation(unsigned rate) {
  size_t d = 1;
  while (d < 32 && rate / (2 * d) >= 4000) d *= 2;
  return d;
}

}  // namespace fastaudio
