// SPDX-License-Identifier: LGPL-2.1-or-later
// The transient gate (dsp/vad_transient.h) on sub-frame energy sequences:
// clicks and ring-downs are taken out, steady sound, speech under a click
// and a pulse train (a low voice) are kept; the sub-frame split adds up to
// the frame; the detector's level is the same with the gate on or off; a
// plosive the gate holds back after a short pause does not end the
// segment, and a click in that pause does not move its end.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <gst/check/gstcheck.h>

#include "vad.h"
#include "vad_transient.h"

using namespace fastaudio;

namespace {

constexpr double kRise = 13, kDecay = 70 * 0.00667;  // the detector's defaults per 6.67 ms sub-frame
constexpr int kPulse = 3;

TransientGate make_gate() {
  TransientGate g;
  g.configure(kRise, kDecay, kPulse);
  return g;
}

// Runs the energies through a fresh gate; returns the sustained parts.
std::vector<double> run(const std::vector<double> &e) {
  TransientGate g = make_gate();
  std::vector<double> out;
  for (double x : e) out.push_back(g.sustained(x));
  return out;
}

double db(double x) { return 10 * std::log10(x + 1e-30); }

// A talker at `rate`: 0.3 s of noise, a 1 s utterance (a 500 Hz vowel in
// four syllables), a 220 ms pause (shorter than hangover + min-silence),
// then, when `burst`, a plosive's burst (2 ms of noise ringing down in 4
// ms) and, `vowel_after` s later when that is >= 0, a second word whose
// vowel rises 0.5 dB per ms out of it; 0.6 s of noise to end.
std::vector<float> pause_then_plosive(unsigned rate, bool burst, double vowel_after) {
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.f, 3e-4f);
  const double utter_end = 1.3, burst_at = utter_end + 0.22, total = burst_at + 1.2;
  std::vector<float> x(size_t(total * rate));
  for (size_t i = 0; i < x.size(); i++) {
    const double t = double(i) / rate;
    double v = noise(rng);
    const double syllables = std::pow(std::sin(M_PI * 4 * t), 2);
    if (t >= 0.3 && t < utter_end) v += 0.1 * syllables * std::sin(2 * M_PI * 500 * t);
    if (burst && t >= burst_at) {
      const double since = t - burst_at;
      v += 0.05 * noise(rng) / 3e-4 * (since < 0.002 ? 1.0 : std::exp(-(since - 0.002) / 0.004)) * (since < 0.1);
      const double rise = since - vowel_after;
      if (vowel_after >= 0 && rise >= 0 && rise < 0.6) {
        const double amp = std::min(0.1, 0.002 * std::pow(10.0, 0.5 * rise * 1000 / 20));
        v += amp * (0.5 + 0.5 * std::cos(M_PI * 4 * rise)) * std::sin(2 * M_PI * 500 * t);
      }
    }
    x[i] = float(v);
  }
  return x;
}

// The segments (start, end in seconds) the detector finds in `x`.
std::vector<std::pair<double, double>> segments(const std::vector<float> &x, unsigned rate) {
  VoiceDetector vad;
  fail_unless(vad.configure({SampleFormat::F32, 1, rate}, VadParams{}));
  vad.process(x.data(), x.size());
  vad.finish();
  std::vector<std::pair<double, double>> segs;
  for (const VadEvent &e : vad.events()) {
    if (e.kind == VadEvent::Start) segs.emplace_back(double(e.sample) / rate, -1);
    else if (!segs.empty()) segs.back().second = double(e.sample) / rate;
  }
  return segs;
}

}  // namespace

GST_START_TEST(test_click_and_ring_down_removed) {
  const double noise = 1e-7;
  // A click 50 dB over the noise, ringing down at 2-10 dB per sub-frame.
  for (double fall_db : {2.0, 4.0, 10.0}) {
    std::vector<double> e(20, noise);
    for (int i = 0; i < 30; i++) e.push_back(noise + 1e-2 * std::pow(10.0, -fall_db * i / 10));
    e.resize(e.size() + 20, noise);
    const std::vector<double> s = run(e);
    for (size_t i = 20; i < s.size(); i++)
      fail_unless(db(s[i]) < db(noise) + 3, "fall %.0f dB: sub-frame %zu kept at %.1f dB", fall_db, i, db(s[i]));
  }
  // A key whose sound holds (within 0.5 dB) for two sub-frames before it
  // rings down.
  std::vector<double> e(20, noise);
  e.push_back(1e-2);
  e.push_back(0.9e-2);
  for (int i = 1; i < 20; i++) e.push_back(noise + 1e-2 * std::pow(10.0, -0.4 * i));
  const std::vector<double> s = run(e);
  for (size_t i = 20; i < s.size(); i++) fail_unless(db(s[i]) < db(noise) + 3, "held key: sub-frame %zu kept", i);
}
GST_END_TEST;

