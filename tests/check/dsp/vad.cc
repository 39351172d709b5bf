// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/vad: the energy kernels against their scalar reference, and the
// detector's behaviour on synthetic signals (bursts in noise, hysteresis,
// hangover, pre-roll, minimum durations, NaN, formats, rates, chunking).
#include <gst/check/gstcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "isa_under_test.h"
#include "vad.h"
#include "vad_energy.h"
#include "vad_energy_reference.h"

using namespace fastaudio;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> random_floats(size_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-scale, scale);
  std::vector<float> v(n);
  for (auto &x : v) x = uni(rng);
  return v;
}

bool close(double a, double b, double scale) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= 1e-5 * scale + 1e-12;
}

// Speech-like test signal: white noise at `noise_db` dBFS RMS plus bursts of
// a 300 Hz tone amplitude-modulated at 4 Hz (syllables) at `burst_db`.
struct Burst {
  double start_s, end_s;
};

std::vector<float> bursts_in_noise(unsigned rate, double seconds, const std::vector<Burst> &bursts,
                                   double noise_db, double burst_db, uint32_t seed = 1, bool modulate = true) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, std::pow(10.0, noise_db / 20));
  const double amp = std::pow(10.0, burst_db / 20) * std::sqrt(2.0);
  std::vector<float> v(size_t(seconds * rate));
  for (size_t i = 0; i < v.size(); i++) {
    const double t = double(i) / rate;
    double x = gauss(rng);
    for (const Burst &b : bursts) {
      if (t >= b.start_s && t < b.end_s) {
        const double env = modulate ? 0.15 + 0.85 * std::fabs(std::sin(kPi * 4 * (t - b.start_s))) : 1.0;
        x += amp * env * std::sin(2 * kPi * 300 * t);
      }
    }
    v[i] = float(x);
  }
  return v;
}

struct Run {
  std::vector<VadEvent> events;
  double floor_db = 0;
};

Run run(VoiceDetector &vad, const void *data, size_t frames, size_t chunk, size_t bpf) {
  Run r;
  auto p = static_cast<const uint8_t *>(data);
  for (size_t pos = 0; pos < frames; pos += chunk) {
    vad.process(p + pos * bpf, std::min(chunk, frames - pos));
    r.events.insert(r.events.end(), vad.events().begin(), vad.events().end());
    vad.events().clear();
  }
  vad.finish();
  r.events.insert(r.events.end(), vad.events().begin(), vad.events().end());
  vad.events().clear();
  r.floor_db = vad.noise_floor_db();
  return r;
}

Run run_f32(const std::vector<float> &x, unsigned rate, const VadParams &p = VadParams(), size_t chunk = 0) {
  VoiceDetector vad;
  fail_unless(vad.configure({SampleFormat::F32, 1, rate}, p));
  return run(vad, x.data(), x.size(), chunk ? chunk : rate / 50, sizeof(float));
}

// Pairs of (start, stop) in seconds; fails on unpaired events.
std::vector<std::pair<double, double>> segments(const Run &r, unsigned rate) {
  std::vector<std::pair<double, double>> s;
  for (size_t i = 0; i < r.events.size(); i++) {
    const VadEvent &e = r.events[i];
    if (e.kind == VadEvent::Start) {
      fail_unless(i + 1 < r.events.size() && r.events[i + 1].kind == VadEvent::Stop, "start without stop");
      s.emplace_back(double(e.sample) / rate, double(r.events[i + 1].sample) / rate);
      i++;
    } else {
      fail("stop without start");
    }
  }
  return s;
}

}  // namespace

// Every kernel set under test (isa_under_test.h): scalar, NEON or AVX2 and
// AVX-512 (Orc is convert's choice only; the detector uses the scalar
// kernels there).
std::vector<Isa> kernel_isas() {
  std::vector<Isa> isas;
  for (Isa isa : test::isas_under_test())
    if (isa != Isa::Orc) isas.push_back(isa);
  return isas;
}

