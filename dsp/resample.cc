// SPDX-License-Identifier: LGPL-2.1-or-later
#include "resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "resample_cascade.h"
#include "resample_stages.h"

namespace fastaudio {

using namespace resample_detail;

const char *resample_rates_problem(int in_rate, int out_rate) {
  if (in_rate <= 0 || out_rate <= 0) return "sample rates must be positive";
  if (out_rate > int64_t(in_rate) * kMaxUpsampling)
    return "upsampling beyond 1:16777216 makes more than 64 MB of output per input frame and channel";
  return nullptr;
}

size_t Resampler::latency_input_frames() const {
  if (stages_) return stages_->latency_input_frames();
  return cascade_ ? cascade_->latency() : taps_ / 2;
}

ResamplePath Resampler::path() const {
  if (stages_) return ResamplePath::Stages;
  return cascade_ ? ResamplePath::Cascade : path_;
}

const std::vector<Resampler> *Resampler::stages() const { return stages_ ? &stages_->stages() : nullptr; }

// The next output's window and phase after `n` more outputs.
void Resampler::advance_outputs(size_t n) {
  if (variable_) {
    variable_->advance(n);
    next_index_ = variable_->index();
    out_total_ += n;
    return;
  }
  const unsigned __int128 pos = (unsigned __int128)n * down_ + next_phase_;
  next_index_ += uint64_t(pos / up_);
  next_phase_ = uint32_t(pos % up_);
  out_total_ += n;
}

bool Resampler::configure(const ResampleSpec &spec, Isa isa) {
  if (resample_rates_problem(spec.in_rate, spec.out_rate) || spec.channels == 0 ||
      !(std::fabs(spec.rate_adjust_ppm) <= kMaxRateAdjustPpm))
    return false;
  if (isa > best_isa() && !any_isa_) isa = best_isa();
  spec_ = spec;
  isa_ = isa;
  const uint32_t g = std::gcd(uint32_t(spec.in_rate), uint32_t(spec.out_rate));
  up_ = uint32_t(spec.out_rate) / g;
  down_ = uint32_t(spec.in_rate) / g;
  variable_.reset();
  cascade_.reset();
  stages_.reset();
  if (const auto rates = resample_stage_rates(spec.in_rate, spec.out_rate); rates.size() > 2)
    return configure_stages(rates);
  if (spec.variable_step || spec.rate_adjust_ppm != 0 || variable_wanted(resample_preset(spec.quality)))
    variable_.emplace();

  build_bank(resample_preset(spec.quality));
  // Keep enough old input to switch to the longest preset without a gap.
  keep_history_ = 0;
  for (ResampleQuality q : {ResampleQuality::Fast, ResampleQuality::High, ResampleQuality::VeryHigh})
    keep_history_ = std::max(keep_history_, taps_for(resample_preset(q)) / 2 + kTapAlign);
  // ... and to rerun the cascade from far enough back when switching to it.
  // The rerun starts on a multiple of twice the second stage's down factor
  // (882 input frames at 44.1k -> 16k): keep two of those more.
  for (ResampleQuality q : {ResampleQuality::High, ResampleQuality::VeryHigh})
    if (cascade_wanted(q)) {
      const uint32_t half_rate = uint32_t(spec.in_rate / 2);
      const size_t inner_down = half_rate / std::gcd(half_rate, uint32_t(spec.out_rate));
      keep_history_ = std::max(keep_history_, taps_for(resample_preset(q)) + 64 + 4 * inner_down);
    }
  hist_.assign(spec.channels, {});
  cascade_.reset();
  reset();
  if (cascade_wanted(spec_.quality)) start_cascade(spec_.quality);
  return true;
}

// A chain of stages through `rates` (resample_stage_rates()). The rate
// adjustment is not applied there (set_rate_adjust() says so).
bool Resampler::configure_stages(const std::vector<int> &rates) {
  auto chain = std::make_shared<StageChain>();
  if (!chain->configure(rates, spec_, isa_)) return false;
  stages_ = chain;
  hist_.clear();
  const Resampler &first = chain->stages().front();
  taps_ = first.taps();
  phases_ = first.phases();
  interpolate_ = first.interpolates_phases();
  equiripple_ = false;
  path_ = ResamplePath::Stages;
  reset();
  return true;
}

// Integer ratios up to 4 (48k <-> 16k, 32k <-> 16k...) use an equiripple
// design, which needs about a fifth fewer taps than a Kaiser window for the
// same figures; other ratios need a prototype at up * in_rate, too long for
// the Remez exchange, and use the Kaiser-windowed sinc.
// The cascade's second stage at other ratios (320/441 at 44.1k -> 16k):
// the bank needs the prototype at up x in_rate (7 MHz), too fine a grid for
// the Remez exchange, so the equiripple prototype designed at kInterpFactor x
// the lower rate is interpolated onto it (see interpolated_equiripple_bank).
// `fast` uses it at every ratio without an integer factor (44.1k <-> 16k,
// 44.1k <-> 48k): about a seventh fewer taps than its Kaiser window.
bool Resampler::equiripple_allowed(const ResamplePreset &p) const {
  return p.design.eq_length > 0 && (fractional_equiripple_ || !p.design.eq_second_stage_only);
}

bool Resampler::interpolated_equiripple(const ResamplePreset &p) const {
  if (!equiripple_allowed(p) || (up_ == 2 && down_ == 3) || up_ > kMaxExactPhases || up_ == down_) return false;
  if (fractional_equiripple_) return true;
  const bool integer = std::min(up_, down_) == 1;
  return p.quality == ResampleQuality::Fast && !integer;
}

unsigned Resampler::equiripple_factor(const ResamplePreset &p) const {
  if (!equiripple_allowed(p)) return 0;
  // The cascade's second stage (2/3 at half the input rate): its prototype
  // runs at 2 x its input rate = 3 x the output rate, the 3:1 design's rate.
  if (fractional_equiripple_ && up_ == 2 && down_ == 3) return 3;
  if (std::min(up_, down_) != 1) return 0;
  const unsigned factor = std::max(up_, down_);
  return factor >= 2 && factor <= kMaxEquirippleFactor ? factor : 0;
}

size_t Resampler::taps_for(const ResamplePreset &p) const {
  if (variable_)
    return variable_taps(p, spec_.in_rate, spec_.out_rate, spec_.variable_step || spec_.rate_adjust_ppm != 0);
  if (interpolated_equiripple(p)) {
    // The prototype (centre + kInterpHalfWidth design samples either side)
    // in input frames, plus one bank step.
    const double D = double(kInterpFactor) * std::min(spec_.in_rate, spec_.out_rate);
    const double centre = double(equiripple_length(p, kInterpFactor) / 2 + kInterpHalfWidth) * spec_.in_rate / D;
    const size_t half = size_t(std::ceil(centre + 1.0 / up_));
    return (2 * half + kTapAlign - 1) / kTapAlign * kTapAlign;
  }
  if (const unsigned factor = equiripple_factor(p)) {
    // Taps reaching `centre` prototype samples either side, for every phase.
    const size_t centre = equiripple_length(p, factor) / 2;
    return (2 * ((centre + up_ - 1) / up_ + 1) + kTapAlign - 1) / kTapAlign * kTapAlign;
  }
  const double width = p.design.half_width / std::min(1.0, double(up_) / down_);  // input periods
  return std::max<size_t>(2 * kTapAlign, (size_t(std::ceil(2 * width)) + kTapAlign - 1) / kTapAlign * kTapAlign);
}

void Resampler::build_bank(const ResamplePreset &p) {
  if (variable_) return build_variable_bank(p);
  const double scale = std::min(1.0, double(up_) / down_);  // lower Nyquist / input Nyquist
  taps_ = taps_for(p);
  interpolate_ = up_ > kMaxExactPhases || size_t(up_) * taps_ > kMaxExactBankFloats;
  phases_ = interpolate_ ? interpolated_phases(up_, down_) : up_;
  // The cascade's second stage sums only its centre taps in F64 (see
  // split_centre()), where the bank has exact phases.
  const bool centre_in_f64 = p.design.wide_accumulator && fractional_equiripple_ && !interpolate_;
  wide_ = p.design.wide_accumulator && !centre_in_f64;
  centre_rows_.clear();
  centre_groups_.clear();
  if (interpolated_equiripple(p)) {
    equiripple_ = true;
    bank_ = interpolated_equiripple_bank(p, spec_.in_rate, spec_.out_rate, phases_, interpolate_, taps_);
  } else {
    const unsigned factor = equiripple_factor(p);
    equiripple_ = factor != 0;
    bank_ = shared_bank(phases_, interpolate_, taps_, scale, p, factor);
  }
  if (centre_in_f64) split_centre();
  // The cascade has its own stages: the single-stage kernels' tables would
  // only cost time and memory (set_quality builds them when leaving it).
  if (cascade_wanted(spec_.quality)) {
    gather_.reset();
    phase_row_.clear();
    by_position_.clear();
    path_ = ResamplePath::Generic;
    return;
  }
  build_gather();
  build_phase_rows();
  path_ = single_stage_path();
}

bool Resampler::set_quality(ResampleQuality q) {
  if (stages_) {
    spec_.quality = q;
    stages_->set_quality(q);
    return true;
  }
  if (hist_.empty()) return false;
  if (q == spec_.quality) return true;
  rebuild_filter(q);
  return true;
}

// The filter of preset `q` from the next output on, the history laid out
// for its length (set_quality(), set_rate_adjust()).
void Resampler::rebuild_filter(ResampleQuality q) {
  if (cascade_) sync_history();
  // History row j holds input frame base_ + j - (taps/2 - 1); the next
  // output's window start next_index_ does not depend on the filter length.
  // The cascade restarts from the kept history in its current layout (its
  // unemitted outputs are recomputed by whichever path takes over).
  cascade_.reset();
  if (cascade_wanted(q)) start_cascade(q);
  const int64_t old_start = int64_t(base_) - int64_t(taps_ / 2 - 1);
  const int64_t end = old_start + int64_t(hist_len_);
  spec_.quality = q;
  build_bank(resample_preset(q));
  const int64_t new_start = int64_t(next_index_) - int64_t(taps_ / 2 - 1);
  const size_t len = size_t(std::max<int64_t>(end - new_start, 0));
  std::vector<float> moved(len);
  for (auto &h : hist_) {
    for (size_t j = 0; j < len; j++) {
      const int64_t k = new_start + int64_t(j);
      // Frames before the stream began, or dropped long ago, are zeros.
      moved[j] = k < old_start ? 0.f : h[size_t(k - old_start)];
    }
    if (h.size() < len) h.resize(len);
    std::copy(moved.begin(), moved.end(), h.begin());
  }
  base_ = next_index_;
  hist_len_ = len;
}

size_t Resampler::process_silence(size_t frames, float *out, size_t out_capacity) {
  if (stages_) return stages_process(nullptr, frames, f32_sink(out), out_capacity);
  if (cascade_) {
    in_total_ += frames;
    return cascade_process(nullptr, frames, out, out_capacity);
  }
  size_t written = 0;
  // Until a whole filter length of zeros is in, the old signal still rings out.
  const size_t ringing = trailing_zeros_ < taps_ ? std::min(frames, taps_ - trailing_zeros_) : 0;
  if (ringing > 0) {
    compact();
    append_zeros(ringing);
    in_total_ += ringing;
    written = produce(out, out_capacity, outputs_ready());
    frames -= ringing;
  }
  if (frames == 0) return written;
  // Every window from here on holds only zeros: skip the arithmetic.
  const uint64_t end = base_ + hist_len_ + frames;
  const size_t count = std::min(outputs_before_end(end), out_capacity - written);
  std::fill(out + written * spec_.channels, out + (written + count) * spec_.channels, 0.f);
  advance_outputs(count);
  in_total_ += frames;
  // The history becomes zeros from the next window on.
  const size_t len = size_t(end - std::min(end, next_index_));
  for (auto &h : hist_) {
    if (h.size() < len) h.resize(len);
    std::fill(h.begin(), h.begin() + len, 0.f);
  }
  base_ = std::min(end, next_index_);
  hist_len_ = len;
  trailing_zeros_ += frames;
  return written + count;
}

void Resampler::reset() {
  // The window of output 0 starts taps/2 - 1 frames before input 0: zeros.
  hist_len_ = taps_ / 2 - 1;
  for (auto &h : hist_) {
    if (h.size() < hist_len_) h.resize(hist_len_);
    std::fill(h.begin(), h.begin() + hist_len_, 0.f);
  }
  trailing_zeros_ = hist_len_;
  base_ = 0;
  next_index_ = 0;
  next_phase_ = 0;
  in_total_ = 0;
  out_total_ = 0;
  if (stages_) stages_->reset();
  if (cascade_) cascade_->reset();
  if (variable_) variable_->start(0, 0, up_, spec_.in_rate, spec_.out_rate, spec_.rate_adjust_ppm);
}

size_t Resampler::max_output_frames(size_t in_frames) const {
  if (stages_) return std::min(stages_->max_output_frames(in_frames), exact_outputs_due(in_frames));
  if (cascade_) return exact_outputs_due(in_frames);  // never more than the stream's exact total so far
  return outputs_before_end(base_ + hist_len_ + in_frames);
}

size_t Resampler::pending_output_frames() const {
  if (variable_) return size_t(variable_->outputs_due(in_total_));
  return exact_outputs_due(0);
}

size_t Resampler::exact_outputs_due(size_t in_frames) const {
  const unsigned __int128 total = ((unsigned __int128)(in_total_ + in_frames) * up_ + down_ - 1) / down_;
  return total > out_total_ ? size_t(total - out_total_) : 0;
}

void Resampler::compact() {
  const uint64_t consumed = next_index_ - base_;
  // Dropped in batches: moving the kept history costs as much as a buffer's input.
  // At least four times what is kept (2236 frames at 44.1k -> 16k high,
  // for the cascade's rerun), so the move costs a quarter frame per frame.
  if (consumed <= keep_history_ + std::max(kCompactSlack, 4 * keep_history_)) return;
  const size_t drop = size_t(std::min<uint64_t>(consumed - keep_history_, hist_len_));
  for (auto &h : hist_) std::memmove(h.data(), h.data() + drop, (hist_len_ - drop) * sizeof(float));
  hist_len_ -= drop;
  base_ += drop;
}

ResamplePath Resampler::second_stage_path() const {
  return cascade_ ? cascade_->inner.path() : path();
}

bool Resampler::configure_second_stage(const ResampleSpec &spec, Isa isa) {
  fractional_equiripple_ = true;
  return configure(spec, isa);
}

void Resampler::reserve_history(size_t count) {
  compact();
  for (auto &r : hist_)
    if (r.size() < hist_len_ + count) r.resize(std::max(hist_len_ + count, r.size() * 3 / 2));
}

void Resampler::history_appended(size_t count) {
  hist_len_ += count;
  in_total_ += count;
  trailing_zeros_ = 0;
}

size_t Resampler::outputs_ready() const {
  return outputs_before_end(base_ + hist_len_);
}

// The generic path reads the rows of consecutive outputs: for a rational
// ratio their phases jump around the bank (n * down mod up), so each row
// starts a cache miss. Stored in output order instead (a copy, only where
// the generic path does the work), they stream from L2 in sequence.
void Resampler::build_phase_rows() {
  phase_row_.assign(interpolate_ ? 0 : up_, 0);
  by_position_.clear();
  if (interpolate_) return;
  // Only banks that fit in L2 (the copy is per instance; bigger ones miss anyway).
  constexpr size_t kMaxReorderedBytes = 512 * 1024;
  const bool reorder = !gather_ && up_ > 2 && down_ % up_ != 1 &&
                       size_t(up_) * taps_ * sizeof(float) <= kMaxReorderedBytes;
  if (reorder) by_position_.resize(size_t(up_) * taps_);
  for (uint32_t n = 0; n < up_; n++) {
    const uint32_t phase = uint32_t((uint64_t(n) * down_) % up_);
    const float *row = bank_->data() + size_t(phase) * taps_;
    if (reorder) std::copy(row, row + taps_, by_position_.begin() + long(size_t(n) * taps_));
    phase_row_[phase] = (reorder ? size_t(n) : size_t(phase)) * taps_;
  }
}

size_t Resampler::produce(float *out, size_t out_capacity, size_t count) {
  count = std::min(count, out_capacity);
  if (count == 0) return 0;
  const uint64_t first_n = out_total_, first_index = next_index_;
  const uint32_t first_phase = next_phase_;
  size_t done = 0;
  switch (path_) {
    case ResamplePath::Decimate: done = produce_decimate(out, count); break;
    case ResamplePath::TwoThirds: done = produce_two_thirds(out, count); break;
    case ResamplePath::Interpolate: done = produce_interpolate(out, count); break;
    case ResamplePath::Gather: done = produce_gather(out, count); break;
    case ResamplePath::Variable: done = produce_variable(out, count); break;
    case ResamplePath::Cascade:
    case ResamplePath::Stages:
    case ResamplePath::Generic: break;
  }
  done += produce_generic(out + done * spec_.channels, count - done);
  if (!centre_rows_.empty()) add_centre(out, done, first_n, first_index, first_phase);
  return done;
}

// The single stage's path: the block kernels where the ratio has one, else
// the generic one.
ResamplePath Resampler::single_stage_path() const {
  if (!has_block_kernels(isa_) || interpolate_ || wide_) return ResamplePath::Generic;
  if (gather_) return ResamplePath::Gather;
  if (up_ == 1 && down_ >= 2) return ResamplePath::Decimate;
  if (up_ == 2 && down_ == 3) return ResamplePath::TwoThirds;
  if (down_ == 1 && up_ >= 2 && up_ <= kMaxBlockInterpolation) return ResamplePath::Interpolate;
  return ResamplePath::Generic;
}

std::pair<ResamplePath, ResamplePath> Resampler::path_for(const ResampleSpec &spec, Isa isa) {
  Resampler r;
  r.any_isa_ = true;
  if (!r.configure(spec, isa)) return {ResamplePath::Generic, ResamplePath::Generic};
  return {r.path(), r.second_stage_path()};
}

const char *resample_path_name(ResamplePath path) {
  switch (path) {
    case ResamplePath::Cascade: return "cascade";
    case ResamplePath::Decimate: return "decimate";
    case ResamplePath::TwoThirds: return "two-thirds";
    case ResamplePath::Interpolate: return "interpolate";
    case ResamplePath::Gather: return "gather";
    case ResamplePath::Generic: return "generic";
    case ResamplePath::Variable: return "variable";
    case ResamplePath::Stages: return "stages";
  }
  return "?";
}

// One output at a time (four per kernel call): any ratio, any ISA.
size_t Resampler::produce_generic(float *out, size_t count) {
  if (count == 0) return 0;
  const Kernels k = kernels_for(isa_, wide_);
  const unsigned ch = spec_.channels;
  plan_outputs(count);
  unsigned c = 0;
  // Grouping by period (below) shares coefficient loads at least as well as
  // pairing channels; pair channels only when it does not apply.
  const bool by_period = k.dot4_rows && !interpolate_ && up_ > 1 && count >= 2 * size_t(up_);
  if (k.dot4x2 && !interpolate_ && !by_period)
    for (; c + 2 <= ch; c += 2) generic_channel_pair(k, c, out, count);
  for (; c < ch; c++) {
    const size_t j = by_period ? generic_by_period(k, c, out, count) : 0;
    generic_fours(k, c, out, j, count);
  }
  next_index_ = plan_.next_index;
  next_phase_ = plan_.next_phase;
  out_total_ += count;
  return count;
}

// Window offset and coefficient row (and, interpolating, the weight of the
// next row) of the next `count` outputs, and where the one after starts.
void Resampler::plan_outputs(size_t count) {
  if (plan_.offset.size() < count) {
    plan_.offset.resize(count);
    plan_.row.resize(count);
    plan_.weight.resize(count);
  }
  uint64_t index = next_index_;
  uint32_t phase = next_phase_;
  const uint32_t step_phase = down_ % up_, step_index = down_ / up_;
  const float *row_base = by_position_.empty() ? bank_->data() : by_position_.data();
  for (size_t j = 0; j < count; j++) {
    plan_.offset[j] = size_t(index - base_);
    if (interpolate_) {
      const uint64_t pos = uint64_t(phase) * phases_;
      plan_.row[j] = bank_->data() + (pos / up_) * taps_;
      plan_.weight[j] = float(double(pos % up_) / up_);
    } else {
      plan_.row[j] = row_base + phase_row_[phase];
    }
    phase += step_phase;
    index += step_index;
    if (phase >= up_) phase -= up_, index++;
  }
  plan_.next_index = index;
  plan_.next_phase = phase;
}

// Channels c and c + 1 together, four outputs at a time; the last 1-3
// padded with the last one, so every output is summed in the same order
// whatever its position.
void Resampler::generic_channel_pair(const Kernels &k, unsigned c, float *out, size_t count) const {
  const unsigned ch = spec_.channels;
  const size_t *offsets = plan_.offset.data();
  const float *h0 = hist_[c].data(), *h1 = hist_[c + 1].data();
  for (size_t j = 0; j < count; j += 4) {
    size_t o[4];
    for (size_t q = 0; q < 4; q++) o[q] = std::min(j + q, count - 1);
    const float *x[8] = {h0 + offsets[o[0]], h0 + offsets[o[1]], h0 + offsets[o[2]], h0 + offsets[o[3]],
                         h1 + offsets[o[0]], h1 + offsets[o[1]], h1 + offsets[o[2]], h1 + offsets[o[3]]};
    const float *r[4] = {plan_.row[o[0]], plan_.row[o[1]], plan_.row[o[2]], plan_.row[o[3]]};
    float y[8];
    k.dot4x2(x, r, taps_, y);
    for (size_t q = 0; q < 4 && j + q < count; q++) out[(j + q) * ch + c] = y[q], out[(j + q) * ch + c + 1] = y[q + 4];
  }
}

// Outputs one period (up_ outputs) apart share a phase: where two or four
// periods are at hand, group them so coefficient loads are shared. Returns
// how many leading outputs of channel c it wrote.
size_t Resampler::generic_by_period(const Kernels &k, unsigned c, float *out, size_t count) const {
  const unsigned ch = spec_.channels;
  const size_t *offsets = plan_.offset.data();
  const float *h = hist_[c].data();
  size_t j = 0;
  for (size_t periods = 4; periods >= 2; periods /= 2) {
    const size_t span = periods * up_;
    for (; j + span <= count; j += span) {
      for (size_t p = 0; p < up_; p += (periods == 4 ? 1 : 2)) {
        // Four periods: outputs p, p+up, p+2up, p+3up with one row.
        // Two periods: phases p and p+1, each at p and p+up.
        size_t o[4];
        if (periods == 4) {
          for (int q = 0; q < 4; q++) o[q] = j + p + size_t(q) * up_;
        } else {
          const size_t p1 = p + 1 < up_ ? p + 1 : p;
          o[0] = j + p, o[1] = j + p + up_, o[2] = j + p1, o[3] = j + p1 + up_;
        }
        const float *x[4] = {h + offsets[o[0]], h + offsets[o[1]], h + offsets[o[2]], h + offsets[o[3]]};
        float y[4];
        k.dot4_rows(x, plan_.row[o[0]], plan_.row[o[2]], taps_, y);
        // With an odd up_, the last pair repeats phase p: same outputs twice.
        for (int q = 0; q < 4; q++) out[o[q] * ch + c] = y[q];
      }
    }
  }
  return j;
}

// Outputs j .. count of channel c, four at a time; the last 1-3 padded with
// the last one (each output is summed in the same order whatever its position).
void Resampler::generic_fours(const Kernels &k, unsigned c, float *out, size_t j, size_t count) const {
  const unsigned ch = spec_.channels;
  const size_t *offsets = plan_.offset.data();
  const float *h = hist_[c].data();
  for (; j < count; j += 4) {
    size_t o[4];
    for (size_t q = 0; q < 4; q++) o[q] = std::min(j + q, count - 1);
    const float *x[4] = {h + offsets[o[0]], h + offsets[o[1]], h + offsets[o[2]], h + offsets[o[3]]};
    const float *r[4] = {plan_.row[o[0]], plan_.row[o[1]], plan_.row[o[2]], plan_.row[o[3]]};
    float y[4];
    k.dot4(x, r, taps_, y);
    if (interpolate_) {
      const float *r2[4] = {r[0] + taps_, r[1] + taps_, r[2] + taps_, r[3] + taps_};
      float y2[4];
      k.dot4(x, r2, taps_, y2);
      for (size_t q = 0; q < 4; q++) y[q] += plan_.weight[o[q]] * (y2[q] - y[q]);
    }
    for (size_t q = 0; q < 4 && j + q < count; q++) out[(j + q) * ch + c] = y[q];
  }
}

size_t Resampler::drain(float *out, size_t out_capacity) {
  if (stages_) return stages_drain(f32_sink(out), out_capacity);
  const size_t pending = pending_output_frames();
  size_t written = 0;
  if (cascade_ && pending > 0) {
    written = cascade_drain(out, std::min(pending, out_capacity));
    out_total_ += written;
    reset();
    return written;
  }
  if (pending > 0) {
    compact();
    // Zeros until the window of the last pending output is complete.
    uint64_t last_index = next_index_;
    if (variable_) {
      last_index = variable_->index_after(pending - 1);
    } else {
      const unsigned __int128 pos = (unsigned __int128)(pending - 1) * down_ + next_phase_;
      last_index += uint64_t(pos / up_);
    }
    const uint64_t end = last_index + taps_;
    if (end > base_ + hist_len_) append_zeros(size_t(end - base_ - hist_len_));
    written = produce(out, out_capacity, pending);
  }
  reset();
  return written;
}

}  // namespace fastaudio
