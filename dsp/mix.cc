// SPDX-License-Identifier: LGPL-2.1-or-later
#include "mix.h"

namespace fastaudio {

bool MixMatrix::is_identity() const {
  if (in_channels != out_channels) return false;
  for (unsigned o = 0; o < out_channels; o++)
    for (unsigned i = 0; i < in_channels; i++)
      if (at(o, i) != (o == i ? 1.0f : 0.0f)) return false;
  return true;
}

template <typename Real>
void mix_reference(const float *m, const Real *in, Real *out, size_t frames, unsigned ic, unsigned oc) {
  for (size_t f = 0; f < frames; f++, in += ic, out += oc) {
    for (unsigned o = 0; o < oc; o++) {
      Real acc = 0;
      for (unsigned i = 0; i < ic; i++) acc += in[i] * Real(m[o * ic + i]);
      out[o] = acc;
    }
  }
}

template void mix_reference<float>(const float *, const float *, float *, size_t, unsigned, unsigned);
template void mix_reference<double>(const float *, const double *, double *, size_t, unsigned, unsigned);

MixKernel<float> find_mix_kernel(unsigned in_channels, unsigned out_channels, Isa isa) {
  for (const MixKernelRow &row : mix_kernel_rows()) {
    const bool ins = row.in_channels == in_channels || (row.in_channels == kAnyChannels && in_channels >= 3);
    if (ins && (row.out_channels == out_channels || row.out_channels == kAnyChannels)) return row.kernels.for_isa(isa);
  }
  return &mix_reference<float>;
}

}  // namespace fastaudio
