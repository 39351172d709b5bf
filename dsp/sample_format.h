// SPDX-License-Identifier: LGPL-2.1-or-later
// Little-endian interleaved PCM sample formats understood by the kernels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastaudio {

enum class SampleFormat : uint8_t { U8, S8, S16, S24, S24_32, S32, F32, F64 };

inline constexpr SampleFormat kAllSampleFormats[] = {
    SampleFormat::U8,     SampleFormat::S8,  SampleFormat::S16, SampleFormat::S24,
    SampleFormat::S24_32, SampleFormat::S32, SampleFormat::F32, SampleFormat::F64,
};

constexpr bool is_float(SampleFormat f) {
  return f == SampleFormat::F32 || f == SampleFormat::F64;
}

// Bytes one sample occupies in memory.
constexpr size_t sample_bytes(SampleFormat f) {
  switch (f) {
    case SampleFormat::U8:
    case SampleFormat::S8: return 1;
    case SampleFormat::S16: return 2;
    case SampleFormat::S24: return 3;
    case SampleFormat::S24_32:
    case SampleFormat::S32:
    case SampleFormat::F32: return 4;
    case SampleFormat::F64: return 8;
  }
  return 0;
}

// Significant bits of an integer format (the full scale is 2^(bits-1)).
constexpr int sample_bits(SampleFormat f) {
  switch (f) {
    case SampleFormat::U8:
    case SampleFormat::S8: return 8;
    case SampleFormat::S16: return 16;
    case SampleFormat::S24:
    case SampleFormat::S24_32: return 24;
    case SampleFormat::S32: return 32;
    case SampleFormat::F32: return 24;
    case SampleFormat::F64: return 53;
  }
  return 0;
}

const char *sample_format_name(SampleFormat f);

}  // namespace fastaudio
