// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert's whole conversion: any PCM format pair (pcm_format.h), a
// channel matrix (mix.h), dither and noise shaping (quantize.h).
//
// Where a one-pass kernel of convert.h covers the conversion (native
// formats, no mixing beyond copy/mean, no dither) it runs that. Otherwise
// blocks of frames go in -> real numbers -> mix -> quantize -> out, in float
// where float keeps the precision (F32 output, or integers of 16 bits or
// fewer, from inputs of 24 bits or fewer) and in double otherwise; the
// steps a conversion does not need are skipped, and F32LE/F64LE sides are
// read and written in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convert.h"
#include "mix.h"
#include "pcm_codec.h"
#include "pcm_format.h"
#include "quantize.h"

namespace fastaudio {

struct PipelineSpec {
  PcmFormat in_format = PcmFormat::F32LE, out_format = PcmFormat::F32LE;
  unsigned in_channels = 1, out_channels = 1;
  // Empty: channels are equal and pass unmixed. Otherwise out x in.
  MixMatrix matrix;
  DitherMethod dither = DitherMethod::None;
  NoiseShaping shaping = NoiseShaping::None;
  // Dither and noise shaping only for integer outputs of at most this many bits.
  unsigned dither_threshold = 20;
  unsigned rate = 48000;
};

// Whether dither and noise shaping apply: an integer output of at most the
// threshold's bits that loses precision (float input, a narrower integer,
// or mixing).
bool quantizer_applies(const PipelineSpec &spec);

class ConvertPipeline {
 public:
  // False (keeping the previous configuration) when channels or the matrix
  // do not fit.
  bool configure(const PipelineSpec &spec, Isa isa = best_isa());
  // `in` may equal `out` when can_run_in_place().
  void process(const void *in, void *out, size_t frames);
  void reset() { quantizer_.reset(); }

  bool can_run_in_place() const { return in_frame_bytes() == out_frame_bytes(); }
  size_t in_frame_bytes() const { return size_t(pcm_info(spec_.in_format).width) * spec_.in_channels; }
  size_t out_frame_bytes() const { return size_t(pcm_info(spec_.out_format).width) * spec_.out_channels; }
  const PipelineSpec &spec() const { return spec_; }
  // "one pass (simd)", "float blocks, mix 6 -> 2, tpdf": for the debug log.
  const char *path() const { return path_; }

 private:
  template <typename Real>
  void process_blocks(const uint8_t *in, uint8_t *out, size_t frames);
  void choose_codecs(Isa isa);

  PipelineSpec spec_;
  bool one_pass_ = false, mixing_ = false, use_float_ = true;
  Converter direct_;
  Quantizer quantizer_;
  const char *path_ = "";
  size_t block_frames_ = 0;
  // Exactly one of each pair is set, for the chosen Real.
  ConvertKernel unpack_kernel_ = nullptr, pack_kernel_ = nullptr;
  FixupFn pack_fixup_ = nullptr;  // after pack_kernel_ when it writes the output's native twin
  UnpackFn<float> unpack_f_ = nullptr;
  UnpackFn<double> unpack_d_ = nullptr;
  PackFn<float> pack_f_ = nullptr;
  PackFn<double> pack_d_ = nullptr;
  MixKernel<float> mix_f_ = nullptr;
  std::vector<float> scratch_f_;
  std::vector<double> scratch_d_;
};

}  // namespace fastaudio
