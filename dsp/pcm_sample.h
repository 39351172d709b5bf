// SPDX-License-Identifier: LGPL-2.1-or-later
// One PCM sample of any format (pcm_format.h) as raw bits and as an
// integer: the inline pieces pcm_codec.cc and pcm_planes.cc build their
// loops from.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "pcm_format.h"

namespace fastaudio::pcm_sample {

template <PcmFormat F>
inline uint64_t read_raw(const uint8_t *p) {
  constexpr PcmInfo info = pcm_info(F);
  if constexpr (info.width == 3) {
    return info.big_endian ? uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]
                           : uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
  } else {
    using U = std::conditional_t<info.width == 1, uint8_t,
                                 std::conditional_t<info.width == 2, uint16_t,
                                                    std::conditional_t<info.width == 4, uint32_t, uint64_t>>>;
    U raw;
    std::memcpy(&raw, p, sizeof raw);
    if constexpr (info.big_endian && info.width == 2) raw = __builtin_bswap16(raw);
    if constexpr (info.big_endian && info.width == 4) raw = __builtin_bswap32(raw);
    if constexpr (info.big_endian && info.width == 8) raw = __builtin_bswap64(raw);
    return raw;
  }
}

template <PcmFormat F>
inline void write_raw(uint8_t *p, uint64_t raw) {
  constexpr PcmInfo info = pcm_info(F);
  if constexpr (info.width == 3) {
    const uint8_t b[3] = {uint8_t(raw), uint8_t(raw >> 8), uint8_t(raw >> 16)};
    p[0] = info.big_endian ? b[2] : b[0];
    p[1] = b[1];
    p[2] = info.big_endian ? b[0] : b[2];
  } else if constexpr (info.width == 1) {
    *p = uint8_t(raw);
  } else if constexpr (info.width == 2) {
    uint16_t v = info.big_endian ? __builtin_bswap16(uint16_t(raw)) : uint16_t(raw);
    std::memcpy(p, &v, 2);
  } else if constexpr (info.width == 4) {
    uint32_t v = info.big_endian ? __builtin_bswap32(uint32_t(raw)) : uint32_t(raw);
    std::memcpy(p, &v, 4);
  } else {
    uint64_t v = info.big_endian ? __builtin_bswap64(raw) : raw;
    std::memcpy(p, &v, 8);
  }
}

// The integer value in [-2^(depth-1), 2^(depth-1)): bits above `depth` in
// the container are ignored, as GStreamer's own unpacking does.
template <PcmFormat F>
inline int32_t load_int(const uint8_t *p) {
  constexpr PcmInfo info = pcm_info(F);
  constexpr int spare = 32 - info.depth;
  uint32_t top = uint32_t(read_raw<F>(p)) << spare;
  if constexpr (info.is_unsigned) top ^= 0x80000000u;
  return int32_t(top) >> spare;
}

// The sample as a real number: integers as x / 2^(depth-1), floats as they are.
template <PcmFormat F, typename Real>
inline Real load_real(const uint8_t *p) {
  constexpr PcmInfo info = pcm_info(F);
  if constexpr (info.is_float && info.width == 4) {
    const uint32_t raw = uint32_t(read_raw<F>(p));
    float v;
    std::memcpy(&v, &raw, 4);
    return Real(v);
  } else if constexpr (info.is_float) {
    const uint64_t raw = read_raw<F>(p);
    double v;
    std::memcpy(&v, &raw, 8);
    return Real(v);
  } else {
    return Real(load_int<F>(p)) * Real(1.0 / double(uint64_t(1) << (info.depth - 1)));
  }
}

}  // namespace fastaudio::pcm_sample
