// SPDX-License-Identifier: LGPL-2.1-or-later
// Filter design for the resampler: the presets, Kaiser-windowed sinc and
// equiripple prototypes, the polyphase banks built from them and the caches
// that share banks between resamplers, and the cascade's half-band taps.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
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
     .design = {.cutoff = 0.918, .half_width = 33.0, .kaiser_beta = 8.45, .wide_accumulator = false,
                .eq_length = 50.33, .eq_passband_db = 0.045, .eq_edge = 0.902, .eq_edge_db = 2.0,
                .eq_stop_near_db = -72, .eq_stop_far_db = -92, .eq_second_stage_only = false, .two_stage = false},
     .targets = {.passband_edge = 0.85, .passband_ripple_db = 0.05, .minus3db_at_least = 0.90,
                 .alias_far_db = -90, .alias_near_db = -70, .thdn_db = -100, .held_back_ms = 2.0}},
    {.quality = ResampleQuality::High, .name = "high", .label = "High",
     .design = {.cutoff = 0.950, .half_width = 74.0, .kaiser_beta = 11.75, .wide_accumulator = false,
                .eq_length = 120.33, .eq_passband_db = 0.007, .eq_edge = 0.935, .eq_edge_db = 0.5,
                .eq_stop_near_db = -106, .eq_stop_far_db = -130, .eq_second_stage_only = false, .two_stage = true},
     .targets = {.passband_edge = 0.90, .passband_ripple_db = 0.01, .minus3db_at_least = 0.94,
                 .alias_far_db = -125, .alias_near_db = -100, .thdn_db = -120, .held_back_ms = 5.0}},
    // Equiripple only in the two-stage path (48k -> 16k, 44.1k -> 16k):
    // designing it for each integer factor would cost about 0.1 s apiece.
    {.quality = ResampleQuality::VeryHigh, .name = "very-high", .label = "Very high",
     .design = {.cutoff = 0.960, .half_width = 124.0, .kaiser_beta = 15.5, .wide_accumulator = true,
                .eq_length = 160.33, .eq_passband_db = 0.004, .eq_edge = 0.948, .eq_edge_db = 1.0,
                .eq_stop_near_db = -128, .eq_stop_far_db = -158, .eq_second_stage_only = true, .two_stage = true},
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

// The bank of an integer ratio from its equiripple prototype, designed on
// the bank's own grid: row r, tap m of a bank with P phases holds the
// prototype at x = r/P + taps/2 - 1 - m input periods, i.e. at k/P for the
// integer k = r + P*(taps/2 - 1 - m) (the prototype is even: element |k|).
// Rows are only scaled by the number of phases, which keeps the designed
// passband (normalising each to DC would shift the whole ripple band).
std::vector<float> build_bank_rows(size_t phases, bool extra_row, size_t taps, const std::vector<double> &proto) {
  const size_t rows = phases + (extra_row ? 1 : 0);
  const int64_t half = int64_t(taps) / 2;
  std::vector<float> bank(rows * taps);
  for (size_t r = 0; r < rows; r++) {
    for (size_t m = 0; m < taps; m++) {
      const int64_t k = int64_t(r) + int64_t(phases) * (half - 1 - int64_t(m));
      const size_t i = size_t(k < 0 ? -k : k);
      bank[r * taps + m] = float((i < proto.size() ? proto[i] : 0.0) * double(phases));
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
// each time. Bounded in bytes, not in count: a stream that changes rate
// often would otherwise keep several megabytes per rate pair.
namespace {

std::mutex retained_mutex;
std::vector<std::shared_ptr<const std::vector<float>>> retained;

std::shared_ptr<const std::vector<float>> retain(std::shared_ptr<const std::vector<float>> bank) {
  auto &recent = retained;
  std::lock_guard<std::mutex> lock(retained_mutex);
  auto it = std::find(recent.begin(), recent.end(), bank);
  if (it != recent.end()) recent.erase(it);
  recent.insert(recent.begin(), bank);
  size_t bytes = 0, keep = 0;
  for (; keep < recent.size(); keep++) {
    bytes += recent[keep]->size() * sizeof(float);
    if (keep > 0 && bytes > kRetainedBankBytes) break;
  }
  recent.resize(keep);
  return bank;
}

}  // namespace

size_t retained_bank_bytes() {
  std::lock_guard<std::mutex> lock(retained_mutex);
  size_t bytes = 0;
  for (const auto &bank : retained) bytes += bank->size() * sizeof(float);
  return bytes;
}

// Banks by design, held weakly (the resamplers and retain() own them); the
// entries of banks gone are swept out so the map stays small too.
std::shared_ptr<const std::vector<float>> cached_bank(const BankKey &key,
                                                      const std::function<std::vector<float>()> &build) {
  static std::mutex mutex;
  static std::map<BankKey, std::weak_ptr<const std::vector<float>>> cache;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end())
      if (auto found = it->second.lock()) return retain(found);
  }
  auto bank = std::make_shared<const std::vector<float>>(build());
  std::lock_guard<std::mutex> lock(mutex);
  std::erase_if(cache, [](const auto &entry) { return entry.second.expired(); });
  cache[key] = bank;
  return retain(bank);
}

// Built for baseline x86-64 (no FMA contraction): the same arithmetic as table_row_avx2.
void table_row(const double *t, size_t len, double x0, double step, size_t taps, double *row) {
  const double cap = double(len - 4);
  for (size_t m = 0; m < taps; m++) {
    const double pos = std::min(std::fabs(x0 - double(m)) * step, cap);
    const int32_t i = int32_t(pos);
    const double f = pos - double(i);
    const double a = t[i], b = t[i + 1], c = t[i + 2], d = t[i + 3];
    const double fm1 = f - 1, fm2 = f - 2, fp1 = f + 1;
    row[m] = (d * fp1 * f * fm1 - a * f * fm1 * fm2) * (1.0 / 6) + (b * fp1 * fm1 * fm2 - c * fp1 * f * fm2) * 0.5;
  }
}

void store_scaled_row(const double *row, size_t taps, double gain, float *dst) {
  double sums[4] = {0, 0, 0, 0};
  for (size_t m = 0; m < taps; m += 4)
    for (size_t k = 0; k < 4; k++) sums[k] += row[m + k];
  const double sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
  const double scale = gain > 0 ? gain : 1.0 / sum;
  for (size_t m = 0; m < taps; m++) dst[m] = float(row[m] * scale);
}

namespace {

// A bank laid out as build_bank_rows() does, from a prototype tabulated at
// `step` table steps per input period (see table_row). Row phases - r is
// row r reversed (the prototype is even), and so is the extra row of row 0:
// half the rows are evaluated. gain 0 normalises each row to unity gain at
// DC (Kaiser rows: their passband is flat to 1e-6, so this only removes
// phase-dependent DC ripple); otherwise rows are scaled by `gain`.
std::vector<float> bank_from_table(const std::vector<double> &t, size_t phases, bool extra_row, size_t taps,
                                   double step, double gain) {
  const size_t rows = phases + (extra_row ? 1 : 0);
  const double half = double(taps / 2);
  std::vector<float> bank(rows * taps);
  std::vector<double> row(taps);
  const auto row_fn = kTableRowKernels.for_isa(best_isa());
  for (size_t r = 0; r <= phases / 2; r++) {
    row_fn(t.data(), t.size(), double(r) / double(phases) + half - 1, step, taps, row.data());
    float *dst = bank.data() + r * taps;
    store_scaled_row(row.data(), taps, gain, dst);
    const size_t mirror = r == 0 ? (extra_row ? phases : 0) : phases - r;
    if (mirror != r && mirror != 0) std::reverse_copy(dst, dst + taps, bank.data() + mirror * taps);
  }
  return bank;
}

// Tables as table_row() reads them: `centre_out` from the centre on, then zeros.
std::vector<double> padded_table(const std::vector<double> &centre_out) {
  std::vector<double> t(centre_out.size() + 5, 0.0);
  std::copy(centre_out.begin(), centre_out.end(), t.begin() + 1);
  t[0] = centre_out.size() > 1 ? centre_out[1] : 0.0;
  return t;
}



}  // namespace

// A preset's Kaiser-windowed sinc, tabulated at kTableSteps per period of
// the lower rate out to its half-width (then zeros): every Kaiser bank,
// whatever the ratio (and the variable path's), is interpolated from it.
const std::vector<double> &kaiser_table(const ResamplePreset &p) {
  static std::mutex mutex;
  static std::map<const ResamplePreset *, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &t = cache[&p];
  if (t.empty()) {
    const size_t n = size_t(p.design.half_width * kTableSteps) + 1;
    t = padded_table(
        prototype_on_grid(n, kTableSteps, 0.5 * p.design.cutoff, p.design.half_width, p.design.kaiser_beta));
  }
  return t;
}

// The continuous version of a preset's equiripple prototype designed at D =
// kInterpFactor x the lower rate, h(u) = sum_n h[n] g(u - n) (u in design
// samples), tabulated at kTableSteps per period of the lower rate. g is a
// Kaiser-windowed sinc with cutoff at D / 2: flat (to 1e-8) over the
// prototype's passband and transition (up to 1.125 x the lower Nyquist,
// 0.14 D) and below -170 dB from D - 0.14 D on, where the passband's first
// image lies; g is 1 at 0 and 0 at other integers, so h(n) = h[n].
const std::vector<double> &equiripple_table(const ResamplePreset &p) {
  static std::mutex mutex;
  static std::map<const ResamplePreset *, std::vector<double>> cache;
  const std::vector<double> &proto = equiripple_prototype(p, kInterpFactor);
  std::lock_guard<std::mutex> lock(mutex);
  auto &t = cache[&p];
  if (!t.empty()) return t;
  const long W = long(kInterpHalfWidth);
  const size_t per_sample = kTableSteps / kInterpFactor;  // table steps per design sample
  const size_t n = (proto.size() + kInterpHalfWidth) * per_sample;
  // g(frac - i) for i = -W .. W + 1 depends only on the step within a design sample.
  std::vector<double> g(per_sample * size_t(2 * W + 2));
  for (size_t f = 0; f < per_sample; f++)
    for (long i = -W; i <= W + 1; i++)
      g[f * size_t(2 * W + 2) + size_t(i + W)] =
          kaiser_sinc(double(f) / double(per_sample) - double(i), 0.5, double(W), kInterpBeta);
  std::vector<double> h(n);
  for (size_t k = 0; k < n; k++) {
    const long whole = long(k / per_sample);
    const double *w = g.data() + (k % per_sample) * size_t(2 * W + 2);
    double acc = 0;
    for (long i = -W; i <= W + 1; i++) {
      const long m = whole + i;
      const size_t a = size_t(m < 0 ? -m : m);
      if (a < proto.size()) acc += proto[a] * w[i + W];
    }
    h[k] = acc;
  }
  t = padded_table(h);
  return t;
}

// Banks are shared by every resampler with the same design (elements in one
// process at the same ratio). Kaiser banks are interpolated from the
// preset's table: a few hundred microseconds for a new ratio.
std::shared_ptr<const std::vector<float>> shared_bank(size_t phases, bool extra_row, size_t taps, double scale,
                                                      const ResamplePreset &p, unsigned factor) {
  if (factor) {
    // Integer ratios: the equiripple prototype on its own grid (cached forever).
    const std::vector<double> *proto = &equiripple_prototype(p, factor);
    return cached_bank({phases, extra_row, taps, 0.0, 0.0, proto},
                       [&] { return build_bank_rows(phases, extra_row, taps, *proto); });
  }
  const std::vector<double> &t = kaiser_table(p);
  const double step = double(kTableSteps) * scale;  // table steps per input period
  return cached_bank({phases, extra_row, taps, step, 0.0, &t},
                     [&] { return bank_from_table(t, phases, extra_row, taps, step, 0.0); });
}

// An equiripple prototype interpolated onto the bank's grid (see
// equiripple_table). Rows are scaled by D / in_rate, i.e. unity passband
// gain per phase.
std::shared_ptr<const std::vector<float>> interpolated_equiripple_bank(const ResamplePreset &p, int in_rate,
                                                                       int out_rate, size_t phases, bool extra_row,
                                                                       size_t taps) {
  const std::vector<double> &t = equiripple_table(p);
  const double lower = std::min(in_rate, out_rate);
  const double step = double(kTableSteps) * lower / in_rate;
  const double gain = double(kInterpFactor) * lower / in_rate;
  return cached_bank({phases, extra_row, taps, step, gain, &t},
                     [&] { return bank_from_table(t, phases, extra_row, taps, step, gain); });
}

const std::vector<double> &halfband_taps_wide(const HalfbandDesign &design) {
  static std::mutex mutex;
  static std::map<std::pair<size_t, double>, std::vector<double>> cache;
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
  for (size_t i = 0; i < K; i++) f[i] = d[i] * 0.5 / sum;  // unity DC gain
  return f;
}

const std::vector<float> &halfband_taps(const HalfbandDesign &design) {
  static std::mutex mutex;
  static std::map<std::pair<size_t, double>, std::vector<float>> cache;
  const std::vector<double> &wide = halfband_taps_wide(design);
  std::lock_guard<std::mutex> lock(mutex);
  auto &f = cache[{design.K, design.beta}];
  if (f.empty()) f.assign(wide.begin(), wide.end());
  return f;
}

}  // namespace resample_detail

}  // namespace fastaudio
