// SPDX-License-Identifier: LGPL-2.1-or-later
#include "pcm_format.h"

namespace fastaudio {

const char *pcm_format_name(PcmFormat f) {
  static const char *const names[kPcmFormatCount] = {
      "S8",       "U8",       "S16LE",    "S16BE",    "U16LE",    "U16BE", "S24_32LE", "S24_32BE",
      "U24_32LE", "U24_32BE", "S32LE",    "S32BE",    "U32LE",    "U32BE", "S24LE",    "S24BE",
      "U24LE",    "U24BE",    "S20LE",    "S20BE",    "U20LE",    "U20BE", "S18LE",    "S18BE",
      "U18LE",    "U18BE",    "F32LE",    "F32BE",    "F64LE",    "F64BE"};
  return size_t(f) < kPcmFormatCount ? names[size_t(f)] : "?";
}

std::optional<SampleFormat> native_format(PcmFormat f) {
  switch (f) {
    case PcmFormat::U8: return SampleFormat::U8;
    case PcmFormat::S8: return SampleFormat::S8;
    case PcmFormat::S16LE: return SampleFormat::S16;
    case PcmFormat::S24LE: return SampleFormat::S24;
    case PcmFormat::S24_32LE: return SampleFormat::S24_32;
    case PcmFormat::S32LE: return SampleFormat::S32;
    case PcmFormat::F32LE: return SampleFormat::F32;
    case PcmFormat::F64LE: return SampleFormat::F64;
    default: return std::nullopt;
  }
}

PcmFormat pcm_format_of(SampleFormat f) {
  switch (f) {
    case SampleFormat::U8: return PcmFormat::U8;
    case SampleFormat::S8: return PcmFormat::S8;
    case SampleFormat::S16: return PcmFormat::S16LE;
    case SampleFormat::S24: return PcmFormat::S24LE;
    case SampleFormat::S24_32: return PcmFormat::S24_32LE;
    case SampleFormat::S32: return PcmFormat::S32LE;
    case SampleFormat::F32: return PcmFormat::F32LE;
    case SampleFormat::F64: return PcmFormat::F64LE;
  }
  return PcmFormat::F32LE;
}

}  // namespace fastaudio
