// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/resample beyond one stage's limits (1024:1 down, 1:65536 up): the
// intermediate rates, tones through 3000:1 and 1:100000 (passband gain
// and phase, aliases and images within each preset's targets), exact
// lengths whatever the chunking, the latency reported, and the rates at
// both ends of the range (2^31 - 1 Hz -> 1 Hz runs; 1 Hz -> 2^31 - 1 Hz is
// refused with the reason).

#include <cmath>
#include <complex>
#include <cstdlib>
#include <cstring>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "resample.h"
#include "resample_test_util.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;

namespace {

constexpr ResampleQuality kQualities[] = {ResampleQuality::Fast, ResampleQuality::High,
                                          ResampleQuality::VeryHigh};

bool emulated() { return std::getenv("FASTAUDIO_EMULATED") != nullptr; }

// Every step of `rates` within one stage's limits.
void check_steps(const std::vector<int> &rates) {
  for (size_t i = 0; i + 1 < rates.size(); i++) {
    const int64_t a = rates[i], b = rates[i + 1];
    fail_unless(a <= b * kMaxStageDownsampling && b <= a * kMaxStageUpsampling, "step %lld -> %lld", (long long)a,
                (long long)b);
  }
}

// Bin `k` of `n` samples from x (a rectangular window holding whole periods).
std::complex<double> bin(const float *x, size_t n, double cycles) {
  std::complex<double> sum = 0;
  for (size_t i = 0; i < n; i++) sum += double(x[i]) * std::polar(1.0, -2 * M_PI * cycles * double(i) / double(n));
  return sum * (2.0 / double(n));
}

// A tone at `hz` (amplitude 0.5) through a resampler configured for
// `spec`, long enough for a `window_s` second window of the output that
// the filters' start and end do not reach. Returns the window and its start.
struct Window {
  std::vector<float> y;
  size_t start = 0, length = 0;
};
Window resample_tone(const ResampleSpec &spec, double hz, double window_s) {
  Resampler r;
  fail_unless(r.configure(spec));
  fail_unless_equals_int(int(r.path()), int(ResamplePath::Stages));
  const double margin_s = std::ceil(double(r.latency_input_frames()) / spec.in_rate) + 1;
  const size_t frames = size_t((window_s + 2 * margin_s) * spec.in_rate);
  std::vector<float> in(frames);
  for (size_t i = 0; i < frames; i++)
    in[i] = float(0.5 * std::sin(2 * M_PI * std::fmod(hz * double(i) / spec.in_rate, 1.0)));
  Window w;
  w.y = test::run_chunked(r, in, {4096, 1000, 333});
  fail_unless_equals_uint64(w.y.size(), (uint64_t(frames) * spec.out_rate + spec.in_rate - 1) / spec.in_rate);
  w.start = size_t(margin_s * spec.out_rate);
  w.length = size_t(window_s * spec.out_rate);
  return w;
}

// Gain (dB) and phase (radians) of a passband tone against the ideal
// output sin(2 pi hz n / out_rate): 0 phase when output n sits at input
// time n x in / out, as one stage places it.
void check_passband(const ResampleSpec &spec, double hz, double window_s) {
  const ResamplePreset &p = resample_preset(spec.quality);
  const Window w = resample_tone(spec, hz, window_s);
  std::vector<float> ideal(w.length);
  for (size_t i = 0; i < w.length; i++)
    ideal[i] = float(0.5 * std::sin(2 * M_PI * std::fmod(hz * double(w.start + i) / spec.out_rate, 1.0)));
  const double cycles = hz * window_s;
  const std::complex<double> ratio = bin(w.y.data() + w.start, w.length, cycles) / bin(ideal.data(), w.length, cycles);
  const double gain_db = 20 * std::log10(std::abs(ratio));
  fail_unless(std::fabs(gain_db) <= p.targets.passband_ripple_db, "%s %d->%d: %.2f Hz at %.4f dB", p.name,
              spec.in_rate, spec.out_rate, hz, gain_db);
  fail_unless(std::fabs(std::arg(ratio)) < 1e-3, "%s %d->%d: %.2f Hz phase %.5f rad", p.name, spec.in_rate,
              spec.out_rate, hz, std::arg(ratio));
}

// Level (dB re the tone) of a tone at `hz` where it lands at `at_hz`.
double level_at(const ResampleSpec &spec, double hz, double at_hz, double window_s) {
  const Window w = resample_tone(spec, hz, window_s);
  return 20 * std::log10(std::abs(bin(w.y.data() + w.start, w.length, at_hz * window_s)) / 0.5 + 1e-30);
}

}  // namespace

