// Frame energy for the voice activity detector: the "RMS kernel".
//
// The detector's band energy is a cheap band-pass that vectorises (an IIR
// biquad does not): sums of `decim` consecutive samples (a boxcar low-pass
// decimating to 4-8 kHz, -3 dB at 0.44 of that rate, which drops most of
// white noise's energy), then each block of ~2 ms of those sums has its
// mean removed (a high-pass: about -15 dB at 50 Hz, -9 dB at 100 Hz, -1 dB
// at 300 Hz) which takes hum and brown noise out of the decision.
#pragma once

#include <cstddef>

#include "convert.h"

namespace fastaudio {

struct FrameEnergy {
  double total = 0;  // sum of x^2 over the frame (full band)
  double band = 0;   // sum over blocks of sum (x - block mean)^2 (high-passed)
};

// Straightforward sum of x^2 (no block split); the benchmark's baseline.
using SumSquaresKernel = double (*)(const float *x, size_t n);
// Energies of n samples: `decim` is 1, 2, 4, 8, 16 or 32; `block` counts
// decimated samples (the last block may be shorter). Non-finite input gives
// non-finite results.
using FrameEnergyKernel = FrameEnergy (*)(const float *x, size_t n, size_t decim, size_t block);

// The power-of-two decimation that brings `rate` down to 4-8 kHz (1 below 8 kHz).
size_t band_decimation(unsigned rate);

SumSquaresKernel find_sum_squares_kernel(Isa isa);
FrameEnergyKernel find_frame_energy_kernel(Isa isa);

}  // namespace fastaudio
