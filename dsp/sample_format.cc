// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sample_format.h"

namespace fastaudio {

const char *sample_format_name(SampleFormat f) {
  switch (f) {
    case SampleFormat::U8: return "U8";
    case SampleFormat::S8: return "S8";
    case SampleFormat::S16: return "S16LE";
    case SampleFormat::S24: return "S24LE";
    case SampleFormat::S24_32: return "S24_32LE";
    case SampleFormat::S32: return "S32LE";
    case SampleFormat::F32: return "F32LE";
    case SampleFormat::F64: return "F64LE";
  }
  return "?";
}

}  // namespace fastaudio