// Each step within one stage's limits; the intermediate rates as the
// header says (lowest allowed, whole ratios preferred).
GST_START_TEST(test_stage_rates) {
  fail_unless(resample_stage_rates(48000, 16000) == (std::vector<int>{48000, 16000}));
  fail_unless(resample_stage_rates(48000, 47) == (std::vector<int>{48000, 47}));  // 1021:1, one stage
  fail_unless(resample_stage_rates(48000, 16) == (std::vector<int>{48000, 48, 16}));
  fail_unless(resample_stage_rates(1, 100000) == (std::vector<int>{1, 2, 100000}));
  fail_unless(resample_stage_rates(4, 400000) == (std::vector<int>{4, 8, 400000}));
  fail_unless(resample_stage_rates(kMaxResampleRate, 1) == (std::vector<int>{kMaxResampleRate, 2097152, 2048, 2, 1}));
  fail_unless(resample_stage_rates(1, kMaxResampleRate).empty());
  fail_unless(resample_stage_rates(0, 48000).empty());
  const std::pair<int, int> pairs[] = {{44100, 7},        {kMaxResampleRate, 48000}, {kMaxResampleRate, 3},
                                       {96000, 1},        {1, int(kMaxUpsampling)},  {3, 44100 * 1000},
                                       {192000, 11}};
  for (auto [in, out] : pairs) {
    const auto rates = resample_stage_rates(in, out);
    fail_unless(rates.size() > 2 && rates.front() == in && rates.back() == out, "%d -> %d", in, out);
    check_steps(rates);
    for (size_t i = 1; i + 1 < rates.size(); i++)
      fail_unless(rates[i] >= 2 * std::min(rates[i - 1], rates[i + 1]), "%d -> %d: %d", in, out, rates[i]);
  }
}
GST_END_TEST;

// Any downsampling; upsampling up to 1:2^24, refused beyond with the reason.
GST_START_TEST(test_limits) {
  fail_unless(resample_rates_problem(48000, 46) == nullptr);
  fail_unless(resample_rates_problem(kMaxResampleRate, 1) == nullptr);
  fail_unless(resample_rates_problem(1, int(kMaxUpsampling)) == nullptr);
  const char *up = resample_rates_problem(1, int(kMaxUpsampling) + 1);
  fail_unless(up && std::strstr(up, "beyond 1:16777216"), "%s", up ? up : "accepted");
  fail_unless(resample_rates_problem(1, kMaxResampleRate) != nullptr);
  Resampler r;
  fail_if(r.configure({1, kMaxResampleRate, 1, ResampleQuality::High}));
  fail_unless(r.configure({1, int(kMaxUpsampling), 2, ResampleQuality::High}));
  fail_unless_equals_int(int(r.path()), int(ResamplePath::Stages));
  fail_unless(r.max_output_frames(1) <= size_t(kMaxUpsampling));
  // A chain ignores rate adjustments and history priming.
  fail_if(r.set_rate_adjust(10));
  const float frame[2] = {0.1f, 0.2f};
  fail_if(r.prime_history(frame, 1));
}
GST_END_TEST;

