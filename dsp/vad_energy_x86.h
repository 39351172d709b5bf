// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written x86 band-energy kernels kept because they measure faster
// than the Highway ones; vad_energy_kernels.cc puts them in its table. One
// kernel per decimation D, which it must be called with. Only reached after
// a run-time CPU check.
#pragma once

#include <cstddef>

namespace fastaudio::simd {

// D = 1, 2, 4, 8, 16 or 32.
template <size_t D>
double band_energy_avx2(const float *x, size_t n, size_t decim);
// D = 4 or 8.
template <size_t D>
double band_energy_avx512(const float *x, size_t n, size_t decim);

}  // namespace fastaudio::simd
