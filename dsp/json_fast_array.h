// SPDX-License-Identifier: LGPL-2.1-or-later
// The fast path of the JSON decoder: a samples array as json::encode writes
// it, read straight from the text. simdjson has already indexed the line and
// validated its UTF-8, strings and nesting; this parser is strict JSON and
// gives up (returns false) on anything it does not expect, leaving the array
// to simdjson's general path, which also words every error. So it never
// accepts what that path refuses, and never gives a different value: the
// tests and the fuzzer compare the two.
//
// Numbers: digits gathered 8 at a time (SWAR); when they fit 53 bits and the
// power of ten is at most 22, one IEEE division or multiplication of exact
// operands rounds correctly (Clinger's fast path). Anything else goes to
// std::from_chars, which rounds correctly too (F32 directly to float).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "sample_format.h"

namespace fastaudio::json::detail {

// True when d lies exactly halfway between two floats: only then can rounding
// a decimal to double and the double to float differ from rounding the
// decimal to float directly.
inline bool is_float_midpoint(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  const unsigned exp = unsigned(bits >> 52) & 0x7ff;
  if (exp >= 1023 - 126) return (bits & ((uint64_t(1) << 29) - 1)) == (uint64_t(1) << 28);
  const double t = d * 0x1p150;  // exact: float subnormal spacing is 2^-149
  return t == std::trunc(t) && std::fmod(t, 2.0) != 0.0;
}

// A cheap filter for is_float_midpoint(): false for nearly every double.
inline bool may_be_float_midpoint(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return (bits & ((uint64_t(1) << 29) - 1)) == (uint64_t(1) << 28) || ((bits >> 52) & 0x7ff) < 1023 - 126;
}

struct IntLimits {
  int64_t min, max;
};

constexpr IntLimits int_limits(SampleFormat f) {
  switch (f) {
    case SampleFormat::U8: return {0, 255};
    case SampleFormat::S8: return {-128, 127};
    case SampleFormat::S16: return {-32768, 32767};
    case SampleFormat::S24:
    case SampleFormat::S24_32: return {-8388608, 8388607};
    default: return {INT32_MIN, INT32_MAX};
  }
}

class FastArray {
 public:
  // [p, end) is the rest of the line; at least 8 readable bytes follow `end`
  // (simdjson's padding), none of them a digit.
  FastArray(const char *p, const char *end) : p_(p), end_(end) {}

  template <SampleFormat F>
  bool parse(std::vector<uint8_t> &out, size_t &count) {
    constexpr size_t kWidth = sample_bytes(F);
    if (*p_ != '[') return false;
    p_++;
    skip_space();
    size_t i = 0;
    uint8_t *dst = out.data();
    size_t capacity = out.size() / kWidth;
    if (*p_ == ']') {
      p_++;
      count = 0;
      return true;
    }
    for (;;) {
      if (i == capacity) [[unlikely]] {
        out.resize(std::max<size_t>(4096, 2 * capacity) * kWidth);
        dst = out.data();
        capacity = out.size() / kWidth;
      }
      if (!value<F>(dst + i * kWidth)) return false;
      i++;
      if (*p_ == ',') [[likely]] {
        p_++;
        if (is_space(*p_)) skip_space();
        continue;
      }
      skip_space();
      if (*p_ == ',') {
        p_++;
        skip_space();
        continue;
      }
      if (*p_ != ']' || p_ >= end_) return false;
      p_++;
      count = i;
      return true;
    }
  }

