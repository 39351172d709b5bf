// SPDX-License-Identifier: LGPL-2.1-or-later
// Frequency-domain measurements of dsp/resample for the quality tests.
//
// Every tone is an integer number of hertz and the analysed output window is
// exactly one second long, so tones and their aliases fall on exact DFT bins:
// a rectangular window has no leakage and levels down to -170 dB are
// measurable without a window function.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "resample.h"

#include <gst/check/gstcheck.h>

namespace fastaudio::measure {

struct Quality {
  double passband_db = 0;      // max |gain| deviation over 0..passband_edge
  double minus3db = 0;         // first frequency (fraction of Nyquist) at -3 dB
  double alias_far_db = -400;  // worst alias of tones >= 1.125 x Nyquist
  double alias_near_db = -400; // worst alias of tones in 1.0 .. 1.125 x Nyquist
  double thdn_db = 0;          // 1 kHz at -1 dBFS
  double held_back_ms = 0;     // max input not reflected in output, streaming 10 ms chunks
};

// Resamples `in` (mono) in 480-frame chunks and drains.
inline std::vector<float> run(Resampler &r, const std::vector<float> &in) {
  std::vector<float> out(r.max_output_frames(in.size()) + r.pending_output_frames() + in.size() + 64);
  size_t n = 0;
  for (size_t i = 0; i < in.size(); i += 480) {
    const size_t k = std::min<size_t>(480, in.size() - i);
    n += r.process(in.data() + i, k, out.data() + n, out.size() - n);
  }
  n += r.drain(out.data() + n, out.size() - n);
  out.resize(n);
  return out;
}

inline std::vector<float> tone(int rate, double hz, double amplitude, size_t frames) {
  std::vector<float> x(frames);
  for (size_t i = 0; i < frames; i++) {
    // Phase reduced exactly: hz and rate are integers.
    const long long k = (long long)(hz) * (long long)i % rate;
    x[i] = float(amplitude * std::sin(2 * M_PI * double(k) / rate));
  }
  return x;
}

// Complex amplitude of bin `k` of a window of `n` samples, as a peak amplitude.
inline double bin_amplitude(const float *x, size_t n, long long k) {
  double re = 0, im = 0;
  for (size_t i = 0; i < n; i++) {
    const double a = 2 * M_PI * double((k * (long long)i) % (long long)n) / double(n);
    re += x[i] * std::cos(a);
    im -= x[i] * std::sin(a);
  }
  return 2 * std::hypot(re, im) / double(n);
}

inline double db(double v) { return 20 * std::log10(std::max(v, 1e-30)); }

// The output window analysed: one second starting a quarter second in.
struct Window {
  int out_rate;
  size_t start() const { return size_t(out_rate / 4); }
  size_t length() const { return size_t(out_rate); }
};

inline std::vector<float> resample_tone(const ResampleSpec &spec, double hz, double amp) {
  Resampler r;
  r.configure(spec);
  const size_t frames = size_t(spec.in_rate) * 3 / 2;  // 1.5 s covers the window plus margins
  return run(r, tone(spec.in_rate, hz, amp, frames));
}

// Gain at `hz` (an input tone below the output Nyquist), in dB.
inline double gain_db(const ResampleSpec &spec, int hz) {
  const Window w{spec.out_rate};
  auto y = resample_tone(spec, hz, 0.5);
  return db(bin_amplitude(y.data() + w.start(), w.length(), hz) / 0.5);
}

// Level of the alias of an input tone at `hz` (above the output Nyquist), in dB.
inline double alias_db(const ResampleSpec &spec, int hz) {
  const Window w{spec.out_rate};
  auto y = resample_tone(spec, hz, 0.5);
  long long a = hz % spec.out_rate;
  if (a > spec.out_rate / 2) a = spec.out_rate - a;
  return db(bin_amplitude(y.data() + w.start(), w.length(), a) / 0.5);
}

// THD+N of `n` samples (one second) holding a `hz` tone: everything but
// the tone (least-squares fit on its exact bin), in dB.
inline double thdn_of(const float *x, size_t n, long long hz) {
  double re = 0, im = 0;
  for (size_t i = 0; i < n; i++) {
    const double a = 2 * M_PI * double((hz * (long long)i) % (long long)n) / double(n);
    re += x[i] * std::cos(a);
    im += x[i] * std::sin(a);
  }
  re *= 2.0 / double(n), im *= 2.0 / double(n);
  double residual = 0;
  for (size_t i = 0; i < n; i++) {
    const double a = 2 * M_PI * double((hz * (long long)i) % (long long)n) / double(n);
    const double e = x[i] - (re * std::cos(a) + im * std::sin(a));
    residual += e * e;
  }
  const double signal_power = (re * re + im * im) / 2 * double(n);
  return 10 * std::log10(std::max(residual, 1e-300) / signal_power);
}

// THD+N of 1 kHz at -1 dBFS: everything in the output but the tone, in dB.
inline double thdn_db(const ResampleSpec &spec) {
  const Window w{spec.out_rate};
  const double amp = std::pow(10.0, -1.0 / 20);
  auto y = resample_tone(spec, 1000, amp);
  return thdn_of(y.data() + w.start(), w.length(), 1000);
}

// Largest number of input frames not yet reflected in the output while
// streaming 10 ms chunks, in milliseconds of input.
inline double held_back_ms(const ResampleSpec &spec) {
  Resampler r;
  r.configure(spec);
  const size_t chunk = size_t(std::max(1, spec.in_rate / 100));
  std::vector<float> in(chunk, 0.25f), out(chunk * size_t(spec.out_rate) / size_t(spec.in_rate) + 16);
  double worst = 0;
  uint64_t produced = 0, consumed = 0;
  for (int i = 0; i < 50; i++) {
    produced += r.process(in.data(), chunk, out.data(), out.size());
    consumed += chunk;
    // Output up to `produced` covers input time produced * in / out.
    const double covered = double(produced) * spec.in_rate / spec.out_rate;
    worst = std::max(worst, double(consumed) - covered);
  }
  return worst * 1000.0 / spec.in_rate;
}

inline Quality measure(const ResampleSpec &spec) {
  Quality q;
  const ResamplePreset &p = resample_preset(spec.quality);
  const int nyq = std::min(spec.in_rate, spec.out_rate) / 2;
  const int step = std::max(1, nyq / 80);
  for (int hz = step; hz <= int(p.targets.passband_edge * nyq); hz += step)
    q.passband_db = std::max(q.passband_db, std::fabs(gain_db(spec, hz)));
  q.passband_db = std::max(q.passband_db, std::fabs(gain_db(spec, int(p.targets.passband_edge * nyq))));
  // -3 dB point by bisection on integer hertz between the passband edge and Nyquist.
  int lo = int(p.targets.passband_edge * nyq), hi = nyq;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    (gain_db(spec, mid) > -3.0 ? lo : hi) = mid;
  }
  q.minus3db = double(lo) / nyq;
  if (spec.in_rate > spec.out_rate) {
    const int in_nyq = spec.in_rate / 2;
    for (int hz = nyq + 1; hz < int(1.125 * nyq); hz += std::max(1, nyq / 64))
      q.alias_near_db = std::max(q.alias_near_db, alias_db(spec, hz));
    q.alias_near_db = std::max(q.alias_near_db, alias_db(spec, int(1.125 * nyq) - 1));
    for (int hz = int(std::ceil(1.125 * nyq)); hz < in_nyq; hz += std::max(1, nyq / 24))
      q.alias_far_db = std::max(q.alias_far_db, alias_db(spec, hz));
  }
  q.thdn_db = thdn_db(spec);
  q.held_back_ms = held_back_ms(spec);
  return q;
}

// Fails the running test unless `m`, measured at in_rate -> out_rate, meets
// the preset's passband, -3 dB and alias targets (THD+N is left to the
// caller: not every path meets it at every ratio).
inline void check_response_targets(const ResamplePreset &p, int in_rate, int out_rate, const Quality &m) {
  fail_unless(m.passband_db <= p.targets.passband_ripple_db, "%s %d->%d: passband +-%.4f dB", p.name, in_rate,
              out_rate, m.passband_db);
  fail_unless(m.minus3db >= p.targets.minus3db_at_least, "%s %d->%d: -3 dB at %.4f", p.name, in_rate, out_rate,
              m.minus3db);
  fail_unless(m.alias_far_db <= p.targets.alias_far_db, "%s %d->%d: alias %.1f dB", p.name, in_rate, out_rate,
              m.alias_far_db);
  fail_unless(m.alias_near_db <= p.targets.alias_near_db, "%s %d->%d: alias near Nyquist %.1f dB", p.name, in_rate,
              out_rate, m.alias_near_db);
}

}  // namespace fastaudio::measure
