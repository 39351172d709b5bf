// SPDX-License-Identifier: LGPL-2.1-or-later
// json_codec.h, encoding side: digits go straight into the caller's buffer,
// sized once by max_encoded_size(); no allocation per sample or per line.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "json_codec.h"

namespace fastaudio::json {

namespace {

struct FormatName {
  SampleFormat format;
  std::string_view name;
};

constexpr FormatName kFormatNames[] = {
    {SampleFormat::U8, "U8"},         {SampleFormat::S8, "S8"},       {SampleFormat::S16, "S16LE"},
    {SampleFormat::S24, "S24LE"},     {SampleFormat::S24_32, "S24_32LE"}, {SampleFormat::S32, "S32LE"},
    {SampleFormat::F32, "F32LE"},     {SampleFormat::F64, "F64LE"},
};

// Longest text of one sample plus its comma: "-2.2250738585072014e-308," for
// F64, "-1.17549435e-38," for F32, "-2147483648," for S32.
constexpr size_t max_sample_chars(SampleFormat f) {
  switch (f) {
    case SampleFormat::F64: return 25;
    case SampleFormat::F32: return 16;
    case SampleFormat::U8: return 4;
    case SampleFormat::S8: return 5;
    case SampleFormat::S16: return 7;
    default: return 12;
  }
}
// Also covers the 8-byte stores of write_i16_comma() past the last sample.
constexpr size_t kMaxHeaderChars = 384;

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline int digits10(uint32_t v) {
  if (v < 10) return 1;
  if (v < 100) return 2;
  if (v < 1000) return 3;
  if (v < 10000) return 4;
  if (v < 100000) return 5;
  if (v < 1000000) return 6;
  if (v < 10000000) return 7;
  if (v < 100000000) return 8;
  if (v < 1000000000) return 9;
  return 10;
}

// Two digits per step from a table: the same text as std::to_chars, in
// fewer steps for the 16-bit samples most lines hold.
inline char *write_u32(char *p, uint32_t v) {
  char *end = p + digits10(v);
  char *q = end;
  while (v >= 100) {
    const uint32_t r = v % 100;
    v /= 100;
    q -= 2;
    std::memcpy(q, kDigitPairs + 2 * r, 2);
  }
  if (v >= 10) {
    q -= 2;
    std::memcpy(q, kDigitPairs + 2 * v, 2);
  } else {
    *--q = char('0' + v);
  }
  return end;
}

// The text of |v| <= 32768 and its comma, precomputed: digits in the low
// bytes (stores are little-endian), the length in the top byte. 256 KiB,
// built on first use; one load replaces the digit arithmetic, whose branches
// on length and sign audio makes unpredictable.
const uint64_t *small_int_table() {
  static const std::unique_ptr<uint64_t[]> table = [] {
    std::unique_ptr<uint64_t[]> t(new uint64_t[32769]);
    for (uint32_t u = 0; u <= 32768; u++) {
      char digits[8] = {};
      char *end = std::to_chars(digits, digits + sizeof digits, u).ptr;
      *end++ = ',';
      uint64_t word = 0;
      std::memcpy(&word, digits, 7);
      t[u] = word | uint64_t(end - digits) << 56;
    }
    return t;
  }();
  return table.get();
}

// Stores 8 bytes at p; max_encoded_size() leaves the slack for that.
inline char *write_i16_comma(char *p, const uint64_t *table, int32_t v) {
  *p = '-';
  p += v < 0;
  const uint64_t word = table[uint32_t(v < 0 ? -v : v)];
  std::memcpy(p, &word, 8);
  return p + (word >> 56);
}

inline char *write_i32(char *p, int32_t v) {
  uint32_t u = uint32_t(v);
  if (v < 0) {
    *p++ = '-';
    u = 0u - u;
  }
  return write_u32(p, u);
}

inline char *write_literal(char *p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

inline char *write_optional(char *p, uint64_t v) {
  if (v == kNone) return write_literal(p, "null");
  return std::to_chars(p, p + 24, v).ptr;
}

inline char *write_non_finite(char *p, bool nan, bool negative) {
  if (nan) return write_literal(p, "\"NaN\"");
  return write_literal(p, negative ? "\"-Infinity\"" : "\"Infinity\"");
}

template <typename Load>
char *write_ints(char *p, const uint8_t *s, size_t n, size_t width, Load load) {
  if (width <= 2) {
    const uint64_t *table = small_int_table();
    for (size_t i = 0; i < n; i++, s += width) p = write_i16_comma(p, table, load(s));
    return p;
  }
  for (size_t i = 0; i < n; i++, s += width) {
    p = write_i32(p, load(s));
    *p++ = ',';
  }
  return p;
}

// Shortest round-trip text of each F32 or F64 sample; non-finite values as
// the strings the decoder reads back.
template <typename Float>
char *write_floats(char *p, const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++, s += sizeof(Float)) {
    Float x;
    std::memcpy(&x, s, sizeof x);
    // In audio's range {fmt}'s Dragonbox writes the same text as
    // std::to_chars, and faster. Where to_chars finds exponent
    // notation shorter ("1e-04" for 0.0001, "1e+06") fmt writes fixed, so
    // those go to to_chars.
    const Float magnitude = std::fabs(x);
    if (magnitude < Float(1) && (magnitude >= Float(1e-3) || magnitude < Float(1e-4)))
      p = fmt::format_to(p, FMT_COMPILE("{}"), x);
    else if (std::isfinite(x))
      p = std::to_chars(p, p + 32, x).ptr;
    else
      p = write_non_finite(p, std::isnan(x), std::signbit(x));
    *p++ = ',';
  }
  return p;
}

char *write_samples(char *p, SampleFormat f, const uint8_t *s, size_t n) {
  switch (f) {
    case SampleFormat::U8: return write_ints(p, s, n, 1, [](const uint8_t *b) { return int32_t(b[0]); });
    case SampleFormat::S8: return write_ints(p, s, n, 1, [](const uint8_t *b) { return int32_t(int8_t(b[0])); });
    case SampleFormat::S16:
      return write_ints(p, s, n, 2, [](const uint8_t *b) {
        int16_t v;
        std::memcpy(&v, b, 2);
        return int32_t(v);
      });
    case SampleFormat::S24:
      return write_ints(p, s, n, 3, [](const uint8_t *b) {
        return int32_t(uint32_t(b[0]) << 8 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 24) >> 8;
      });
    case SampleFormat::S24_32:
      // The value lives in the low 24 bits; the container's top byte is not data.
      return write_ints(p, s, n, 4, [](const uint8_t *b) {
        uint32_t v;
        std::memcpy(&v, b, 4);
        return int32_t(v << 8) >> 8;
      });
    case SampleFormat::S32:
      return write_ints(p, s, n, 4, [](const uint8_t *b) {
        int32_t v;
        std::memcpy(&v, b, 4);
        return v;
      });
    case SampleFormat::F32: return write_floats<float>(p, s, n);
    case SampleFormat::F64: return write_floats<double>(p, s, n);
  }
  return p;
}

std::string_view name_of(SampleFormat f) {
  for (const auto &e : kFormatNames)
    if (e.format == f) return e.name;
  return "?";
}

}  // namespace

bool format_from_name(std::string_view name, SampleFormat &format) {
  for (const auto &e : kFormatNames) {
    if (e.name == name) {
      format = e.format;
      return true;
    }
  }
  return false;
}

size_t max_encoded_size(SampleFormat format, size_t samples) {
  return kMaxHeaderChars + samples * max_sample_chars(format);
}

size_t max_frames_per_line(SampleFormat format, uint32_t channels, size_t max_line) {
  const size_t frame = max_sample_chars(format) * std::max<uint32_t>(channels, 1);
  return max_line > kMaxHeaderChars + frame ? (max_line - kMaxHeaderChars) / frame : 1;
}

size_t encode(const BlockHeader &h, const void *samples, size_t samples_count, char *out) {
  char *p = out;
  p = write_literal(p, "{\"version\":");
  p = write_u32(p, kSchemaVersion);
  p = write_literal(p, ",\"format\":\"");
  p = write_literal(p, name_of(h.format));
  p = write_literal(p, "\",\"rate\":");
  p = write_u32(p, h.rate);
  p = write_literal(p, ",\"channels\":");
  p = write_u32(p, h.channels);
  p = write_literal(p, ",\"layout\":\"interleaved\"");
  if (h.channel_mask != kNone) {
    p = write_literal(p, ",\"channel-mask\":");
    p = std::to_chars(p, p + 24, h.channel_mask).ptr;
  }
  p = write_literal(p, ",\"pts\":");
  p = write_optional(p, h.pts);
  p = write_literal(p, ",\"duration\":");
  p = write_optional(p, h.duration);
  p = write_literal(p, ",\"offset\":");
  p = write_optional(p, h.offset);
  p = write_literal(p, h.discont ? ",\"discont\":true" : ",\"discont\":false");
  p = write_literal(p, h.gap ? ",\"gap\":true" : ",\"gap\":false");
  p = write_literal(p, ",\"samples\":[");
  char *first = p;
  p = write_samples(p, h.format, static_cast<const uint8_t *>(samples), samples_count);
  if (p != first) p--;  // the last comma
  p = write_literal(p, "]}\n");
  return size_t(p - out);
}

std::string_view Encoder::encode(const BlockHeader &header, const void *samples, size_t samples_count) {
  const size_t need = max_encoded_size(header.format, samples_count);
  if (need > capacity_) {
    buf_.reset(new char[need]);
    capacity_ = need;
  }
  const size_t n = json::encode(header, samples, samples_count, buf_.get());
  return {buf_.get(), n};
}

}  // namespace fastaudio::json
