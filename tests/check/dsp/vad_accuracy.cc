// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad accuracy regression test on the project's own fixture: clean
// espeak-ng speech (tests/files/vad-speech-16k.wav, labels beside it, made
// by tools/make_vad_fixtures.py) mixed here with seeded white, pink, brown
// and non-stationary noise at 20/10/5/0 dB SNR, and with babble made of six
// shifted copies of the same speech. Scored like the corpus
// scorer: 10 ms frames, balanced accuracy = 1 - (FAR + miss) / 2.
// <fstream> before gstcheck.h, whose fail() macro clashes with ios::fail().
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gst/check/gstcheck.h>

#include "../speech_fixture.h"
#include "resample.h"
#include "vad.h"

using namespace fastaudio;

namespace {

constexpr unsigned kRate = 16000;
constexpr double kPi = 3.14159265358979323846;

std::string fixture(const char *name) {
  fail_unless(g_getenv("FASTAUDIO_TEST_FILES") != nullptr, "FASTAUDIO_TEST_FILES is not set (run through meson test)");
  return speech_fixture::path(name);
}

// The fixtures are canonical 44-byte-header mono S16 16 kHz WAVs.
std::vector<double> read_wav(const char *name) {
  std::ifstream in(fixture(name), std::ios::binary);
  std::vector<char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fail_unless(b.size() > 44 && std::memcmp(b.data(), "RIFF", 4) == 0, "fixture missing or not a WAV");
  std::vector<double> x((b.size() - 44) / 2);
  for (size_t i = 0; i < x.size(); i++) {
    int16_t s;
    std::memcpy(&s, &b[44 + 2 * i], 2);
    x[i] = s / 32768.0;
  }
  return x;
}

std::vector<double> read_speech() { return read_wav("vad-speech-16k.wav"); }

speech_fixture::Segments read_labels() { return speech_fixture::labels(); }

std::vector<bool> to_frames(const std::vector<std::pair<double, double>> &segs, size_t n) {
  std::vector<bool> f(n);
  for (size_t i = 0; i < n; i++) {
    const double c = (i + 0.5) * 0.01;
    for (auto &s : segs) f[i] = f[i] || (c >= s.first && c < s.second);
  }
  return f;
}

enum class Noise { White, Pink, Brown, Nonstationary };

std::vector<double> make_noise(Noise kind, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0, 1);
  std::vector<double> v(n);
  double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, brown = 0;
  for (size_t i = 0; i < n; i++) {
    const double w = g(rng);
    // Paul Kellet's pink filter; leaky integrator for brown.
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.96900 * b2 + w * 0.1538520;
    b3 = 0.86650 * b3 + w * 0.3104856;
    b4 = 0.55000 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.0168980;
    const double pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    brown = 0.998 * brown + 0.05 * w;
    const double t = double(i) / kRate;
    switch (kind) {
      case Noise::White: v[i] = w; break;
      case Noise::Pink: v[i] = pink; break;
      case Noise::Brown: v[i] = brown; break;
      case Noise::Nonstationary:
        // Pink noise swelling by +-5 dB every 7 s, plus 50 Hz hum.
        v[i] = pink * std::pow(10.0, 0.25 * std::sin(2 * kPi * t / 7)) + 0.6 * std::sin(2 * kPi * 50 * t);
        break;
    }
  }
  return v;
}

struct Score {
  size_t tp = 0, fp = 0, fn = 0, tn = 0;
  std::vector<double> latency_ms;
  double bacc() const { return 1 - (double(fp) / (fp + tn) + double(fn) / (tp + fn)) / 2; }
  double far() const { return double(fp) / (fp + tn); }
};

void score(const std::vector<bool> &ref, const std::vector<bool> &hyp, Score *s) {
  for (size_t i = 0; i < ref.size(); i++) {
    if (ref[i] && hyp[i]) s->tp++;
    else if (!ref[i] && hyp[i]) s->fp++;
    else if (ref[i]) s->fn++;
    else s->tn++;
  }
  // Onsets after >= 300 ms of non-speech: first detection within [-200, +500) ms.
  size_t last_speech_end = 0;
  for (size_t i = 0; i < ref.size(); i++) {
    if (ref[i] && (i == 0 || !ref[i - 1])) {
      if (i >= 30 && i - last_speech_end >= 30) {
        for (size_t j = i - 20; j < std::min(ref.size(), i + 50); j++)
          if (hyp[j]) {
            s->latency_ms.push_back((double(j) - double(i)) * 10);
            break;
          }
      }
    }
    if (ref[i]) last_speech_end = i + 1;
  }
}

