// SPDX-License-Identifier: LGPL-2.1-or-later
#include "vad_transient.h"

#include <algorithm>
#include <cmath>

#include "vad_energy.h"

namespace fastaudio {

namespace {
// A second event while one rings down rises at least this much (3 dB) over
// the sub-frames before it; a sustained sound emerging from under the
// envelope does not.
constexpr double kRingRise = 2.0;
// Below this fraction of its peak (-6 dB) a sound has fallen; back above it
// it has come back (a train goes on only at about the same level).
constexpr double kFallen = 0.25;
// Pulses that come back this many times in a row are a train.
constexpr int kTrainPulses = 2;
}  // namespace

void TransientGate::configure(double rise_db, double decay_db, int pulse_subs, int before_subs) {
  rise_ = std::pow(10.0, rise_db / 10);
  decay_ = std::pow(10.0, -std::max(0.0, decay_db) / 10);
  pulse_subs_ = std::max(1, pulse_subs);
  look_len_ = std::clamp(before_subs, 0, kMaxBeforeSubs);
  look_pos_ = 0;
  std::fill_n(look_, kMaxBeforeSubs, 0.0);
  // The slowest ring-down falls 6 dB (kFallen) in this many sub-frames.
  hold_subs_ = decay_db > 0 ? int(std::ceil(10 * std::log10(1 / kFallen) / decay_db)) : 0;
}

void TransientGate::reset() {
  prev1_ = prev2_ = sustained1_ = sustained2_ = envelope_ = before_ = peak_ = 0;
  age_ = pulses_ = train_left_ = seen_ = 0;
  fell_ = rising_ = event_fell_ = false;
  event_peak_ = 0;
  held_ = 0;
  std::fill_n(look_, kMaxBeforeSubs, 0.0);
}

// Whether `e` is a pulse: back at the last peak's level (or above: a voice
// getting louder) soon after falling from it. Pulses that keep coming back
// make a train, whose attacks are not events.
bool TransientGate::track_pulse(double e) {
  if (peak_ <= 0 || age_ >= pulse_subs_) return false;
  age_++;
  if (e < kFallen * peak_) {
    fell_ = true;
    return false;
  }
  if (!fell_) return false;
  if (++pulses_ >= kTrainPulses) {
    envelope_ = 0;
    train_left_ = pulse_subs_;
  }
  peak_ = e;
  age_ = 0;
  fell_ = false;
  return true;
}

// An attack that is not a pulse: the train goes on, or an event starts (or
// rings up inside one that rings down) and the envelope takes its energy.
void TransientGate::start_event(double e, double before) {
  if (train_left_ > 0 && e <= peak_ / kFallen) {
    envelope_ = 0;  // the train goes on
    train_left_ = pulse_subs_;
    return;
  }
  // A new event, unless this one rings up inside one that rings down
  // (bounces, keys in a burst): held or not is judged on the first.
  if (e > rise_ * before || envelope_ <= 0) {
    event_peak_ = e;
    event_fell_ = false;
    held_ = 0;
  }
  // The sound that went on before the attack: the sustained part of the
  // last two sub-frames, or a sound heard without any event over the
  // last before_subs (a syllable after a short pause goes on a word).
  before_ = std::max(sustained1_, sustained2_);
  for (int i = 0; i < look_len_; i++) before_ = std::max(before_, std::min(e, look_[i]));
  envelope_ = std::max(envelope_, e - before_);
  pulses_ = 0;
}

// An event that holds within 6 dB of its peak for longer than the slowest
// ring-down takes to fall that far is not impulsive: a syllable that began
// abruptly. Its sound is sustained from then on.
void TransientGate::release_if_held(double e) {
  if (envelope_ <= 0 || hold_subs_ <= 0) return;
  event_peak_ = std::max(event_peak_, e);
  if (e < kFallen * event_peak_) event_fell_ = true;
  else if (!event_fell_ && ++held_ >= hold_subs_) envelope_ = 0;
}

// The part of `e` not under the envelope, and the history the next
// sub-frame compares with.
double TransientGate::sustained_part(double e) {
  double s = e - envelope_;
  emerged_ = envelope_ <= 0 || s * rise_ >= e;
  if (envelope_ > 0) {
    // A sound emerges from under the event once it is within the attack
    // threshold of the sub-frame; a sliver above the envelope is the event
    // holding on for a moment.
    if (!emerged_) s = 0;
    // The sound that went on before the event is assumed to go on.
    s = std::max(s, std::min(e, before_));
  }
  s = std::max(s, 0.0);
  prev2_ = prev1_;
  prev1_ = e;
  if (look_len_ > 0) {
    // Only sound heard while no event rang: what emerged from an envelope
    // may be a key holding on, and must not vouch for the next key.
    look_[look_pos_] = envelope_ > 0 ? 0.0 : s;
    look_pos_ = (look_pos_ + 1) % look_len_;
  }
  sustained2_ = sustained1_;
  sustained1_ = s;
  return s;
}

double TransientGate::sustained(double e) {
  envelope_ *= decay_;
  if (envelope_ < 1e-30) envelope_ = 0;  // no denormals in long stretches without events
  const double before = std::max(prev1_, prev2_);
  // Another event while one rings down: a rise, and energy beyond the
  // envelope far above the sustained sound.
  const bool rings_up = e > kRingRise * before && e - envelope_ > rise_ * std::max(sustained1_, sustained2_);
  // Nothing is an attack until there are two sub-frames to compare with.
  const bool attack = seen_ >= 2 && (e > rise_ * before || rings_up);
  seen_ = std::min(seen_ + 1, 2);
  const bool pulse = track_pulse(e);
  if (!pulse && attack) {
    start_event(e, before);
    peak_ = e;
    age_ = 0;
    fell_ = false;
    // An event's first attack may hold only part of its rise (below); a
    // ring-up sets the envelope to its own level.
    rising_ = e > rise_ * before;
  } else if (rising_ && !pulse) {
    // The sub-frame after an event's first attack holds the rest of its rise
    // when the sub-frame boundary split it (where that falls depends on the
    // rate and the frame's phase): the envelope starts at the event's peak.
    envelope_ = std::max(envelope_, e - before_);
    rising_ = false;
  } else {
    rising_ = false;
  }
  if (train_left_ > 0) train_left_--;
  release_if_held(e);
  return sustained_part(e);
}

std::vector<size_t> transient_sub_frames(size_t frame_len, size_t decim, double frame_s, double sub_s) {
  const size_t block = kBandBlock * decim;
  const size_t blocks = (frame_len + block - 1) / block;
  const size_t subs = std::clamp<size_t>(size_t(std::lround(frame_s / std::max(sub_s, 1e-4))), 1, blocks);
  std::vector<size_t> bounds(subs + 1);
  for (size_t i = 0; i <= subs; i++) bounds[i] = std::min(frame_len, i * blocks / subs * block);
  return bounds;
}

}  // namespace fastaudio
