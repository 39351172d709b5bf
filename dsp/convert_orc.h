// SPDX-License-Identifier: LGPL-2.1-or-later
// ORC programs (convert.orc) behind the ConvertKernel signature: the
// portable SIMD path of CPUs without AVX2 (Isa::Orc).
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include "convert-orc.h"

namespace fastaudio::orc {

// ORC counts in int: huge spans go in pieces.
template <typename In, typename Out, void (*Fn)(Out *, const In *, int)>
void run(const uint8_t *in, uint8_t *out, size_t n) {
  auto src = reinterpret_cast<const In *>(in);
  auto dst = reinterpret_cast<Out *>(out);
  while (n > 0) {
    const int chunk = n > size_t(INT_MAX / 2) ? INT_MAX / 2 : int(n);
    Fn(dst, src, chunk);
    src += chunk, dst += chunk, n -= size_t(chunk);
  }
}

// One program call per sample (equal channel counts) ...
template <typename In, typename Out, void (*Fn)(Out *, const In *, int)>
void per_sample(const uint8_t *in, uint8_t *out, size_t frames, unsigned in_channels, unsigned) {
  run<In, Out, Fn>(in, out, frames * in_channels);
}

// ... or per frame (stereo read as one 32-bit word, mixed to mono).
template <typename In, typename Out, void (*Fn)(Out *, const In *, int)>
void per_frame(const uint8_t *in, uint8_t *out, size_t frames, unsigned, unsigned) {
  run<In, Out, Fn>(in, out, frames);
}

}  // namespace fastaudio::orc
