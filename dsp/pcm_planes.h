// SPDX-License-Identifier: LGPL-2.1-or-later
// Audio frames of any PCM format (pcm_format.h) in either layout, read
// into planar float rows and written back from interleaved float: how the
// resampler takes every format without a conversion pass of its own.
// Reading scales integers to [-1, 1) as pcm_codec.h does; writing rounds to
// nearest and clips exactly as fastconvert with dithering=none does (it
// runs the same ConvertPipeline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convert_pipeline.h"
#include "pcm_format.h"

namespace fastaudio {

// Frames to read. Interleaved: planes[0] holds every channel; planar
// (GStreamer's non-interleaved layout): planes[c] holds channel c.
struct PcmSource {
  PcmFormat format = PcmFormat::F32LE;
  unsigned channels = 1;
  bool planar = false;
  const uint8_t *const *planes = nullptr;

  // Where sample `c` of frame `frame` is.
  const uint8_t *at(size_t frame, unsigned c) const {
    const size_t width = pcm_info(format).width;
    return planar ? planes[c] + frame * width : planes[0] + (frame * channels + c) * width;
  }
  bool is_interleaved_f32() const { return format == PcmFormat::F32LE && (!planar || channels == 1); }
};

// Where frames go. Interleaved: `data` holds every channel; planar: the
// channels' planes lie back to back in `data`, each exactly as long as the
// frames written (a GstAudioMeta without offsets describes them).
struct PcmSink {
  PcmFormat format = PcmFormat::F32LE;
  unsigned channels = 1;
  bool planar = false;
  uint8_t *data = nullptr;

  bool is_interleaved_f32() const { return format == PcmFormat::F32LE && (!planar || channels == 1); }
};

// rows[s][i] = sample s of frame i as a float, for `frames` frames of
// `streams` interleaved samples of format `f` starting at `in` (one stream
// per channel of interleaved audio, two for a plane split into even and
// odd frames, ...). The common formats at 1, 2 and 4 streams run
// vectorised loops chosen for the CPU.
void unpack_streams(PcmFormat f, const uint8_t *in, unsigned streams, size_t frames, float *const *rows);

// Interleaved float frames -> a PcmSink of any format and layout.
class PcmWriter {
 public:
  // Writes `frames` frames of `sink.channels` interleaved floats.
  void write(const float *in, size_t frames, const PcmSink &sink) { write(in, frames, sink, 0, frames); }
  // The same as frames at .. at + frames of a sink that holds `sink_frames`
  // (where a planar sink's planes start): a call's output written in blocks.
  void write(const float *in, size_t frames, const PcmSink &sink, size_t at, size_t sink_frames);

 private:
  bool configured_ = false;
  PcmFormat format_ = PcmFormat::F32LE;
  unsigned channels_ = 0;
  ConvertPipeline pipeline_;
  std::vector<uint8_t> interleaved_;  // planar output: the converted frames before the split
  std::vector<uint8_t *> planes_;     // planar output: where each channel's plane starts
};

}  // namespace fastaudio
