// SPDX-License-Identifier: LGPL-2.1-or-later
// Any PCM format to and from real numbers in [-1, 1): the generic path of
// fastconvert for the pairs no one-pass kernel covers. Integers read as
// x / 2^(depth-1); floats as they are. Writing rounds to nearest (ties up,
// as audioconvert), saturates and maps NaN to 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "pcm_format.h"

namespace fastaudio {

template <typename Real>
using UnpackFn = void (*)(const uint8_t *in, Real *out, size_t samples);
template <typename Real>
using PackFn = void (*)(const Real *in, uint8_t *out, size_t samples);

// Real is float or double.
template <typename Real>
UnpackFn<Real> unpack_function(PcmFormat f);
template <typename Real>
PackFn<Real> pack_function(PcmFormat f);

// The native format a format differs from only in byte order or sign
// (S16BE, U16LE -> S16LE; F32BE -> F32LE; ...), if any: samples packed by
// that format's SIMD kernel become this format's by twin_fixup().
std::optional<SampleFormat> native_twin(PcmFormat f);
using FixupFn = void (*)(uint8_t *data, size_t samples);
// Rewrites `samples` samples of native_twin(f) as f, in place.
FixupFn twin_fixup(PcmFormat f);

}  // namespace fastaudio
