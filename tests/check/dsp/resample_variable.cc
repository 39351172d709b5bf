// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/resample's variable path (ResamplePath::Variable): at 0 ppm it meets
// every preset's targets and gives the exact path's stream lengths; with a
// rate adjustment its output length follows the adjusted rate, and changing
// the adjustment mid-stream (from the exact path too) leaves no click: a
// tone's output matches a sinusoid of the known output times to within the
// preset's alias floor.

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "resample.h"
#include "resample_measure.h"
#include "resample_test_util.h"
#include "resample_variable_kernels.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;

namespace {

constexpr ResampleQuality kQualities[] = {ResampleQuality::Fast, ResampleQuality::High,
                                          ResampleQuality::VeryHigh};

ResampleSpec variable_spec(int in_rate, int out_rate, ResampleQuality q, unsigned channels = 1) {
  ResampleSpec spec{in_rate, out_rate, channels, q};
  spec.variable_step = true;
  return spec;
}

// The floor a continuous tone's error must stay under, relative to the
// tone: the preset's far alias target, but not below what rounding the
// output to F32 leaves (about -140 dB of a tone at half scale).
double error_floor_db(ResampleQuality q) { return std::max(resample_preset(q).targets.alias_far_db, -136.0); }

}  // namespace

namespace {

// `exact_out_rate`: for a new ratio, a nearby output rate the exact path
// serves with the same design, whose THD+N bounds `fast`'s.
void check_targets(const ResampleSpec &spec, bool report, const char *flavour, int exact_out_rate = 0) {
  const ResamplePreset &p = resample_preset(spec.quality);
  const int in_rate = spec.in_rate, out_rate = spec.out_rate;
  Resampler r;
  fail_unless(r.configure(spec));
  fail_unless(r.path() == ResamplePath::Variable, "%s %d->%d: %s path", p.name, in_rate, out_rate,
              resample_path_name(r.path()));
  const measure::Quality m = measure::measure(spec);
  if (report)
    std::printf("| %s | %s | %d->%d | %zu | +-%.4f dB | %.4f | %.1f / %.1f dB | %.1f dB | %.2f ms |\n", flavour, p.name,
                in_rate, out_rate, r.taps(), m.passband_db, m.minus3db, m.alias_far_db, m.alias_near_db, m.thdn_db,
                m.held_back_ms);
  measure::check_response_targets(p, in_rate, out_rate, m);
  // `fast` for a new ratio has the exact path's design at fractional ratios,
  // whose THD+N misses the target where the ratio is below 2 or upsamples
  // (about -90 dB: images at its -92 dB stopband, docs/fastresample.md):
  // no worse than the exact path's at a nearby ratio.
  double thdn_limit = p.targets.thdn_db;
  if (spec.quality == ResampleQuality::Fast && exact_out_rate != 0) {
    Resampler exact;
    fail_unless(exact.configure({in_rate, exact_out_rate, 1, spec.quality}));
    fail_if(exact.path() == ResamplePath::Variable);
    const double exact_thdn = measure::thdn_db({in_rate, exact_out_rate, 1, spec.quality});
    thdn_limit = std::max(thdn_limit, exact_thdn + 1.0);
  }
  fail_unless(m.thdn_db <= thdn_limit, "%s %d->%d: THD+N %.1f dB", p.name, in_rate, out_rate, m.thdn_db);
  // `fast` adjusting runs its Kaiser window, which reaches 33 periods of the
  // lower rate, plus up to 4 of padding to whole vectors: 2.06-2.25 ms where
  // that rate is 16 kHz (its target is 2 ms).
  const bool fast_kaiser = spec.quality == ResampleQuality::Fast && spec.variable_step;
  const double held_limit =
      fast_kaiser ? std::max(p.targets.held_back_ms, 1000.0 * (p.design.half_width + 4) / std::min(in_rate, out_rate))
                  : p.targets.held_back_ms;
  fail_unless(m.held_back_ms <= held_limit + 1e-9, "%s %d->%d: holds back %.2f ms", p.name, in_rate, out_rate,
              m.held_back_ms);
}

}  // namespace

// Under ASan or an emulator (tools/test-aarch64.sh) the measurements take
// minutes: one of each kind there.
bool few_measurements() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return std::getenv("FASTAUDIO_EMULATED") != nullptr;
#endif
}