GST_START_TEST(test_kernels_match_reference) {
  const std::vector<Isa> isas = kernel_isas();
  for (Isa isa : isas) std::printf("comparing %s energy kernels with the reference\n", isa_name(isa));
  if (best_isa() >= Isa::Neon) fail_unless(find_sum_squares_kernel(best_isa()) != find_sum_squares_kernel(Isa::Scalar));
  // AVX-512 has its own kernel at decimation 4 (16 kHz).
  if (best_isa() >= Isa::Avx512) fail_unless(find_band_energy_kernel(Isa::Avx512, 4) != find_band_energy_kernel(Isa::Avx2, 4));
  const size_t sizes[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 160, 320, 441, 480, 511, 512, 513,
                          882, 960, 1024, 1040, 1440, 3840, 19200};
  const size_t decims[] = {1, 2, 4, 8, 16, 32};
  uint32_t seed = 1;
  for (Isa isa : isas) {
    SumSquaresKernel sq = find_sum_squares_kernel(isa);
    auto fe = [isa](const float *p, size_t n, size_t d) { return find_band_energy_kernel(isa, d)(p, n, d); };
    for (size_t n : sizes) {
      std::vector<float> x = random_floats(n, seed++);
      // A DC offset exercises the cancellation in sum^2 - mean.
      if (n > 100) for (size_t i = 0; i < n; i += 2) x[i] += 0.25f;
      const double want_sq = ref::sum_squares(x.data(), n);
      fail_unless(close(sq(x.data(), n), want_sq, want_sq), "sum_squares n=%zu", n);
      for (size_t d : decims) {
        const double want = ref::band_energy(x.data(), n, d), got = fe(x.data(), n, d);
        fail_unless(close(got, want, want_sq), "band n=%zu d=%zu: %g vs %g", n, d, got, want);
        fail_unless(got >= 0 && got <= want_sq * (1 + 1e-5) * d + 1e-12);
      }
    }
  }
}
GST_END_TEST;

