// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/resample: quality of each preset measured against its stated targets,
// stream bookkeeping (lengths, alignment, no drift, reset), SIMD against the
// scalar reference, channel independence and bad input.

#include <cmath>
#include <array>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "cache_line.h"
#include "filter_design.h"
#include "resample.h"
#include "resample_internal.h"
#include "resample_kernels.h"
#include "resample_measure.h"
#include "resample_test_util.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;
using namespace fastaudio::test;

namespace {

constexpr ResampleQuality kQualities[] = {ResampleQuality::Fast, ResampleQuality::High,
                                          ResampleQuality::VeryHigh};

uint64_t expected_length(uint64_t in_frames, int in_rate, int out_rate) {
  return (in_frames * uint64_t(out_rate) + uint64_t(in_rate) - 1) / uint64_t(in_rate);
}

const int kRatePairs[][2] = {{48000, 16000}, {44100, 16000}, {16000, 48000}, {44100, 48000},
                             {48000, 44100}, {8000, 11025},  {96000, 8000},  {22050, 22051},
                             {1, 2},         {768000, 3000}, {7, 1}};

}  // namespace

// Every preset meets its stated figures at 48k->16k and 44.1k->16k. Set
// FASTAUDIO_RESAMPLE_REPORT=1 to print them (docs/fastresample.md quotes these).
GST_START_TEST(test_quality_targets) {
  const bool report = g_getenv("FASTAUDIO_RESAMPLE_REPORT") != nullptr;
  const int in_rates[] = {48000, 44100};
  for (ResampleQuality q : kQualities) {
    const ResamplePreset &p = resample_preset(q);
    for (int in_rate : in_rates) {
      ResampleSpec spec{in_rate, 16000, 1, q};
      Resampler r;
      fail_unless(r.configure(spec));
      const measure::Quality m = measure::measure(spec);
      if (report) {
        std::printf("| %s | %d->16000 | %zu | +-%.4f dB | %.4f | %.1f / %.1f dB | %.1f dB | %.2f ms |\n", p.name,
                    in_rate, r.taps(), m.passband_db, m.minus3db, m.alias_far_db, m.alias_near_db, m.thdn_db,
                    m.held_back_ms);
      }
      fail_unless(m.passband_db <= p.targets.passband_ripple_db, "%s %d: passband +-%.4f dB > %.4f", p.name, in_rate,
                  m.passband_db, p.targets.passband_ripple_db);
      fail_unless(m.minus3db >= p.targets.minus3db_at_least, "%s %d: -3 dB at %.4f < %.3f", p.name, in_rate, m.minus3db,
                  p.targets.minus3db_at_least);
      fail_unless(m.alias_far_db <= p.targets.alias_far_db, "%s %d: alias >= 1.125 Nyquist %.1f dB > %.0f", p.name,
                  in_rate, m.alias_far_db, p.targets.alias_far_db);
      fail_unless(m.alias_near_db <= p.targets.alias_near_db, "%s %d: alias 1.0-1.125 Nyquist %.1f dB > %.0f", p.name,
                  in_rate, m.alias_near_db, p.targets.alias_near_db);
      fail_unless(m.thdn_db <= p.targets.thdn_db, "%s %d: THD+N %.1f dB > %.0f", p.name, in_rate, m.thdn_db, p.targets.thdn_db);
      fail_unless(m.held_back_ms <= p.targets.held_back_ms + 1e-9, "%s %d: holds back %.2f ms > %.1f", p.name, in_rate,
                  m.held_back_ms, p.targets.held_back_ms);
    }
  }
}
GST_END_TEST;

// Upsampling: images of the input spectrum above the input Nyquist are
// rejected as deeply as aliases are when downsampling.
GST_START_TEST(test_upsampling_images) {
  for (ResampleQuality q : kQualities) {
    const ResamplePreset &p = resample_preset(q);
    ResampleSpec spec{16000, 48000, 1, q};
    // A 7 kHz tone images at 9 kHz (1.125 x input Nyquist).
    auto y = measure::resample_tone(spec, 7000, 0.5);
    const double image = measure::db(measure::bin_amplitude(y.data() + 12000, 48000, 9000) / 0.5);
    fail_unless(image <= p.targets.alias_far_db, "%s: image of 7 kHz at %.1f dB", p.name, image);
    const double pass = measure::gain_db(spec, 4000);
    fail_unless(std::fabs(pass) <= p.targets.passband_ripple_db, "%s: 4 kHz gain %.4f dB", p.name, pass);
    // A non-integer ratio (441 phases; `fast` uses the interpolated
    // equiripple prototype there): 3.5 kHz images at 4.5 kHz (1.125 x the
    // input Nyquist), 3.8 kHz at 4.2 kHz (just above it).
    const ResampleSpec odd{8000, 11025, 1, q};
    for (int hz : {3500, 3800}) {
      auto z = measure::resample_tone(odd, hz, 0.5);
      const double level = measure::db(measure::bin_amplitude(z.data() + 11025 / 4, 11025, 8000 - hz) / 0.5);
      const double limit = hz == 3500 ? p.targets.alias_far_db : p.targets.alias_near_db;
      fail_unless(level <= limit, "%s 8k -> 11.025k: image of %d Hz at %.1f dB", p.name, hz, level);
    }
  }
}
GST_END_TEST;

