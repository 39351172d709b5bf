// SPDX-License-Identifier: LGPL-2.1-or-later
// Channel mixing of interleaved frames by a matrix:
//   out[f][o] = sum over i of m[o][i] * in[f][i]
// The matrix comes from the caller (fastconvert builds GStreamer's default
// one from the channel positions, or takes the user's mix-matrix).
#pragma once

#include <cstddef>
#include <vector>

#include "convert.h"

namespace fastaudio {

struct MixMatrix {
  unsigned in_channels = 0, out_channels = 0;
  std::vector<float> m;  // out_channels rows of in_channels coefficients
  float at(unsigned o, unsigned i) const { return m[o * in_channels + i]; }
  // Same channels, ones on the diagonal and zeros elsewhere: no mixing.
  bool is_identity() const;
};

template <typename Real>
using MixKernel = void (*)(const float *m, const Real *in, Real *out, size_t frames, unsigned in_channels,
                           unsigned out_channels);

// The reference every kernel is compared with: sums in input-channel order.
template <typename Real>
void mix_reference(const float *m, const Real *in, Real *out, size_t frames, unsigned in_channels,
                   unsigned out_channels);

// The fastest kernel for this matrix's shape on `isa` (AVX2 ones for the
// common layouts: 1 -> 2, 2 -> 1, 6 -> 2, 8 -> 2, and any N -> M).
MixKernel<float> find_mix_kernel(unsigned in_channels, unsigned out_channels, Isa isa);

namespace simd {
MixKernel<float> find_avx2_mix_kernel(unsigned in_channels, unsigned out_channels);
}

}  // namespace fastaudio