// The quality test's figures (dsp/resample.cc) on the variable path at
// 0 ppm (the filter does not depend on the adjustment: only the step does):
// as a rate adjustment runs it (variable_step), down and up, and as it
// serves a new ratio whose exact bank would be big (48000 -> 44101, near
// 1:1; the random-ratio test in resample_setup.cc covers more), and THD+N
// where new ratios decimate far (96000 -> 16001, 88211 -> 16000). Set
// FASTAUDIO_RESAMPLE_REPORT=1 to print them.
GST_START_TEST(test_variable_targets) {
  const bool report = g_getenv("FASTAUDIO_RESAMPLE_REPORT") != nullptr;
  const std::vector<std::array<int, 2>> adjusted = {{44100, 16000}, {16000, 44100}};
  for (ResampleQuality q : kQualities) {
    const ResamplePreset &p = resample_preset(q);
    for (size_t i = 0; i < (few_measurements() ? 1 : adjusted.size()); i++)
      check_targets(variable_spec(adjusted[i][0], adjusted[i][1], q), report, "adjusting");
    // With 48000 -> 44100, the nearby rate pair the exact path serves.
    check_targets({48000, 44101, 1, q}, report, "new ratio", 44100);
    if (few_measurements()) continue;
    // Far downsampling by new ratios: the longest rows, whose F64 centre
    // (very-high) covers the fewest periods of the lower rate per tap.
    for (auto [in_rate, out_rate] : {std::array<int, 2>{96000, 16001}, std::array<int, 2>{88211, 16000}}) {
      const ResampleSpec spec{in_rate, out_rate, 1, q};
      Resampler r;
      fail_unless(r.configure(spec) && r.path() == ResamplePath::Variable);
      const double thdn = measure::thdn_db(spec);
      fail_unless(thdn <= p.targets.thdn_db, "%s %d->%d: THD+N %.1f dB", p.name, in_rate, out_rate, thdn);
    }
    // Upsampling: the image of 3.5 kHz at 8k -> 11.025k lies at 4.5 kHz
    // (1.125 x the input Nyquist).
    auto z = measure::resample_tone(variable_spec(8000, 11025, q), 3500, 0.5);
    const double image = measure::db(measure::bin_amplitude(z.data() + 11025 / 4, 11025, 4500) / 0.5);
    fail_unless(image <= p.targets.alias_far_db, "%s 8k -> 11.025k: image at %.1f dB", p.name, image);
  }
}
GST_END_TEST;

// At 0 ppm the variable path's streams have the exact path's length,
// ceil(in * out / in), for any chunking; mono and stereo agree.
GST_START_TEST(test_variable_lengths) {
  const int pairs[][2] = {{48000, 16000}, {44100, 48000}, {48000, 44100}, {22050, 22051}, {8000, 48000}};
  for (auto [in_rate, out_rate] : pairs) {
    const auto in = test::noise(12345, 7);
    std::vector<float> stereo_in(2 * in.size());
    for (size_t i = 0; i < in.size(); i++) stereo_in[2 * i] = stereo_in[2 * i + 1] = in[i];
    Resampler mono, stereo;
    fail_unless(mono.configure(variable_spec(in_rate, out_rate, ResampleQuality::High)));
    fail_unless(stereo.configure(variable_spec(in_rate, out_rate, ResampleQuality::High, 2)));
    const auto a = test::run_chunked(mono, in, {480, 1, 4097});
    const auto b = test::run_chunked(stereo, stereo_in, {333});
    const uint64_t expected = (uint64_t(in.size()) * uint64_t(out_rate) + uint64_t(in_rate) - 1) / uint64_t(in_rate);
    fail_unless_equals_uint64(a.size(), expected);
    fail_unless_equals_uint64(b.size(), 2 * expected);
    for (size_t n = 0; n < a.size(); n++)
      fail_unless(a[n] == b[2 * n] && a[n] == b[2 * n + 1], "%d->%d: frame %zu differs between mono and stereo",
                  in_rate, out_rate, n);
  }
}
GST_END_TEST;

