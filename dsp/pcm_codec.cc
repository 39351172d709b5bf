// SPDX-License-Identifier: LGPL-2.1-or-later
#include "pcm_codec.h"

#include "pcm_sample.h"

#include <array>
#include <cmath>
#include <cstring>
#include <utility>

namespace fastaudio {

namespace {

using namespace pcm_sample;

template <PcmFormat F, typename Real>
void unpack(const uint8_t *in, Real *out, size_t samples) {
  for (size_t i = 0; i < samples; i++, in += pcm_info(F).width) out[i] = load_real<F, Real>(in);
}

template <PcmFormat F, typename Real>
void pack(const Real *in, uint8_t *out, size_t samples) {
  constexpr PcmInfo info = pcm_info(F);
  for (size_t i = 0; i < samples; i++, out += info.width) {
    if constexpr (info.is_float && info.width == 4) {
      const float v = float(in[i]);
      uint32_t raw;
      std::memcpy(&raw, &v, 4);
      write_raw<F>(out, raw);
    } else if constexpr (info.is_float) {
      const double v = double(in[i]);
      uint64_t raw;
      std::memcpy(&raw, &v, 8);
      write_raw<F>(out, raw);
    } else {
      constexpr double full = double(uint64_t(1) << (info.depth - 1));
      // floor(x * full + 0.5): ties round up, as audioconvert's quantizer
      // does. Products of depth <= 24 stay exact in float; wider ones round
      // in double. Saturation first, so that floor() is a truncating
      // conversion (std::floor is a library call on baseline x86-64).
      using Calc = std::conditional_t<(info.depth <= 24), Real, double>;
      const Calc t = Calc(in[i]) * Calc(full) + Calc(0.5);
      int64_t q = 0;  // NaN
      if (t >= Calc(full)) q = int64_t(full) - 1;
      else if (t < -Calc(full)) q = -int64_t(full);
      else if (t == t) q = int64_t(t) - (Calc(int64_t(t)) > t);
      if constexpr (info.is_unsigned) q += int64_t(full);
      // Containers wider than the depth: S24_32 sign-extends, the rest keep
      // their spare bits zero (as GStreamer writes them).
      constexpr uint64_t mask = info.width == 4 && !info.is_unsigned ? 0xffffffffu : (uint64_t(1) << info.depth) - 1;
      write_raw<F>(out, uint64_t(q) & mask);
    }
  }
}

// The signed little-endian format of F's width and depth.
constexpr PcmFormat signed_le(PcmFormat f) {
  const PcmInfo info = pcm_info(f);
  if (info.is_float) return info.width == 4 ? PcmFormat::F32LE : PcmFormat::F64LE;
  if (info.width == 1) return PcmFormat::S8;
  return PcmFormat(2 + (unsigned(f) - 2) / 4 * 4);
}

template <PcmFormat F>
void from_twin(uint8_t *data, size_t samples) {
  constexpr PcmInfo info = pcm_info(F);
  constexpr uint64_t sign = info.is_float ? 0 : uint64_t(1) << (info.depth - 1);
  constexpr uint64_t mask = info.width == 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * info.width)) - 1;
  constexpr uint64_t unsigned_mask = info.depth >= 64 ? ~uint64_t(0) : (uint64_t(1) << info.depth) - 1;
  for (size_t i = 0; i < samples; i++, data += info.width) {
    uint64_t raw = read_raw<signed_le(F)>(data) & mask;
    if constexpr (info.is_unsigned) raw = (raw ^ sign) & unsigned_mask;
    write_raw<F>(data, raw);
  }
}

template <size_t... I>
constexpr auto fixup_table(std::index_sequence<I...>) {
  return std::array<FixupFn, sizeof...(I)>{&from_twin<PcmFormat(I)>...};
}

template <typename Real, size_t... I>
constexpr auto unpack_table(std::index_sequence<I...>) {
  return std::array<UnpackFn<Real>, sizeof...(I)>{&unpack<PcmFormat(I), Real>...};
}
template <typename Real, size_t... I>
constexpr auto pack_table(std::index_sequence<I...>) {
  return std::array<PackFn<Real>, sizeof...(I)>{&pack<PcmFormat(I), Real>...};
}

}  // namespace

template <typename Real>
UnpackFn<Real> unpack_function(PcmFormat f) {
  static constexpr auto table = unpack_table<Real>(std::make_index_sequence<kPcmFormatCount>{});
  return table[size_t(f)];
}

template <typename Real>
PackFn<Real> pack_function(PcmFormat f) {
  static constexpr auto table = pack_table<Real>(std::make_index_sequence<kPcmFormatCount>{});
  return table[size_t(f)];
}

std::optional<SampleFormat> native_twin(PcmFormat f) {
  if (native_format(f)) return std::nullopt;  // its own kernels apply
  return native_format(signed_le(f));
}

FixupFn twin_fixup(PcmFormat f) {
  static constexpr auto table = fixup_table(std::make_index_sequence<kPcmFormatCount>{});
  return table[size_t(f)];
}

template UnpackFn<float> unpack_function<float>(PcmFormat);
template UnpackFn<double> unpack_function<double>(PcmFormat);
template PackFn<float> pack_function<float>(PcmFormat);
template PackFn<double> pack_function<double>(PcmFormat);

}  // namespace fastaudio
