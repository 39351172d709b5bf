// Scalar reference of the VAD energy kernels (vad_energy.h), in double: the
// definition the SIMD kernels are compared with.
#pragma once

#include <cstddef>

#include "vad_energy.h"

namespace fastaudio::ref {

inline double sum_squares(const float *x, size_t n) {
  double acc = 0;
  for (size_t i = 0; i < n; i++) acc += double(x[i]) * double(x[i]);
  return acc;
}

inline FrameEnergy frame_energy(const float *x, size_t n, size_t block) {
  FrameEnergy e;
  if (block == 0) block = n;
  for (size_t start = 0; start < n; start += block) {
    const size_t len = start + block <= n ? block : n - start;
    double sum = 0, sq = 0;
    for (size_t i = 0; i < len; i++) {
      sum += x[start + i];
      sq += double(x[start + i]) * double(x[start + i]);
    }
    e.total += sq;
    const double centred = sq - sum * sum / double(len);
    e.band += centred > 0 ? centred : (centred == centred ? 0.0 : centred);
  }
  return e;
}

}  // namespace fastaudio::ref