// Every length up to 1100 samples (past four whole blocks at decimation
// 32) at decimations 4-32, so that each mix of whole blocks, short last
// block and samples past the last whole sum is met (the AVX-512 kernels read
// their last blocks through masks).
GST_START_TEST(test_kernels_every_length) {
  const std::vector<float> x = random_floats(1100, 99);
  for (Isa isa : kernel_isas()) {
    for (size_t d : {4, 8, 16, 32}) {
      const BandEnergyKernel fe = find_band_energy_kernel(isa, d);
      for (size_t n = 0; n <= x.size(); n++) {
        const double want = ref::band_energy(x.data(), n, d), scale = ref::sum_squares(x.data(), n);
        fail_unless(close(fe(x.data(), n, d), want, scale), "%s band n=%zu d=%zu", isa_name(isa), n, d);
      }
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_kernels_edge_values) {
  auto fe = [](const float *p, size_t n, size_t d) { return find_band_energy_kernel(best_isa(), d)(p, n, d); };
  SumSquaresKernel sq = find_sum_squares_kernel(best_isa());
  const float inf = std::numeric_limits<float>::infinity();
  const float specials[] = {std::nanf(""), inf, -inf};
  // Early in the frame, and its last sample (in the last blocks, and in the
  // short last block where 480 / decim sums do not fill whole blocks).
  for (float s : specials) {
    for (size_t at : {size_t(123), size_t(479)}) {
      std::vector<float> x = random_floats(480, 7);
      x[at] = s;
      for (size_t d : {1, 2, 4, 8, 16, 32}) {
        fail_if(std::isfinite(fe(x.data(), x.size(), d)), "non-finite sample %zu gave a finite energy (decim %zu)",
                at, d);
        for (Isa isa : kernel_isas())
          fail_if(std::isfinite(find_band_energy_kernel(isa, d)(x.data(), x.size(), d)), "%s, decim %zu",
                  isa_name(isa), d);
      }
      fail_if(std::isfinite(sq(x.data(), x.size())));
    }
  }
  // Full scale, just past it, and silence.
  const float levels[] = {1.0f, -1.0f, 1.0000001f, 1.1f, 0.0f};
  for (float v : levels) {
    std::vector<float> x(480);
    for (size_t i = 0; i < x.size(); i++) x[i] = (i & 1) ? v : -v;  // Nyquist square wave
    fail_unless(close(sq(x.data(), x.size()), 480.0 * v * v, 480.0), "total at %g", v);
    fail_unless(close(fe(x.data(), x.size(), 1), 480.0 * v * v, 480.0), "band at %g", v);
    std::vector<float> dc(480, v);
    for (size_t d : {1, 4, 8})
      fail_unless(fe(dc.data(), dc.size(), d) <= 1e-5 * (480.0 * v * v + 1), "DC must not pass the high-pass");
  }
}
GST_END_TEST;

// The band energy is a band-pass: hum and high frequencies lose, speech
// frequencies keep, at every rate.
GST_START_TEST(test_band_response) {
  auto fe = [](const float *p, size_t n, size_t d) { return find_band_energy_kernel(best_isa(), d)(p, n, d); };
  const unsigned rates[] = {8000, 16000, 44100, 48000, 96000, 192000};
  for (unsigned rate : rates) {
    auto gain_db = [&](double hz) {
      const size_t n = rate / 5;  // 200 ms
      std::vector<float> x(n);
      for (size_t i = 0; i < n; i++) x[i] = float(std::sin(2 * kPi * hz * i / rate + 0.3));
      const size_t d = band_decimation(rate);
      return 10 * std::log10(fe(x.data(), n, d) / ref::sum_squares(x.data(), n));
    };
    fail_unless(gain_db(50) < -10, "50 Hz at %u Hz: %.1f dB", rate, gain_db(50));
    fail_unless(gain_db(500) > -3 && gain_db(500) < 1, "500 Hz at %u Hz: %.1f dB", rate, gain_db(500));
    if (rate >= 16000) fail_unless(gain_db(7000) < -10, "7 kHz at %u Hz: %.1f dB", rate, gain_db(7000));
    // The band docs/rmsvad.md and the absolute-threshold blurb name,
    // "roughly 250-2000 Hz": within 6 dB there at every rate, within 4 dB
    // at 8-32 kHz; 100 Hz and (at 8-32 kHz) 3 kHz are well outside it.
    // Averaged over phases: a tone whose period spans whole mean-removal
    // blocks sees the same phase in every block.
    auto mean_gain_db = [&](double hz) {
      const size_t n = rate;
      double band = 0, total = 0;
      for (double phase : {0.0, 0.8, 1.6, 2.4}) {
        std::vector<float> x(n);
        for (size_t i = 0; i < n; i++) x[i] = float(std::sin(2 * kPi * hz * i / rate + phase));
        band += fe(x.data(), n, band_decimation(rate));
        total += ref::sum_squares(x.data(), n);
      }
      return 10 * std::log10(band / total);
    };
    const double edge_db = band_decimation(rate) * 4000 == rate ? -4 : -6;
    for (double hz : {250.0, 2000.0})
      fail_unless(mean_gain_db(hz) > edge_db, "%.0f Hz at %u Hz: %.1f dB", hz, rate, mean_gain_db(hz));
    fail_unless(mean_gain_db(100) < -8, "100 Hz at %u Hz: %.1f dB", rate, mean_gain_db(100));
    if (edge_db == -4)
      fail_unless(mean_gain_db(3000) < -6, "3 kHz at %u Hz: %.1f dB", rate, mean_gain_db(3000));
  }
  fail_unless_equals_int(band_decimation(8000), 2);
  fail_unless_equals_int(band_decimation(16000), 4);
  fail_unless_equals_int(band_decimation(48000), 8);
  fail_unless_equals_int(band_decimation(192000), 32);
}
GST_END_TEST;

GST_START_TEST(test_bursts_in_noise) {
  const std::vector<Burst> bursts = {{1.5, 2.5}, {3.5, 4.3}, {5.4, 6.0}};
  const unsigned rates[] = {8000, 16000, 22050, 44100, 48000, 96000, 192000};
  for (unsigned rate : rates) {
    std::vector<float> x = bursts_in_noise(rate, 7.0, bursts, -50, -30, rate);
    VadParams p;
    Run r = run_f32(x, rate, p);
    auto segs = segments(r, rate);
    fail_unless_equals_int(segs.size(), bursts.size());
    for (size_t i = 0; i < segs.size(); i++) {
      // Onset dated back by the pre-roll; stop within the hangover (+ a frame).
      fail_unless(std::fabs(segs[i].first - (bursts[i].start_s - p.pre_roll_s)) <= p.frame_s + 1e-9,
                  "rate %u onset %.3f vs %.3f", rate, segs[i].first, bursts[i].start_s);
      fail_unless(segs[i].second >= bursts[i].end_s - 0.1 && segs[i].second <= bursts[i].end_s + p.hangover_s + 2 * p.frame_s,
                  "rate %u stop %.3f vs %.3f", rate, segs[i].second, bursts[i].end_s);
    }
    // The floor is the noise's band level: below its full-band -50 dBFS.
    fail_unless(r.floor_db < -50 && r.floor_db > -70, "floor %.1f", r.floor_db);
  }
}
GST_END_TEST;

// Median of (level - floor) over the frames inside [from_s, to_s).
static double median_margin(const std::vector<float> &x, unsigned rate, const VadParams &p, double from_s,
                            double to_s) {
  VoiceDetector vad;
  vad.configure({SampleFormat::F32, 1, rate}, p);
  vad.set_record_frames(true);
  vad.process(x.data(), x.size());
  std::vector<double> m;
  for (const VadFrame &f : vad.frames())
    if (f.start >= from_s * rate && f.start + f.length <= to_s * rate) m.push_back(f.level_db - f.floor_db);
  std::sort(m.begin(), m.end());
  return m.empty() ? 0 : m[m.size() / 2];
}

GST_START_TEST(test_thresholds_and_hysteresis) {
  const unsigned rate = 16000;
  VadParams p;
  p.modulation_db = p.modulation_stop_db = 0;  // energy only
  p.background_db = p.background_stop_db = 0;  // (a steady tone becomes background)
  p.floor_window_s = 10;                        // the floor stays on the noise
  p.pre_roll_s = 0;
  std::vector<float> noise = bursts_in_noise(rate, 3.0, {}, -50, 0);
  fail_unless(run_f32(noise, rate, p).events.empty(), "noise alone started speech");
  // A steady tone whose level sits midway between stop (5 dB) and start (8 dB).
  double tone_db = -60, margin = 0;
  std::vector<float> mid;
  for (; tone_db < -30; tone_db += 0.25) {
    mid = bursts_in_noise(rate, 4.0, {{1.5, 4.0}}, -50, tone_db, 3, false);
    margin = median_margin(mid, rate, p, 2.0, 4.0);
    if (margin >= 6.5) break;
  }
  fail_unless(margin > 5.8 && margin < 7.2, "could not place a tone between the thresholds (%.1f dB)", margin);
  fail_unless(run_f32(mid, rate, p).events.empty(), "a level between the thresholds started speech");
  // ... but it continues speech that a loud burst started.
  std::vector<float> loud = bursts_in_noise(rate, 4.0, {{1.5, 1.8}}, -90, -25, 4, false);
  std::vector<float> both = mid;
  for (size_t i = 0; i < both.size(); i++) both[i] += loud[i];
  auto segs = segments(run_f32(both, rate, p), rate);
  fail_unless_equals_int(segs.size(), 1);
  fail_unless(segs[0].first < 1.55 && segs[0].second > 3.9, "hysteresis: speech %.2f-%.2f", segs[0].first,
              segs[0].second);
  // Without hysteresis (stop = start) the same signal stops after the burst.
  p.stop_db = p.start_db;
  segs = segments(run_f32(both, rate, p), rate);
  fail_unless_equals_int(segs.size(), 1);
  fail_unless(segs[0].second < 2.2, "stop %.2f", segs[0].second);
  // The absolute floor vetoes everything below it.
  p.absolute_db = 0;
  fail_unless(run_f32(both, rate, p).events.empty());
}
GST_END_TEST;

GST_START_TEST(test_hangover_preroll_min_durations) {
  const unsigned rate = 16000;
  VadParams p;
  p.modulation_db = p.modulation_stop_db = 0;
  std::vector<float> x = bursts_in_noise(rate, 4.0, {{1.0, 2.0}}, -60, -20, 5, false);
  const double hangovers[] = {0.0, 0.1, 0.3};
  for (double h : hangovers) {
    p.hangover_s = h;
    p.pre_roll_s = 0.1;
    p.min_silence_s = 0;
    auto segs = segments(run_f32(x, rate, p), rate);
    fail_unless_equals_int(segs.size(), 1);
    fail_unless(std::fabs(segs[0].first - 0.9) < 0.021, "pre-roll: start %.3f", segs[0].first);
    fail_unless(std::fabs(segs[0].second - (2.0 + h)) < 0.021, "hangover %.1f: stop %.3f", h, segs[0].second);
  }
  // A 20 ms click is shorter than min-speech; two bursts 150 ms apart merge
  // when min-silence is longer than the pause.
  std::vector<float> click = bursts_in_noise(rate, 3.0, {{1.0, 1.02}}, -60, -20, 5, false);
  p.hangover_s = 0;
  p.min_speech_s = 0.06;
  fail_unless(run_f32(click, rate, p).events.empty(), "click passed min-speech");
  p.min_speech_s = 0.0;
  fail_unless_equals_int(segments(run_f32(click, rate, p), rate).size(), 1);
  std::vector<float> pair = bursts_in_noise(rate, 4.0, {{1.0, 1.5}, {1.65, 2.2}}, -60, -20, 5, false);
  p.min_silence_s = 0.3;
  fail_unless_equals_int(segments(run_f32(pair, rate, p), rate).size(), 1);
  p.min_silence_s = 0.05;
  fail_unless_equals_int(segments(run_f32(pair, rate, p), rate).size(), 2);
}
GST_END_TEST;

// The modulation cue: a steady sound that rises well above the floor is
// not speech for long; a syllable-modulated one is.
GST_START_TEST(test_modulation_cue) {
  const unsigned rate = 16000;
  VadParams p;
  std::vector<float> steady = bursts_in_noise(rate, 5.0, {{1.0, 4.0}}, -60, -30, 9, false);
  std::vector<float> syllables = bursts_in_noise(rate, 5.0, {{1.0, 4.0}}, -60, -30, 9, true);
  auto s1 = segments(run_f32(steady, rate, p), rate);
  auto s2 = segments(run_f32(syllables, rate, p), rate);
  double steady_len = 0;
  for (auto &s : s1) steady_len += s.second - s.first;
  fail_unless(steady_len < 1.0, "steady tone held speech for %.2f s", steady_len);
  fail_unless_equals_int(s2.size(), 1);
  fail_unless(s2[0].second - s2[0].first > 2.9);
  p.modulation_db = p.modulation_stop_db = 0;
  auto s3 = segments(run_f32(steady, rate, p), rate);
  fail_unless_equals_int(s3.size(), 1);
}
GST_END_TEST;

// The background cue's running quantile equals a sorted copy of the last
// window of levels (clamped at the floor), to its 0.5 dB bins, on a signal
// whose level wanders over 60 dB, at two frame lengths and quantiles.
GST_START_TEST(test_background_quantile) {
  const unsigned rate = 16000;
  std::vector<float> x(size_t(12.0 * rate));
  std::mt19937 rng(31);
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (size_t i = 0; i < x.size(); i++) {
    const double t = double(i) / rate;
    const double db = -70 + 30 * (1 + std::sin(2 * kPi * t / 5)) + 8 * std::sin(2 * kPi * 3.3 * t);
    x[i] = float(gauss(rng) * std::pow(10.0, db / 20));
  }
  const double frames_s[] = {0.02, 0.01};
  const double quantiles[] = {0.25, 0.5};
  for (double frame_s : frames_s) {
    for (double q : quantiles) {
      VadParams p;
      p.frame_s = frame_s;
      p.background_quantile = q;
      VoiceDetector vad;
      fail_unless(vad.configure({SampleFormat::F32, 1, rate}, p));
      vad.set_record_frames(true);
      vad.process(x.data(), x.size());
      const auto &f = vad.frames();
      const size_t window = size_t(std::lround(p.background_window_s / frame_s));
      for (size_t i = 0; i < f.size(); i++) {
        std::vector<double> w;
        for (size_t j = i + 1 > window ? i + 1 - window : 0; j <= i; j++) w.push_back(std::max(f[j].level_db, f[j].floor_db));
        std::sort(w.begin(), w.end());
        const double expect = w[std::min(w.size() - 1, size_t(q * double(w.size())))];
        fail_unless(std::fabs(f[i].background_db - expect) <= 0.5, "frame %zu: background %.2f, quantile %.2f", i,
                    f[i].background_db, expect);
      }
    }
  }
}
GST_END_TEST;

// The opt-in babble guard: a burst far below the recent speech peak does
// not start speech.
GST_START_TEST(test_relative_threshold) {
  const unsigned rate = 16000;
  std::vector<float> loud = bursts_in_noise(rate, 5.0, {{1.0, 2.0}}, -70, -15, 21);
  std::vector<float> quiet = bursts_in_noise(rate, 5.0, {{3.0, 4.0}}, -90, -40, 22);
  for (size_t i = 0; i < loud.size(); i++) loud[i] += quiet[i];
  VadParams p;
  fail_unless_equals_int(segments(run_f32(loud, rate, p), rate).size(), 2);
  p.relative_db = 15;
  p.relative_stop_db = 25;
  auto segs = segments(run_f32(loud, rate, p), rate);
  fail_unless_equals_int(segs.size(), 1);
  fail_unless(segs[0].first < 1.0 && segs[0].second < 2.5);
  // Once the peak has decayed (2 dB/s), the quiet talker is heard again.
  p.peak_decay_db_s = 20;
  fail_unless_equals_int(segments(run_f32(loud, rate, p), rate).size(), 2);
}
GST_END_TEST;

GST_START_TEST(test_nan_inf_do_not_poison) {
  const unsigned rate = 16000;
  std::vector<float> x = bursts_in_noise(rate, 6.0, {{4.0, 5.0}}, -50, -30, 11);
  VoiceDetector clean;
  clean.configure({SampleFormat::F32, 1, rate}, VadParams());
  Run ref_run = run(clean, x.data(), x.size(), 320, 4);
  // Sprinkle NaN and +-Inf into the noise before the burst.
  const float bad[] = {std::nanf(""), std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  for (size_t k = 0; k < 30; k++) x[size_t(0.5 * rate) + k * 1601] = bad[k % 3];
  for (size_t i = size_t(2.0 * rate); i < size_t(2.3 * rate); i++) x[i] = std::nanf("");
  VoiceDetector vad;
  vad.configure({SampleFormat::F32, 1, rate}, VadParams());
  vad.set_record_frames(true);
  Run r = run(vad, x.data(), x.size(), 320, 4);
  bool saw_invalid = false;
  for (const VadFrame &f : vad.frames()) {
    fail_unless(std::isfinite(f.floor_db), "floor became non-finite");
    saw_invalid |= !f.valid;
  }
  fail_unless(saw_invalid);
  fail_unless(std::isfinite(r.floor_db));
  fail_unless(std::fabs(r.floor_db - ref_run.floor_db) < 3, "floor %.1f vs %.1f", r.floor_db, ref_run.floor_db);
  auto segs = segments(r, rate);
  fail_unless_equals_int(segs.size(), 1);
  fail_unless(std::fabs(segs[0].first - (4.0 - VadParams().pre_roll_s)) < 0.03, "onset %.3f", segs[0].first);
}
GST_END_TEST;

// Every format and channel count gives the same decisions (mono mix).
GST_START_TEST(test_formats_channels_chunking) {
  const unsigned rate = 16000;
  std::vector<float> x = bursts_in_noise(rate, 5.0, {{1.0, 2.0}, {3.0, 3.8}}, -50, -25, 13);
  Run want = run_f32(x, rate);
  fail_unless_equals_int(want.events.size(), 4);
  struct Case {
    SampleFormat f;
    unsigned channels;
  };
  const Case cases[] = {{SampleFormat::S16, 1}, {SampleFormat::S32, 1}, {SampleFormat::F64, 1},
                        {SampleFormat::F32, 2}, {SampleFormat::S16, 2}, {SampleFormat::S16, 6},
                        {SampleFormat::F64, 3}};
  for (const Case &c : cases) {
    const size_t bps = sample_bytes(c.f), bpf = bps * c.channels;
    std::vector<uint8_t> data(x.size() * bpf);
    for (size_t i = 0; i < x.size(); i++)
      for (unsigned ch = 0; ch < c.channels; ch++) {
        uint8_t *p = &data[i * bpf + ch * bps];
        // Channels carry x with alternating extra +-d that the mix cancels.
        const double v = x[i] + ((ch & 1) ? -0.001 : 0.001) * ((c.channels % 2 == 0 || ch + 1 < c.channels) ? 1 : 0);
        if (c.f == SampleFormat::S16) { int16_t s = int16_t(std::lrint(std::clamp(v, -1.0, 0.99996) * 32768)); std::memcpy(p, &s, 2); }
        else if (c.f == SampleFormat::S32) { int32_t s = int32_t(std::llrint(std::clamp(v, -1.0, 0.999) * 2147483648.0)); std::memcpy(p, &s, 4); }
        else if (c.f == SampleFormat::F32) { float s = float(v); std::memcpy(p, &s, 4); }
        else std::memcpy(p, &v, 8);
      }
    VoiceDetector vad;
    fail_unless(vad.configure({c.f, c.channels, rate}, VadParams()));
    const size_t chunks[] = {1, 97, 320, 16000};
    for (size_t chunk : chunks) {
      vad.reset(false);
      Run r = run(vad, data.data(), x.size(), chunk, bpf);
      fail_unless_equals_int(r.events.size(), want.events.size());
      for (size_t i = 0; i < r.events.size(); i++) {
        fail_unless_equals_int(r.events[i].kind, want.events[i].kind);
        fail_unless(std::llabs(int64_t(r.events[i].sample) - int64_t(want.events[i].sample)) <= 320,
                    "format %d x%u chunk %zu: event %zu at %llu vs %llu", int(c.f), c.channels, chunk, i,
                    (unsigned long long)r.events[i].sample, (unsigned long long)want.events[i].sample);
      }
    }
  }
  VoiceDetector bad;
  fail_if(bad.configure({SampleFormat::F32, 0, rate}, VadParams()));
  fail_if(bad.configure({SampleFormat::F32, 1, 0}, VadParams()));
}
GST_END_TEST;

GST_START_TEST(test_silence_reset_finish) {
  const unsigned rate = 16000;
  std::vector<float> x = bursts_in_noise(rate, 3.0, {{1.0, 3.0}}, -50, -25, 17);
  VoiceDetector vad;
  vad.configure({SampleFormat::F32, 1, rate}, VadParams());
  vad.process(x.data(), rate);  // 1 s of noise
  const double floor_db = vad.noise_floor_db();
  // GAP: silence that neither starts speech nor drags the floor down.
  vad.process_silence(2 * rate + 17);
  fail_unless(vad.events().empty());
  fail_unless_equals_uint64(vad.position(), 3 * rate + 17);
  fail_unless(std::fabs(vad.noise_floor_db() - floor_db) < 0.5);
  // Speech then EOS while speaking: finish() closes it.
  vad.process(x.data() + rate, 2 * rate);
  fail_unless(vad.in_speech());
  fail_unless_equals_int(vad.events().size(), 1);
  vad.events().clear();
  vad.finish();
  fail_unless_equals_int(vad.events().size(), 1);
  fail_unless_equals_int(vad.events()[0].kind, VadEvent::Stop);
  fail_unless(vad.events()[0].sample <= vad.position());
  fail_unless_equals_uint64(vad.decided_until(), vad.position());
  vad.events().clear();
  // reset keeps the floor unless asked; positions restart at 0.
  const double before = vad.noise_floor_db();
  vad.reset(true);
  fail_unless_equals_uint64(vad.position(), 0);
  fail_unless(vad.noise_floor_db() == before);
  fail_if(vad.in_speech());
  vad.reset(false);
  fail_unless(vad.noise_floor_db() < -100);
}
GST_END_TEST;

static Suite *vad_suite() {
  test::isas_under_test();  // SKIP before forking when the ISA is missing
  Suite *s = suite_create("dsp-vad");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_kernels_match_reference);
  tcase_add_test(tc, test_kernels_every_length);
  tcase_add_test(tc, test_kernels_edge_values);
  tcase_add_test(tc, test_band_response);
  tcase_add_test(tc, test_bursts_in_noise);
  tcase_add_test(tc, test_thresholds_and_hysteresis);
  tcase_add_test(tc, test_hangover_preroll_min_durations);
  tcase_add_test(tc, test_modulation_cue);
  tcase_add_test(tc, test_background_quantile);
  tcase_add_test(tc, test_relative_threshold);
  tcase_add_test(tc, test_nan_inf_do_not_poison);
  tcase_add_test(tc, test_formats_channels_chunking);
  tcase_add_test(tc, test_silence_reset_finish);
  return s;
}

GST_CHECK_MAIN(vad);