// 48000 -> 16 Hz (3000:1, 48000 -> 48 -> 16): a tone in the passband keeps
// its level and phase; tones just above and far above the output Nyquist,
// and one the first stage alone would fold into the passband (4805 Hz ->
// 5 Hz at 48 Hz), alias no louder than the targets.
GST_START_TEST(test_down_3000) {
  const ResampleQuality q = kQualities[__i__];
  if (emulated() && q != ResampleQuality::High) return;
  const ResamplePreset &p = resample_preset(q);
  const ResampleSpec spec{48000, 16, 1, q};
  if (!emulated()) check_passband(spec, 4, 8);
  const struct {
    double hz, at, limit_db;
  } tones[] = {{8.5, 7.5, p.targets.alias_near_db}, {10.5, 5.5, p.targets.alias_far_db},
               {43, 5, p.targets.alias_far_db}, {4805, 5, p.targets.alias_far_db}};
  for (const auto &t : tones) {
    if (emulated() && t.hz != 4805) continue;
    const double db = level_at(spec, t.hz, t.at, 8);
    fail_unless(db <= t.limit_db, "%s 48000->16: %.1f Hz aliases at %.1f dB", p.name, t.hz, db);
  }
}
GST_END_TEST;

// 4 -> 400000 Hz (1:100000, 4 -> 8 -> 400000): a 1 Hz tone passes with
// its level and phase; its images at 3, 5 and 7 Hz (from the first stage
// and from the second) stay below the alias target.
GST_START_TEST(test_up_100000) {
  const ResampleQuality q = kQualities[__i__];
  // 10 M outputs per tone: too long under an emulator (test_lengths streams 1 -> 100000 there).
  if (emulated()) return;
  const ResamplePreset &p = resample_preset(q);
  const ResampleSpec spec{4, 400000, 1, q};
  const Window w = resample_tone(spec, 1, 2);
  const size_t n = w.length;
  const float *y = w.y.data() + w.start;
  std::vector<float> ideal(n);
  for (size_t i = 0; i < n; i++)
    ideal[i] = float(0.5 * std::sin(2 * M_PI * std::fmod(double(w.start + i) / spec.out_rate, 1.0)));
  const std::complex<double> ratio = bin(y, n, 2) / bin(ideal.data(), n, 2);
  const double gain_db = 20 * std::log10(std::abs(ratio));
  fail_unless(std::fabs(gain_db) <= p.targets.passband_ripple_db, "%s 4->400000: gain %.4f dB", p.name, gain_db);
  fail_unless(std::fabs(std::arg(ratio)) < 1e-3, "%s 4->400000: phase %.5f", p.name, std::arg(ratio));
  for (double image : {3.0, 5.0, 7.0}) {
    const double db = 20 * std::log10(std::abs(bin(y, n, image * 2)) / 0.5 + 1e-30);
    fail_unless(db <= p.targets.alias_far_db, "%s 4->400000: image at %.0f Hz %.1f dB", p.name, image, db);
  }
}
GST_END_TEST;