  // After the array only the object's closing brace and spaces may follow.
  bool at_object_end() {
    skip_space();
    if (p_ >= end_ || *p_ != '}') return false;
    p_++;
    skip_space();
    return p_ == end_;
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  void skip_space() {
    while (p_ < end_ && is_space(*p_)) p_++;
  }
  static bool is_digit(char c) { return unsigned(c - '0') < 10; }

  static uint32_t eight_digits_value(uint64_t v) {
    v -= 0x3030303030303030ull;
    v = (v * 10) + (v >> 8);
    v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
        32;
    return uint32_t(v);
  }

  // Digits into m, eight bytes at a time: a run shorter than eight is
  // left-padded with '0' inside the register. False when there are more
  // than 19 (m could overflow); the padding after the line ends every run.
  bool digits(uint64_t &m, int &n) {
    static constexpr uint64_t kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    for (;;) {
      uint64_t v;
      std::memcpy(&v, p_, 8);
      // Zero bytes are digits. A carry out of a non-digit byte can only
      // spoil the bytes after it, which are not used.
      const uint64_t non_digit =
          ((v & 0xF0F0F0F0F0F0F0F0ull) | (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) ^
          0x3333333333333333ull;
      const int k = non_digit ? __builtin_ctzll(non_digit) >> 3 : 8;
      if (n + k > 19) return false;
      if (k == 0) return true;
      const int shift = 8 * (8 - k);
      const uint64_t padded = shift ? (v << shift) | (0x3030303030303030ull >> (64 - shift)) : v;
      m = m * kScale[k] + eight_digits_value(padded);
      p_ += k;
      n += k;
      if (k < 8) return true;
    }
  }

  template <SampleFormat F>
  bool value(uint8_t *dst) {
    if constexpr (is_float(F)) {
      if (*p_ == '"') return special<F>(dst);
    }
    const char *start = p_;
    const bool negative = *p_ == '-';
    p_ += negative;
    uint64_t m = 0;
    int n = 0;
    if (*p_ == '0') {
      p_++;
      if (is_digit(*p_)) return false;  // leading zero
    } else {
      if (!is_digit(*p_)) return false;
      if (!digits(m, n)) return false;
    }
    if constexpr (!is_float(F)) {
      if (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || m > (uint64_t(1) << 32)) return false;
      const int64_t v = negative ? -int64_t(m) : int64_t(m);
      constexpr IntLimits r = int_limits(F);
      if (v < r.min || v > r.max) return false;
      store_int<F>(dst, v);
      return p_ <= end_;
    } else {
      int exp10 = 0;
      if (*p_ == '.') {
        p_++;
        const int before = n;
        if (!is_digit(*p_) || !digits(m, n)) return false;
        exp10 = before - n;
      }
      if ((*p_ | 0x20) == 'e') {
        p_++;
        const bool eneg = *p_ == '-';
        if (eneg || *p_ == '+') p_++;
        if (!is_digit(*p_)) return false;
        // Long exponents (1e0000000000000000001) are left to simdjson, which
        // has its own rule for them.
        int e = 0, e_digits = 0;
        while (is_digit(*p_)) {
          e = e * 10 + (*p_++ - '0');
          if (++e_digits > 4) return false;
        }
        exp10 += eneg ? -e : e;
      }
      if (p_ > end_) return false;
      static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                          1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
      if ((m >> 53) != 0 || unsigned(exp10 + 22) > 44) return exact<F>(start, dst);
      double d = exp10 < 0 ? double(m) / kPow10[-exp10] : double(m) * kPow10[exp10];
      if (negative) d = -d;
      if constexpr (F == SampleFormat::F64) {
        std::memcpy(dst, &d, 8);
      } else {
        const float x = float(d);
        if (may_be_float_midpoint(d) && double(x) != d && is_float_midpoint(d)) return exact<F>(start, dst);
        if (std::isinf(x)) return false;
        std::memcpy(dst, &x, 4);
      }
      return true;
    }
  }

  template <SampleFormat F>
  bool exact(const char *start, uint8_t *dst) {
    using T = std::conditional_t<F == SampleFormat::F32, float, double>;
    T x;
    const auto r = std::from_chars(start, p_, x);
    if (r.ec != std::errc() || r.ptr != p_ || std::isinf(x)) return false;
    std::memcpy(dst, &x, sizeof x);
    return true;
  }

  template <SampleFormat F>
  bool special(uint8_t *dst) {
    auto match = [&](const char *s, size_t len) {
      if (size_t(end_ - p_) >= len && std::memcmp(p_, s, len) == 0) {
        p_ += len;
        return true;
      }
      return false;
    };
    double x;
    if (match("\"NaN\"", 5)) x = std::numeric_limits<double>::quiet_NaN();
    else if (match("\"Infinity\"", 10)) x = std::numeric_limits<double>::infinity();
    else if (match("\"-Infinity\"", 11)) x = -std::numeric_limits<double>::infinity();
    else return false;
    if constexpr (F == SampleFormat::F32) {
      const float f = float(x);
      std::memcpy(dst, &f, 4);
    } else {
      std::memcpy(dst, &x, 8);
    }
    return true;
  }

  template <SampleFormat F>
  static void store_int(uint8_t *dst, int64_t n) {
    if constexpr (F == SampleFormat::U8 || F == SampleFormat::S8) {
      dst[0] = uint8_t(n);
    } else if constexpr (F == SampleFormat::S16) {
      const int16_t s = int16_t(n);
      std::memcpy(dst, &s, 2);
    } else if constexpr (F == SampleFormat::S24) {
      const uint32_t u = uint32_t(n);
      dst[0] = uint8_t(u);
      dst[1] = uint8_t(u >> 8);
      dst[2] = uint8_t(u >> 16);
    } else {
      const int32_t s = int32_t(n);  // S24_32 sign-extended into its container
      std::memcpy(dst, &s, 4);
    }
  }

  const char *p_;
  const char *end_;
};

}  // namespace fastaudio::json::detail