GST_START_TEST(test_split_rise_removed) {
  // A click whose rise a sub-frame boundary splits: its first sub-frame
  // holds 30-90 % of the peak's energy, the next one the peak (up to 5 dB
  // more), then it rings down at 2-10 dB per sub-frame. Where the boundary
  // falls depends on the rate and the frame's phase; none of it is kept.
  const double noise = 1e-7;
  for (double first : {0.3, 0.5, 0.7, 0.9})
    for (double fall_db : {2.0, 4.0, 10.0}) {
      std::vector<double> e(20, noise);
      e.push_back(noise + first * 1e-2);
      for (int i = 0; i < 30; i++) e.push_back(noise + 1e-2 * std::pow(10.0, -fall_db * i / 10));
      e.resize(e.size() + 20, noise);
      const std::vector<double> s = run(e);
      for (size_t i = 20; i < s.size(); i++)
        fail_unless(db(s[i]) < db(noise) + 3, "first %.1f, fall %.0f dB: sub-frame %zu kept at %.1f dB", first,
                    fall_db, i, db(s[i]));
    }
}
GST_END_TEST;

GST_START_TEST(test_steady_sound_kept) {
  // A sound that starts abruptly and holds its level is sustained after a
  // few sub-frames; one that fades in is never touched.
  std::vector<double> e(20, 1e-7);
  e.resize(80, 1e-3);
  std::vector<double> s = run(e);
  for (size_t i = 35; i < s.size(); i++)
    fail_unless(s[i] >= 0.5 * e[i], "abrupt: sub-frame %zu at %.1f dB", i, db(s[i]));
  std::vector<double> fade(20, 1e-7);
  for (int i = 0; i < 60; i++) fade.push_back(1e-7 * std::pow(10.0, std::min(i, 40) * 0.1));  // 1 dB per sub-frame
  s = run(fade);
  for (size_t i = 0; i < s.size(); i++) fail_unless(s[i] == fade[i], "fade: sub-frame %zu changed", i);
}
GST_END_TEST;

GST_START_TEST(test_speech_under_a_click_kept) {
  // A sustained sound with a click 20 dB above it: the sound stays, the
  // click goes.
  const double voice = 1e-4;
  std::vector<double> e(40, voice);
  e[20] += 1e-2;
  e[21] += 3e-3;
  e[22] += 1e-3;
  const std::vector<double> s = run(e);
  for (size_t i = 0; i < s.size(); i++) {
    fail_unless(s[i] >= 0.9 * voice, "sub-frame %zu at %.1f dB", i, db(s[i]));
    fail_unless(s[i] <= 1.5 * voice, "sub-frame %zu keeps the click: %.1f dB", i, db(s[i]));
  }
}
GST_END_TEST;

GST_START_TEST(test_pulse_train_kept) {
  // Glottal pulses 13 ms apart (two sub-frames), 20 dB over the gaps: from
  // the third pulse on the train is sustained.
  std::vector<double> e(20, 1e-8);
  for (int i = 0; i < 30; i++) {
    e.push_back(1e-3);
    e.push_back(1e-5);
  }
  const std::vector<double> s = run(e);
  double kept = 0, total = 0;
  for (size_t i = 30; i < s.size(); i++) kept += s[i], total += e[i];
  fail_unless(kept >= 0.9 * total, "pulse train kept %.0f %%", 100 * kept / total);
  // Keys at 10 per second are not a train.
  std::vector<double> keys(20, 1e-8);
  for (int k = 0; k < 10; k++) {
    keys.push_back(1e-3);
    for (int i = 1; i < 15; i++) keys.push_back(1e-8 + 1e-3 * std::pow(10.0, -0.6 * i));
  }
  const std::vector<double> sk = run(keys);
  for (size_t i = 0; i < sk.size(); i++) fail_unless(sk[i] < 1e-7, "key sub-frame %zu kept at %.1f dB", i, db(sk[i]));
}
GST_END_TEST;

