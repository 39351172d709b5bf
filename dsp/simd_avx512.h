// SPDX-License-Identifier: LGPL-2.1-or-later
// Small AVX-512 helpers shared by the kernels. Only for functions built with
// target("avx512f") and reached after a run-time CPU check.
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace fastaudio::simd_avx512 {

// Lanes 0 .. left - 1 of 16 (all of them from 16 on): the mask of a last,
// partial vector for masked loads and stores.
__attribute__((target("avx512f"))) inline __mmask16 tail_mask(size_t left) {
  return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
}

}  // namespace fastaudio::simd_avx512
