// SPDX-License-Identifier: LGPL-2.1-or-later
#include "convert.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "convert_reference.h"
#include "convert_kernels.h"

namespace fastaudio {

bool channels_convertible(unsigned in_channels, unsigned out_channels) {
  return in_channels > 0 && out_channels > 0 &&
         (in_channels == out_channels || in_channels == 1 || out_channels == 1);
}

namespace {

constexpr size_t kFormats = std::size(kAllSampleFormats);

using DitherKernel = void (*)(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic,
                              unsigned oc, uint32_t *rng);

// Triangular noise in [-1, 1) LSB: the sum of two uniform values in [-0.5, 0.5).
inline double tpdf(uint32_t *state) {
  auto next = [state] {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
  };
  constexpr double k = 1.0 / 4294967296.0;
  return double(next()) * k + double(next()) * k - 1.0;
}

template <SampleFormat In, SampleFormat Out>
void dither_kernel(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned oc,
                   uint32_t *rng) {
  if constexpr (is_float(Out)) {
    (void)in, (void)out, (void)frames, (void)ic, (void)oc, (void)rng;
  } else {
    constexpr size_t si = sample_bytes(In), so = sample_bytes(Out);
    constexpr int bo = sample_bits(Out);
    const unsigned mixed = ic == oc ? 1 : ic;  // channels averaged into one output
    const size_t samples_out = ic == oc ? frames * ic : frames;
    for (size_t i = 0; i < samples_out; i++) {
      const uint8_t *src = in + i * mixed * si;
      double v = 0;
      for (unsigned c = 0; c < mixed; c++) v += ref::to_output_lsb<In>(ref::load<In>(src + c * si), bo);
      v /= mixed;
      const int32_t q = ref::quantize<double>(v + tpdf(rng), bo);
      if (ic == 1 && oc > 1) {
        for (unsigned c = 0; c < oc; c++) ref::store<Out>(out + (i * oc + c) * so, q);
      } else {
        ref::store<Out>(out + i * so, q);
      }
    }
  }
}

template <template <SampleFormat, SampleFormat> class Maker, size_t... I>
constexpr auto make_table(std::index_sequence<I...>) {
  return std::array{Maker<kAllSampleFormats[I / kFormats], kAllSampleFormats[I % kFormats]>::value...};
}

template <SampleFormat In, SampleFormat Out> struct ScalarEntry {
  static constexpr ConvertKernel value = &ref::convert_kernel<In, Out>;
};
template <SampleFormat In, SampleFormat Out> struct DitherEntry {
  static constexpr DitherKernel value = &dither_kernel<In, Out>;
};

constexpr auto kScalarKernels = make_table<ScalarEntry>(std::make_index_sequence<kFormats * kFormats>{});
constexpr auto kDitherKernels = make_table<DitherEntry>(std::make_index_sequence<kFormats * kFormats>{});

constexpr size_t table_index(SampleFormat in, SampleFormat out) {
  return size_t(in) * kFormats + size_t(out);
}

// Dither only matters where precision is lost.
bool needs_dither(const ConvertSpec &s) {
  return s.dither == Dither::Tpdf && !is_float(s.out_format) &&
         (is_float(s.in_format) || sample_bits(s.in_format) > sample_bits(s.out_format) ||
          (s.in_channels > 1 && s.out_channels == 1));
}

}  // namespace

ConvertKernel find_kernel(const ConvertSpec &spec, Isa isa) {
  if (!channels_convertible(spec.in_channels, spec.out_channels)) return nullptr;
  const bool stereo_to_mono = spec.in_channels == 2 && spec.out_channels == 1;
  if (spec.in_channels == spec.out_channels || stereo_to_mono)
    for (const ConvertKernelRow &row : convert_kernel_rows())
      if (row.in == spec.in_format && row.out == spec.out_format && row.stereo_to_mono == stereo_to_mono)
        return row.kernels.for_isa(isa);
  return kScalarKernels[table_index(spec.in_format, spec.out_format)];
}

bool Converter::configure(const ConvertSpec &spec, Isa isa) {
  ConvertKernel k = find_kernel(spec, isa);
  if (!k) return false;
  spec_ = spec;
  kernel_ = k;
  simd_ = k != kScalarKernels[table_index(spec.in_format, spec.out_format)];
  return true;
}

// Every kernel reads a block of frames before it writes the same frames'
// output, so equal frame sizes (S32 <-> F32, stereo S16 -> mono F32, ...)
// are enough.
bool Converter::can_run_in_place() const { return in_frame_bytes() == out_frame_bytes(); }

void Converter::process(const void *in, void *out, size_t frames) {
  auto src = static_cast<const uint8_t *>(in);
  auto dst = static_cast<uint8_t *>(out);
  if (needs_dither(spec_)) process_dithered(src, dst, frames);
  else kernel_(src, dst, frames, spec_.in_channels, spec_.out_channels);
}

void Converter::process_dithered(const uint8_t *in, uint8_t *out, size_t frames) {
  kDitherKernels[table_index(spec_.in_format, spec_.out_format)](
      in, out, frames, spec_.in_channels, spec_.out_channels, &rng_);
}

}  // namespace fastaudio
