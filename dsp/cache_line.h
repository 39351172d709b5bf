// SPDX-License-Identifier: LGPL-2.1-or-later
// 64-byte (cache-line) alignment of float buffers, for the kernels whose
// zmm loads and stores would otherwise straddle two lines.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastaudio {

inline constexpr size_t kCacheLineFloats = 64 / sizeof(float);

// The first float at or after p that starts a cache line: a buffer with
// kCacheLineFloats - 1 floats to spare holds its content from there.
inline float *cache_line_aligned(float *p) {
  const size_t misaligned = reinterpret_cast<uintptr_t>(p) / sizeof(float) % kCacheLineFloats;
  return p + (kCacheLineFloats - misaligned) % kCacheLineFloats;
}

}  // namespace fastaudio
