// SPDX-License-Identifier: LGPL-2.1-or-later
// Reading PCM frames into planar float rows (pcm_planes.h): the loop of
// one format at a stream count known at compile time, and the kernels of
// the common formats registered per ISA (isa.h), which FASTAUDIO_ISA caps.
#pragma once

#include <cstddef>
#include <cstdint>

#include "isa.h"
#include "pcm_format.h"
#include "pcm_sample.h"

namespace fastaudio {

// rows[s][i] = sample s of frame i, for `frames` frames of `streams`
// interleaved samples starting at `in` (see unpack_streams()).
using UnpackStreamsFn = void (*)(const uint8_t *in, unsigned streams, size_t frames, float *const *rows);

namespace pcm_planes_detail {

// S streams known at compile time (so the compiler vectorises the split
// for the target it compiles for), or 0 for any count (one stream at a
// time, strided). Every ISA gives the same floats: each is one exact
// conversion and one multiply by a power of two.
template <PcmFormat F, unsigned S>
__attribute__((always_inline)) inline void unpack_body(const uint8_t *__restrict in, unsigned streams, size_t frames,
                                                       float *const *rows) {
  using pcm_sample::load_real;
  constexpr size_t w = pcm_info(F).width;
  if constexpr (S == 1) {
    float *__restrict r = rows[0];
    for (size_t i = 0; i < frames; i++) r[i] = load_real<F, float>(in + i * w);
  } else if constexpr (S == 2) {
    float *__restrict r0 = rows[0], *__restrict r1 = rows[1];
    for (size_t i = 0; i < frames; i++) {
      r0[i] = load_real<F, float>(in + (2 * i) * w);
      r1[i] = load_real<F, float>(in + (2 * i + 1) * w);
    }
  } else if constexpr (S == 4) {
    float *__restrict r0 = rows[0], *__restrict r1 = rows[1], *__restrict r2 = rows[2], *__restrict r3 = rows[3];
    for (size_t i = 0; i < frames; i++) {
      r0[i] = load_real<F, float>(in + (4 * i) * w);
      r1[i] = load_real<F, float>(in + (4 * i + 1) * w);
      r2[i] = load_real<F, float>(in + (4 * i + 2) * w);
      r3[i] = load_real<F, float>(in + (4 * i + 3) * w);
    }
  } else {
    for (unsigned s = 0; s < streams; s++) {
      float *__restrict r = rows[s];
      const uint8_t *p = in + s * w;
      for (size_t i = 0; i < frames; i++) r[i] = load_real<F, float>(p + i * streams * w);
    }
  }
}

template <PcmFormat F, unsigned S>
void unpack_plain(const uint8_t *in, unsigned streams, size_t frames, float *const *rows) {
  unpack_body<F, S>(in, streams, frames, rows);
}

}  // namespace pcm_planes_detail

// The formats audio files and capture devices deliver most (S16LE, S24LE,
// S32LE, F32LE) at 1, 2 and 4 streams (mono and stereo interleaved, or a
// plane split in two for the resampler's half-band cascade): their kernels
// in every ISA, the plain loop as Isa::Scalar. Null for other formats and
// stream counts.
const IsaKernels<UnpackStreamsFn> *unpack_kernels(PcmFormat f, unsigned streams);

}  // namespace fastaudio
