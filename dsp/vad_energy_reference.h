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

// Sums of `decim` consecutive samples (a boxcar low-pass and decimation),
// then each block of `block` sums has its mean removed (a high-pass).
inline FrameEnergy frame_energy(const float *x, size_t n, size_t decim, size_t block) {
  FrameEnergy e;
  e.total = sum_squares(x, n);
  if (decim == 0) decim = 1;
  const size_t m = n / decim;
  if (block == 0) block = m;
  for (size_t start = 0; start < m; start += block) {
    const size_t len = start + block <= m ? block : m - start;
    double sum = 0, sq = 0;
    for (size_t j = start; j < start + len; j++) {
      double s = 0;
      for (size_t k = 0; k < decim; k++) s += x[j * decim + k];
      sum += s;
      sq += s * s;
    }
    const double centred = (sq - sum * sum / double(len)) / double(decim);
    e.band += centred > 0 ? centred : (centred == centred ? 0.0 : centred);
  }
  return e;
}

}  // namespace fastaudio::ref
