// SPDX-License-Identifier: LGPL-2.1-or-later
// Every PCM sample format GStreamer's raw audio knows (its 30
// GST_AUDIO_FORMATS_ALL): width, significant bits, sign, byte order. The
// kernels of convert.h cover the eight little-endian native ones; the rest go
// through pcm_codec.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "sample_format.h"

namespace fastaudio {

enum class PcmFormat : uint8_t {
  S8, U8,
  S16LE, S16BE, U16LE, U16BE,
  S24_32LE, S24_32BE, U24_32LE, U24_32BE,
  S32LE, S32BE, U32LE, U32BE,
  S24LE, S24BE, U24LE, U24BE,
  S20LE, S20BE, U20LE, U20BE,
  S18LE, S18BE, U18LE, U18BE,
  F32LE, F32BE, F64LE, F64BE,
};
inline constexpr size_t kPcmFormatCount = size_t(PcmFormat::F64BE) + 1;

struct PcmInfo {
  uint8_t width;  // bytes per sample in memory
  uint8_t depth;  // significant bits (the full scale is 2^(depth-1)); 32/64 for floats
  bool is_float, is_unsigned, big_endian;
};

constexpr PcmInfo pcm_info(PcmFormat f) {
  const unsigned i = unsigned(f);
  if (f == PcmFormat::S8) return {1, 8, false, false, false};
  if (f == PcmFormat::U8) return {1, 8, false, true, false};
  if (f >= PcmFormat::F32LE) return {uint8_t(f >= PcmFormat::F64LE ? 8 : 4), uint8_t(f >= PcmFormat::F64LE ? 64 : 32),
                                     true, false, (i & 1) != 0};
  // Groups of four from S16LE: signed LE, signed BE, unsigned LE, unsigned BE.
  constexpr uint8_t widths[] = {2, 4, 4, 3, 3, 3}, depths[] = {16, 24, 32, 24, 20, 18};
  const unsigned group = (i - 2) / 4, k = (i - 2) % 4;
  return {widths[group], depths[group], false, k >= 2, (k & 1) != 0};
}

// The caps name ("S16BE").
const char *pcm_format_name(PcmFormat f);

// The native format of the same layout, if the kernels of convert.h take it.
std::optional<SampleFormat> native_format(PcmFormat f);
PcmFormat pcm_format_of(SampleFormat f);

}  // namespace fastaudio
