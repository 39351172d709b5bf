// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written AVX2 mixing kernels kept for the layouts where they measure
// faster than the Highway ones; mix_kernels.cc puts them in its table. Only
// reached after a run-time CPU check.
#pragma once

#include <cstddef>

namespace fastaudio::simd {

// Stereo to mono.
void mix_2_1_avx2(const float *m, const float *in, float *out, size_t frames, unsigned in_channels,
                  unsigned out_channels);
// N (6: 5.1, 8: 7.1) channels to stereo.
template <unsigned N>
void mix_n_2_avx2(const float *m, const float *in, float *out, size_t frames, unsigned in_channels,
                  unsigned out_channels);

}  // namespace fastaudio::simd
