// SPDX-License-Identifier: LGPL-2.1-or-later
// SIMD kernels for the hot format pairs: hand-written AVX-512 and AVX2 on
// x86-64, NEON on ARM64, and ORC for every other CPU. A build has its own
// architecture's kernels only. Each gives results
// bit-identical to convert_reference.h; the rest use the scalar kernels.
#pragma once

#include "convert.h"

#include <span>

namespace fastaudio::simd {

// One row of a kernel table: the format pair, and whether the kernel also
// mixes stereo down to mono (otherwise channels in = channels out).
struct KernelEntry {
  SampleFormat in, out;
  bool stereo_to_mono;
  ConvertKernel kernel;
};

// The table's kernel for this pair and channel change, or nullptr.
ConvertKernel find_in_table(std::span<const KernelEntry> table, SampleFormat in, SampleFormat out,
                            unsigned in_channels, unsigned out_channels);

// nullptr if there is no AVX2 kernel for this pair and channel change.
ConvertKernel find_avx2_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                               unsigned out_channels);

// nullptr if there is no AVX-512 kernel for this pair and channel change.
ConvertKernel find_avx512_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                                 unsigned out_channels);

// nullptr if there is no NEON kernel for this pair and channel change (ARM64).
ConvertKernel find_neon_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                               unsigned out_channels);

// nullptr if there is no ORC kernel for this pair and channel change.
ConvertKernel find_orc_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                              unsigned out_channels);

}  // namespace fastaudio::simd