// Exact totals (ceil(frames x out / in)) whatever the chunking, never more
// output than max_output_frames() said, drain() writing what
// pending_output_frames() said, outputs appearing as the reported latency
// says (5.9 s at 48000 -> 16, from 6.1 s of input on), and the same output
// in place.
GST_START_TEST(test_lengths) {
  const struct {
    int in, out;
    size_t frames;
    bool latency_checked;
  } cases[] = {
      {48000, 16, 320000, true}, {1, 100000, 9, false}, {44100, 7, 150000, false}, {192000, 11, 150000, false}};
  for (const auto &c : cases) {
    if (emulated() && !c.latency_checked && c.in != 1) continue;
    Resampler r;
    fail_unless(r.configure({c.in, c.out, 2, ResampleQuality::High}));
    const auto in = test::noise(2 * c.frames, 7);
    const uint64_t total = (uint64_t(c.frames) * c.out + c.in - 1) / c.in;
    std::vector<float> a(2 * (total + 8));
    size_t n = 0, i = 0, k = 0, checks = 0;
    const size_t chunks[] = {1, 4097, 480, 13};
    const uint64_t latency = r.latency_input_frames();
    // A frame of each stage's input rate either way.
    const double slack = double(c.in) / c.out + double(c.in) / resample_stage_rates(c.in, c.out)[1] + 2;
    while (i < c.frames) {
      const size_t len = std::min(chunks[k++ % 4], c.frames - i);
      const size_t most = r.max_output_frames(len);
      const size_t got = r.process(in.data() + 2 * i, len, a.data() + 2 * n, a.size() / 2 - n);
      fail_unless(got <= most, "%d -> %d: %zu outputs, %zu announced", c.in, c.out, got, most);
      n += got, i += len;
      // The outputs cover the input up to `latency` frames before its end.
      if (i > latency + 2 * slack) {
        const double covered = double(n) * c.in / c.out + double(latency);
        fail_unless(std::fabs(covered - double(i)) <= slack, "%d -> %d: %zu outputs after %zu frames (latency %llu)",
                    c.in, c.out, n, i, (unsigned long long)latency);
        checks++;
      }
    }
    fail_unless(!c.latency_checked || checks > 0, "%d -> %d: latency never checked", c.in, c.out);
    const size_t pending = r.pending_output_frames();
    const size_t tail = r.drain(a.data() + 2 * n, a.size() / 2 - n);
    fail_unless_equals_uint64(tail, pending);
    fail_unless_equals_uint64(n + tail, total);
    fail_unless_equals_uint64(r.output_frames(), 0);  // reset by the drain
    // In place, in one call: what one call into another buffer gives.
    std::vector<float> apart(a.size()), b = in;
    b.resize(std::max(b.size(), a.size()));
    size_t m = r.process(in.data(), c.frames, apart.data(), apart.size() / 2);
    m += r.drain(apart.data() + 2 * m, apart.size() / 2 - m);
    fail_unless_equals_uint64(m, total);
    m = r.process(b.data(), c.frames, b.data(), b.size() / 2);
    m += r.drain(b.data() + 2 * m, b.size() / 2 - m);
    fail_unless_equals_uint64(m, total);
    fail_unless(std::memcmp(apart.data(), b.data(), 2 * total * sizeof(float)) == 0, "%d -> %d: in place differs",
                c.in, c.out);
  }
}
GST_END_TEST;

// 2^31 - 1 Hz -> 1 Hz in four stages: configures, streams and drains to
// the exact total with the latency of its stages (seconds of the 2 Hz ->
// 1 Hz stage); a quality switch keeps the total.
GST_START_TEST(test_top_rate_to_one) {
  Resampler r;
  fail_unless(r.configure({kMaxResampleRate, 1, 1, ResampleQuality::Fast}));
  fail_unless(r.stages() && r.stages()->size() == 4);
  fail_unless(r.latency_input_frames() > size_t(kMaxResampleRate));
  const size_t frames = emulated() ? 20000 : 300000;
  std::vector<float> in(frames, 0.25f), out(4);
  size_t n = r.process(in.data(), frames / 2, out.data(), out.size());
  fail_unless(r.set_quality(ResampleQuality::High));
  n += r.process(in.data(), frames - frames / 2, out.data() + n, out.size() - n);
  n += r.drain(out.data() + n, out.size() - n);
  fail_unless_equals_uint64(n, 1);
  fail_unless(std::isfinite(out[0]) && std::fabs(out[0]) < 0.25f);
}
GST_END_TEST;

static Suite *resample_stages_suite() {
  Suite *s = suite_create("dsp-resample-stages");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_stage_rates);
  tcase_add_test(tc, test_limits);
  tcase_add_loop_test(tc, test_down_3000, 0, int(std::size(kQualities)));
  tcase_add_loop_test(tc, test_up_100000, 0, int(std::size(kQualities)));
  tcase_add_test(tc, test_lengths);
  tcase_add_test(tc, test_top_rate_to_one);
  return s;
}

GST_CHECK_MAIN(resample_stages);