std::vector<bool> detect(const std::vector<double> &x, size_t frames10, const VadParams &params = VadParams(),
                         unsigned rate = kRate) {
  std::vector<int16_t> pcm(x.size());
  for (size_t i = 0; i < x.size(); i++) pcm[i] = int16_t(std::lrint(std::clamp(x[i], -1.0, 32767.0 / 32768) * 32768));
  VoiceDetector vad;
  fail_unless(vad.configure({SampleFormat::S16, 1, rate}, params));
  std::vector<std::pair<double, double>> segs;
  double open = -1;
  auto drain = [&] {
    for (const VadEvent &e : vad.events()) {
      if (e.kind == VadEvent::Start) open = double(e.sample) / rate;
      else segs.emplace_back(open, double(e.sample) / rate);
    }
    vad.events().clear();
  };
  const size_t chunk = rate / 100;
  for (size_t pos = 0; pos < pcm.size(); pos += chunk) {
    vad.process(&pcm[pos], std::min<size_t>(chunk, pcm.size() - pos));
    drain();
  }
  vad.finish();
  drain();
  return to_frames(segs, frames10);
}

// x (kRate) at `rate` with the project's resampler (dsp/resample.h, high
// quality), its filter delay taken out: the same sounds at the same times.
std::vector<double> resample(const std::vector<double> &x, unsigned rate) {
  if (rate == kRate) return x;
  Resampler r;
  fail_unless(r.configure({int(kRate), int(rate), 1, ResampleQuality::High}));
  std::vector<float> in(x.begin(), x.end());
  in.resize(x.size() + 2 * r.latency_input_frames() + kRate / 100, 0.f);  // zeros push the end out
  std::vector<float> out(r.max_output_frames(in.size()) + 64);
  size_t n = r.process(in.data(), in.size(), out.data(), out.size());
  n += r.drain(out.data() + n, out.size() - n);
  const size_t delay = size_t(std::llround(double(r.latency_input_frames()) * rate / kRate));
  const size_t len = size_t(std::llround(double(x.size()) * rate / kRate));
  fail_unless(n >= delay + len, "resampler gave %zu frames, wanted %zu", n, delay + len);
  return std::vector<double>(out.begin() + delay, out.begin() + delay + len);
}

}  // namespace

double mean_power(const std::vector<double> &x, const std::vector<bool> &ref) {
  double power = 0;
  size_t n = 0;
  for (size_t i = 0; i < x.size(); i++)
    if (ref[std::min(ref.size() - 1, i / (kRate / 100))]) power += x[i] * x[i], n++;
  return power / double(n);
}

// Babble-like noise from the fixture itself: six copies of the speech,
// circularly shifted by about a seventh of its length each (other
// sentences, other voices at any moment) at seeded gains within +-3 dB.
// Like real babble it is speech by every energy and modulation measure and
// has brief near-silent moments when all six pause together.
std::vector<double> make_babble(const std::vector<double> &speech, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> gain_db(-3, 3);
  std::uniform_int_distribution<size_t> jitter(0, kRate);
  std::vector<double> v(speech.size());
  const size_t n = speech.size();
  for (size_t k = 1; k <= 6; k++) {
    const size_t shift = (n * k / 7 + jitter(rng)) % n;
    const double g = std::pow(10.0, gain_db(rng) / 20);
    for (size_t i = 0; i < n; i++) v[i] += g * speech[(i + shift) % n];
  }
  return v;
}

std::vector<double> mix(const std::vector<double> &speech, double speech_power, const std::vector<double> &noise,
                        double snr_db) {
  double np = 0;
  for (double v : noise) np += v * v;
  np /= double(noise.size());
  const double gain = std::sqrt(speech_power / np * std::pow(10.0, -snr_db / 10));
  std::vector<double> m(speech.size());
  for (size_t i = 0; i < m.size(); i++) m[i] = speech[i] + gain * noise[i];
  return m;  // detect() clips to S16
}

