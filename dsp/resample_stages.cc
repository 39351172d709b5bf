// SPDX-License-Identifier: LGPL-2.1-or-later
#include "resample_stages.h"

#include <algorithm>
#include <cstdint>

namespace fastaudio {

namespace {

// Candidate intermediate rates tried for whole ratios on both sides (an
// integer decimation or interpolation runs the block paths), at most.
constexpr int64_t kRateCandidates = 4096;

// The first multiple of `step` from `lo` on that `whole` is a multiple of,
// among kRateCandidates; else the first multiple of `step` from `lo` on.
int64_t rate_dividing(int64_t lo, int64_t step, int64_t whole) {
  const int64_t first = (lo + step - 1) / step * step;
  for (int64_t r = first, k = 0; k < kRateCandidates && r <= whole / 2; r += step, k++)
    if (whole % r == 0) return r;
  return first;
}

// The next rate from `in` towards `out`, as far as one stage goes and at
// least twice the lower rate (an intermediate stage's transition band then
// folds only onto frequencies the later stages remove): the lowest such
// rate keeps the later stages, whose cost grows with their rates, cheap.
int64_t next_stage_rate(int64_t in, int64_t out) {
  if (in > out * kMaxStageDownsampling)
    return rate_dividing(std::max((in + kMaxStageDownsampling - 1) / kMaxStageDownsampling, 2 * out), out, in);
  return rate_dividing(std::max((out + kMaxStageUpsampling - 1) / kMaxStageUpsampling, 2 * in), in, out);
}

bool within_one_stage(int64_t in, int64_t out) {
  return in <= out * kMaxStageDownsampling && out <= in * kMaxStageUpsampling;
}

}  // namespace

std::vector<int> resample_stage_rates(int in_rate, int out_rate) {
  std::vector<int> rates{in_rate};
  if (resample_rates_problem(in_rate, out_rate)) return {};
  for (int64_t at = in_rate; !within_one_stage(at, out_rate);) {
    at = next_stage_rate(at, out_rate);
    rates.push_back(int(at));
  }
  rates.push_back(out_rate);
  return rates;
}

using resample_detail::StageChain;

// The chain's totals are the stream's: its output is trimmed to the exact
// total of one stage (each stage rounds its own total up).
size_t Resampler::stages_process(const PcmSource *in, size_t frames, const PcmSink &out, size_t out_capacity) {
  const size_t due = exact_outputs_due(frames);
  in_total_ += frames;
  const size_t n = stages_->process(in, frames, out, std::min(out_capacity, due));
  out_total_ += n;
  return n;
}

size_t Resampler::stages_drain(const PcmSink &out, size_t out_capacity) {
  const size_t n = stages_->drain(out, std::min(out_capacity, exact_outputs_due(0)));
  reset();
  return n;
}

namespace resample_detail {

// The stage at the lower Nyquist frequency (the last one downsampling,
// the first upsampling) shapes the band and runs the preset asked for.
// The others pass the band in the lower part of theirs, where their
// ripple would add to its: they run at least `high`, whose ripple is a
// fifth of `fast`'s.
ResampleQuality StageChain::stage_quality(size_t i, ResampleQuality q) const {
  const size_t shaping = down_ ? stages_.size() - 1 : 0;
  return i == shaping ? q : std::max(q, ResampleQuality::High);
}

bool StageChain::configure(const std::vector<int> &rates, const ResampleSpec &spec, Isa isa) {
  stages_.assign(rates.size() - 1, Resampler());
  between_.assign(stages_.size(), {});
  down_ = rates.front() > rates.back();
  for (size_t i = 0; i < stages_.size(); i++)
    if (!stages_[i].configure({rates[i], rates[i + 1], spec.channels, stage_quality(i, spec.quality)}, isa))
      return false;
  return true;
}

size_t StageChain::latency_input_frames() const {
  // Stage i looks ahead in frames of its own input rate.
  const uint64_t in_rate = uint64_t(stages_.front().spec().in_rate);
  uint64_t frames = 0;
  for (const Resampler &s : stages_) {
    const uint64_t rate = uint64_t(s.spec().in_rate);
    frames += (uint64_t(s.latency_input_frames()) * in_rate + rate - 1) / rate;
  }
  return size_t(frames);
}

size_t StageChain::max_output_frames(size_t in_frames) const {
  for (const Resampler &s : stages_) in_frames = s.max_output_frames(in_frames);
  return in_frames;
}

PcmSink StageChain::between(size_t i, size_t at, size_t frames) {
  const unsigned ch = stages_[i].spec().channels;
  if (between_[i].size() < (at + frames) * ch) between_[i].resize((at + frames) * ch);
  return {PcmFormat::F32LE, ch, false, reinterpret_cast<uint8_t *>(between_[i].data() + at * ch)};
}

size_t StageChain::feed(size_t i, size_t frames, const PcmSink &out, size_t out_capacity) {
  const uint8_t *plane = reinterpret_cast<const uint8_t *>(between_[i].data());
  const PcmSource src{PcmFormat::F32LE, stages_[i].spec().channels, false, &plane};
  return stages_[i + 1].process(src, frames, out, out_capacity);
}

size_t StageChain::process(const PcmSource *in, size_t frames, const PcmSink &out, size_t out_capacity) {
  // An intermediate stage's whole output goes on: the next stage takes
  // any number of frames, and only the last one's output is bounded.
  Resampler &first = stages_.front();
  size_t n = first.max_output_frames(frames);
  n = in ? first.process(*in, frames, between(0, 0, n), n) : first.process_silence(frames, between(0, 0, n), n);
  for (size_t i = 0; i + 2 < stages_.size(); i++) {
    const size_t room = stages_[i + 1].max_output_frames(n);
    n = feed(i, n, between(i + 1, 0, room), room);
  }
  return feed(stages_.size() - 2, n, out, out_capacity);
}

size_t StageChain::drain(const PcmSink &out, size_t out_capacity) {
  // Stage i's input still to come, then its tail, into between_[i] (the
  // last stage's too: a planar sink takes one write).
  size_t carried = 0;
  for (size_t i = 0; i < stages_.size(); i++) {
    Resampler &s = stages_[i];
    size_t n = 0;
    if (i > 0) {
      const size_t room = s.max_output_frames(carried);
      n = feed(i - 1, carried, between(i, 0, room), room);
    }
    const size_t tail = s.pending_output_frames();
    carried = n + s.drain(between(i, n, tail), tail);
  }
  const size_t written = std::min(carried, out_capacity);
  writer_.write(between_.back().data(), written, out);
  return written;
}

void StageChain::reset() {
  for (Resampler &s : stages_) s.reset();
}

void StageChain::set_quality(ResampleQuality q) {
  for (size_t i = 0; i < stages_.size(); i++) stages_[i].set_quality(stage_quality(i, q));
}

}  // namespace resample_detail

}  // namespace fastaudio