namespace {

// A tone through `r` in 480-frame chunks, the rate adjustment set to
// schedule[k].second before chunk schedule[k].first; returns the output,
// each output's input time (in input frames) computed independently, and
// the first output after the first change.
struct Adjusted {
  std::vector<float> out;
  std::vector<double> when;
  size_t first_change = 0;
};

Adjusted run_adjusted(Resampler &r, double hz, size_t chunks, const std::vector<std::pair<size_t, double>> &schedule) {
  const ResampleSpec spec = r.spec();
  const size_t chunk = 480;
  const auto in = measure::tone(spec.in_rate, hz, 0.5, chunk * chunks);
  Adjusted a;
  a.out.resize(2 * in.size() * size_t(spec.out_rate) / size_t(spec.in_rate) + 1024);
  size_t n = 0, next = 0;
  double ppm = spec.rate_adjust_ppm, t = 0;
  for (size_t c = 0; c < chunks; c++) {
    if (next < schedule.size() && schedule[next].first == c) {
      if (next == 0) a.first_change = n;
      ppm = schedule[next++].second;
      fail_unless(r.set_rate_adjust(ppm));
    }
    const size_t got = r.process(in.data() + c * chunk, chunk, a.out.data() + n, a.out.size() - n);
    // The next output's time was set by the step before the change; the
    // new step counts from there.
    for (size_t k = 0; k < got; k++) {
      a.when.push_back(t);
      t += double(spec.in_rate) / (double(spec.out_rate) * (1 + ppm * 1e-6));
    }
    n += got;
  }
  a.out.resize(n);
  return a;
}

// The least-squares sinusoid at `hz` over outputs [from, to) at their times
// (as a complex amplitude), and the largest deviation from it.
struct Fit {
  double re = 0, im = 0, worst = 0;
};

Fit fit_tone(const Adjusted &a, double hz, int in_rate, size_t from, size_t to) {
  // Least squares: [ss sc; sc cc] (re, im) = (ys, yc); the segment is not a
  // whole number of periods, so sin and cos are not orthogonal over it.
  double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
  for (size_t n = from; n < to; n++) {
    const double ph = 2 * M_PI * hz * a.when[n] / in_rate;
    const double s = std::sin(ph), c = std::cos(ph);
    ss += s * s, sc += s * c, cc += c * c;
    ys += a.out[n] * s, yc += a.out[n] * c;
  }
  Fit f;
  const double det = ss * cc - sc * sc;
  f.re = (ys * cc - yc * sc) / det;
  f.im = (yc * ss - ys * sc) / det;
  for (size_t n = from; n < to; n++) {
    const double ph = 2 * M_PI * hz * a.when[n] / in_rate;
    f.worst = std::max(f.worst, std::fabs(a.out[n] - (f.re * std::sin(ph) + f.im * std::cos(ph))));
  }
  return f;
}

}  // namespace

// Changing the adjustment mid-stream leaves no discontinuity: after the
// first change the output is the tone at the output times the adjusted
// steps give, to within the preset's alias floor, across four more changes
// (-1000, +1000, 0, +250 ppm). The first change moves an exact path onto the
// variable one at the next output's time: before and after it the tone
// agrees in phase and level to within the passband ripple the two filters
// may differ by (none where both are the same Kaiser design). 48k -> 48k
// (the drift case), 44.1k -> 48k and 48k -> 16k `high` (the two-stage path
// first).
GST_START_TEST(test_rate_adjust_no_click) {
  const bool report = g_getenv("FASTAUDIO_RESAMPLE_REPORT") != nullptr;
  const std::vector<std::pair<size_t, double>> schedule = {{40, 37}, {80, -1000}, {120, 1000}, {160, 0}, {200, 250}};
  const int pairs[][2] = {{48000, 48000}, {44100, 48000}, {48000, 16000}};
  for (ResampleQuality q : kQualities) {
    const ResamplePreset &p = resample_preset(q);
    for (auto [in_rate, out_rate] : pairs) {
      Resampler r;
      fail_unless(r.configure({in_rate, out_rate, 1, q}));
      fail_if(r.path() == ResamplePath::Variable, "%d->%d started on the variable path", in_rate, out_rate);
      const Adjusted a = run_adjusted(r, 1000, 240, schedule);
      fail_unless(r.path() == ResamplePath::Variable);
      const size_t margin = size_t(out_rate / 20);  // the cold start's and the junction's transients
      const Fit before = fit_tone(a, 1000, in_rate, margin, a.first_change);
      const Fit after = fit_tone(a, 1000, in_rate, a.first_change, a.out.size());
      // (Before the first change the exact path runs: its own figures are the quality test's.)
      const double err = measure::db(after.worst / 0.5);
      const double step = std::hypot(after.re - before.re, after.im - before.im) / 0.5;
      const double allowed_step = std::pow(10.0, 2 * p.targets.passband_ripple_db / 20) - 1;
      if (report)
        std::printf("%s %d->%d: worst error %.1f dB, step at the first change %.2g (allowed %.2g)\n", p.name,
                    in_rate, out_rate, err, step, allowed_step);
      fail_unless(err <= error_floor_db(q), "%s %d->%d: error %.1f dB across rate-adjust changes (floor %.0f dB)",
                  p.name, in_rate, out_rate, err, error_floor_db(q));
      fail_unless(step <= allowed_step, "%s %d->%d: the tone steps by %.2g at the first change", p.name, in_rate,
                  out_rate, step);
    }
  }
}
GST_END_TEST;