GST_START_TEST(test_accuracy_by_noise_and_snr) {
  const std::vector<double> speech = read_speech();
  const auto labels = read_labels();
  const size_t frames10 = speech.size() / (kRate / 100);
  const std::vector<bool> ref = to_frames(labels, frames10);
  const double speech_power = mean_power(speech, ref);

  struct {
    Noise kind;
    const char *name;
  } noises[] = {{Noise::White, "white"}, {Noise::Pink, "pink"}, {Noise::Brown, "brown"},
                {Noise::Nonstationary, "nonstat"}};
  const double snrs[] = {20, 10, 5, 0};
  Score all, easy;
  uint32_t seed = 100;
  for (auto &nz : noises) {
    Score by_noise;
    for (double snr : snrs) {
      const std::vector<bool> hyp = detect(mix(speech, speech_power, make_noise(nz.kind, speech.size(), seed++), snr),
                                           frames10);
      Score s;
      score(ref, hyp, &s);
      score(ref, hyp, &all);
      score(ref, hyp, &by_noise);
      if (snr >= 5) score(ref, hyp, &easy);
      std::printf("%-8s %2.0f dB: BAcc %5.1f  FAR %5.1f %%\n", nz.name, snr, 100 * s.bacc(), 100 * s.far());
      // Every condition is far better than chance.
      fail_unless(s.bacc() > 0.85, "%s at %.0f dB SNR: BAcc %.1f", nz.name, snr, 100 * s.bacc());
    }
    fail_unless(by_noise.bacc() > 0.89, "%s pooled: BAcc %.1f", nz.name, 100 * by_noise.bacc());
  }
  std::vector<double> lat = all.latency_ms;
  std::sort(lat.begin(), lat.end());
  const double median = lat.empty() ? 1e9 : lat[lat.size() / 2];
  std::printf("pooled: BAcc %.1f, FAR %.1f %%; SNR >= 5 dB: BAcc %.1f, FAR %.1f %%; onset median %.0f ms (%zu)\n",
              100 * all.bacc(), 100 * all.far(), 100 * easy.bacc(), 100 * easy.far(), median, lat.size());
  // Regression thresholds, a few points short of what the defaults measure
  // (pooled BAcc 94.3, FAR 6.9 %: this fixture is 67 % speech with short
  // pauses, so pre-roll and hangover weigh more in FAR than on the corpus).
  fail_unless(all.bacc() >= 0.91, "pooled BAcc regressed to %.1f", 100 * all.bacc());
  fail_unless(all.far() <= 0.13, "pooled FAR regressed to %.1f %%", 100 * all.far());
  fail_unless(easy.bacc() >= 0.91, "BAcc at SNR >= 5 dB regressed to %.1f", 100 * easy.bacc());
  fail_unless(std::fabs(median) <= 30, "onset median %.0f ms", median);
}
GST_END_TEST;

// Babble (the fixture's own speech, six talkers) mixed at 20/10/5/0 dB: the
// background cue must keep most of it out, and must be what does so.
GST_START_TEST(test_babble) {
  const std::vector<double> speech = read_speech();
  const size_t frames10 = speech.size() / (kRate / 100);
  const std::vector<bool> ref = to_frames(read_labels(), frames10);
  const double speech_power = mean_power(speech, ref);
  const std::vector<double> babble = make_babble(speech, 7);
  VadParams off;
  off.background_db = off.background_stop_db = 0;
  const double snrs[] = {20, 10, 5, 0};
  Score with, without;
  for (double snr : snrs) {
    const std::vector<double> m = mix(speech, speech_power, babble, snr);
    Score s;
    const std::vector<bool> hyp = detect(m, frames10);
    score(ref, hyp, &s);
    score(ref, hyp, &with);
    score(ref, detect(m, frames10, off), &without);
    std::printf("babble   %2.0f dB: BAcc %5.1f  FAR %5.1f %%  miss %5.1f %%\n", snr, 100 * s.bacc(), 100 * s.far(),
                100 * (1 - double(s.tp) / (s.tp + s.fn)));
  }
  std::vector<double> lat = with.latency_ms;
  std::sort(lat.begin(), lat.end());
  const double median = lat.empty() ? 1e9 : lat[lat.size() / 2];
  std::printf("babble pooled: BAcc %.1f, FAR %.1f %%, onset median %.0f ms (%zu); background cue off: BAcc %.1f, "
              "FAR %.1f %%\n",
              100 * with.bacc(), 100 * with.far(), median, lat.size(), 100 * without.bacc(), 100 * without.far());
  // Measured: BAcc 79.8, FAR 36.7 %; 51.3 / 97.2 % with the cue off.
  fail_unless(with.bacc() >= 0.76, "babble BAcc regressed to %.1f", 100 * with.bacc());
  fail_unless(with.far() <= 0.42, "babble FAR regressed to %.1f %%", 100 * with.far());
  fail_unless(with.bacc() >= without.bacc() + 0.20, "the background cue gains only %.1f BAcc points on babble",
              100 * (with.bacc() - without.bacc()));
}
GST_END_TEST;

