// SPDX-License-Identifier: LGPL-2.1-or-later
// The instruction sets kernels are written for, and which one runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fastaudio {

// Best last; picked once at run time. Orc runs ORC's generated code (SSE,
// NEON, ...); Neon, Avx2 and Avx512 run Highway kernels (hwy_kernels.h)
// compiled for that target, or a hand-written one where it measures faster.
// A build has the kernels of its own architecture only, so Neon and
// Avx2/Avx512 never meet in one process.
enum class Isa : uint8_t { Scalar, Orc, Neon, Avx2, Avx512 };
inline constexpr size_t kIsaCount = 5;

// What the CPU runs, capped by the environment variable FASTAUDIO_ISA
// (scalar, orc, neon, avx2 or avx512: avx2 keeps AVX-512 off cores whose
// clock it lowers; the others compare kernels). It never goes past
// detected_isa(); an unknown name, or one of another architecture, is
// reported on stderr and ignored. Read once per process.
Isa best_isa();
// What the CPU has, whatever FASTAUDIO_ISA says.
Isa detected_isa();
// Every ISA up to best_isa() that this build has kernels for, Scalar first:
// what the kernel tests compare against the reference.
std::vector<Isa> usable_isas();
// The name FASTAUDIO_ISA takes and logs and benchmarks print.
const char *isa_name(Isa isa);

// One kernel in every ISA it exists for: the single way kernels are
// registered. Entries are null where a build has no kernel of that ISA;
// for_isa() falls back to the best one below.
template <typename Fn>
struct IsaKernels {
  std::array<Fn, kIsaCount> by_isa{};

  Fn for_isa(Isa isa) const {
    for (size_t i = size_t(isa) + 1; i-- > 0;)
      if (by_isa[i] != nullptr) return by_isa[i];
    return nullptr;
  }
  // True when `isa` has a kernel of its own rather than a fallback.
  bool has(Isa isa) const { return by_isa[size_t(isa)] != nullptr; }
  // The same with `isa`'s entry replaced: an ORC kernel, or a hand-written
  // one that measures faster than the Highway kernel of that ISA.
  constexpr IsaKernels with(Isa isa, Fn fn) const {
    IsaKernels k = *this;
    k.by_isa[size_t(isa)] = fn;
    return k;
  }
};

}  // namespace fastaudio
