// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written x86 conversion kernels kept because they measure faster than
// the Highway kernels of the same pairs; convert_kernels.cc puts them in its
// table. Only reached after a run-time CPU check.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastaudio::simd {

// The ConvertKernel signature (convert.h).
#define FASTAUDIO_CONVERT_KERNEL(name) \
  void name(const uint8_t *in, uint8_t *out, size_t frames, unsigned in_channels, unsigned out_channels)

FASTAUDIO_CONVERT_KERNEL(f32_to_s16_avx2);
FASTAUDIO_CONVERT_KERNEL(f32_to_s32_avx2);
FASTAUDIO_CONVERT_KERNEL(s32_to_s16_avx2);
FASTAUDIO_CONVERT_KERNEL(stereo_s16_to_mono_f32_avx2);
FASTAUDIO_CONVERT_KERNEL(stereo_f32_to_mono_f32_avx2);
FASTAUDIO_CONVERT_KERNEL(f32_to_s16_avx512);
FASTAUDIO_CONVERT_KERNEL(f32_to_s32_avx512);

#undef FASTAUDIO_CONVERT_KERNEL

}  // namespace fastaudio::simd