double fraction(const std::vector<bool> &v, const std::vector<bool> *where = nullptr, bool in = true) {
  size_t n = 0, on = 0;
  for (size_t i = 0; i < v.size(); i++)
    if (!where || (*where)[i] == in) n++, on += v[i];
  return n ? double(on) / double(n) : 0;
}

// Impulsive sounds alone (tools/make_transient_fixtures.py: typing at 5-15
// keys per second; clicks, knocks, a dropped object) are not speech, and
// the transient gate is what keeps them out; speech with typing over it is
// still found.
GST_START_TEST(test_transients) {
  VadParams off;
  off.transient_rise_db = 0;
  size_t total = 0, flagged = 0;
  for (const char *name : {"transients-typing-16k.wav", "transients-impacts-16k.wav"}) {
    const std::vector<double> x = read_wav(name);
    const size_t frames10 = x.size() / (kRate / 100);
    const std::vector<bool> on = detect(x, frames10), without = detect(x, frames10, off);
    std::printf("%s: %.1f %% of frames speech (%.1f %% without the transient gate)\n", name, 100 * fraction(on),
                100 * fraction(without));
    std::fflush(stdout);
    fail_unless(fraction(on) <= 0.05, "%s: %.1f %% of frames speech", name, 100 * fraction(on));
    fail_unless(fraction(without) >= 0.3, "%s: only %.1f %% without the gate", name, 100 * fraction(without));
    total += on.size();
    flagged += size_t(std::count(on.begin(), on.end(), true));
  }
  fail_unless(flagged <= total / 20, "transients: %zu of %zu frames speech", flagged, total);

  // The same sounds at other rates (the band kernel's decimation and the
  // sub-frames' lengths and phases differ): the gate must not depend on them.
  double worst = 0;
  std::string worst_case;
  for (unsigned rate : {8000u, 44100u, 48000u}) {
    for (const char *name : {"transients-typing-16k.wav", "transients-impacts-16k.wav"}) {
      const std::vector<double> x = read_wav(name);
      const size_t frames10 = x.size() / (kRate / 100);
      const double f = fraction(detect(resample(x, rate), frames10, VadParams(), rate));
      std::printf("%s at %u Hz: %.1f %% of frames speech\n", name, rate, 100 * f);
      std::fflush(stdout);
      if (f > worst) worst = f, worst_case = std::string(name) + " at " + std::to_string(rate) + " Hz";
    }
  }
  fail_unless(worst <= 0.05, "%s: %.1f %% of frames speech", worst_case.c_str(), 100 * worst);

  // Typing all through the speech fixture (its pauses too), as it comes.
  const std::vector<double> speech = read_speech(), typing = read_wav("transients-typing-16k.wav");
  std::vector<double> both(speech);
  for (size_t i = 0; i < both.size(); i++) both[i] += typing[i % typing.size()];
  const size_t frames10 = speech.size() / (kRate / 100);
  const std::vector<bool> ref = to_frames(read_labels(), frames10);
  const std::vector<bool> clean = detect(speech, frames10), typed = detect(both, frames10);
  const double recall_clean = fraction(clean, &ref), recall_typed = fraction(typed, &ref);
  const double far_typed = fraction(typed, &ref, false), far_off = fraction(detect(both, frames10, off), &ref, false);
  const double far_clean = fraction(clean, &ref, false);
  std::printf("speech with typing: recall %.1f %% (%.1f %% without typing), FAR %.1f %% (%.1f %% without typing, "
              "%.1f %% without the gate)\n",
              100 * recall_typed, 100 * recall_clean, 100 * far_typed, 100 * far_clean, 100 * far_off);
  std::fflush(stdout);
  fail_unless(recall_typed >= recall_clean - 0.03, "typing costs %.1f points of recall",
              100 * (recall_clean - recall_typed));
  fail_unless(far_typed <= far_clean + 0.04 && far_typed < far_off - 0.3,
              "FAR with typing %.1f %% (%.1f %% without typing, %.1f %% without the gate)", 100 * far_typed,
              100 * far_clean, 100 * far_off);
}
GST_END_TEST;

static Suite *vad_accuracy_suite() {
  Suite *s = suite_create("dsp-vad-accuracy");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_accuracy_by_noise_and_snr);
  tcase_add_test(tc, test_babble);
  tcase_add_test(tc, test_transients);
  return s;
}

GST_CHECK_MAIN(vad_accuracy);