// The stream's length follows the adjusted rate: 10 s at 48 kHz with +1000
// ppm gives 480480 frames, -37 ppm 479982 (to one frame), and drain()
// completes the total that pending_output_frames() announced.
GST_START_TEST(test_rate_adjust_length) {
  for (double ppm : {1000.0, -37.0, 0.5}) {
    Resampler r;
    ResampleSpec spec{48000, 48000, 2, ResampleQuality::High};
    spec.rate_adjust_ppm = ppm;
    fail_unless(r.configure(spec));
    fail_unless(r.path() == ResamplePath::Variable);
    std::vector<float> in(2 * 4800, 0.1f), out(2 * 6000);
    uint64_t total = 0;
    for (int i = 0; i < 100; i++) total += r.process(in.data(), 4800, out.data(), 6000);
    const size_t pending = r.pending_output_frames();
    const size_t drained = r.drain(out.data(), 6000);
    fail_unless_equals_uint64(drained, pending);
    total += drained;
    // Exact where it can be (480480 at +1000 ppm): 480000 * (1 + 1e-3) rounds
    // below it in double, and a stream one frame longer would then fail.
    const double expected = 480000.0 + ppm * 480000.0 / 1e6;
    fail_unless(std::fabs(double(total) - expected) <= 1.0, "%g ppm: %" G_GUINT64_FORMAT " frames, expected %.1f",
                ppm, total, expected);
  }
}
GST_END_TEST;

// Out-of-range and NaN adjustments are refused, and leave the setting as it was.
GST_START_TEST(test_rate_adjust_refused) {
  Resampler r;
  fail_if(r.set_rate_adjust(10));  // not configured
  ResampleSpec spec{48000, 48000, 1, ResampleQuality::Fast};
  spec.rate_adjust_ppm = 1000.5;
  fail_if(r.configure(spec));
  spec.rate_adjust_ppm = 20;
  fail_unless(r.configure(spec));
  for (double bad : {1001.0, -2000.0, double(NAN), double(INFINITY)}) fail_if(r.set_rate_adjust(bad), "%g accepted", bad);
  fail_unless(r.rate_adjust() == 20);
  fail_unless(r.set_rate_adjust(-1000));
  fail_unless(r.rate_adjust() == -1000);
}
GST_END_TEST;

// prime_history(): the frames before the stream replace the zeros the
// filter would otherwise start from, so the output continues a tone
// without the fade-in of a cold start.
GST_START_TEST(test_prime_history) {
  const auto tone = measure::tone(48000, 1000, 0.5, 48000);
  ResampleSpec spec{48000, 48000, 1, ResampleQuality::High};
  spec.rate_adjust_ppm = 100;
  Resampler primed, cold;
  fail_unless(primed.configure(spec));
  fail_unless(cold.configure(spec));
  fail_unless(primed.prime_history(tone.data(), 24000));
  std::vector<float> a(30000), b(30000);
  const size_t na = primed.process(tone.data() + 24000, 24000, a.data(), a.size());
  const size_t nb = cold.process(tone.data() + 24000, 24000, b.data(), b.size());
  fail_unless_equals_uint64(na, nb);
  // The first output is input frame 24000 itself: sin(2 pi 1000 x 24000 / 48000) = 0, then the tone.
  double primed_err = 0, cold_err = 0;
  for (size_t n = 0; n < 16; n++) {
    const double want = 0.5 * std::sin(2 * M_PI * 1000 * (24000 + double(n) / (1 + 100e-6)) / 48000);
    primed_err = std::max(primed_err, std::fabs(a[n] - want));
    cold_err = std::max(cold_err, std::fabs(b[n] - want));
  }
  // Within high's passband ripple (+-0.01 dB of 0.5 is 6e-4).
  fail_unless(primed_err < 1e-3, "primed: error %g", primed_err);
  fail_unless(cold_err > 10 * primed_err, "cold start: error only %g (primed %g)", cold_err, primed_err);
  fail_if(primed.prime_history(tone.data(), 16), "primed after input");
}
GST_END_TEST;

