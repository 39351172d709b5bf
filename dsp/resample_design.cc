// SPDX-License-Identifier: LGPL-2.1-or-later
// Filter design for the resampler: the presets, Kaiser-windowed sinc and
// equiripple prototypes, the polyphase banks built from them and the caches
// that share banks between resamplers, and the cascade's half-band taps.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <numeric>
#include <tuple>

#include "filter_design.h"
#include "resample_internal.h"

namespace fastaudio {

namespace {

// Presets as data: how each is designed, and what it promises.
constexpr ResamplePreset kPresets[] = {
    {.quality = ResampleQuality::Fast, .name = "fast", .label = "Fast",
     .design = {.cutoff = 0.918, .half_width = 31.0, .kaiser_beta = 8.45, .wide_accumulator = false,
                .eq_length = 50.33, .eq_passband_db = 0.045, .eq_edge = 0.902, .eq_edge_db = 2.0,
                .eq_stop_near_db = -72, .eq_stop_far_db = -92},
     .targets = {.passband_edge = 0.85, .passband_ripple_db = 0.05, .minus3db_at_least = 0.90,
                 .alias_far_db = -90, .alias_near_db = -70, .thdn_db = -100, .held_back_ms = 2.0}},
    {.quality = ResampleQuality::High, .name = "high", .label = "High",
     .design = {.cutoff = 0.950, .half_width = 74.0, .kaiser_beta = 11.75, .wide_accumulator = false,
                .eq_length = 120.33, .eq_passband_db = 0.007, .eq_edge = 0.935, .eq_edge_db = 0.5,
                .eq_stop_near_db = -106, .eq_stop_far_db = -130},
     .targets = {.passband_edge = 0.90, .passband_ripple_db = 0.01, .minus3db_at_least = 0.94,
                 .alias_far_db = -125, .alias_near_db = -100, .thdn_db = -120, .held_back_ms = 5.0}},
    // Kaiser only: its equiripple design would take about 0.1 s to compute.
    {.quality = ResampleQuality::VeryHigh, .name = "very-high", .label = "Very high",
     .design = {.cutoff = 0.960, .half_width = 124.0, .kaiser_beta = 15.5, .wide_accumulator = true,
                .eq_length = 0, .eq_passband_db = 0, .eq_edge = 0, .eq_edge_db = 0,
                .eq_stop_near_db = 0, .eq_stop_far_db = 0},
     .targets = {.passband_edge = 0.90, .passband_ripple_db = 0.005, .minus3db_at_least = 0.95,
                 .alias_far_db = -150, .alias_near_db = -125, .thdn_db = -145, .held_back_ms = 8.0}},
};

double bessel_i0(double x) {
  double sum = 1, term = 1;
  const double q = x * x / 4;
  for (int k = 1; k < 200; k++) {
    term *= q / (double(k) * k);
    sum += term;
    if (term < sum * 1e-18) break;
  }
  return sum;
}

}  // namespace

const ResamplePreset &resample_preset(ResampleQuality q) {
  for (const auto &p : kPresets)
    if (p.quality == q) return p;
  return kPresets[1];
}

const char *resample_quality_name(ResampleQuality q) { return resample_preset(q).name; }

std::string resample_quality_description(ResampleQuality q) {
  const ResampleTargets &t = resample_preset(q).targets;
  char text[256];
  std::snprintf(text, sizeof text,
                "%s: passband +-%g dB to %.2f Nyquist, -3 dB at or above %.2f, aliases <= %g dB (%g dB just "
                "above Nyquist), THD+N <= %g dB, holds back <= %g ms",
                resample_preset(q).label, t.passband_ripple_db, t.passband_edge, t.minus3db_at_least, t.alias_far_db,
                t.alias_near_db, t.thdn_db, t.held_back_ms);
  return text;
}

namespace resample_detail {

// kaiser_sinc(k / step, ...) for k = 0 .. n-1, fast enough for banks of
// 10^5 points: I0 by a fixed-length Horner series over all points at once
// (vectorisable, no division), sin by rotation re-anchored every 64 points.
std::vector<double> prototype_on_grid(size_t n, size_t step, double fc, double half_width, double beta) {
  constexpr int kTerms = 48;  // enough for beta <= 20 to 1e-17
  double coef[kTerms];        // 1 / (k!)^2
  coef[0] = 1;
  for (int k = 1; k < kTerms; k++) coef[k] = coef[k - 1] / (double(k) * k);
  std::vector<double> q(n), acc(n, coef[kTerms - 1]), out(n);
  for (size_t k = 0; k < n; k++) {
    const double r = double(k) / double(step) / half_width;
    q[k] = r < 1 ? beta * beta * (1 - r * r) / 4 : 0;
  }
  for (int c = kTerms - 2; c >= 0; c--)
    for (size_t k = 0; k < n; k++) acc[k] = acc[k] * q[k] + coef[c];
  const double i0_beta = bessel_i0(beta);
  const double theta = M_PI * 2 * fc / double(step);
  const double cos_t = std::cos(theta), sin_t = std::sin(theta);
  double sn = 0, cs = 1;
  for (size_t k = 0; k < n; k++) {
    if (k % 64 == 0) sn = std::sin(theta * double(k)), cs = std::cos(theta * double(k));
    const double x = double(k) / double(step);
    if (x >= half_width) {
      out[k] = 0;
    } else {
      const double z = M_PI * 2 * fc * x;
      out[k] = 2 * fc * (k == 0 ? 1.0 : sn / z) * acc[k] / i0_beta;
    }
    const double next_sn = sn * cos_t + cs * sin_t;
    cs = cs * cos_t - sn * sin_t;
    sn = next_sn;
  }
  return out;
}

double kaiser_sinc(double x, double fc, double half_width, double beta) {
  if (std::fabs(x) >= half_width) return 0;
  const double r = x / half_width;
  const double w = bessel_i0(beta * std::sqrt(1 - r * r)) / bessel_i0(beta);
  const double z = 2 * fc * x;
  const double s = z == 0 ? 1.0 : std::sin(M_PI * z) / (M_PI * z);
  return 2 * fc * s * w;
}

// Row r, tap m of a bank with P phases holds the prototype at x = r/P +
// taps/2 - 1 - m input periods, i.e. at k/P for the integer k = r + P*(taps/2
// - 1 - m). The prototype is even, so it is evaluated once per |k|, and rows
// are normalised to unity gain at DC so no phase has its own DC ripple.
// Kaiser rows are normalised one by one (their passband is flat to 1e-6, so
// exact DC per phase only removes phase-dependent DC ripple); an equiripple
// prototype is only scaled by the number of phases, which keeps its
// designed passband (normalising DC would shift the whole ripple band).
std::vector<float> build_bank_rows(size_t phases, bool extra_row, size_t taps, const std::vector<double> &proto,
                                   bool normalise_rows) {
  const size_t rows = phases + (extra_row ? 1 : 0);
  const int64_t half = int64_t(taps) / 2;
  auto at = [&proto](int64_t k) {
    const size_t i = size_t(k < 0 ? -k : k);
    return i < proto.size() ? proto[i] : 0.0;
  };
  // Tap-major: consecutive rows read consecutive prototype points.
  std::vector<double> sums(rows, 0.0);
  std::vector<float> bank(rows * taps);
  for (size_t m = 0; m < taps; m++) {
    const int64_t base = int64_t(phases) * (half - 1 - int64_t(m));
    for (size_t r = 0; r < rows; r++) {
      const double v = at(int64_t(r) + base);
      sums[r] += v;
      bank[r * taps + m] = float(v);
    }
  }
  for (size_t r = 0; r < rows; r++) {
    // Normalised in double from the prototype, not from the rounded floats.
    const double inv = normalise_rows ? 1.0 / sums[r] : double(phases);
    for (size_t m = 0; m < taps; m++) {
      bank[r * taps + m] = float(at(int64_t(r) + int64_t(phases) * (half - 1 - int64_t(m))) * inv);
    }
  }
  return bank;
}

// Equiripple prototypes, one per (preset, integer factor), designed once
// per process (tens of milliseconds for the longer ones). Element k is the
// prototype k samples from its centre, at the rate of the polyphase bank.
const std::vector<double> &equiripple_prototype(const ResamplePreset &p, unsigned factor) {
  static std::mutex mutex;
  using Key = std::tuple<double, double, double, double, double, double, double, unsigned>;
  static std::map<Key, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &proto = cache[Key{p.design.eq_length, p.design.eq_passband_db, p.design.eq_edge, p.design.eq_edge_db, p.design.eq_stop_near_db,
                          p.design.eq_stop_far_db, p.targets.passband_edge, factor}];
  if (!proto.empty()) return proto;
  const double nyq = 0.5 / factor;  // the lower rate's Nyquist in cycles per prototype sample
  auto amp = [](double db) { return std::pow(10.0, db / 20); };
  const std::vector<FilterBand> bands = {
      {0, p.targets.passband_edge * nyq, 1, amp(p.design.eq_passband_db) - 1},
      {p.targets.passband_edge * nyq, p.design.eq_edge * nyq, 1, amp(p.design.eq_edge_db) - 1},
      {nyq, 1.125 * nyq, 0, amp(p.design.eq_stop_near_db)},
      {1.125 * nyq, 0.5, 0, amp(p.design.eq_stop_far_db)},
  };
  const EquirippleResult r = design_equiripple(equiripple_length(p, factor), bands);
  const size_t centre = r.taps.size() / 2;
  proto.assign(r.taps.begin() + long(centre), r.taps.end());
  return proto;
}

// The banks used last stay alive after their resamplers are gone: an
// element created per stream (or per file) would otherwise rebuild its bank
// each time (a few milliseconds for 44.1k -> 16k). At most kRetainedBanks.
constexpr size_t kRetainedBanks = 8;
namespace {

std::shared_ptr<const std::vector<float>> retain(std::shared_ptr<const std::vector<float>> bank) {
  static std::mutex mutex;
  static std::vector<std::shared_ptr<const std::vector<float>>> recent;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = std::find(recent.begin(), recent.end(), bank);
  if (it != recent.end()) recent.erase(it);
  recent.insert(recent.begin(), bank);
  if (recent.size() > kRetainedBanks) recent.pop_back();
  return bank;
}

}  // namespace

// Banks are shared by every resampler with the same design (elements in one
// process at the same ratio): building one costs up to a few milliseconds.
std::shared_ptr<const std::vector<float>> shared_bank(size_t phases, bool extra_row, size_t taps, double fc,
                                                      double beta, const ResamplePreset *equiripple,
                                                      unsigned factor) {
  // Equiripple banks are keyed by their prototype's address (cached forever).
  using Key = std::tuple<size_t, bool, size_t, double, double, const void *>;
  static std::mutex mutex;
  static std::map<Key, std::weak_ptr<const std::vector<float>>> cache;
  const std::vector<double> *proto = equiripple ? &equiripple_prototype(*equiripple, factor) : nullptr;
  const Key key{phases, extra_row, taps, fc, beta, proto};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto found = cache[key].lock()) return retain(found);
  }
  std::shared_ptr<const std::vector<float>> bank;
  if (equiripple) {
    bank = std::make_shared<const std::vector<float>>(
        build_bank_rows(phases, extra_row, taps, *proto, false));
  } else {
    const size_t n = phases * (taps / 2) + phases + 1;
    bank = std::make_shared<const std::vector<float>>(build_bank_rows(
        phases, extra_row, taps, prototype_on_grid(n, phases, fc, double(taps / 2), beta), true));
  }
  std::lock_guard<std::mutex> lock(mutex);
  cache[key] = bank;
  return retain(bank);
}

