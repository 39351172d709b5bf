// SPDX-License-Identifier: LGPL-2.1-or-later
// Scalar reference conversions: the definition of every number fastconvert
// produces. SIMD kernels must give bit-identical results (tests compare).
//
//   int -> float   x / 2^(bits-1), computed in the output's precision
//   float -> int   x * 2^(bits-1), round to nearest even, saturate, NaN -> 0
//   int -> int     shift; narrowing rounds half up and saturates
//   N -> mono      mean of the channels; mono -> N copies
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "sample_format.h"

namespace fastaudio::ref {

template <SampleFormat F> struct Traits;
template <> struct Traits<SampleFormat::U8> { using Raw = uint8_t; };
template <> struct Traits<SampleFormat::S8> { using Raw = int8_t; };
template <> struct Traits<SampleFormat::S16> { using Raw = int16_t; };
template <> struct Traits<SampleFormat::S24> { using Raw = int32_t; };
template <> struct Traits<SampleFormat::S24_32> { using Raw = int32_t; };
template <> struct Traits<SampleFormat::S32> { using Raw = int32_t; };
template <> struct Traits<SampleFormat::F32> { using Raw = float; };
template <> struct Traits<SampleFormat::F64> { using Raw = double; };

// Integer formats load to a signed int32 in [-2^(bits-1), 2^(bits-1)-1];
// float formats load to their own type.
template <SampleFormat F>
using Value = std::conditional_t<is_float(F), typename Traits<F>::Raw, int32_t>;

template <SampleFormat F>
inline Value<F> load(const uint8_t *p) {
  if constexpr (F == SampleFormat::S24) {
    return int32_t(uint32_t(p[0]) << 8 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 24) >> 8;
  } else {
    typename Traits<F>::Raw raw;
    std::memcpy(&raw, p, sizeof raw);
    if constexpr (F == SampleFormat::U8) return int32_t(raw) - 128;
    else if constexpr (F == SampleFormat::S24_32) return int32_t(uint32_t(raw) << 8) >> 8;
    else return raw;
  }
}

template <SampleFormat F>
inline void store(uint8_t *p, Value<F> v) {
  if constexpr (F == SampleFormat::S24) {
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
    p[2] = uint8_t(v >> 16);
  } else {
    typename Traits<F>::Raw raw;
    if constexpr (F == SampleFormat::U8) raw = uint8_t(v + 128);
    else raw = static_cast<typename Traits<F>::Raw>(v);
    std::memcpy(p, &raw, sizeof raw);
  }
}

template <typename Real>
constexpr Real full_scale(int bits) {
  return Real(uint64_t(1) << (bits - 1));
}

// Round to nearest (ties to even), saturate to `bits`, NaN -> 0.
template <typename Real>
inline int32_t quantize(Real scaled, int bits) {
  if (!(scaled == scaled)) return 0;
  const Real hi = full_scale<Real>(bits);
  const Real r = std::nearbyint(scaled);
  if (r >= hi) return int32_t((uint64_t(1) << (bits - 1)) - 1);
  if (r <= -hi) return int32_t(-(int64_t(1) << (bits - 1)));
  return int32_t(r);
}

inline int32_t narrow_int(int64_t v, int shift, int out_bits) {
  const int64_t r = (v + (int64_t(1) << (shift - 1))) >> shift;
  const int64_t hi = (int64_t(1) << (out_bits - 1)) - 1;
  return int32_t(r > hi ? hi : r);
}

template <SampleFormat In, SampleFormat Out>
inline Value<Out> convert_value(Value<In> x) {
  constexpr int bi = sample_bits(In), bo = sample_bits(Out);
  if constexpr (is_float(In) && is_float(Out)) {
    return static_cast<Value<Out>>(x);
  } else if constexpr (is_float(Out)) {
    using R = Value<Out>;
    return R(x) * (R(1) / full_scale<R>(bi));
  } else if constexpr (is_float(In)) {
    using R = Value<In>;
    return quantize<R>(x * full_scale<R>(bo), bo);
  } else if constexpr (bo >= bi) {
    return int32_t(uint32_t(x) << (bo - bi));
  } else {
    return narrow_int(x, bi - bo, bo);
  }
}

// Mean of n channel values, converted to Out. Integer input sums exactly in
// int64; float input sums in its own precision.
template <SampleFormat In, SampleFormat Out>
inline Value<Out> mix_down(const uint8_t *frame, unsigned n) {
  constexpr size_t step = sample_bytes(In);
  constexpr int bi = sample_bits(In), bo = sample_bits(Out);
  if constexpr (is_float(In)) {
    // F32 sums in float only where float keeps the output's precision.
    constexpr bool narrow = In == SampleFormat::F32 && (Out == SampleFormat::F32 || bo <= 16);
    using Acc = std::conditional_t<narrow, float, double>;
    Acc acc = 0;
    for (unsigned c = 0; c < n; c++) acc += load<In>(frame + c * step);
    return convert_value<SampleFormat::F64, Out>(double(acc * (Acc(1) / Acc(n))));
  } else {
    int64_t acc = 0;
    for (unsigned c = 0; c < n; c++) acc += load<In>(frame + c * step);
    if constexpr (is_float(Out)) {
      using R = Value<Out>;
      if ((n & (n - 1)) == 0)  // power of two: exact, and what SIMD kernels compute
        return R(acc) * (R(1) / (full_scale<R>(bi) * R(n)));
      return R(double(acc) / (double(n) * full_scale<double>(bi)));
    } else {
      return quantize<double>(double(acc) / double(n) * std::ldexp(1.0, bo - bi), bo);
    }
  }
}

// Same channel count on both sides: frames * channels independent samples.
template <SampleFormat In, SampleFormat Out>
void convert_samples(const uint8_t *in, uint8_t *out, size_t samples) {
  constexpr size_t si = sample_bytes(In), so = sample_bytes(Out);
  for (size_t i = 0; i < samples; i++)
    store<Out>(out + i * so, convert_value<In, Out>(load<In>(in + i * si)));
}

template <SampleFormat In, SampleFormat Out>
void upmix(const uint8_t *in, uint8_t *out, size_t frames, unsigned out_channels) {
  constexpr size_t si = sample_bytes(In), so = sample_bytes(Out);
  for (size_t i = 0; i < frames; i++) {
    const Value<Out> v = convert_value<In, Out>(load<In>(in + i * si));
    for (unsigned c = 0; c < out_channels; c++) store<Out>(out + (i * out_channels + c) * so, v);
  }
}

template <SampleFormat In, SampleFormat Out>
void downmix(const uint8_t *in, uint8_t *out, size_t frames, unsigned in_channels) {
  constexpr size_t si = sample_bytes(In), so = sample_bytes(Out);
  for (size_t i = 0; i < frames; i++)
    store<Out>(out + i * so, mix_down<In, Out>(in + i * in_channels * si, in_channels));
}

// The reference behind the ConvertKernel signature (convert.h): equal
// channel counts, mono -> N or N -> mono.
template <SampleFormat In, SampleFormat Out>
void convert_kernel(const uint8_t *in, uint8_t *out, size_t frames, unsigned in_channels, unsigned out_channels) {
  if (in_channels == out_channels) convert_samples<In, Out>(in, out, frames * in_channels);
  else if (in_channels == 1) upmix<In, Out>(in, out, frames, out_channels);
  else downmix<In, Out>(in, out, frames, in_channels);
}

// A sample as a real number in units of the output's LSB, before rounding:
// what TPDF dither is added to.
template <SampleFormat In>
inline double to_output_lsb(Value<In> x, int out_bits) {
  if constexpr (is_float(In)) return double(x) * full_scale<double>(out_bits);
  else return std::ldexp(double(x), out_bits - sample_bits(In));
}

}  // namespace fastaudio::ref