// process_silence() on the variable path gives what feeding zeros gives,
// through the ringing of a tone and long after it, with an adjustment in force.
GST_START_TEST(test_variable_silence) {
  ResampleSpec spec{44100, 48000, 1, ResampleQuality::High};
  spec.rate_adjust_ppm = -300;
  Resampler a, b;
  fail_unless(a.configure(spec) && b.configure(spec));
  const auto tone = measure::tone(44100, 1000, 0.5, 4410);
  const std::vector<float> zeros(30000, 0.f);
  std::vector<float> ya(40000), yb(40000);
  size_t na = a.process(tone.data(), tone.size(), ya.data(), ya.size());
  size_t nb = b.process(tone.data(), tone.size(), yb.data(), yb.size());
  na += a.process(zeros.data(), zeros.size(), ya.data() + na, ya.size() - na);
  nb += b.process_silence(zeros.size(), yb.data() + nb, yb.size() - nb);
  na += a.drain(ya.data() + na, ya.size() - na);
  nb += b.drain(yb.data() + nb, yb.size() - nb);
  fail_unless_equals_uint64(na, nb);
  for (size_t n = 0; n < na; n++) fail_unless(ya[n] == yb[n], "frame %zu: %g != %g", n, ya[n], yb[n]);
}
GST_END_TEST;

// The variable path's kernel of every ISA this CPU and build have against
// the scalar reference: lengths with and without a vector's remainder,
// centre spans (F64) at the start, middle and end of a row or none, noise
// and full-scale values. The F32 sums run in another order, so they agree
// to F32 rounding of the sums of magnitudes; the four-output kernel gives
// the single one's bits.
GST_START_TEST(test_variable_kernel_isas) {
  const auto x = test::noise(2000, 5);
  auto rows = test::noise(4 * 1000, 6);
  for (size_t m = 0; m < rows.size(); m += 97) rows[m] = 1.0f;
  const double weights[][4] = {{0, 1, 0, 0}, {-0.0625, 0.5625, 0.5625, -0.0625}, {-0.0385, 0.9, 0.16, -0.02}};
  const size_t spans[][3] = {{8, 0, 0}, {24, 8, 16}, {256, 96, 160}, {744, 344, 400}, {1000, 0, 1000},
                             {1000, 0, 32}, {1000, 968, 1000}, {40, 0, 0}};
  for (Isa isa : usable_isas()) {
    const resample_detail::VariableDotFn dot = resample_detail::kVariableDotKernels.for_isa(isa);
    fail_unless(dot != nullptr, "%s: no kernel", isa_name(isa));
    for (const auto &span : spans)
      for (const auto &w : weights)
        for (size_t shift : {size_t(0), size_t(3)}) {
          const size_t taps = span[0];
          const float *xs = x.data() + shift;
          const float want = resample_detail::variable_dot_scalar(xs, rows.data(), taps, span[1], span[2], w);
          const float got = dot(xs, rows.data(), taps, span[1], span[2], w);
          double magnitude = 0;
          for (size_t q = 0; q < 4; q++)
            for (size_t m = 0; m < taps; m++) magnitude += std::fabs(w[q] * xs[m] * rows[q * taps + m]);
          fail_unless(std::fabs(double(got) - double(want)) <= 1e-6 * magnitude + 1e-7,
                      "%s: taps %zu centre %zu-%zu: %.9g != %.9g", isa_name(isa), taps, span[1], span[2], got, want);
        }
    // Four outputs on the same rows: each bit-identical to the single kernel.
    const resample_detail::VariableDot4Fn dot4 = resample_detail::kVariableDot4Kernels.for_isa(isa);
    fail_unless(dot4 != nullptr, "%s: no four-output kernel", isa_name(isa));
    for (const auto &span : spans) {
      const float *xs[4] = {x.data(), x.data() + 1, x.data() + 7, x.data() + 300};
      const double *ws[4] = {weights[1], weights[2], weights[0], weights[2]};
      float y[4];
      dot4(xs, rows.data(), span[0], span[1], span[2], ws, y);
      for (size_t g = 0; g < 4; g++)
        fail_unless(y[g] == dot(xs[g], rows.data(), span[0], span[1], span[2], ws[g]), "%s: taps %zu output %zu",
                    isa_name(isa), span[0], g);
    }
  }
}
GST_END_TEST;

static Suite *resample_variable_suite() {
  Suite *s = suite_create("dsp-resample-variable");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 240);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_variable_targets);
  tcase_add_test(tc, test_variable_lengths);
  tcase_add_test(tc, test_rate_adjust_no_click);
  tcase_add_test(tc, test_rate_adjust_length);
  tcase_add_test(tc, test_rate_adjust_refused);
  tcase_add_test(tc, test_prime_history);
  tcase_add_test(tc, test_variable_silence);
  tcase_add_test(tc, test_variable_kernel_isas);
  return s;
}

GST_CHECK_MAIN(resample_variable);
