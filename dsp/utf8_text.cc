// SPDX-License-Identifier: LGPL-2.1-or-later
#include "utf8_text.h"

#include <cstdint>

namespace fastaudio {

namespace {

// Length of the well-formed UTF-8 sequence at s[0] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
size_t sequence_length(std::string_view s) {
  const auto b = [&](size_t i) { return i < s.size() ? uint8_t(s[i]) : 0; };
  const auto cont = [&](size_t i, uint8_t lo = 0x80, uint8_t hi = 0xbf) { return b(i) >= lo && b(i) <= hi; };
  const uint8_t c = b(0);
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const bool second = c == 0xe0 ? cont(1, 0xa0) : c == 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return second && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const bool second = c == 0xf0 ? cont(1, 0x90) : c == 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return second && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string escape_bytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const uint8_t c = uint8_t(bytes[i]);
    if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n') {
      out += char(c);
      i++;
    } else if (const size_t n = c >= 0x80 ? sequence_length(bytes.substr(i)) : 0) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      i++;
    }
  }
  return out;
}

}  // namespace fastaudio
