// SPDX-License-Identifier: LGPL-2.1-or-later
#include "layout.h"

#include <cstring>

namespace fastaudio {

namespace {

// A fixed width lets the compiler turn each memcpy into one load and store.
template <size_t W>
void interleave_w(const uint8_t *const *planes, unsigned channels, size_t frames, uint8_t *out) {
  for (unsigned c = 0; c < channels; c++) {
    const uint8_t *src = planes[c];
    uint8_t *dst = out + c * W;
    for (size_t f = 0; f < frames; f++) std::memcpy(dst + f * channels * W, src + f * W, W);
  }
}

template <size_t W>
void deinterleave_w(const uint8_t *in, unsigned channels, size_t frames, uint8_t *const *planes) {
  for (unsigned c = 0; c < channels; c++) {
    const uint8_t *src = in + c * W;
    uint8_t *dst = planes[c];
    for (size_t f = 0; f < frames; f++) std::memcpy(dst + f * W, src + f * channels * W, W);
  }
}

}  // namespace

void interleave(const uint8_t *const *planes, unsigned channels, size_t frames, size_t width, uint8_t *out) {
  switch (width) {
    case 1: return interleave_w<1>(planes, channels, frames, out);
    case 2: return interleave_w<2>(planes, channels, frames, out);
    case 3: return interleave_w<3>(planes, channels, frames, out);
    case 4: return interleave_w<4>(planes, channels, frames, out);
    case 8: return interleave_w<8>(planes, channels, frames, out);
  }
}

void deinterleave(const uint8_t *in, unsigned channels, size_t frames, size_t width, uint8_t *const *planes) {
  switch (width) {
    case 1: return deinterleave_w<1>(in, channels, frames, planes);
    case 2: return deinterleave_w<2>(in, channels, frames, planes);
    case 3: return deinterleave_w<3>(in, channels, frames, planes);
    case 4: return deinterleave_w<4>(in, channels, frames, planes);
    case 8: return deinterleave_w<8>(in, channels, frames, planes);
  }
}

}  // namespace fastaudio
