// SPDX-License-Identifier: LGPL-2.1-or-later
// Channel mixing of interleaved frames by a matrix:
//   out[f][o] = sum over i of m[o][i] * in[f][i]
// The matrix comes from the caller (fastconvert builds GStreamer's default
// one from the channel positions, or takes the user's mix-matrix).
#pragma once

#include <cstddef>
#include <span>
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

// The kernels of the common layouts (1 -> 2, 2 -> 1, 6 -> 2, 8 -> 2) and of
// any N -> M with N >= 3 (kAnyChannels), in every ISA they exist for
// (mix_kernels.cc); first matching row wins.
inline constexpr unsigned kAnyChannels = 0;
struct MixKernelRow {
  unsigned in_channels, out_channels;
  IsaKernels<MixKernel<float>> kernels;
};
std::span<const MixKernelRow> mix_kernel_rows();

// The fastest kernel for this matrix's shape on `isa`: the table's, or the
// reference for the shapes it has none for.
MixKernel<float> find_mix_kernel(unsigned in_channels, unsigned out_channels, Isa isa);

}  // namespace fastaudio
