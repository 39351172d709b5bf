// SIMD kernels for the hot format pairs: hand-written AVX-512 and AVX2, and
// ORC for every other CPU. Each gives results
// bit-identical to convert_reference.h; the rest use the scalar kernels.
#pragma once

#include "convert.h"

namespace fastaudio::simd {

// nullptr if there is no AVX2 kernel for this pair and channel change.
ConvertKernel find_avx2_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                               unsigned out_channels);

// nullptr if there is no AVX-512 kernel for this pair and channel change.
ConvertKernel find_avx512_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                                 unsigned out_channels);

// nullptr if there is no ORC kernel for this pair and channel change.
ConvertKernel find_orc_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                              unsigned out_channels);

}  // namespace fastaudio::simd
