// SPDX-License-Identifier: LGPL-2.1-or-later
// Equiripple (minimax) linear-phase lowpass design by the Parks-McClellan /
// Remez exchange algorithm: the shortest FIR for given ripples, used by the
// resampler instead of a window design where it saves taps.
#pragma once

#include <cstddef>
#include <vector>

namespace fastaudio {

struct FilterBand {
  double lo, hi;    // cycles per sample, 0 .. 0.5
  double gain;      // desired amplitude (1 passband, 0 stopband)
  double max_error; // allowed deviation (amplitude); the weight is its inverse
};

struct EquirippleResult {
  std::vector<double> taps;  // odd length, symmetric
  double weighted_error = 0; // max over bands of |error| / max_error; <= 1 meets every band
  int iterations = 0;
  bool converged = false;
};

// Designs `length` (odd) taps. Bands must be sorted and not overlap.
EquirippleResult design_equiripple(size_t length, const std::vector<FilterBand> &bands);

// Amplitude response of symmetric odd-length taps at `f` cycles per sample.
double amplitude_response(const std::vector<double> &taps, double f);

}  // namespace fastaudio
