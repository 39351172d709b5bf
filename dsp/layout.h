// SPDX-License-Identifier: LGPL-2.1-or-later
// Planar (non-interleaved) <-> interleaved copies of samples of any width,
// for layouts the conversion kernels (which read and write interleaved
// frames) do not handle themselves.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastaudio {

// out[f * channels + c] = planes[c][f] for `frames` frames of `width`-byte samples.
void interleave(const uint8_t *const *planes, unsigned channels, size_t frames, size_t width, uint8_t *out);

// planes[c][f] = in[f * channels + c].
void deinterleave(const uint8_t *in, unsigned channels, size_t frames, size_t width, uint8_t *const *planes);

}  // namespace fastaudio