// Output totals ceil(in * out / in) (so round() +-1) for any chunking, and
// chunking never changes a sample: bit for bit with the scalar kernels, within
// rounding with SIMD (large chunks take the block kernels, small ones do not).
GST_START_TEST(test_output_length_and_chunking) {
  for (Isa isa : {Isa::Scalar, best_isa()}) {
    for (auto &rates : kRatePairs) {
      for (size_t frames : {size_t(0), size_t(1), size_t(7), size_t(1000), size_t(12345)}) {
        ResampleSpec spec{rates[0], rates[1], 1, ResampleQuality::Fast};
        Resampler a, b;
        fail_unless(a.configure(spec, isa) && b.configure(spec, isa), "%d -> %d", rates[0], rates[1]);
        auto in = noise(frames, 7);
        auto whole = run_chunked(a, in, {frames ? frames : 1});
        auto pieces = run_chunked(b, in, {1, 3, 160, 17, 441});
        const uint64_t want = expected_length(frames, rates[0], rates[1]);
        fail_unless_equals_uint64(whole.size(), want);
        fail_unless_equals_uint64(pieces.size(), want);
        const double exact = double(frames) * rates[1] / rates[0];
        fail_unless(std::fabs(double(whole.size()) - std::round(exact)) <= 1.0);
        double worst = 0;
        for (size_t i = 0; i < whole.size(); i++) worst = std::max(worst, double(std::fabs(whole[i] - pieces[i])));
        fail_unless(worst <= (isa == Isa::Scalar ? 0.0 : 2e-6),
                    "%d -> %d, %zu frames, %s: chunking changed the output by %g", rates[0], rates[1], frames,
                    isa_name(isa), worst);
      }
    }
  }
}
GST_END_TEST;

// The first output is aligned with the first input: a low tone comes out
// with the phase it had going in, and an impulse lands where its time says.
GST_START_TEST(test_alignment) {
  for (auto &rates : kRatePairs) {
    if (rates[0] < 8000 || rates[1] < 8000) continue;
    for (ResampleQuality q : kQualities) {
      ResampleSpec spec{rates[0], rates[1], 1, q};
      Resampler r;
      r.configure(spec);
      auto in = measure::tone(rates[0], 200, 0.5, size_t(rates[0]) / 5);
      auto out = run_chunked(r, in, {480});
      double worst = 0;
      // Skip both ends, where the tone starts and stops abruptly.
      for (size_t n = out.size() / 4; n < out.size() * 3 / 4; n++) {
        const double want = 0.5 * std::sin(2 * M_PI * 200.0 * double(n) / rates[1]);
        worst = std::max(worst, std::fabs(out[n] - want));
      }
      // A delay or phase shift would show at once; the gain may be off by the passband ripple.
      const double tol = 0.5 * (std::pow(10.0, resample_preset(q).targets.passband_ripple_db / 20) - 1) + 1e-4;
      fail_unless(worst < tol, "%d -> %d %s: off by %g", rates[0], rates[1], resample_quality_name(q), worst);
    }
  }
  // Impulse at input frame 300 (48 kHz) must peak at output frame 100 (16 kHz).
  Resampler r;
  r.configure({48000, 16000, 1, ResampleQuality::High});
  std::vector<float> in(1000, 0.f);
  in[300] = 1.f;
  auto out = run_chunked(r, in, {64});
  size_t peak = 0;
  for (size_t n = 0; n < out.size(); n++)
    if (std::fabs(out[n]) > std::fabs(out[peak])) peak = n;
  fail_unless_equals_int(peak, 100);
}
GST_END_TEST;

