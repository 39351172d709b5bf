// Frame energy for the voice activity detector: the "RMS kernel".
//
// A frame of mono float samples is cut into short blocks (about 2 ms) and
// each block's mean is removed before its energy is summed. Removing the
// block mean is a cheap high-pass (about -15 dB at 50 Hz, -9 dB at 100 Hz,
// -1 dB at 300 Hz for 2 ms blocks) that takes hum and brown noise out of
// the decision, and unlike an IIR biquad it vectorises: one pass computing
// the sum and the sum of squares.
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
// Energies of n samples cut into blocks of `block` samples (the last block
// may be shorter). Non-finite input gives non-finite results.
using FrameEnergyKernel = FrameEnergy (*)(const float *x, size_t n, size_t block);

SumSquaresKernel find_sum_squares_kernel(Isa isa);
FrameEnergyKernel find_frame_energy_kernel(Isa isa);

}  // namespace fastaudio
