// SPDX-License-Identifier: LGPL-2.1-or-later
// Transient gate for the voice activity detector: impulsive sounds
// (keyboard typing, clicks, knocks, a dropped object) are not speech.
//
// An impulsive sound puts its energy into a few milliseconds and then rings
// down; speech sustains its energy over a syllable. The gate follows the
// band energy in sub-frames of about 7 ms. A sub-frame far above the two
// before it is an attack; from then on, energy under an envelope that starts
// at the event's peak (the attack's sub-frame or, when a sub-frame boundary
// split the rise, the one after it) and decays at the slowest rate an
// impulsive sound rings down belongs to that event; what rises above it
// counts once it is within the attack threshold of the sub-frame. An event
// that stays within 6 dB of its peak for longer than that slowest ring-down
// takes to fall 6 dB is not impulsive (a syllable that began abruptly) and
// is released. What is left, the sustained part, is what the detector
// compares with its thresholds. The sound that went on before the attack
// (someone talking while typing, or a word that paused for a moment) counts
// as sustained throughout, and so does a train of attacks that keep coming
// back (to the level they fell from or above) within 20 ms of each other:
// the glottal pulses of a low voice.
#pragma once

#include <cstddef>
#include <vector>

namespace fastaudio {

class TransientGate {
 public:
  // rise_db: how far above both previous sub-frames an attack is;
  // decay_db: how far the envelope falls per sub-frame; pulse_subs: the
  // longest gap, in sub-frames, between pulses of a train; before_subs:
  // how far back (at most kMaxBeforeSubs) a sound heard without any event
  // counts as going on under a new one (0: the last two sub-frames only).
  static constexpr int kMaxBeforeSubs = 64;
  void configure(double rise_db, double decay_db, int pulse_subs, int before_subs = 0);
  void reset();
  // One sub-frame's energy (mean square, >= 0) in, its sustained part out.
  double sustained(double energy);
  // Whether the last sub-frame's own sound was sustained (no event, or it
  // rose out of the event's envelope), not only the sound from before.
  bool emerged() const { return emerged_; }

 private:
  bool track_pulse(double energy);
  void start_event(double energy, double before);
  void release_if_held(double energy);
  double sustained_part(double energy);

  double rise_ = 20.0, decay_ = 0.9;  // energy ratios
  int pulse_subs_ = 3;

  double prev1_ = 0, prev2_ = 0;            // the two sub-frames before
  double sustained1_ = 0, sustained2_ = 0;  // their sustained parts
  double envelope_ = 0;                     // energy explained by the last event
  double before_ = 0;                       // sustained energy just before it
  double peak_ = 0;                         // the event's (or the last pulse's) energy
  int age_ = 0;                             // sub-frames since that peak
  bool fell_ = false;                       // the energy fell well below the peak since
  bool rising_ = false;                     // the sub-frame before was an event's first attack
  bool emerged_ = true;                     // the last sub-frame's own sound was sustained
  double look_[kMaxBeforeSubs] = {};        // sustained sound without events, last before_subs
  int look_len_ = 0, look_pos_ = 0;         // that ring's length and next slot
  double event_peak_ = 0;                   // the current event's highest energy
  bool event_fell_ = false;                 // it fell 6 dB below that since
  int held_ = 0;                            // sub-frames it held within 6 dB of it
  int hold_subs_ = 13;                      // held this long, it is not impulsive
  int pulses_ = 0;                          // returns to the peak level in a row
  int train_left_ = 0;                      // sub-frames for which attacks are pulses
  int seen_ = 0;                            // sub-frames since reset, up to 2
};

// The gate's sub-frames of a frame of `frame_len` samples lasting `frame_s`:
// about `sub_s` each, made of whole blocks of the band kernel (8 sums of
// `decim` samples) so that their energies add up to the frame's. Returns
// their boundaries (first 0, last frame_len).
std::vector<size_t> transient_sub_frames(size_t frame_len, size_t decim, double frame_s, double sub_s);

}  // namespace fastaudio
