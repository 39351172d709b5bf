// SPDX-License-Identifier: LGPL-2.1-or-later
// Any PCM format to and from real numbers in [-1, 1): the generic path of
// fastconvert for the pairs no one-pass kernel covers. Integers read as
// x / 2^(depth-1); floats as they are. Writing rounds to nearest (ties up,
// as audioconvert), saturates and maps NaN to 0.
#pragma once

#include <cstddef>
#include <cstdint>

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

}  // namespace fastaudio
