// SPDX-License-Identifier: LGPL-2.1-or-later
#include "convert_pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace fastaudio {

namespace {

// Samples per block and side: small enough to stay in L2 with 64 channels.
constexpr size_t kBlockSamples = 4096;

bool all_equal(const MixMatrix &m, float v) {
  return std::all_of(m.m.begin(), m.m.end(), [v](float x) { return x == v; });
}

// What the one-pass kernels compute: copy, mono to N copies, stereo mean.
bool direct_kernels_mix(const PipelineSpec &s) {
  const MixMatrix &m = s.matrix;
  if (m.m.empty() || m.is_identity()) return s.in_channels == s.out_channels;
  if (s.in_channels == 1) return all_equal(m, 1.0f);
  return s.in_channels == 2 && s.out_channels == 1 && all_equal(m, 0.5f);
}

bool matrix_fits(const PipelineSpec &s) {
  if (s.in_channels == 0 || s.out_channels == 0) return false;
  if (s.matrix.m.empty()) return s.in_channels == s.out_channels;
  return s.matrix.in_channels == s.in_channels && s.matrix.out_channels == s.out_channels &&
         s.matrix.m.size() == size_t(s.in_channels) * s.out_channels &&
         std::all_of(s.matrix.m.begin(), s.matrix.m.end(), [](float x) { return std::isfinite(x); });
}

template <typename Real>
constexpr PcmFormat real_format() {
  return sizeof(Real) == 4 ? PcmFormat::F32LE : PcmFormat::F64LE;
}

}  // namespace

bool quantizer_applies(const PipelineSpec &s) {
  const PcmInfo in = pcm_info(s.in_format), out = pcm_info(s.out_format);
  if (out.is_float || out.depth > s.dither_threshold) return false;
  if (s.dither == DitherMethod::None && s.shaping == NoiseShaping::None) return false;
  const bool mixing = !s.matrix.m.empty() && !s.matrix.is_identity();
  return in.is_float || in.depth > out.depth || mixing;
}

bool ConvertPipeline::configure(const PipelineSpec &spec, Isa isa) {
  if (!matrix_fits(spec)) return false;
  const bool quantize = quantizer_applies(spec);
  const auto in_native = native_format(spec.in_format), out_native = native_format(spec.out_format);
  one_pass_ = !quantize && in_native && out_native && direct_kernels_mix(spec);
  if (one_pass_) {
    ConvertSpec direct{*in_native, *out_native, spec.in_channels, spec.out_channels, Dither::None};
    if (!direct_.configure(direct, isa)) return false;
    spec_ = spec;
    path_ = direct_.uses_simd() ? "one pass (simd)" : "one pass";
    return true;
  }
  spec_ = spec;
  mixing_ = !spec.matrix.m.empty() && !spec.matrix.is_identity();
  const PcmInfo in = pcm_info(spec.in_format), out = pcm_info(spec.out_format);
  const bool narrow_in = in.is_float ? in.depth == 32 : in.depth <= 24;
  use_float_ = narrow_in && (out.is_float ? out.depth == 32 : out.depth <= 16);
  if (quantize) quantizer_.configure(spec.dither, spec.shaping, spec.out_channels, out.depth, spec.rate);
  else quantizer_.configure(DitherMethod::None, NoiseShaping::None, spec.out_channels, 16, spec.rate);
  const unsigned widest = std::max(spec.in_channels, spec.out_channels);
  block_frames_ = std::max<size_t>(1, kBlockSamples / widest);
  if (use_float_) scratch_f_.assign(block_frames_ * (spec.in_channels + spec.out_channels), 0.0f), scratch_d_.clear();
  else scratch_d_.assign(block_frames_ * (spec.in_channels + spec.out_channels), 0.0), scratch_f_.clear();
  mix_f_ = mixing_ ? find_mix_kernel(spec.in_channels, spec.out_channels, isa) : nullptr;
  choose_codecs(isa);
  path_ = use_float_ ? (mixing_ ? "float blocks, mixed" : "float blocks")
                     : (mixing_ ? "double blocks, mixed" : "double blocks");
  return true;
}

