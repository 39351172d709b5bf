// SPDX-License-Identifier: LGPL-2.1-or-later
#include "isa.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fastaudio {

namespace {

// The ISAs this build has kernels for, in the order of the Isa enum.
constexpr Isa kBuiltIsas[] = {
    Isa::Scalar, Isa::Orc,
#if defined(__aarch64__)
    Isa::Neon,
#elif defined(__x86_64__)
    Isa::Avx2, Isa::Avx512,
#endif
};

}  // namespace

Isa detected_isa() {
#if defined(__x86_64__)
  // Every AVX-512 CPU also has AVX2 and FMA, whose kernels it uses too.
  static const Isa isa = __builtin_cpu_supports("avx512f") ? Isa::Avx512
                         : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? Isa::Avx2
                                                                                          : Isa::Orc;
  return isa;
#elif defined(__aarch64__)
  return Isa::Neon;  // Advanced SIMD is part of the ARMv8-A baseline
#else
  return Isa::Orc;
#endif
}

Isa best_isa() {
  static const Isa isa = [] {
    const Isa detected = detected_isa();
    const char *wanted = std::getenv("FASTAUDIO_ISA");
    if (wanted == nullptr || *wanted == '\0') return detected;
    for (Isa cap : kBuiltIsas)
      if (std::strcmp(wanted, isa_name(cap)) == 0) return std::min(cap, detected);
    std::string known;
    for (Isa cap : kBuiltIsas) known += std::string(known.empty() ? "" : ", ") + isa_name(cap);
    std::fprintf(stderr, "fastaudio: FASTAUDIO_ISA=%s is not one of this build's (%s); using %s\n", wanted,
                 known.c_str(), isa_name(detected));
    return detected;
  }();
  return isa;
}

std::vector<Isa> usable_isas() {
  std::vector<Isa> isas;
  for (Isa isa : kBuiltIsas)
    if (isa <= best_isa()) isas.push_back(isa);
  return isas;
}

const char *isa_name(Isa isa) {
  switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Orc: return "orc";
    case Isa::Neon: return "neon";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
  }
  return "?";
}

}  // namespace fastaudio
