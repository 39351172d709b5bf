// SPDX-License-Identifier: LGPL-2.1-or-later
// Sample-format and channel-count conversion of interleaved PCM in one pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "isa.h"
#include "sample_format.h"

namespace fastaudio {

enum class Dither : uint8_t { None, Tpdf };

struct ConvertSpec {
  SampleFormat in_format = SampleFormat::F32;
  SampleFormat out_format = SampleFormat::F32;
  unsigned in_channels = 1;
  unsigned out_channels = 1;
  Dither dither = Dither::None;
};

using ConvertKernel = void (*)(const uint8_t *in, uint8_t *out, size_t frames,
                               unsigned in_channels, unsigned out_channels);

// Supported channel changes: equal counts, mono -> N, N -> mono.
bool channels_convertible(unsigned in_channels, unsigned out_channels);

// The kernel for a spec without dither, or nullptr if unsupported.
ConvertKernel find_kernel(const ConvertSpec &spec, Isa isa);

class Converter {
 public:
  // Returns false (and keeps the previous configuration) if unsupported.
  bool configure(const ConvertSpec &spec, Isa isa = best_isa());

  // Converts `frames` frames. `in` may equal `out` when can_run_in_place().
  void process(const void *in, void *out, size_t frames);

  bool can_run_in_place() const;
  const ConvertSpec &spec() const { return spec_; }
  size_t in_frame_bytes() const { return sample_bytes(spec_.in_format) * spec_.in_channels; }
  size_t out_frame_bytes() const { return sample_bytes(spec_.out_format) * spec_.out_channels; }
  // True when the configured kernel is a SIMD one (ORC or Highway), not the
  // scalar reference.
  bool uses_simd() const { return simd_; }

 private:
  void process_dithered(const uint8_t *in, uint8_t *out, size_t frames);

  ConvertSpec spec_;
  ConvertKernel kernel_ = nullptr;
  bool simd_ = false;
  uint32_t rng_ = 0x9e3779b9u;
};

}  // namespace fastaudio