// Long streams: the integer phase accumulator does not drift. After 10
// minutes at 44.1k -> 48k the output has exactly the expected length and a
// tone still has the expected phase.
GST_START_TEST(test_no_drift) {
  ResampleSpec spec{44100, 48000, 1, ResampleQuality::Fast};
  Resampler r;
  r.configure(spec);
  // The filter's gain at 1 kHz (within the passband ripple, +-0.05 dB for
  // the equiripple `fast`): what is left must be a phase error.
  const double gain = std::pow(10.0, measure::gain_db(spec, 1000) / 20);
  const size_t chunk = 44100 / 50 + 3;  // odd chunks: phases never line up with them
  const size_t total = size_t(44100) * 600;
  std::vector<float> in(chunk), out(r.max_output_frames(chunk) + 64);
  uint64_t fed = 0, produced = 0;
  double worst = 0;
  while (fed < total) {
    const size_t len = std::min<uint64_t>(chunk, total - fed);
    for (size_t i = 0; i < len; i++)
      in[i] = float(0.5 * std::sin(2 * M_PI * 1000.0 * double((fed + i) % 44100) / 44100));
    const size_t n = r.process(in.data(), len, out.data(), out.size());
    // Check the last 50 outputs of the final minute.
    if (fed > total - 44100 * 60) {
      for (size_t k = n > 50 ? n - 50 : 0; k < n; k++) {
        const uint64_t idx = produced + k;
        const double want = 0.5 * gain * std::sin(2 * M_PI * 1000.0 * double(idx % 48000) / 48000);
        worst = std::max(worst, std::fabs(out[k] - want));
      }
    }
    produced += n;
    fed += len;
    // Never more behind than the filter's lookahead.
    const double due = double(fed) * 48000 / 44100;
    fail_unless(due - double(produced) <= double(r.latency_input_frames()) * 48000 / 44100 + 2);
  }
  out.resize(r.pending_output_frames() + 16);
  produced += r.drain(out.data(), out.size());
  fail_unless_equals_uint64(produced, expected_length(total, 44100, 48000));
  fail_unless(worst < 1e-3, "phase error after 10 minutes: %g", worst);
}
GST_END_TEST;

