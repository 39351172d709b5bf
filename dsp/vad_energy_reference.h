// SPDX-License-Identifier: LGPL-2.1-or-later
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
// then each block of kBandBlock sums has its mean removed (a high-pass).
inline double band_energy(const float *x, size_t n, size_t decim) {
  if (decim == 0) decim = 1;
  const size_t m = n / decim;
  double sq = 0, means = 0;
  for (size_t start = 0; start < m; start += kBandBlock) {
    const size_t len = start + kBandBlock <= m ? kBandBlock : m - start;
    double sum = 0;
    for (size_t j = start; j < start + len; j++) {
      double s = 0;
      for (size_t k = 0; k < decim; k++) s += x[j * decim + k];
      sum += s;
      sq += s * s;
    }
    means += sum * sum / double(len);
  }
  const double band = (sq - means) / double(decim);
  return band > 0 ? band : (band == band ? 0.0 : band);
}

}  // namespace fastaudio::ref
