// SPDX-License-Identifier: LGPL-2.1-or-later
// The two-stage path's half-band with its sums in F64 (`very-high`): in F32,
// the centre tap and 2K more summed in order round at the output's own
// magnitude at each step, which limits THD+N to about -141 dB.
#include <algorithm>

#include "resample_internal.h"

namespace fastaudio::resample_detail {

#if defined(__x86_64__)
#define FA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FA_CLONES
#endif

namespace {

// Outputs per pass: their input converted to F64 once (not once per tap),
// and their sums, stay in L1 while every tap is added.
constexpr size_t kWideHalfbandBlock = 512;

}  // namespace

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]) in F64,
// rounded once; vectorised across outputs by the compiler. K <= kMaxWideHalfbandK.
FA_CLONES
void halfband_block_wide(const float *e, const float *o, const double *h, size_t K, size_t count, float *y) {
  double acc[kWideHalfbandBlock], ow[kWideHalfbandBlock + 2 * kMaxWideHalfbandK];
  for (size_t q0 = 0; q0 < count; q0 += kWideHalfbandBlock) {
    const size_t n = std::min(kWideHalfbandBlock, count - q0);
    for (size_t q = 0; q < n; q++) acc[q] = 0.5 * double(e[q0 + q]);
    for (size_t q = 0; q < n + 2 * K - 1; q++) ow[q] = double(o[q0 + q]);
    for (size_t i = 0; i < K; i++) {
      const double hi = h[i];
      const double *a = ow + K + i, *b = ow + K - 1 - i;
      for (size_t q = 0; q < n; q++) acc[q] += hi * (a[q] + b[q]);
    }
    for (size_t q = 0; q < n; q++) y[q0 + q] = float(acc[q]);
  }
}

}  // namespace fastaudio::resample_detail
