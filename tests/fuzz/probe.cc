// SPDX-License-Identifier: LGPL-2.1-or-later
// Configure-time check that clang can build a libFuzzer binary here.
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }
