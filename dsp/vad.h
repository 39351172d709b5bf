// SPDX-License-Identifier: LGPL-2.1-or-later
// Energy voice activity detector: frame level against an adaptive noise
// floor, start/stop thresholds with hysteresis, hangover, minimum speech and
// silence durations, and pre-roll that dates onsets back to the true start.
//
// Streaming and causal: decisions come out as events dated in samples since
// the last reset(); the detector never copies its input beyond one frame of
// mono float scratch (F32 mono is read in place).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convert.h"
#include "sample_format.h"
#include "vad_energy.h"
#include "vad_transient.h"

namespace fastaudio {

// Defaults are those tuned on the dev corpus (docs/rmsvad.md). Times in seconds.
struct VadParams {
  double frame_s = 0.020;        // analysis frame
  double start_db = 8.0;         // speech starts this far above the noise floor
  double stop_db = 5.0;          // and continues while above this (hysteresis)
  double absolute_db = -80.0;    // below this band level (dBFS) nothing is speech
  double hangover_s = 0.08;      // speech held this long after the level falls
  double pre_roll_s = 0.02;      // onsets are dated back by this much
  double min_speech_s = 0.04;    // shorter bursts above threshold are ignored
  double min_silence_s = 0.20;   // shorter pauses do not end a segment
  double modulation_db = 1.5;    // speech starts only with this mean |level step| (0: off)
  double modulation_stop_db = 1.0;  // and continues only with this much
  double modulation_window_s = 0.2;  // over this many seconds of frames
  // Opt-in babble guard: onsets need a level within relative_db of the
  // recent speech peak, continuation within relative_stop_db (0: off). Off
  // by default: it misses a talker who gets much quieter (see docs).
  double relative_db = 0.0;
  double relative_stop_db = 0.0;
  double peak_decay_db_s = 2.0;  // how fast the speech peak is forgotten
  // Background cue: onsets need a level background_db above the
  // background_quantile of the levels (clamped at the floor) of the last
  // background_window_s, continuation background_stop_db above it (0: off).
  // A sound present most of the time (babble, steady or swelling noise) sets
  // that quantile; one talker pauses often enough to leave it at the noise.
  // Minimum statistics alone sit far below babble, whose brief gaps between
  // words are nearly silent.
  double background_db = 5.0;
  double background_stop_db = 3.0;
  double background_window_s = 2.0;
  double background_quantile = 0.25;
  // Transient gate (dsp/vad_transient.h): a sub-frame (about transient_sub_s)
  // transient_rise_db above the two before it starts an impulsive event,
  // whose energy under an envelope falling transient_decay_db_s is taken out
  // of the level the thresholds see (0: off).
  double transient_rise_db = 13.0;
  double transient_decay_db_s = 70.0;
  double transient_sub_s = 0.007;
  double floor_window_s = 1.0;   // the floor follows the minimum level over this window
  double floor_rise_db_s = 6.0;  // at most this fast when the background gets louder
  double floor_fall_s = 0.04;    // time constant when it gets quieter

  bool operator==(const VadParams &) const = default;
};

struct VadStream {
  SampleFormat format = SampleFormat::F32;
  unsigned channels = 1;
  unsigned rate = 16000;
};

// One analysed frame (only recorded when record_frames is on).
struct VadFrame {
  uint64_t start = 0;      // first sample
  uint32_t length = 0;     // samples
  double level_db = 0;     // high-passed RMS, dBFS (-inf for digital silence)
  double sustained_db = 0; // the same without transient events (dsp/vad_transient.h)
  double rms_db = 0;       // full-band RMS, dBFS (-200 unless measure_rms)
  double floor_db = 0;     // noise floor after this frame
  double background_db = 0;  // background quantile after this frame
  bool valid = true;       // false if the frame held NaN or Inf
  bool speech = false;     // detector state after this frame
};

struct VadEvent {
  enum Kind : uint8_t { Start, Stop } kind = Start;
  uint64_t sample = 0;   // where speech starts (pre-roll applied) or stops
  double level_db = 0;   // band level of the frame that decided
  double floor_db = 0;   // noise floor then
};

// The continuation (stop) thresholds of the modulation, relative and
// background cues follow their onset thresholds (the hysteresis of each
// cue): `p` with them derived from the onset ones, as the element's
// properties set only the onsets.
VadParams with_cue_hysteresis(VadParams p);
// The start/stop pair in force: stop-threshold at most start-threshold (a
// larger one runs as start-threshold). `changed` says whether it had to.
VadParams with_valid_thresholds(VadParams p, bool *changed);
// Samples from a frame's start until its decision is final, for `params`
// on `stream`: what a configured detector's decision_delay() says, without
// building one (a latency query).
uint64_t vad_decision_delay(const VadStream &stream, const VadParams &params);

class VoiceDetector {
 public:
  VoiceDetector() = default;
  // Not copyable: scratch_ points into scratch_storage_.
  VoiceDetector(const VoiceDetector &) = delete;
  VoiceDetector &operator=(const VoiceDetector &) = delete;

  // False if the stream is unsupported (rate 0, no channels, unknown format).
  bool configure(const VadStream &stream, const VadParams &params, Isa isa = best_isa());
  // New parameters on the fly; keeps the floor and the open segment.
  void set_params(const VadParams &params);
  const VadParams &params() const { return params_; }
  const VadStream &stream() const { return stream_; }

  // Interleaved frames of the configured format.
  void process(const void *data, size_t frames);
  // `frames` of digital silence (GAP buffers) without touching any memory.
  void process_silence(size_t frames);
  // End of stream or discontinuity: closes an open segment (Stop event).
  void finish();
  // Drops the partial frame and the segment state; the sample count restarts
  // at 0. The learned floor survives unless keep_floor is false.
  void reset(bool keep_floor = true);

  // Appended to by process()/finish(); the caller consumes and clears them.
  std::vector<VadEvent> &events() { return events_; }
  std::vector<VadFrame> &frames() { return frames_; }
  void set_record_frames(bool on) { record_frames_ = on; }
  // Also measure each frame's full-band RMS (last_rms_db(), VadFrame::rms_db);
  // off by default since the decision does not need it.
  void set_measure_rms(bool on) { measure_rms_ = on; }

  uint64_t position() const { return position_; }
  // Every sample before this has its final speech/silence decision.
  uint64_t decided_until() const;
  // Inside a confirmed speech segment (hangover included).
  bool in_speech() const { return state_ == State::Speech || state_ == State::Trailing; }
  size_t frame_samples() const { return frame_len_; }
  double noise_floor_db() const { return floor_db_; }
  double last_rms_db() const { return last_rms_db_; }
  double modulation_db() const { return modulation_; }
  double background_db() const { return background_; }
  // Samples the detector waits before it can date an onset: the longest a
  // decision about a sample can lag behind it.
  uint64_t decision_delay() const;

 private:
  enum class State : uint8_t { Silence, Pending, Speech, Trailing };

  void analyse(const float *x, size_t n);
  void decide(uint64_t start, size_t n, double level_db, double sustained_db, bool valid);
  // Which thresholds a frame's level crosses: onset and continuation.
  struct Crossing {
    bool start = false, stop = false;
  };
  void update_floor(double level_db, double frame_s);
  void update_modulation(double clamped_db);
  Crossing crossing(double sustained_db, bool valid, double frame_s);
  void advance_state(uint64_t start, uint64_t end, Crossing c, bool held, double level_db);
  void record_frame(uint64_t start, size_t n, double level_db, double sustained_db, bool valid);
  double band_energy(const float *x, size_t n, double *sustained);
  void emit(VadEvent::Kind kind, uint64_t sample, double level_db);
  uint64_t samples(double seconds) const;

  VadStream stream_;
  VadParams params_;
  // params_' durations in samples, worked out once per set_params().
  uint64_t pre_roll_ = 0, min_speech_ = 0, hangover_ = 0, min_silence_ = 0;
  uint64_t voice_onset_ = 0;  // how long a held-back sound defers a stop (gate on)
  Converter to_mono_;
  bool in_place_ = false;  // F32 mono: no conversion
  BandEnergyKernel band_energy_ = nullptr;
  SumSquaresKernel sum_squares_ = nullptr;
  bool measure_rms_ = false;
  // One frame of float scratch, from scratch_storage_'s first 64-byte
  // boundary: the AVX-512 kernel's loads then never straddle cache lines.
  std::vector<float> scratch_storage_;
  float *scratch_ = nullptr;
  size_t frame_len_ = 0, decim_ = 1, fill_ = 0;
  uint64_t position_ = 0;  // samples consumed since reset

  State state_ = State::Silence;
  bool floor_valid_ = false;
  double floor_db_ = -120;
  double last_level_db_ = -120, last_rms_db_ = -120;
  uint64_t candidate_ = 0;     // first frame above the start threshold
  uint64_t active_end_ = 0;    // end of the last frame above the stop threshold
  uint64_t last_stop_ = 0;     // end of the previous segment
  uint64_t trailing_stop_ = 0; // where the segment ends if the pause lasts
  // Minimum statistics: the minimum level of each finished sub-window of the
  // floor window in a ring, and of the current one.
  static constexpr size_t kSubWindows = 8;
  double sub_min_[kSubWindows] = {};
  size_t sub_index_ = 0, sub_filled_ = 0, sub_len_ = 1, cur_frames_ = 0;
  double cur_min_ = 0;
  // Recent frame-to-frame level steps (dB), for the modulation cue.
  static constexpr size_t kMaxModFrames = 64;
  double steps_[kMaxModFrames] = {};
  size_t step_index_ = 0, step_count_ = 0, mod_len_ = 1;
  double step_sum_ = 0, prev_level_ = 0;
  double modulation_ = 0;
  double peak_db_ = -200;
  // Background: a histogram of recent clamped levels (0.5 dB bins from -150
  // dBFS) and the ring of their bins, with a cursor on the quantile bin.
  static constexpr size_t kMaxBgFrames = 1024;
  static constexpr size_t kBgBins = 320;
  uint16_t bg_ring_[kMaxBgFrames] = {};
  uint16_t bg_hist_[kBgBins] = {};
  size_t bg_index_ = 0, bg_count_ = 0, bg_len_ = 1;
  size_t bg_cursor_ = 0, bg_below_ = 0;  // quantile bin, frames in bins below it
  bool bg_on_ = false;
  double background_ = -200;
  void update_background(double clamped);
  TransientGate gate_;
  std::vector<size_t> gate_bounds_;  // the gate's sub-frames in a frame; empty: gate off
  uint64_t onset_ = 0;      // where the pending sound began: candidate_, or a frame before
  uint64_t gated_end_ = 0;  // end of the last loud frame the transient gate held back
  size_t gated_len_ = 0;
  uint64_t held_from_ = 0;  // start of the run of held-back loud frames ending there
  bool record_frames_ = false;
  std::vector<VadEvent> events_;
  std::vector<VadFrame> frames_;
};

// dBFS of a mean square (energy / samples), floored at -200 for silence.
double power_db(double mean_square);

}  // namespace fastaudio
