// SPDX-License-Identifier: LGPL-2.1-or-later
// The SIMD kernels of the hot format pairs (convert_kernels.cc), one row per
// pair and channel change, each with its kernel in every ISA it exists for.
// The other pairs run the scalar references.
#pragma once

#include <span>

#include "convert.h"

namespace fastaudio {

struct ConvertKernelRow {
  SampleFormat in, out;
  bool stereo_to_mono;  // otherwise channels in = channels out
  IsaKernels<ConvertKernel> kernels;
};

std::span<const ConvertKernelRow> convert_kernel_rows();

}  // namespace fastaudio
