// SPDX-License-Identifier: LGPL-2.1-or-later
// Frame energy for the voice activity detector: the "RMS kernel".
//
// The detector's band energy is a cheap band-pass that vectorises (an IIR
// biquad does not): sums of `decim` consecutive samples (a boxcar low-pass
// decimating to 4-8 kHz, -3 dB at 0.44 of that rate, which drops most of
// white noise's energy), then each block of 8 of those sums (1.3-2 ms) has
// its mean removed (a high-pass: about -12 to -15 dB at 50 Hz, -1 to -4 dB
// at 300 Hz) which takes hum and brown noise out of the decision. With
// blocks of exactly 8 sums, one AVX2 register holds a block.
#pragma once

#include <cstddef>

#include "isa.h"

namespace fastaudio {

// Straightforward sum of x^2 (no block split); the benchmark's baseline.
using SumSquaresKernel = double (*)(const float *x, size_t n);
// Decimated samples per mean-removal block.
inline constexpr size_t kBandBlock = 8;

// Band energy of n samples (in units of sum x^2); `decim` is 1, 2, 4, 8, 16
// or 32 (the last block may be shorter; samples past n / decim * decim are
// not used). Non-finite input gives a non-finite result.
using BandEnergyKernel = double (*)(const float *x, size_t n, size_t decim);

// The power-of-two decimation that brings `rate` down to 4-8 kHz (1 below 8 kHz).
size_t band_decimation(unsigned rate);

// The kernels of each ISA (vad_energy_kernels.cc); the band energy's by
// decimation, log2(decim) indexing kBandEnergyKernels.
inline constexpr size_t kBandDecimations = 6;  // 1, 2, 4, ..., 32
extern const IsaKernels<SumSquaresKernel> kSumSquaresKernels;
extern const IsaKernels<BandEnergyKernel> kBandEnergyKernels[kBandDecimations];

SumSquaresKernel find_sum_squares_kernel(Isa isa);
// The kernel specialised for one `decim` (no dispatch per call): it must be
// called with that `decim`. Other decimations get the reference.
BandEnergyKernel find_band_energy_kernel(Isa isa, size_t decim);

}  // namespace fastaudio
