// SPDX-License-Identifier: LGPL-2.1-or-later
// Ratios beyond one stage's limits (dsp/resample.h): a chain of
// resamplers, each within them, through intermediate rates chosen by
// resample_stage_rates(). The chain talks to its stages through their
// public interface only; the Resampler that owns it keeps the stream's
// totals and trims the output to exactly ceil(in_frames x out / in).
#pragma once

#include <cstddef>
#include <vector>

#include "resample.h"

namespace fastaudio::resample_detail {

class StageChain {
 public:
  // One stage per pair of consecutive `rates`, each configured with
  // `spec`'s channels and quality on `isa`.
  bool configure(const std::vector<int> &rates, const ResampleSpec &spec, Isa isa);
  const std::vector<Resampler> &stages() const { return stages_; }

  // The stages' look-ahead in input frames of the first stage.
  size_t latency_input_frames() const;
  // Most outputs the last stage can produce from `in_frames` more input.
  size_t max_output_frames(size_t in_frames) const;
  // `frames` frames of `in` (zeros when null) through every stage; the last
  // writes at most `out_capacity` frames to `out` and keeps the rest for
  // later calls. Returns frames written.
  size_t process(const PcmSource *in, size_t frames, const PcmSink &out, size_t out_capacity);
  // Every stage's tail through the stages after it; at most `out_capacity`
  // frames are written (the rest is dropped), then every stage is reset.
  size_t drain(const PcmSink &out, size_t out_capacity);
  void reset();
  // Stage by stage: `q` where the band is shaped, at least `high` elsewhere.
  void set_quality(ResampleQuality q);

 private:
  ResampleQuality stage_quality(size_t i, ResampleQuality q) const;
  // Stage i's interleaved F32 output from frame `at` on, room for `frames` more.
  PcmSink between(size_t i, size_t at, size_t frames);
  // Stage i + 1's input: stage i's first `frames` output frames.
  size_t feed(size_t i, size_t frames, const PcmSink &out, size_t out_capacity);

  std::vector<Resampler> stages_;
  bool down_ = true;  // downsampling: the last stage shapes the band
  // Each stage's interleaved F32 output (the last one's only while draining).
  std::vector<std::vector<float>> between_;
  PcmWriter writer_;  // the last stage's drained tail, to the caller's format
};

}  // namespace fastaudio::resample_detail