// reset() forgets everything: the output after a reset equals a fresh one's,
// even after NaN and huge values went in.
GST_START_TEST(test_reset_and_nan) {
  ResampleSpec spec{44100, 16000, 2, ResampleQuality::High};
  Resampler used, fresh;
  used.configure(spec);
  fresh.configure(spec);
  std::vector<float> junk = noise(2 * 5000, 3);
  junk[10] = std::nanf("");
  junk[11] = INFINITY;
  std::vector<float> out(20000);
  used.process(junk.data(), 5000, out.data(), out.size() / 2);
  used.reset();
  auto in = noise(2 * 20000, 4);
  auto a = run_chunked(used, in, {441});
  auto b = run_chunked(fresh, in, {441});
  fail_unless_equals_uint64(a.size(), b.size());
  fail_unless(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  for (float v : a) fail_unless(std::isfinite(v));

  // Without a reset a NaN only reaches the outputs whose window covers it
  // (48k -> 16k: phase streams; 44.1k -> 16k: the input-major kernel).
  for (int in_rate : {48000, 44100}) {
    Resampler r;
    r.configure({in_rate, 16000, 1, ResampleQuality::Fast});
    const double ratio = double(in_rate) / 16000;
    std::vector<float> x = noise(size_t(in_rate), 5);
    x[1000] = std::nanf("");
    auto y = run_chunked(r, x, {size_t(in_rate) / 100});
    size_t bad = 0;
    for (size_t n = 0; n < y.size(); n++) {
      if (!std::isfinite(y[n])) {
        bad++;
        fail_unless(std::fabs(double(n) * ratio - 1000) <= double(r.taps()) / 2 + 3, "%d: NaN leaked to output %zu",
                    in_rate, n);
      }
    }
    fail_unless(bad > 0 && bad <= size_t(double(r.taps()) / ratio) + 2);
  }
}
GST_END_TEST;

// Every SIMD path (generic, integer decimation and interpolation blocks,
// interpolated phases, F64 accumulation) against the scalar reference.
GST_START_TEST(test_simd_matches_scalar) {
  std::vector<Isa> isas = usable_isas();
  isas.erase(isas.begin());  // the reference itself
  if (isas.empty()) {
    GST_INFO("no SIMD kernels here: only the scalar kernels run");
    return;
  }
  for (Isa isa : isas) std::printf("comparing %s kernels with the scalar ones\n", isa_name(isa));
  const int pairs[][2] = {{48000, 16000}, {16000, 48000}, {44100, 16000}, {44100, 48000},
                          {32000, 8000},  {8000, 40000},  {48000, 44101}, {96000, 48000}};
  int compared = 0;
  for (auto &rates : pairs) {
    for (ResampleQuality q : kQualities) {
      for (unsigned ch : {1u, 2u, 3u}) {
        ResampleSpec spec{rates[0], rates[1], ch, q};
        Resampler ref;
        ref.configure(spec, Isa::Scalar);
        auto in = noise(size_t(rates[0]) / 10 * ch, 11);
        in[37] = 1.f, in[38] = -1.f, in[39] = 1.0000001f;  // full scale and just past it
        auto want = run_chunked(ref, in, {size_t(rates[0]) / 50});
        for (Isa isa : isas) {
          Resampler r;
          r.configure(spec, isa);
          fail_unless(r.isa() == isa);
          auto got = run_chunked(r, in, {size_t(rates[0]) / 50});
          fail_unless_equals_uint64(got.size(), want.size());
          double worst = 0;
          for (size_t i = 0; i < got.size(); i++) worst = std::max(worst, double(std::fabs(got[i] - want[i])));
          // Different summation orders of a few hundred products of |x| <= 1.
          fail_unless(worst < 2e-6, "%d -> %d %s %u ch %s: differs by %g", rates[0], rates[1],
                      resample_quality_name(q), ch, isa_name(isa), worst);
          compared++;
        }
      }
    }
  }
  fail_unless(compared > 0);
}
GST_END_TEST;

// Channels never mix: each channel of an N-channel stream is bit-identical to
// the same signal resampled alone.
GST_START_TEST(test_channels_independent) {
  for (unsigned ch : {2u, 3u, 6u, 8u}) {
    for (auto &rates : {std::array<int, 2>{48000, 16000}, std::array<int, 2>{44100, 48000},
                        std::array<int, 2>{16000, 48000}, std::array<int, 2>{44100, 16000}}) {
      ResampleSpec spec{rates[0], rates[1], ch, ResampleQuality::High};
      Resampler multi;
      multi.configure(spec);
      const size_t frames = 7000;
      auto in = noise(frames * ch, 21);
      auto out = run_chunked(multi, in, {480, 33});
      for (unsigned c = 0; c < ch; c++) {
        std::vector<float> mono_in(frames);
        for (size_t i = 0; i < frames; i++) mono_in[i] = in[i * ch + c];
        Resampler mono;
        mono.configure({rates[0], rates[1], 1, ResampleQuality::High});
        auto want = run_chunked(mono, mono_in, {480, 33});
        fail_unless_equals_uint64(out.size(), want.size() * ch);
        for (size_t i = 0; i < want.size(); i++)
          fail_unless(out[i * ch + c] == want[i], "%u ch, channel %u, frame %zu", ch, c, i);
      }
    }
  }
}
GST_END_TEST;

// Interpolated phases (ratios with more than 2048 output phases) stay clean.
GST_START_TEST(test_interpolated_phases) {
  ResampleSpec spec{48000, 44101, 1, ResampleQuality::High};
  Resampler r;
  fail_unless(r.configure(spec));
  fail_unless(r.interpolates_phases());
  auto in = measure::tone(48000, 1000, 0.5, 48000);
  auto out = run_chunked(r, in, {960});
  fail_unless_equals_uint64(out.size(), expected_length(48000, 48000, 44101));
  double worst = 0;
  for (size_t n = out.size() / 4; n < out.size() * 3 / 4; n++)
    worst = std::max(worst, std::fabs(out[n] - 0.5 * std::sin(2 * M_PI * 1000.0 * double(n) / 44101)));
  // -120 dB relative to the tone.
  fail_unless(worst < 0.5e-6, "interpolated phases: error %g", worst);
}
GST_END_TEST;

// process_silence() gives exactly what feeding zeros gives, for long gaps too.
GST_START_TEST(test_silence_equals_zeros) {
  for (auto &rates : {std::array<int, 2>{48000, 16000}, std::array<int, 2>{44100, 48000},
                      std::array<int, 2>{16000, 48000}}) {
    ResampleSpec spec{rates[0], rates[1], 2, ResampleQuality::High};
    Resampler a, b;
    a.configure(spec, Isa::Scalar);
    b.configure(spec, Isa::Scalar);
    auto sig = noise(2 * 3000, 9);
    std::vector<float> zeros(2 * 700, 0.f);
    std::vector<float> oa(200000), ob(200000);
    size_t na = 0, nb = 0;
    for (int round = 0; round < 3; round++) {
      na += a.process(sig.data(), 3000, oa.data() + 2 * na, oa.size() / 2 - na);
      nb += b.process(sig.data(), 3000, ob.data() + 2 * nb, ob.size() / 2 - nb);
      for (int g = 0; g < 5 + round * 7; g++) {  // gaps shorter and longer than the filter
        na += a.process_silence(700, oa.data() + 2 * na, oa.size() / 2 - na);
        nb += b.process(zeros.data(), 700, ob.data() + 2 * nb, ob.size() / 2 - nb);
      }
    }
    na += a.drain(oa.data() + 2 * na, oa.size() / 2 - na);
    nb += b.drain(ob.data() + 2 * nb, ob.size() / 2 - nb);
    fail_unless_equals_uint64(na, nb);
    for (size_t i = 0; i < 2 * na; i++) fail_unless(oa[i] == ob[i], "%d -> %d: sample %zu", rates[0], rates[1], i);
  }
}
GST_END_TEST;

// Switching quality mid-stream loses no history: every output equals what a
// resampler running the new preset from the start gives, right from the
// switch on; and the total length stays exact.
GST_START_TEST(test_quality_switch_mid_stream) {
  for (auto &rates : {std::array<int, 2>{48000, 16000}, std::array<int, 2>{44100, 16000},
                      std::array<int, 2>{44100, 48000}}) {
    // A tone near the passband edge: a low one would hide a hole in the
    // history, since a sinc's tails sum to almost nothing against it.
    const int hz = std::min(rates[0], rates[1]) * 2 / 5;
    auto in = measure::tone(rates[0], hz, 0.5, size_t(rates[0]));
    const size_t chunk = 37;  // shorter than any filter: the switch needs the kept history
    std::vector<std::vector<float>> ref;
    for (ResampleQuality q : kQualities) {
      Resampler r;
      r.configure({rates[0], rates[1], 1, q});
      ref.push_back(run_chunked(r, in, {chunk}));
    }
    // Switches every 200 chunks, and every 6 (222 frames: the history kept
    // since the last switch is all there is, with the cascade's input copy
    // standing in for it at 48k / 44.1k -> 16k).
    for (size_t every : {size_t(200), size_t(6)}) {
    Resampler r;
    r.configure({rates[0], rates[1], 1, ResampleQuality::Fast});
    std::vector<float> out(size_t(rates[1]) + 4096);
    std::vector<int> used(out.size(), 0);
    int current = 0;
    size_t n = 0;
    const int order[] = {2, 1, 0, 1, 2, 0};
    for (size_t i = 0, k = 0; i < in.size(); i += chunk, k++) {
      if (k % every == every / 2) {
        const size_t before = r.latency_input_frames();
        current = order[(k / every) % 6];
        fail_unless(r.set_quality(kQualities[current]));
        fail_if(before == r.latency_input_frames());
      }
      const size_t got = r.process(in.data() + i, std::min(chunk, in.size() - i), out.data() + n, out.size() - n);
      for (size_t j = n; j < n + got; j++) used[j] = current;
      n += got;
    }
    const size_t tail = r.drain(out.data() + n, out.size() - n);
    for (size_t j = n; j < n + tail; j++) used[j] = current;
    n += tail;
    fail_unless_equals_uint64(n, expected_length(in.size(), rates[0], rates[1]));
    double worst = 0;
    for (size_t j = 0; j < n; j++) worst = std::max(worst, double(std::fabs(out[j] - ref[size_t(used[j])][j])));
    fail_unless(worst < 1e-5, "%d -> %d, every %zu chunks: output differs by %g after a quality switch", rates[0],
                rates[1], every, worst);
    }
  }
}
GST_END_TEST;

// The fast prototype evaluation used to build banks agrees with the direct formula.
GST_START_TEST(test_fast_prototype_matches_formula) {
  for (double beta : {8.45, 11.75, 15.5}) {
    const size_t step = 160, n = 160 * 210;
    const double fc = 0.5 * 0.95 * 160 / 441, half = 200;
    auto fast = resample_detail::prototype_on_grid(n, step, fc, half, beta);
    double worst = 0;
    for (size_t k = 0; k < n; k++)
      worst = std::max(worst, std::fabs(fast[k] - resample_detail::kaiser_sinc(double(k) / step, fc, half, beta)));
    // Relative to the peak 2 fc: far below float precision of the bank.
    fail_unless(worst < 1e-13 * 2 * fc, "beta %g: off by %g", beta, worst);
  }
}
GST_END_TEST;

// The Remez exchange meets the bands it is given (checked on a grid 8 times
// finer than its own), and the integer-ratio presets use it.
GST_START_TEST(test_equiripple_design) {
  const double nyq = 0.5 / 3;
  const std::vector<FilterBand> bands = {{0, 0.9 * nyq, 1, 8e-4}, {nyq, 0.5, 0, 5e-6}};
  const EquirippleResult r = design_equiripple(301, bands);
  fail_unless(r.converged);
  fail_unless_equals_uint64(r.taps.size(), 301);
  for (size_t i = 0; i < r.taps.size(); i++) fail_unless(r.taps[i] == r.taps[r.taps.size() - 1 - i]);
  double pass = 0, stop = 0;
  for (int i = 0; i <= 20000; i++) {
    const double f = 0.5 * i / 20000;
    const double a = amplitude_response(r.taps, f);
    if (f <= 0.9 * nyq) pass = std::max(pass, std::fabs(a - 1));
    if (f >= nyq) stop = std::max(stop, std::fabs(a));
  }
  // Equiripple: both bands at the same weighted error, below 1 when feasible.
  fail_unless(r.weighted_error < 1.0, "weighted error %g", r.weighted_error);
  fail_unless(pass <= 8e-4 * r.weighted_error * 1.02 && stop <= 5e-6 * r.weighted_error * 1.02,
              "pass %g stop %g (weighted %g)", pass, stop, r.weighted_error);
  fail_unless(pass > 8e-4 * r.weighted_error * 0.9 && stop > 5e-6 * r.weighted_error * 0.9);

  Resampler a, b;
  a.configure({48000, 16000, 1, ResampleQuality::High});
  b.configure({44100, 16000, 1, ResampleQuality::High});
  fail_unless(a.equiripple());
  fail_if(b.equiripple());
  fail_unless(a.taps() < b.taps());
}
GST_END_TEST;

// The two-stage path is picked for `high` and `very-high` at 3:1 and just
// below (44.1k -> 16k), not at other ratios or for `fast`; its F32
// half-band kernel (dispatched clones) gives what the plain formula gives;
// and a stream through it has the exact length and the first output aligned
// with the first input.
GST_START_TEST(test_cascade) {
  Resampler r;
  fail_unless(r.configure({48000, 16000, 2, ResampleQuality::High}));
  fail_unless(r.cascaded());
  fail_unless(r.set_quality(ResampleQuality::Fast));
  fail_if(r.cascaded());
  fail_unless(r.set_quality(ResampleQuality::VeryHigh));
  fail_unless(r.cascaded());
  fail_unless(r.set_quality(ResampleQuality::High));
  fail_unless(r.cascaded());
  Resampler other;
  for (auto &rates : {std::array<int, 2>{44100, 16000}, std::array<int, 2>{48000, 16000}}) {
    for (auto q : {ResampleQuality::High, ResampleQuality::VeryHigh}) {
      other.configure({rates[0], rates[1], 1, q});
      fail_unless(other.cascaded(), "%d -> %d %s", rates[0], rates[1], resample_quality_name(q));
    }
    other.configure({rates[0], rates[1], 1, ResampleQuality::Fast});
    fail_if(other.cascaded());
  }
  for (auto &rates : {std::array<int, 2>{48000, 24000}, std::array<int, 2>{44100, 8000},
                      std::array<int, 2>{16000, 48000}, std::array<int, 2>{44100, 48000},
                      std::array<int, 2>{44099, 16000}})
    for (auto q : {ResampleQuality::High, ResampleQuality::VeryHigh}) {
      other.configure({rates[0], rates[1], 1, q});
      fail_if(other.cascaded(), "%d -> %d %s", rates[0], rates[1], resample_quality_name(q));
    }
  other.configure({48000, 16000, 1, ResampleQuality::High}, Isa::Scalar);
  fail_unless(other.cascaded());
  other.configure({48000, 16000, 1, ResampleQuality::VeryHigh}, Isa::Scalar);
  fail_unless(other.cascaded());

  // Half-band sizes in use (14, 16) and one without a register kernel (13);
  // counts that reach the 32-output groups, a 16-output group and the tail.
  for (size_t K : {14, 16, 13})
    for (size_t count : {203, 219, 5}) {
      auto x = noise(2 * (count + 2 * K), 21);
      auto h = noise(K, 22);
      std::vector<float> e(count + 2 * K), o(count + 2 * K), y(count);
      resample_detail::deinterleave2(x.data(), count + 2 * K - 1, e.data(), o.data());
      // Exactly the frames a half-band call may read: nothing past them.
      std::vector<float> o_exact(o.begin(), o.begin() + long(count + 2 * K - 1));
      resample_detail::halfband_block(e.data() + K, o_exact.data(), h.data(), K, count, y.data());
      for (size_t q = 0; q < count; q++) {
        float want = 0.5f * x[2 * (q + K)];
        for (size_t i = 0; i < K; i++) want += h[i] * (x[2 * (q + K + i) + 1] + x[2 * (q + K - 1 - i) + 1]);
        fail_unless(std::fabs(y[q] - want) <= 2e-6f, "K %zu: half-band output %zu: %g, formula %g", K, q, double(y[q]),
                    double(want));
      }
    }

  // An impulse at input frame 3000 comes out centred on output 1000, and a
  // stream of odd length totals exactly ceil(n / 3); at 44.1k -> 16k
  // (half-band, then 320/441) input frame 4410 is output 1600 and the total
  // is ceil(n * 160 / 441).
  for (auto q : {ResampleQuality::High, ResampleQuality::VeryHigh})
    for (auto t : {std::array<int, 4>{48000, 3000, 1000, 960}, std::array<int, 4>{44100, 4410, 1600, 882}}) {
      Resampler s;
      fail_unless(s.configure({t[0], 16000, 2, q}));
      std::vector<float> in(2 * 9001, 0.f);
      in[2 * size_t(t[1])] = 1.f;
      in[2 * size_t(t[1]) + 1] = -1.f;
      auto out = run_chunked(s, in, {size_t(t[3]), 37, 4001});
      fail_unless_equals_uint64(out.size() / 2, expected_length(9001, t[0], 16000));
      size_t peak = 0;
      for (size_t n = 0; n < out.size() / 2; n++)
        if (std::fabs(out[2 * n]) > std::fabs(out[2 * peak])) peak = n;
      fail_unless_equals_uint64(peak, size_t(t[2]));
      fail_unless(out[2 * peak] == -out[2 * peak + 1], "%d %s", t[0], resample_quality_name(q));
    }
}
GST_END_TEST;

// very-high's F64 sums (the half-band, and the second stage's centre taps
// eight outputs at a time) on every ISA against the formula in long double,
// and its outputs independent of how the input is chunked.
GST_START_TEST(test_very_high_wide_sums) {
  // The F64 half-band (very-high) against the formula in long double: one
  // rounding to F32, so within half an F32 step of the exact sum (and a
  // little more for the F64 sum's own rounding).
  for (size_t K : {16, 20, 13})
    for (size_t count : {203, 600, 5}) {
      auto x = noise(2 * (count + 2 * K), 23);
      std::vector<double> h(K);
      for (size_t i = 0; i < K; i++) h[i] = 0.3 / double(2 * i + 1) * (i % 2 ? -1 : 1);
      std::vector<float> e(count + 2 * K), o(count + 2 * K), y(count);
      resample_detail::deinterleave2(x.data(), count + 2 * K - 1, e.data(), o.data());
      std::vector<float> o_exact(o.begin(), o.begin() + long(count + 2 * K - 1));
      for (Isa isa : usable_isas()) {
        resample_detail::halfband_block_wide(isa, e.data() + K, o_exact.data(), h.data(), K, count, y.data());
        for (size_t q = 0; q < count; q++) {
          long double want = 0.5L * x[2 * (q + K)];
          for (size_t i = 0; i < K; i++)
            want += (long double)h[i] * ((long double)x[2 * (q + K + i) + 1] + (long double)x[2 * (q + K - 1 - i) + 1]);
          const double err = std::fabs(double((long double)y[q] - want));
          fail_unless(err <= 0.5 * std::ldexp(1.0, std::ilogb(double(want)) - 23) + 1e-15,
                      "%s K %zu: output %zu off by %g", isa_name(isa), K, q, err);
        }
      }
    }

  // The F64 centre taps of eight outputs (very-high's second stage) against
  // the formula in long double, at spans of every remainder of its four
  // chains of sums.
  for (size_t span : {size_t(33), size_t(34), size_t(35), size_t(36), size_t(1)}) {
    auto x = noise(span, 24);
    auto c = noise(span * resample_detail::kCentreGroup, 25);
    const std::vector<double> table(c.begin(), c.end());
    for (Isa isa : usable_isas()) {
      // Written into every other float (a stereo channel), the others untouched.
      auto out = noise(2 * resample_detail::kCentreGroup, 27);
      const auto before = out;
      resample_detail::centre_group_wide(isa, x.data(), table.data(), span, out.data(), 2);
      for (size_t l = 0; l < resample_detail::kCentreGroup; l++) {
        long double want = before[2 * l];
        for (size_t t = 0; t < span; t++) want += (long double)table[t * resample_detail::kCentreGroup + l] * x[t];
        const double err = std::fabs(double((long double)out[2 * l] - want));
        fail_unless(err <= 0.5 * std::ldexp(1.0, std::ilogb(double(want)) - 23) + 1e-15,
                    "%s span %zu lane %zu: %g, formula %g", isa_name(isa), span, l, double(out[2 * l]),
                    double(want));
        fail_unless(out[2 * l + 1] == before[2 * l + 1]);
      }
    }
  }

  // very-high's second stage adds its centre taps eight outputs at a time
  // where a group starts at a multiple of eight, one at a time elsewhere:
  // any chunking gives the same output within F32 rounding.
  for (int in_rate : {48000, 44100}) {
    Resampler a, b;
    fail_unless(a.configure({in_rate, 16000, 2, ResampleQuality::VeryHigh}));
    fail_unless(b.configure({in_rate, 16000, 2, ResampleQuality::VeryHigh}));
    auto x = noise(2 * 20000, 26);
    auto whole = run_chunked(a, x, {size_t(in_rate / 50)});
    auto pieces = run_chunked(b, x, {37, 1, 441, 7, 2000});
    fail_unless_equals_uint64(whole.size(), pieces.size());
    double worst = 0;
    for (size_t i = 0; i < whole.size(); i++) worst = std::max(worst, double(std::fabs(whole[i] - pieces[i])));
    fail_unless(worst <= 2e-6, "%d: chunking changed very-high's output by %g", in_rate, worst);
  }
}
GST_END_TEST;

// An element may hand its input buffer as the output (downsampling needs
// less room): process(in, n, in, cap) must give the same bits as separate
// buffers, through every path (two-stage, single-stage, fast, stereo) and
// across quality switches (outputs stashed during a switch go out first).
GST_START_TEST(test_process_in_place) {
  const struct {
    int in, out;
  } ratios[] = {{48000, 16000}, {44100, 16000}, {32000, 16000}, {48000, 44100}, {44100, 8000}};
  for (auto r : ratios)
    for (unsigned ch : {1u, 2u}) {
      Resampler apart, in_place;
      fail_unless(apart.configure({r.in, r.out, ch, ResampleQuality::High}));
      fail_unless(in_place.configure({r.in, r.out, ch, ResampleQuality::High}));
      const size_t chunk = size_t(r.in) / 50, chunks = 40;
      auto x = noise(chunk * chunks * ch, 31);
      std::vector<float> want, got, out, work;
      for (size_t c = 0; c < chunks; c++) {
        if (c == 12 || c == 25) {  // fast and back: the two-stage path stashes outputs
          const ResampleQuality q = c == 12 ? ResampleQuality::Fast : ResampleQuality::High;
          apart.set_quality(q);
          in_place.set_quality(q);
        }
        const float *src = x.data() + c * chunk * ch;
        out.resize(apart.max_output_frames(chunk) * ch);  // more right after a switch
        const size_t n = apart.process(src, chunk, out.data(), out.size() / ch);
        want.insert(want.end(), out.begin(), out.begin() + long(n * ch));
        work.assign(std::max(chunk, in_place.max_output_frames(chunk)) * ch, 0.f);
        std::copy(src, src + chunk * ch, work.begin());
        const size_t m = in_place.process(work.data(), chunk, work.data(), work.size() / ch);
        got.insert(got.end(), work.begin(), work.begin() + long(m * ch));
      }
      fail_unless_equals_int(got.size(), want.size());
      fail_unless(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0,
                  "%d -> %d, %u channels: in place differs", r.in, r.out, ch);
    }
}
GST_END_TEST;

GST_START_TEST(test_bad_rates_refused) {
  Resampler r;
  fail_unless(resample_rates_problem(0, 16000) != nullptr);
  fail_unless(resample_rates_problem(16000, -1) != nullptr);
  // Any positive rate; any downsampling (in stages beyond 1024:1),
  // upsampling up to 1:16777216 (in stages beyond 1:65536).
  fail_unless(resample_rates_problem(800000, 48000) == nullptr);
  fail_unless(resample_rates_problem(768000, 1000) == nullptr);  // 768:1
  fail_unless(resample_rates_problem(48000, 47) == nullptr);     // 1021:1
  fail_unless(resample_rates_problem(48000, 46) == nullptr);     // 1043:1, two stages
  fail_unless(resample_rates_problem(kMaxResampleRate, kMaxResampleRate - 1) == nullptr);
  fail_unless(resample_rates_problem(kMaxResampleRate, 2097152) == nullptr);  // 1023.99:1
  fail_unless(resample_rates_problem(1, 65536) == nullptr);
  fail_unless(resample_rates_problem(1, 65537) == nullptr);  // two stages
  const char *up = resample_rates_problem(1, kMaxResampleRate);
  fail_unless(up && std::strstr(up, "beyond 1:16777216"), "%s", up ? up : "accepted");
  fail_unless(resample_rates_problem(1, 16777217) != nullptr);
  fail_if(r.configure({0, 16000, 1, ResampleQuality::High}));
  fail_if(r.configure({48000, 16000, 0, ResampleQuality::High}));
  fail_unless(r.configure({48000, 16000, 1, ResampleQuality::High}));
}
GST_END_TEST;

static Suite *resample_suite() {
  Suite *s = suite_create("dsp-resample");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_quality_targets);
  tcase_add_test(tc, test_upsampling_images);
  tcase_add_test(tc, test_output_length_and_chunking);
  tcase_add_test(tc, test_alignment);
  tcase_add_test(tc, test_no_drift);
  tcase_add_test(tc, test_reset_and_nan);
  tcase_add_test(tc, test_simd_matches_scalar);
  tcase_add_test(tc, test_channels_independent);
  tcase_add_test(tc, test_interpolated_phases);
  tcase_add_test(tc, test_silence_equals_zeros);
  tcase_add_test(tc, test_quality_switch_mid_stream);
  tcase_add_test(tc, test_fast_prototype_matches_formula);
  tcase_add_test(tc, test_equiripple_design);
  tcase_add_test(tc, test_bad_rates_refused);
  tcase_add_test(tc, test_process_in_place);
  tcase_add_test(tc, test_cascade);
  tcase_add_test(tc, test_very_high_wide_sums);
  return s;
}

GST_CHECK_MAIN(resample);
