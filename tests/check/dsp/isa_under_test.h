// SPDX-License-Identifier: LGPL-2.1-or-later
// The instruction sets a kernel test compares with the scalar reference:
// every one this CPU and build have (usable_isas()), or only the one
// FASTAUDIO_TEST_ISA names, as meson runs each test once per ISA of the
// architecture. A test of an ISA the CPU lacks exits 77: meson's SKIP.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "isa.h"

namespace fastaudio::test {

inline std::vector<Isa> isas_under_test() {
  const char *only = std::getenv("FASTAUDIO_TEST_ISA");
  std::vector<Isa> isas = usable_isas();
  if (only == nullptr || *only == '\0') return isas;
  for (Isa isa : isas)
    if (std::strcmp(isa_name(isa), only) == 0) return {isa};
  std::printf("SKIP: no %s kernels to test here (this CPU and build go up to %s)\n", only, isa_name(best_isa()));
  std::exit(77);
}

}  // namespace fastaudio::test