// An equiripple prototype on a fine grid by bandlimited interpolation. The
// prototype h[n] is designed at D = kInterpFactor x the lower rate; its
// continuous version h(u) = sum_n h[n] g(u - n) (u in design samples) uses a
// Kaiser-windowed sinc g with cutoff at D / 2: flat (to 1e-8) over the
// prototype's passband and transition (up to 1.125 x the lower Nyquist, 0.14 D)
// and below -170 dB from D - 0.14 D on, where the passband's first image
// lies. g is 1 at 0 and 0 at other integers, so h(n) = h[n]: the bank
// holds the designed filter itself wherever its grid meets the design grid.
// Rows are scaled by D / in_rate, i.e. unity passband gain per phase.
std::shared_ptr<const std::vector<float>> interpolated_equiripple_bank(const ResamplePreset &p, int in_rate,
                                                                       int out_rate, size_t phases, size_t taps) {
  using Key = std::tuple<const void *, int, int, size_t, size_t>;
  static std::mutex mutex;
  static std::map<Key, std::weak_ptr<const std::vector<float>>> cache;
  const std::vector<double> &proto = equiripple_prototype(p, kInterpFactor);
  const Key key{&proto, in_rate, out_rate, phases, taps};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto found = cache[key].lock()) return retain(found);
  }
  const double D = double(kInterpFactor) * std::min(in_rate, out_rate);
  // Grid point k sits at u = k * num / den design samples.
  const uint64_t num0 = uint64_t(kInterpFactor) * uint64_t(std::min(in_rate, out_rate));
  const uint64_t den0 = uint64_t(phases) * uint64_t(in_rate);
  const uint64_t g = std::gcd(num0, den0), num = num0 / g, den = den0 / g;
  const double extent = double(proto.size() - 1 + kInterpHalfWidth);
  const size_t n = size_t(extent * double(den) / double(num)) + 2;
  const long W = long(kInterpHalfWidth);
  const double scale = D / in_rate / double(phases);  // build_bank_rows multiplies by phases
  // g(frac - i) for i = -W .. W depends only on frac = (k * num mod den) / den:
  // evaluated once per fraction (441 of them at 44.1k -> 16k's second stage).
  std::map<uint64_t, std::vector<double>> kernel;
  std::vector<double> fine(n, 0.0);
  for (size_t k = 0; k < n; k++) {
    const uint64_t whole = uint64_t(k) * num / den, rem = uint64_t(k) * num % den;
    std::vector<double> &w = kernel[rem];
    if (w.empty()) {
      w.resize(size_t(2 * W + 2));
      for (long i = -W; i <= W + 1; i++)
        w[size_t(i + W)] = kaiser_sinc(double(rem) / double(den) - double(i), 0.5, double(W),
                                                        kInterpBeta);
    }
    double acc = 0;
    for (long i = -W; i <= W + 1; i++) {
      const long m = long(whole) + i;
      const size_t a = size_t(m < 0 ? -m : m);
      if (a < proto.size()) acc += proto[a] * w[size_t(i + W)];
    }
    fine[k] = acc * scale;
  }
  auto bank = std::make_shared<const std::vector<float>>(build_bank_rows(phases, false, taps, fine, false));
  std::lock_guard<std::mutex> lock(mutex);
  cache[key] = bank;
  return retain(bank);
}

const std::vector<float> &halfband_taps(const HalfbandDesign &design) {
  static std::mutex mutex;
  static std::map<std::pair<size_t, double>, std::vector<float>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &f = cache[{design.K, design.beta}];
  if (!f.empty()) return f;
  const size_t K = design.K;
  std::vector<double> d(K);
  double sum = 0;
  for (size_t i = 0; i < K; i++) {
    d[i] = kaiser_sinc(double(2 * i + 1), 0.25, double(2 * K), design.beta);
    sum += 2 * d[i];
  }
  f.resize(K);
  for (size_t i = 0; i < K; i++) f[i] = float(d[i] * 0.5 / sum);  // unity DC gain
  return f;
}

}  // namespace resample_detail

}  // namespace fastaudio