GST_START_TEST(test_bad_input) {
  TransientGate g = make_gate();
  fail_unless(g.sustained(0) == 0);
  fail_unless(g.sustained(1e300) >= 0);
  fail_unless(std::isfinite(g.sustained(1e-300)));
  g.reset();
  fail_unless_equals_float(g.sustained(1e-3), 1e-3);
}
GST_END_TEST;

GST_START_TEST(test_sub_frames) {
  // Every supported rate and frame: boundaries on whole kernel blocks (but
  // the frame's end), increasing, close to the asked length.
  for (unsigned rate : {8000u, 11025u, 16000u, 22050u, 44100u, 48000u, 96000u, 192000u})
    for (double frame_s : {0.005, 0.01, 0.02, 0.03, 0.1}) {
      const size_t decim = band_decimation(rate);
      const size_t frame = size_t(std::llround(frame_s * rate));
      const std::vector<size_t> b = transient_sub_frames(frame, decim, frame_s, 0.007);
      fail_unless(b.size() >= 2 && b.front() == 0 && b.back() == frame, "%u Hz, %g s", rate, frame_s);
      for (size_t i = 1; i < b.size(); i++) {
        fail_unless(b[i] > b[i - 1], "%u Hz, %g s: empty sub-frame", rate, frame_s);
        if (i + 1 < b.size()) fail_unless(b[i] % (kBandBlock * decim) == 0, "%u Hz: split inside a block", rate);
      }
      const double sub_s = frame_s / double(b.size() - 1);
      fail_unless(sub_s < 0.012 || b.size() == 2, "%u Hz, %g s: %zu sub-frames", rate, frame_s, b.size() - 1);
    }
}
GST_END_TEST;

GST_START_TEST(test_level_unchanged_by_the_gate) {
  // The frame level (floor, background, messages) is the same with the gate
  // on and off; only what the thresholds see differs.
  std::mt19937 rng(3);
  std::normal_distribution<float> n(0.f, 0.1f);
  for (unsigned rate : {8000u, 16000u, 44100u, 48000u}) {
    std::vector<float> x(rate);
    for (float &v : x) v = n(rng);
    VadParams on, off;
    off.transient_rise_db = 0;
    VoiceDetector a, b;
    fail_unless(a.configure({SampleFormat::F32, 1, rate}, on));
    fail_unless(b.configure({SampleFormat::F32, 1, rate}, off));
    a.set_record_frames(true);
    b.set_record_frames(true);
    a.process(x.data(), x.size());
    b.process(x.data(), x.size());
    fail_unless_equals_int(a.frames().size(), b.frames().size());
    for (size_t i = 0; i < a.frames().size(); i++)
      fail_unless(std::fabs(a.frames()[i].level_db - b.frames()[i].level_db) < 1e-6, "%u Hz frame %zu", rate, i);
  }
}
GST_END_TEST;

GST_START_TEST(test_plosive_after_a_short_pause) {
  for (unsigned rate : {8000u, 16000u, 44100u, 48000u}) {
    const auto word = segments(pause_then_plosive(rate, true, 0.03), rate);
    for (const auto &seg : word) std::printf("%u Hz: %.3f-%.3f s\n", rate, seg.first, seg.second);
    fail_unless_equals_int(word.size(), 1);
    // Only a click in the pause: the utterance ends where it ends in silence.
    const auto click = segments(pause_then_plosive(rate, true, -1), rate);
    const auto quiet = segments(pause_then_plosive(rate, false, -1), rate);
    fail_unless_equals_int(click.size(), 1);
    fail_unless_equals_int(quiet.size(), 1);
    fail_unless(std::fabs(click[0].second - quiet[0].second) < 1e-9, "%u Hz: ends %.3f s with a click, %.3f without",
                rate, click[0].second, quiet[0].second);
  }
}
GST_END_TEST;

static Suite *vad_transient_suite() {
  Suite *s = suite_create("dsp-vad-transient");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_click_and_ring_down_removed);
  tcase_add_test(tc, test_split_rise_removed);
  tcase_add_test(tc, test_steady_sound_kept);
  tcase_add_test(tc, test_speech_under_a_click_kept);
  tcase_add_test(tc, test_pulse_train_kept);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_sub_frames);
  tcase_add_test(tc, test_level_unchanged_by_the_gate);
  tcase_add_test(tc, test_plosive_after_a_short_pause);
  return s;
}

GST_CHECK_MAIN(vad_transient);
