// SPDX-License-Identifier: LGPL-2.1-or-later
#include "vad.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cache_line.h"

namespace fastaudio {

namespace {
// Levels at or below this are digital silence (zeros, GAP): they say nothing
// about the background noise and never move the floor.
constexpr double kSilenceDb = -150.0;
constexpr double kMinDb = -200.0;
constexpr double kBgLowDb = -150.0;
constexpr double kBgBinDb = 0.5;
// The longest gap between the glottal pulses of a low voice (50 Hz).
constexpr double kPulseGap_s = 0.02;
// A sound heard (without impulsive events) this recently goes on under a
// new event: a pause inside a word or between syllables, as long as the
// default hangover holds speech.
constexpr double kBefore_s = 0.08;
// The longest voice onset time of a stop consonant: a plosive's burst (which
// the transient gate holds back as impulsive) comes this long at most
// before the voicing of its vowel.
constexpr double kVoiceOnset_s = 0.1;
}  // namespace

double power_db(double mean_square) {
  if (!(mean_square > 0)) return mean_square == mean_square ? kMinDb : mean_square;
  return std::max(kMinDb, 10.0 * std::log10(mean_square));
}

uint64_t VoiceDetector::samples(double seconds) const {
  return uint64_t(std::llround(std::max(0.0, seconds) * stream_.rate));
}

bool VoiceDetector::configure(const VadStream &stream, const VadParams &params, Isa isa) {
  if (stream.rate == 0 || stream.channels == 0 || sample_bytes(stream.format) == 0) return false;
  ConvertSpec spec;
  spec.in_format = stream.format;
  spec.out_format = SampleFormat::F32;
  spec.in_channels = stream.channels;
  spec.out_channels = 1;
  in_place_ = stream.format == SampleFormat::F32 && stream.channels == 1;
  if (!in_place_ && !to_mono_.configure(spec, isa)) return false;
  stream_ = stream;
  band_energy_ = find_band_energy_kernel(isa, band_decimation(stream.rate));  // for decim_ (set_params)
  sum_squares_ = find_sum_squares_kernel(isa);
  set_params(params);
  events_.reserve(64);
  frames_.reserve(64);
  reset(false);
  return true;
}

void VoiceDetector::set_params(const VadParams &params) {
  params_ = params;
  pre_roll_ = samples(params.pre_roll_s);
  min_speech_ = samples(params.min_speech_s);
  hangover_ = samples(params.hangover_s);
  min_silence_ = samples(params.min_silence_s);
  voice_onset_ = params.transient_rise_db > 0 ? samples(kVoiceOnset_s) : 0;
  const size_t frame_len = std::max<uint64_t>(1, samples(params.frame_s));
  if (frame_len != frame_len_) {
    frame_len_ = frame_len;
    scratch_storage_.assign(frame_len_ + kCacheLineFloats - 1, 0.f);
    scratch_ = cache_line_aligned(scratch_storage_.data());
    fill_ = 0;
  }
  decim_ = band_decimation(stream_.rate);
  const double frames_per_window = params.floor_window_s / (double(frame_len_) / stream_.rate);
  sub_len_ = std::max<size_t>(1, size_t(std::lround(frames_per_window / kSubWindows)));
  const double mod_frames = params.modulation_window_s / (double(frame_len_) / stream_.rate);
  const size_t mod_len = std::clamp<size_t>(size_t(std::lround(mod_frames)), 1, kMaxModFrames);
  if (mod_len != mod_len_) {
    mod_len_ = mod_len;
    step_index_ = step_count_ = 0;
    step_sum_ = 0;
  }
  const double frame_s = double(frame_len_) / stream_.rate;
  std::vector<size_t> bounds;
  if (params.transient_rise_db > 0)
    bounds = transient_sub_frames(frame_len_, decim_, frame_s, params.transient_sub_s);
  const double sub_s = bounds.size() > 1 ? frame_s / double(bounds.size() - 1) : frame_s;
  gate_.configure(params.transient_rise_db, params.transient_decay_db_s * sub_s,
                  int(std::lround(kPulseGap_s / sub_s)), int(std::lround(kBefore_s / sub_s)));
  if (bounds != gate_bounds_) {
    gate_bounds_ = std::move(bounds);
    gate_.reset();
  }
  const size_t bg_len = std::clamp<size_t>(size_t(std::lround(params.background_window_s / frame_s)), 1, kMaxBgFrames);
  // The background is only tracked while the cue is on; it restarts when the
  // cue or its window changes.
  const bool bg_on = params.background_db > 0 || params.background_stop_db > 0;
  if (bg_len != bg_len_ || bg_on != bg_on_) {
    bg_len_ = bg_len;
    bg_on_ = bg_on;
    background_ = kMinDb;
    std::fill_n(bg_hist_, kBgBins, 0);
    bg_index_ = bg_count_ = bg_cursor_ = bg_below_ = 0;
  }
}

void VoiceDetector::update_background(double clamped) {
  const double b = std::floor((clamped - kBgLowDb) / kBgBinDb);
  const uint16_t bin = uint16_t(std::clamp(b, 0.0, double(kBgBins - 1)));
  if (bg_count_ == bg_len_) {
    const uint16_t old = bg_ring_[bg_index_];
    bg_hist_[old]--;
    if (old < bg_cursor_) bg_below_--;
  } else {
    bg_count_++;
  }
  bg_ring_[bg_index_] = bin;
  bg_index_ = (bg_index_ + 1) % bg_len_;
  bg_hist_[bin]++;
  if (bin < bg_cursor_) bg_below_++;
  // Move the cursor to the bin holding the k-th smallest level.
  const double q = params_.background_quantile >= 0 ? std::min(params_.background_quantile, 1.0) : 0.0;
  const size_t k = std::min(bg_count_ - 1, size_t(q * double(bg_count_)));
  while (bg_below_ > k) bg_below_ -= bg_hist_[--bg_cursor_];
  while (bg_below_ + bg_hist_[bg_cursor_] <= k) bg_below_ += bg_hist_[bg_cursor_++];
  background_ = kBgLowDb + (double(bg_cursor_) + 0.5) * kBgBinDb;
}

void VoiceDetector::reset(bool keep_floor) {
  fill_ = 0;
  position_ = 0;
  state_ = State::Silence;
  candidate_ = active_end_ = last_stop_ = trailing_stop_ = 0;
  if (!keep_floor) {
    floor_valid_ = false;
    floor_db_ = -120;
    peak_db_ = kMinDb;
    sub_index_ = cur_frames_ = sub_filled_ = 0;
    std::fill_n(bg_hist_, kBgBins, 0);
    bg_index_ = bg_count_ = bg_cursor_ = bg_below_ = 0;
    background_ = kMinDb;
  }
  gate_.reset();
  onset_ = gated_end_ = gated_len_ = held_from_ = 0;
}

void VoiceDetector::process(const void *data, size_t frames) {
  auto p = static_cast<const uint8_t *>(data);
  const size_t bpf = sample_bytes(stream_.format) * stream_.channels;
  while (frames > 0) {
    const size_t take = std::min(frames, frame_len_ - fill_);
    position_ += take;
    if (in_place_ && fill_ == 0 && take == frame_len_) {
      analyse(reinterpret_cast<const float *>(p), take);
    } else {
      if (in_place_) std::memcpy(scratch_ + fill_, p, take * sizeof(float));
      else to_mono_.process(p, scratch_ + fill_, take);
      fill_ += take;
      if (fill_ == frame_len_) {
        fill_ = 0;
        analyse(scratch_, frame_len_);
      }
    }
    p += take * bpf;
    frames -= take;
  }
}

void VoiceDetector::process_silence(size_t frames) {
  while (frames > 0) {
    const size_t take = std::min(frames, frame_len_ - fill_);
    position_ += take;
    if (fill_ == 0 && take == frame_len_) {
      decide(position_ - take, take, kMinDb, kMinDb, true);
      gate_.reset();
      last_level_db_ = last_rms_db_ = kMinDb;
    } else {
      std::fill_n(scratch_ + fill_, take, 0.f);
      fill_ += take;
      if (fill_ == frame_len_) {
        fill_ = 0;
        analyse(scratch_, frame_len_);
      }
    }
    frames -= take;
  }
}

// The frame's band energy; with the transient gate on, summed over its
// sub-frames (whole kernel blocks, so the same blocks as one call), and
// `sustained` gets the part the gate leaves.
double VoiceDetector::band_energy(const float *x, size_t n, double *sustained) {
  if (gate_bounds_.empty() || n != frame_len_) return *sustained = band_energy_(x, n, decim_);
  double band = 0, kept = 0;
  bool all_emerged = true;
  for (size_t i = 0; i + 1 < gate_bounds_.size(); i++) {
    const size_t len = gate_bounds_[i + 1] - gate_bounds_[i];
    const double e = band_energy_(x + gate_bounds_[i], len, decim_);
    band += e;
    if (std::isfinite(e)) kept += gate_.sustained(e / double(len)) * double(len);
    all_emerged = all_emerged && gate_.emerged();
  }
  if (!std::isfinite(band)) gate_.reset();
  // A frame a quarter sustained or more (speech with a click in it), or
  // whose every sub-frame has a sound of its own sustained (a voice rising
  // out of an event), keeps its whole level; otherwise only the sustained
  // part counts.
  *sustained = kept < 0.25 * band && !all_emerged ? kept : band;
  return band;
}

void VoiceDetector::analyse(const float *x, size_t n) {
  double sustained;
  const double band = band_energy(x, n, &sustained);
  const bool valid = std::isfinite(band);
  const double level = valid ? power_db(band / double(n)) : kMinDb;
  last_level_db_ = level;
  last_rms_db_ = valid && measure_rms_ ? power_db(sum_squares_(x, n) / double(n)) : kMinDb;
  decide(position_ - n, n, level, valid ? power_db(sustained / double(n)) : kMinDb, valid);
}

void VoiceDetector::emit(VadEvent::Kind kind, uint64_t sample, double level_db) {
  VadEvent ev;
  ev.kind = kind;
  ev.sample = sample;
  ev.level_db = level_db;
  ev.floor_db = floor_db_;
  events_.push_back(ev);
}

// Minimum statistics over the window, then a bounded rise / quick fall.
void VoiceDetector::update_floor(double level, double frame_s) {
  cur_min_ = cur_frames_ == 0 ? level : std::min(cur_min_, level);
  double target = cur_min_;
  for (size_t i = 0; i < sub_filled_; i++) target = std::min(target, sub_min_[i]);
  if (++cur_frames_ >= sub_len_) {
    sub_min_[sub_index_] = cur_min_;
    sub_index_ = (sub_index_ + 1) % kSubWindows;
    sub_filled_ = std::min(sub_filled_ + 1, kSubWindows);
    cur_frames_ = 0;
  }
  if (!floor_valid_) {
    floor_db_ = level;
    floor_valid_ = true;
  } else if (target < floor_db_) {
    const double a = params_.floor_fall_s > 0 ? 1.0 - std::exp(-frame_s / params_.floor_fall_s) : 1.0;
    floor_db_ += (target - floor_db_) * a;
  } else {
    floor_db_ = std::min(target, floor_db_ + params_.floor_rise_db_s * frame_s);
  }
}

// Modulation: mean step of the level (clamped at the floor) over the
// window. One talker's syllables move it by several dB per frame;
// stationary or slowly varying noise and many-talker babble do not.
void VoiceDetector::update_modulation(double clamped) {
  const double step = std::fabs(clamped - prev_level_);
  prev_level_ = clamped;
  if (step_count_ == mod_len_) step_sum_ -= steps_[step_index_];
  else step_count_++;
  steps_[step_index_] = step;
  step_sum_ += step;
  step_index_ = (step_index_ + 1) % mod_len_;
  modulation_ = step_sum_ / double(step_count_);
}

// Whether the level without impulsive events `lv` crosses the onset and
// continuation thresholds of every cue that is on.
VoiceDetector::Crossing VoiceDetector::crossing(double lv, bool valid, double frame_s) {
  const bool loud = valid && lv > params_.absolute_db && floor_valid_;
  Crossing c;
  c.start = loud && lv > floor_db_ + params_.start_db && modulation_ >= params_.modulation_db;
  c.stop = loud && lv > floor_db_ + params_.stop_db && modulation_ >= params_.modulation_stop_db;
  // Level relative to the recent speech peak: a talker is louder than the
  // background talkers of babble.
  peak_db_ = std::max(kMinDb, peak_db_ - params_.peak_decay_db_s * frame_s);
  if (c.start) peak_db_ = std::max(peak_db_, lv);
  if (params_.relative_db > 0) c.start = c.start && lv > peak_db_ - params_.relative_db;
  if (params_.relative_stop_db > 0) c.stop = c.stop && lv > peak_db_ - params_.relative_stop_db;
  if (params_.background_db > 0) c.start = c.start && lv > background_ + params_.background_db;
  if (params_.background_stop_db > 0) c.stop = c.stop && lv > background_ + params_.background_stop_db;
  return c;
}

// The segment state machine: one frame [start, end) with its crossings.
void VoiceDetector::advance_state(uint64_t start, uint64_t end, Crossing c, bool held, double level) {
  switch (state_) {
    case State::Silence:
      if (!c.start) break;
      candidate_ = start;
      // A sound the transient gate held back for one frame began there.
      onset_ = gated_end_ == start ? start - gated_len_ : start;
      state_ = State::Pending;
      [[fallthrough]];
    case State::Pending:
      if (!c.stop) {
        state_ = State::Silence;
        break;
      }
      active_end_ = end;
      if (end - candidate_ >= min_speech_) {
        const uint64_t from = onset_ > pre_roll_ ? onset_ - pre_roll_ : 0;
        emit(VadEvent::Start, std::max(from, last_stop_), level);
        state_ = State::Speech;
      }
      break;
    case State::Speech:
      if (c.stop) {
        active_end_ = end;
      } else if (end >= active_end_ + hangover_) {
        trailing_stop_ = active_end_ + hangover_;
        state_ = State::Trailing;
      }
      break;
    case State::Trailing:
      if (c.start) {
        active_end_ = end;
        state_ = State::Speech;
      } else if (end >= trailing_stop_ + min_silence_ && !(held && start < held_from_ + voice_onset_)) {
        // A loud sound the gate holds back may be the burst of the next
        // word's first consonant: the pause ends only once its voice onset
        // time has passed without a sustained sound.
        emit(VadEvent::Stop, trailing_stop_, level);
        last_stop_ = trailing_stop_;
        state_ = State::Silence;
      }
      break;
  }
}

void VoiceDetector::record_frame(uint64_t start, size_t n, double level, double sustained, bool valid) {
  VadFrame f;
  f.start = start;
  f.length = uint32_t(n);
  f.level_db = level;
  f.sustained_db = sustained;
  f.rms_db = last_rms_db_;
  f.floor_db = floor_db_;
  f.background_db = background_;
  f.valid = valid;
  f.speech = in_speech();
  frames_.push_back(f);
}

void VoiceDetector::decide(uint64_t start, size_t n, double level, double sustained, bool valid) {
  const double frame_s = double(n) / stream_.rate;
  const uint64_t end = start + n;
  if (valid && level > kSilenceDb) update_floor(level, frame_s);
  const double clamped = std::max(valid ? level : kMinDb, floor_db_);
  update_modulation(clamped);
  if (bg_on_) update_background(clamped);

  // The floor, modulation and background follow every sound; the
  // thresholds see the level without impulsive events.
  // A loud frame the transient gate took out; held_from_ is where the run
  // of such frames began.
  const bool held = valid && sustained < level && level > floor_db_ + params_.start_db;
  if (held && gated_end_ != start) held_from_ = start;
  advance_state(start, end, crossing(sustained, valid, frame_s), held, level);

  if (held) {
    gated_end_ = end;
    gated_len_ = n;
  }
  if (record_frames_) record_frame(start, n, level, sustained, valid);
}

void VoiceDetector::finish() {
  if (in_speech()) {
    const uint64_t stop = state_ == State::Trailing
                              ? trailing_stop_
                              : std::min(position_, active_end_ + hangover_);
    emit(VadEvent::Stop, stop, last_level_db_);
    last_stop_ = stop;
  }
  state_ = State::Silence;
}

uint64_t VoiceDetector::decided_until() const {
  const uint64_t analysed = position_ - fill_;
  switch (state_) {
    case State::Silence: {
      // The partial frame may still start a segment dated back by the
      // pre-roll, and by a frame the transient gate held back before it.
      const uint64_t back = pre_roll_ + (gated_end_ == analysed ? gated_len_ : 0);
      const uint64_t d = analysed > back ? analysed - back : 0;
      return std::max(d, last_stop_);
    }
    case State::Pending: {
      const uint64_t d = onset_ > pre_roll_ ? onset_ - pre_roll_ : 0;
      return std::max(d, last_stop_);
    }
    case State::Speech: return std::min(position_, active_end_ + hangover_);
    case State::Trailing: return trailing_stop_;
  }
  return 0;
}

uint64_t VoiceDetector::decision_delay() const { return vad_decision_delay(stream_, params_); }

// Onset: pre-roll, min-speech and two frames (and one more with the
// transient gate on); offset: min-silence and two frames (and, with the
// gate on, the voice onset time a held-back sound may defer it by).
uint64_t vad_decision_delay(const VadStream &stream, const VadParams &params) {
  auto samples = [&stream](double seconds) { return uint64_t(std::llround(std::max(0.0, seconds) * stream.rate)); };
  const uint64_t frame = std::max<uint64_t>(1, samples(params.frame_s));
  auto frames_of = [frame](uint64_t n) { return (n + frame - 1) / frame * frame; };
  const uint64_t gated = params.transient_rise_db > 0 ? frame : 0;
  const uint64_t onset = samples(params.pre_roll_s) + frames_of(samples(params.min_speech_s)) + 2 * frame + gated;
  const uint64_t deferred = params.transient_rise_db > 0 ? frames_of(samples(kVoiceOnset_s)) : 0;
  const uint64_t offset = frames_of(samples(params.min_silence_s)) + 2 * frame + deferred;
  return std::max(onset, offset);
}

VadParams with_cue_hysteresis(VadParams p) {
  p.modulation_stop_db = p.modulation_db * (2.0 / 3.0);
  p.relative_stop_db = p.relative_db > 0 ? p.relative_db + 10 : 0;
  p.background_stop_db = p.background_db * 0.6;
  return p;
}

VadParams with_valid_thresholds(VadParams p, bool *changed) {
  *changed = p.stop_db > p.start_db;
  if (*changed) p.stop_db = p.start_db;
  return p;
}

}  // namespace fastaudio