// Native formats use the one-pass kernels to and from F32/F64 (SIMD where
// there is one); a float input packs to a byte-swapped or unsigned twin of
// a native format by its kernel plus a fix-up pass; the rest use the
// generic codec.
void ConvertPipeline::choose_codecs(Isa isa) {
  const SampleFormat real = use_float_ ? SampleFormat::F32 : SampleFormat::F64;
  unpack_kernel_ = pack_kernel_ = nullptr;
  if (auto f = native_format(spec_.in_format)) unpack_kernel_ = find_kernel({*f, real, 1, 1, Dither::None}, isa);
  pack_fixup_ = nullptr;
  if (auto f = native_format(spec_.out_format)) {
    pack_kernel_ = find_kernel({real, *f, 1, 1, Dither::None}, isa);
  } else if (auto twin = native_twin(spec_.out_format); twin && pcm_info(spec_.in_format).is_float) {
    // Float input only: the native kernels round ties to even, where
    // integer narrowing must round them up as audioconvert does.
    pack_kernel_ = find_kernel({real, *twin, 1, 1, Dither::None}, isa);
    pack_fixup_ = twin_fixup(spec_.out_format);
  }
  unpack_f_ = use_float_ ? unpack_function<float>(spec_.in_format) : nullptr;
  unpack_d_ = use_float_ ? nullptr : unpack_function<double>(spec_.in_format);
  pack_f_ = use_float_ ? pack_function<float>(spec_.out_format) : nullptr;
  pack_d_ = use_float_ ? nullptr : pack_function<double>(spec_.out_format);
}

void ConvertPipeline::process(const void *in, void *out, size_t frames) {
  auto src = static_cast<const uint8_t *>(in);
  auto dst = static_cast<uint8_t *>(out);
  if (one_pass_) direct_.process(src, dst, frames);
  else if (use_float_) process_blocks<float>(src, dst, frames);
  else process_blocks<double>(src, dst, frames);
}

template <typename Real>
void ConvertPipeline::process_blocks(const uint8_t *in, uint8_t *out, size_t frames) {
  const unsigned ic = spec_.in_channels, oc = spec_.out_channels;
  const size_t in_bytes = in_frame_bytes(), out_bytes = out_frame_bytes();
  Real *const in_block = use_float_ ? reinterpret_cast<Real *>(scratch_f_.data()) : reinterpret_cast<Real *>(scratch_d_.data());
  Real *const out_block = in_block + block_frames_ * ic;
  auto aligned = [](const void *p) { return reinterpret_cast<uintptr_t>(p) % sizeof(Real) == 0; };
  // Real-valued sides are used in place, unless the call runs in place (a
  // mix would read samples it has overwritten).
  const bool read_direct = spec_.in_format == real_format<Real>() && in != out && aligned(in);
  const bool write_direct = spec_.out_format == real_format<Real>() && aligned(out);
  auto unpack = [this](const uint8_t *src, Real *to, size_t samples) {
    if (unpack_kernel_) unpack_kernel_(src, reinterpret_cast<uint8_t *>(to), samples, 1, 1);
    else if constexpr (sizeof(Real) == 4) unpack_f_(src, to, samples);
    else unpack_d_(src, to, samples);
  };
  for (size_t done = 0; done < frames;) {
    const size_t n = std::min(block_frames_, frames - done);
    const uint8_t *src = in + done * in_bytes;
    uint8_t *dst = out + done * out_bytes;
    if (!mixing_ && write_direct) {  // to F32LE/F64LE: nothing to quantize
      unpack(src, reinterpret_cast<Real *>(dst), n * ic);
      done += n;
      continue;
    }
    const Real *samples = reinterpret_cast<const Real *>(src);
    // The quantizer needs a copy to write unless a mix makes one.
    if (!read_direct || (!mixing_ && quantizer_.active())) {
      unpack(src, in_block, n * ic);
      samples = in_block;
    }
    const Real *to_pack = samples;
    if (mixing_) {
      Real *mixed = write_direct ? reinterpret_cast<Real *>(dst) : out_block;
      if constexpr (sizeof(Real) == 4) mix_f_(spec_.matrix.m.data(), samples, mixed, n, ic, oc);
      else mix_reference<double>(spec_.matrix.m.data(), samples, mixed, n, ic, oc);
      if (quantizer_.active()) quantizer_.process(mixed, n);
      to_pack = mixed;
    } else if (quantizer_.active()) {
      quantizer_.process(in_block, n);
    }
    if (!write_direct) {
      if (pack_kernel_) {
        pack_kernel_(reinterpret_cast<const uint8_t *>(to_pack), dst, n * oc, 1, 1);
        if (pack_fixup_) pack_fixup_(dst, n * oc);
      } else if constexpr (sizeof(Real) == 4) pack_f_(to_pack, dst, n * oc);
      else pack_d_(to_pack, dst, n * oc);
    }
    done += n;
  }
}

}  // namespace fastaudio
