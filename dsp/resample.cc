// SPDX-License-Identifier: LGPL-2.1-or-later
#include "resample.h"

#include "cache_line.h"
#include "convert.h"
#include "filter_design.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <tuple>

namespace fastaudio {

namespace {

// Presets as data. Frequencies are fractions of the lower Nyquist frequency;
// half_width is in periods of the lower rate, so the latency in seconds is
// half_width / lower_rate. Figures after kaiser_beta are the targets the
// quality test checks against.
constexpr ResamplePreset kPresets[] = {
    {ResampleQuality::Fast, "fast", 0.918, 31.0, 8.45, false,
     50.33, 0.045, 0.902, 2.0, -72, -92,
     0.85, 0.05, 0.90, -90, -70, -100, 2.0},
    {ResampleQuality::High, "high", 0.950, 74.0, 11.75, false,
     120.33, 0.007, 0.935, 0.5, -106, -130,
     0.90, 0.01, 0.94, -125, -100, -120, 5.0},
    // Kaiser only: its equiripple design would take ~0.1 s to compute.
    {ResampleQuality::VeryHigh, "very-high", 0.960, 124.0, 15.5, true,
     0, 0, 0, 0, 0, 0,
     0.90, 0.005, 0.95, -150, -125, -145, 8.0},
};

// Above this many phases the bank would not fit in cache: store a fixed
// number of phases and interpolate linearly between the two nearest.
constexpr uint32_t kMaxExactPhases = 2048;
constexpr uint32_t kInterpolatedPhases = 2048;

// Interpolated equiripple banks (see interpolated_equiripple_bank): the
// prototype's design rate in multiples of the lower rate, and the
// interpolating Kaiser sinc's half-width (design samples) and beta.
constexpr unsigned kInterpFactor = 4;
constexpr size_t kInterpHalfWidth = 8;
constexpr double kInterpBeta = 18.0;

// History frames consumed beyond what must be kept before it is moved down.
constexpr size_t kCompactSlack = 2048;

// Taps are padded to a multiple of this (one AVX2 vector).
constexpr size_t kTapAlign = 8;

// Outputs whose window [index, index + taps) ends at or before `end` (window
// coordinates), counting from the next one.
size_t outputs_before(uint64_t next_index, uint32_t next_phase, uint32_t up, uint32_t down,
                             size_t taps, uint64_t end) {
  if (end < next_index + taps) return 0;
  const unsigned __int128 e = end - taps - next_index;  // last allowed index offset
  const unsigned __int128 limit = (e + 1) * up;           // next_phase + j*down < limit
  return size_t((limit - next_phase + down - 1) / down);
}

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

}  // namespace resample_detail

namespace {

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
  auto &proto = cache[Key{p.eq_length, p.eq_passband_db, p.eq_edge, p.eq_edge_db, p.eq_stop_near_db,
                          p.eq_stop_far_db, p.passband_edge, factor}];
  if (!proto.empty()) return proto;
  const double nyq = 0.5 / factor;  // the lower rate's Nyquist in cycles per prototype sample
  auto amp = [](double db) { return std::pow(10.0, db / 20); };
  const std::vector<FilterBand> bands = {
      {0, p.passband_edge * nyq, 1, amp(p.eq_passband_db) - 1},
      {p.passband_edge * nyq, p.eq_edge * nyq, 1, amp(p.eq_edge_db) - 1},
      {nyq, 1.125 * nyq, 0, amp(p.eq_stop_near_db)},
      {1.125 * nyq, 0.5, 0, amp(p.eq_stop_far_db)},
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
        phases, extra_row, taps, resample_detail::prototype_on_grid(n, phases, fc, double(taps / 2), beta), true));
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
        w[size_t(i + W)] = resample_detail::kaiser_sinc(double(rem) / double(den) - double(i), 0.5, double(W),
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

}  // namespace

namespace resample_detail {

double kaiser_sinc(double x, double fc, double half_width, double beta) {
  if (std::fabs(x) >= half_width) return 0;
  const double r = x / half_width;
  const double w = bessel_i0(beta * std::sqrt(1 - r * r)) / bessel_i0(beta);
  const double z = 2 * fc * x;
  const double s = z == 0 ? 1.0 : std::sin(M_PI * z) / (M_PI * z);
  return 2 * fc * s * w;
}

float dot_scalar(const float *x, const float *c, size_t taps) {
  float acc = 0;
  for (size_t i = 0; i < taps; i++) acc += x[i] * c[i];
  return acc;
}

void dot4_scalar(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = dot_scalar(x[q], c[q], taps);
}

float dot_wide_scalar(const float *x, const float *c, size_t taps) {
  double acc = 0;
  for (size_t i = 0; i < taps; i++) acc += double(x[i]) * c[i];
  return float(acc);
}

void dot4_wide_scalar(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = dot_wide_scalar(x[q], c[q], taps);
}

}  // namespace resample_detail

using namespace resample_detail;

const ResamplePreset &resample_preset(ResampleQuality q) {
  for (const auto &p : kPresets)
    if (p.quality == q) return p;
  return kPresets[1];
}

const char *resample_quality_name(ResampleQuality q) { return resample_preset(q).name; }

ResampleIsa best_resample_isa() {
  // The resampler has no ORC kernels: below AVX2 it runs its scalar ones.
  switch (best_isa()) {
    case Isa::Avx512: return ResampleIsa::Avx512;
    case Isa::Avx2: return ResampleIsa::Avx2;
    case Isa::Neon: return ResampleIsa::Neon;
    default: return ResampleIsa::Scalar;
  }
}

std::vector<ResampleIsa> usable_resample_isas() {
  std::vector<ResampleIsa> isas;
  for (Isa isa : usable_isas()) {
    const ResampleIsa r = isa == Isa::Avx512 ? ResampleIsa::Avx512
                          : isa == Isa::Avx2 ? ResampleIsa::Avx2
                          : isa == Isa::Neon ? ResampleIsa::Neon
                                             : ResampleIsa::Scalar;
    if (isas.empty() || isas.back() != r) isas.push_back(r);
  }
  return isas;
}

const char *resample_isa_name(ResampleIsa isa) {
  switch (isa) {
    case ResampleIsa::Scalar: return "scalar";
    case ResampleIsa::Neon: return "neon";
    case ResampleIsa::Avx2: return "avx2";
    case ResampleIsa::Avx512: return "avx512";
  }
  return "?";
}

const char *resample_rates_problem(int in_rate, int out_rate) {
  if (in_rate <= 0 || out_rate <= 0) return "sample rates must be positive";
  if (in_rate > kMaxResampleRate || out_rate > kMaxResampleRate)
    return "sample rates above 768000 Hz are not supported";
  if (in_rate > int64_t(out_rate) * kMaxResampleFactor || out_rate > int64_t(in_rate) * kMaxResampleFactor)
    return "the rate ratio is beyond 256:1 (resample in two steps)";
  return nullptr;
}

namespace {

struct Kernels {
  Dot4Fn dot4;
  Dot4x2Fn dot4x2 = nullptr;  // channel pairs, where a kernel exists
  Dot4RowsFn dot4_rows = nullptr;  // outputs a period apart sharing rows
};

Kernels kernels_for(ResampleIsa isa, bool wide) {
  switch (isa) {
#if defined(__x86_64__)
    case ResampleIsa::Avx512:
      return wide ? Kernels{dot4_wide_avx512} : Kernels{dot4_avx512, dot4x2_avx512, dot4_rows_avx512};
    case ResampleIsa::Avx2:
      return wide ? Kernels{dot4_wide_avx2} : Kernels{dot4_avx2};
#elif defined(__aarch64__)
    case ResampleIsa::Neon:
      return wide ? Kernels{dot4_wide_neon} : Kernels{dot4_neon};
#endif
    default: break;
  }
  return wide ? Kernels{dot4_wide_scalar} : Kernels{dot4_scalar};
}

}  // namespace


// ---- Two-stage path: half-band 2:1 decimation, then the rational rest ----
//
// At 3:1 decimation (48k -> 16k) a half-band filter first halves the rate:
// only what folds into the output band (below out_rate / 2) must be
// rejected, so its transition band is wide (out/2 .. in/2 - out/2) and every
// other tap is zero. The 2/3 stage after it runs at half the input rate
// with the 3:1 equiripple prototype split into two phases: about half the
// multiplies per output of the single 3:1 stage.

namespace {

// Half-band Kaiser designs: h[i] is the tap at +-(2i + 1), the centre is 1/2.
// At 3:1 (48k -> 16k) the stopband starts at 1/3 of the input rate; at
// 44.1k -> 16k it starts at 14.05k / 44.1k = 0.319, which takes two more taps
// per side for the same rejection.
struct HalfbandDesign {
  size_t K;     // odd taps per side
  double beta;
};
constexpr HalfbandDesign kHalfband3 = {14, 14.5};
constexpr HalfbandDesign kHalfbandNarrow = {16, 14.5};

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

}  // namespace

// Clones of the plain loops for each x86-64 ISA, picked by the loader; on
// ARM64 the compiler vectorises them for NEON, the baseline there.
#if defined(__x86_64__)
#define FA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FA_CLONES
#endif

namespace resample_detail {

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]), summed in that
// order; o is the odd-sample stream starting K pairs before the first output.
// Vectorised across outputs by the compiler (clones per ISA, see resample.h).
FA_CLONES
void halfband_block(const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
  for (size_t q = 0; q < count; q++) y[q] = 0.5f * e[q];
  for (size_t i = 0; i < K; i++) {
    const float hi = h[i];
    const float *a = o + K + i, *b = o + K - 1 - i;
    for (size_t q = 0; q < count; q++) y[q] += hi * (a[q] + b[q]);
  }
}

// x[2m] = e[m], x[2m + 1] = o[m] for m < pairs.
FA_CLONES
void interleave2(const float *e, const float *o, size_t pairs, float *x) {
  for (size_t m = 0; m < pairs; m++) x[2 * m] = e[m], x[2 * m + 1] = o[m];
}

// e[m] = x[2m], o[m] = x[2m + 1] for m < pairs.
FA_CLONES
void deinterleave2(const float *x, size_t pairs, float *e, float *o) {
  for (size_t m = 0; m < pairs; m++) e[m] = x[2 * m], o[m] = x[2 * m + 1];
}

// a[m] = x[4m], b[m] = x[4m + 1], c[m] = x[4m + 2], d[m] = x[4m + 3] for m < n.
FA_CLONES
void deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *d) {
  for (size_t m = 0; m < n; m++) a[m] = x[4 * m], b[m] = x[4 * m + 1], c[m] = x[4 * m + 2], d[m] = x[4 * m + 3];
}

}  // namespace resample_detail

namespace {

// e[m] = x[2m], o[m] = x[2m + 1] (an exact copy whatever the kernel ISA):
// the unrolled AVX-512 loop where it runs, which keeps up with memcpy on
// input fresh from memory; the compiler's clones otherwise.
void split_pairs(const float *x, size_t pairs, float *e, float *o) {
#if defined(__x86_64__)
  if (best_resample_isa() == ResampleIsa::Avx512) return resample_detail::deinterleave2_avx512(x, pairs, e, o);
#endif
  resample_detail::deinterleave2(x, pairs, e, o);
}

// The half-band stage's kernel for the inner stage's ISA.
void run_halfband(ResampleIsa isa, const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
#if defined(__x86_64__)
  if (isa == ResampleIsa::Avx512) return resample_detail::halfband_block_avx512(e, o, h, K, count, y);
#endif
  (void)isa;
  resample_detail::halfband_block(e, o, h, K, count, y);
}

// Appends `frames` interleaved frames (zeros when `in` is null) to planar rows
// (one per channel) that hold `len` frames, growing them geometrically.
void append_planar(std::vector<std::vector<float>> &rows, size_t len, const float *in, size_t frames) {
  const size_t ch = rows.size();
  for (auto &r : rows)
    if (r.size() < len + frames) r.resize(std::max(len + frames, r.size() * 3 / 2));
  if (frames == 0) return;
  if (!in) {
    for (auto &r : rows) std::fill(r.data() + len, r.data() + len + frames, 0.f);
  } else if (ch == 1) {
    std::memcpy(rows[0].data() + len, in, frames * sizeof(float));
  } else if (ch == 2) {
    split_pairs(in, frames, rows[0].data() + len, rows[1].data() + len);  // both channels in one pass
  } else {
    for (size_t c = 0; c < ch; c++) {
      float *d = rows[c].data() + len;
      for (size_t i = 0; i < frames; i++) d[i] = in[i * ch + c];
    }
  }
}

}  // namespace

struct Resampler::Cascade {
  unsigned ch = 1;
  size_t K = kHalfband3.K;
  const float *h = nullptr;  // halfband_taps() of the design in use
  // The input split on arrival into even and odd frames, planar: ev[c][j]
  // and od[c][j] are cascade frames 2(first_pair + j) and 2(first_pair + j)
  // + 1 (cascade frame 0 is input frame `origin`; frames before it are
  // zeros). The half-band reads both rows in place. While the cascade runs
  // they are the only copy of the input (see sync_history): frames from
  // `hold` on are kept. od is one frame shorter while a pair is incomplete.
  std::vector<std::vector<float>> ev, od;
  size_t ev_len = 0, od_len = 0;
  int64_t first_pair = 0;
  uint64_t raw_total = 0, next_k = 0;
  uint64_t origin = 0;  // input frame of the cascade's frame 0 (where it was started)
  uint64_t hold = 0;    // cascade frames from here on are kept (for a quality switch)
  size_t slack = kCompactSlack;
  Resampler inner;
  std::vector<float> tmp;
  uint64_t skip = 0;          // inner outputs to discard (already emitted before a switch)
  std::vector<float> stash;   // outputs computed during a switch, not yet emitted
  size_t stash_frames = 0;

  void reset() {
    // Output k's window starts at pair k - K: K pairs of zeros before the stream.
    ev_len = od_len = K;
    first_pair = -int64_t(K);
    for (auto *rows : {&ev, &od})
      for (auto &r : *rows) {
        if (r.size() < K) r.resize(K);
        std::fill(r.begin(), r.begin() + long(K), 0.f);
      }
    raw_total = next_k = 0;
    origin = hold = 0;
    skip = 0;
    stash_frames = 0;
    inner.reset();
  }
  // Frames held (from cascade frame 2 first_pair on).
  size_t held() const { return ev_len + od_len; }
  // Input frame i of `in` (interleaved), channel c; zero when `in` is null.
  float frame(const float *in, size_t i, unsigned c) const { return in ? in[i * ch + c] : 0.f; }
  void append(const float *in, size_t frames, bool zeros) {
    if (zeros) in = nullptr;
    const size_t room = (frames + 2) / 2;
    for (auto *rows : {&ev, &od})
      for (auto &r : *rows)
        if (r.size() < ev_len + room) r.resize(std::max(ev_len + room, r.size() * 3 / 2));
    size_t i = 0;
    if (raw_total % 2 == 1 && frames > 0) {  // the odd frame of the pending pair
      for (unsigned c = 0; c < ch; c++) od[c][od_len] = frame(in, 0, c);
      od_len++;
      i = 1;
    }
    const size_t pairs = (frames - i) / 2;
    if (!in) {
      for (unsigned c = 0; c < ch; c++) {
        std::fill_n(ev[c].data() + ev_len, pairs, 0.f);
        std::fill_n(od[c].data() + od_len, pairs, 0.f);
      }
    } else if (ch == 1) {
      split_pairs(in + i, pairs, ev[0].data() + ev_len, od[0].data() + od_len);
    } else if (ch == 2) {
      // Frame 2m is (L, R), frame 2m + 1 the next: four streams in one pass.
      deinterleave4(in + 2 * i, pairs, ev[0].data() + ev_len, ev[1].data() + ev_len, od[0].data() + od_len,
                    od[1].data() + od_len);
    } else {
      for (unsigned c = 0; c < ch; c++)
        for (size_t m = 0; m < pairs; m++) {
          ev[c][ev_len + m] = in[(i + 2 * m) * ch + c];
          od[c][od_len + m] = in[(i + 2 * m + 1) * ch + c];
        }
    }
    ev_len += pairs;
    od_len += pairs;
    i += 2 * pairs;
    if (i < frames) {  // an even frame that starts the next pair
      for (unsigned c = 0; c < ch; c++) ev[c][ev_len] = frame(in, i, c);
      ev_len++;
    }
    raw_total += frames;
  }
  // Half-band outputs whose window is complete, appended to the 2/3 stage's history.
  size_t halfband() {
    // Output k needs input frames up to 2k + 2K - 1.
    const uint64_t avail = raw_total;  // frames 0 .. raw_total-1 exist
    if (avail < 2 * K) return 0;
    const uint64_t last = (avail - 2 * K) / 2;  // largest k with 2k + 2K - 1 < avail
    if (last + 1 <= next_k) return 0;
    const size_t count = size_t(last + 1 - next_k);
    // Straight into the 2/3 stage's planar history (what its process() would copy there).
    inner.compact();
    for (auto &r : inner.hist_)
      if (r.size() < inner.hist_len_ + count) r.resize(std::max(inner.hist_len_ + count, r.size() * 3 / 2));
    // Output q's centre is even pair next_k + q; its odd window starts at pair next_k + q - K.
    const size_t e0 = size_t(int64_t(next_k) - first_pair), o0 = e0 - K;
    for (unsigned c = 0; c < ch; c++)
      run_halfband(inner.isa_, ev[c].data() + e0, od[c].data() + o0, h, K, count, inner.hist_[c].data() + inner.hist_len_);
    inner.hist_len_ += count;
    inner.in_total_ += count;
    inner.trailing_zeros_ = 0;
    next_k += count;
    // Keep pairs from next_k - K on (the next half-band reads from there)
    // and the frames from `hold` on.
    const int64_t keep_pair = std::min(int64_t(next_k) - int64_t(K), int64_t(hold / 2));
    if (keep_pair > first_pair + int64_t(slack / 2)) {
      const size_t drop = size_t(keep_pair - first_pair);
      for (unsigned c = 0; c < ch; c++) {
        std::memmove(ev[c].data(), ev[c].data() + drop, (ev_len - drop) * sizeof(float));
        std::memmove(od[c].data(), od[c].data() + drop, (od_len - drop) * sizeof(float));
      }
      ev_len -= drop;
      od_len -= drop;
      first_pair += int64_t(drop);
    }
    return count;
  }
  // Writes inner outputs past `skip` to out; extra ones go to the stash.
  size_t emit(const float *y, size_t n, float *out, size_t cap) {
    const size_t skipped = size_t(std::min<uint64_t>(skip, n));
    skip -= skipped;
    y += skipped * ch;
    n -= skipped;
    const size_t direct = std::min(n, cap);
    if (direct > 0 && out) std::memcpy(out, y, direct * ch * sizeof(float));  // out is null when cap is 0
    if (n > direct) {
      if (stash.size() < (stash_frames + n - direct) * ch) stash.resize((stash_frames + n - direct) * ch);
      std::memcpy(stash.data() + stash_frames * ch, y + direct * ch, (n - direct) * ch * sizeof(float));
      stash_frames += n - direct;
    }
    return direct;
  }
  size_t run(const float *in, size_t frames, bool zeros, float *out, size_t cap) {
    append(in, frames, zeros);
    return run_appended(out, cap);
  }
  // Outputs of what append() took in.
  size_t run_appended(float *out, size_t cap) {
    if (halfband() == 0) return 0;
    const size_t need = outputs_before(inner.next_index_, inner.next_phase_, inner.up_, inner.down_, inner.taps_,
                                       inner.base_ + inner.hist_len_);
    if (skip == 0 && need <= cap) return inner.produce(out, need, need);
    if (tmp.size() < need * ch) tmp.resize(need * ch);
    const size_t n = inner.produce(tmp.data(), need, need);
    return emit(tmp.data(), n, out, cap);
  }
  // The K zero pairs before the stream, then the 2/3 stage's delay at half the rate.
  size_t latency() const { return 2 * K + 2 * inner.latency_input_frames(); }
};

bool Resampler::cascade_wanted(ResampleQuality q) const {
  // 3:1 (48k -> 16k) and the ratios just below it (44.1k -> 16k is 2.76:1):
  // after the half-band, the second stage (2/3, or 320/441) needs about half
  // the taps of the single stage. Closer to 2:1 the half-band's transition
  // band would vanish.
  return !spec_.design && !fractional_equiripple_ && q == ResampleQuality::High && spec_.in_rate % 2 == 0 &&
         down_ <= 3 * uint64_t(up_) && 100 * uint64_t(down_) >= 270 * uint64_t(up_);
}

size_t Resampler::latency_input_frames() const { return cascade_ ? cascade_->latency() : taps_ / 2; }

// Stash first (outputs computed while switching quality), then new ones.
size_t Resampler::cascade_take(float *out, size_t out_capacity) {
  Cascade &k = *cascade_;
  const unsigned ch = spec_.channels;
  const size_t n = std::min(k.stash_frames, out_capacity);
  if (n == 0) return 0;
  std::memcpy(out, k.stash.data(), n * ch * sizeof(float));
  std::memmove(k.stash.data(), k.stash.data() + n * ch, (k.stash_frames - n) * ch * sizeof(float));
  k.stash_frames -= n;
  return n;
}

// The next output's window and phase after `n` more outputs.
void Resampler::advance_outputs(size_t n) {
  const unsigned __int128 pos = (unsigned __int128)n * down_ + next_phase_;
  next_index_ += uint64_t(pos / up_);
  next_phase_ = uint32_t(pos % up_);
  out_total_ += n;
}

size_t Resampler::cascade_process(const float *in, size_t frames, float *out, size_t out_capacity) {
  // What a quality switch needs (as compact() keeps for the single stage).
  const uint64_t need = keep_history_ + taps_ / 2;
  cascade_->hold = next_index_ > cascade_->origin + need ? next_index_ - cascade_->origin - need : 0;
  // The input first: `out` may be `in` (see process()), and stashed outputs go out before new ones.
  cascade_->append(in, frames, in == nullptr);
  size_t n = cascade_take(out, out_capacity);
  n += cascade_->run_appended(out + n * spec_.channels, out_capacity - n);
  // Keep the single-stage bookkeeping in step (used by set_quality and compact).
  advance_outputs(n);
  return n;
}

// Builds the cascade and brings it to the stream's current position: it
// reruns the kept input from far enough back that every output from
// out_total_ on is exact, and drops what was already emitted.
void Resampler::start_cascade() {
  auto k = std::make_shared<Cascade>();
  k->ch = spec_.channels;
  k->ev.assign(spec_.channels, {});
  k->od.assign(spec_.channels, {});
  k->inner.fractional_equiripple_ = true;
  if (!k->inner.configure({spec_.in_rate / 2, spec_.out_rate, spec_.channels, ResampleQuality::High}, isa_)) return;
  const HalfbandDesign &hb = (up_ == 1 && down_ == 3) ? kHalfband3 : kHalfbandNarrow;
  k->K = hb.K;
  k->h = halfband_taps(hb).data();
  k->reset();
  // Restart at input frame S, a multiple of 2 x the inner down factor so the
  // phases line up, early enough for the first output still due.
  const uint64_t step = 2 * uint64_t(k->inner.down());
  const uint64_t due = uint64_t(((unsigned __int128)out_total_ * down_) / up_);
  const uint64_t back = k->latency() + step;
  const int64_t hist_start = int64_t(base_) - int64_t(taps_ / 2 - 1);  // input frame of hist_[.][0]
  // Back as far as a later switch will need (keep_history_ + taps / 2 before
  // the next output), or as the history goes: the cascade's input copy then
  // holds it (see sync_history).
  const uint64_t latest = due > back ? (due - back) / step * step : 0;
  const uint64_t reach = (keep_history_ + taps_ + step - 1) / step * step;
  const uint64_t earliest = std::max<int64_t>(hist_start, 0) / step * step;
  const uint64_t S = std::min(latest, std::max(earliest, latest > reach ? latest - reach : 0));
  k->origin = S;
  k->slack = std::max(kCompactSlack, 4 * keep_history_);
  const uint64_t end = uint64_t(hist_start + int64_t(hist_len_));
  k->skip = out_total_ - uint64_t(((unsigned __int128)S * up_) / down_);
  cascade_ = k;
  if (end > S) {
    const size_t len = size_t(end - S);
    std::vector<float> frames(len * spec_.channels);
    for (unsigned c = 0; c < spec_.channels; c++)
      for (size_t j = 0; j < len; j++) {
        const int64_t f = int64_t(S + j) - hist_start;
        frames[j * spec_.channels + c] = f < 0 ? 0.f : hist_[c][size_t(f)];
      }
    // Nothing is emitted here: every output goes to the stash.
    k->run(frames.data(), len, false, nullptr, 0);
  }
}

bool Resampler::configure(const ResampleSpec &spec, ResampleIsa isa) {
  if (resample_rates_problem(spec.in_rate, spec.out_rate) || spec.channels == 0) return false;
  if (isa > best_resample_isa()) isa = best_resample_isa();
  spec_ = spec;
  isa_ = isa;
  const uint32_t g = std::gcd(uint32_t(spec.in_rate), uint32_t(spec.out_rate));
  up_ = uint32_t(spec.out_rate) / g;
  down_ = uint32_t(spec.in_rate) / g;

  build_bank(spec.design ? *spec.design : resample_preset(spec.quality));
  // Keep enough old input to switch to the longest preset without a gap.
  keep_history_ = 0;
  for (const auto &preset : kPresets) keep_history_ = std::max(keep_history_, taps_for(preset) / 2 + kTapAlign);
  // ... and to rerun the cascade from far enough back when switching to it.
  // The rerun starts on a multiple of twice the second stage's down factor
  // (882 input frames at 44.1k -> 16k): keep two of those more.
  if (cascade_wanted(ResampleQuality::High)) {
    const uint32_t half_rate = uint32_t(spec.in_rate / 2);
    const size_t inner_down = half_rate / std::gcd(half_rate, uint32_t(spec.out_rate));
    keep_history_ = std::max(keep_history_, taps_for(resample_preset(ResampleQuality::High)) + 64 + 4 * inner_down);
  }
  hist_.assign(spec.channels, {});
  cascade_.reset();
  reset();
  if (cascade_wanted(spec_.quality)) start_cascade();
  return true;
}

// Integer ratios up to 4 (48k <-> 16k, 32k <-> 16k...) use an equiripple
// design, which needs about a fifth fewer taps than a Kaiser window for the
// same figures; other ratios need a prototype at up * in_rate, too long for
// the Remez exchange, and use the Kaiser-windowed sinc.
// The cascade's second stage at other ratios (320/441 at 44.1k -> 16k):
// the bank needs the prototype at up x in_rate (7 MHz), too fine a grid for
// the Remez exchange, so the equiripple prototype designed at kInterpFactor x
// the lower rate is interpolated onto it (see interpolated_equiripple_bank).
// `fast` uses it at every ratio without an integer factor (44.1k <-> 16k,
// 44.1k <-> 48k): about a seventh fewer taps than its Kaiser window.
bool Resampler::interpolated_equiripple(const ResamplePreset &p) const {
  if (p.eq_length <= 0 || (up_ == 2 && down_ == 3) || up_ > kMaxExactPhases || up_ == down_) return false;
  if (fractional_equiripple_) return true;
  const bool integer = std::min(up_, down_) == 1;
  return p.quality == ResampleQuality::Fast && !integer;
}

unsigned Resampler::equiripple_factor(const ResamplePreset &p) const {
  if (p.eq_length <= 0) return 0;
  // The cascade's second stage (2/3 at half the input rate): its prototype
  // runs at 2 x its input rate = 3 x the output rate, the 3:1 design's rate.
  if (fractional_equiripple_ && up_ == 2 && down_ == 3) return 3;
  if (std::min(up_, down_) != 1) return 0;
  const unsigned factor = std::max(up_, down_);
  return factor >= 2 && factor <= kMaxEquirippleFactor ? factor : 0;
}

size_t Resampler::taps_for(const ResamplePreset &p) const {
  if (interpolated_equiripple(p)) {
    // The prototype (centre + kInterpHalfWidth design samples either side)
    // in input frames, plus one bank step.
    const double D = double(kInterpFactor) * std::min(spec_.in_rate, spec_.out_rate);
    const double centre = double(equiripple_length(p, kInterpFactor) / 2 + kInterpHalfWidth) * spec_.in_rate / D;
    const size_t half = size_t(std::ceil(centre + 1.0 / up_));
    return (2 * half + kTapAlign - 1) / kTapAlign * kTapAlign;
  }
  if (const unsigned factor = equiripple_factor(p)) {
    // Taps reaching `centre` prototype samples either side, for every phase.
    const size_t centre = equiripple_length(p, factor) / 2;
    return (2 * ((centre + up_ - 1) / up_ + 1) + kTapAlign - 1) / kTapAlign * kTapAlign;
  }
  const double width = p.half_width / std::min(1.0, double(up_) / down_);  // input periods
  return std::max<size_t>(2 * kTapAlign, (size_t(std::ceil(2 * width)) + kTapAlign - 1) / kTapAlign * kTapAlign);
}

void Resampler::build_bank(const ResamplePreset &p) {
  const double scale = std::min(1.0, double(up_) / down_);  // lower Nyquist / input Nyquist
  const double fc = 0.5 * p.cutoff * scale;                  // cycles per input sample
  taps_ = taps_for(p);
  wide_ = p.wide_accumulator;
  interpolate_ = up_ > kMaxExactPhases;
  phases_ = interpolate_ ? kInterpolatedPhases : up_;
  if (interpolated_equiripple(p)) {
    equiripple_ = true;
    bank_ = interpolated_equiripple_bank(p, spec_.in_rate, spec_.out_rate, phases_, taps_);
  } else {
    const unsigned factor = equiripple_factor(p);
    equiripple_ = factor != 0;
    bank_ = shared_bank(phases_, interpolate_, taps_, fc, p.kaiser_beta, factor ? &p : nullptr, factor);
  }
  // The cascade has its own stages: the single-stage kernels' tables would
  // only cost time and memory (set_quality builds them when leaving it).
  if (cascade_wanted(spec_.quality) && !spec_.design) {
    gather_.reset();
    phase_row_.clear();
    by_position_.clear();
    return;
  }
  build_gather();
  build_phase_rows();
}

// While the cascade runs, the single-stage history is not kept up to date:
// rebuild it from the cascade's input copy before leaving or restarting it.
void Resampler::sync_history() {
  const Cascade &k = *cascade_;
  const int64_t first = int64_t(k.origin) + 2 * k.first_pair;  // input frame of ev[.][0]
  const int64_t lead = int64_t(taps_ / 2 - 1);
  // hist_[c][j] is input frame base_ + j - lead, base_ >= 0.
  const size_t skip = first + lead < 0 ? size_t(-(first + lead)) : 0;
  base_ = uint64_t(first + lead + int64_t(skip));
  hist_len_ = k.held() > skip ? k.held() - skip : 0;
  for (unsigned c = 0; c < spec_.channels; c++) {
    if (hist_[c].size() < hist_len_) hist_[c].resize(hist_len_);
    // Kept frame f (from ev[.][0]) is ev[c][f / 2] or od[c][f / 2]; only on a quality switch.
    for (size_t j = 0; j < hist_len_; j++) {
      const size_t f = skip + j;
      hist_[c][j] = (f % 2 ? k.od[c] : k.ev[c])[f / 2];
    }
  }
  trailing_zeros_ = 0;
}

bool Resampler::set_quality(ResampleQuality q) {
  if (hist_.empty()) return false;
  if (q == spec_.quality && !spec_.design) return true;
  if (cascade_) sync_history();
  // History row j holds input frame base_ + j - (taps/2 - 1); the next
  // output's window start next_index_ does not depend on the filter length.
  // The cascade restarts from the kept history in its current layout (its
  // unemitted outputs are recomputed by whichever path takes over).
  cascade_.reset();
  if (cascade_wanted(q)) start_cascade();
  const int64_t old_start = int64_t(base_) - int64_t(taps_ / 2 - 1);
  const int64_t end = old_start + int64_t(hist_len_);
  spec_.quality = q;
  spec_.design = nullptr;
  build_bank(resample_preset(q));
  const int64_t new_start = int64_t(next_index_) - int64_t(taps_ / 2 - 1);
  const size_t len = size_t(std::max<int64_t>(end - new_start, 0));
  std::vector<float> moved(len);
  for (auto &h : hist_) {
    for (size_t j = 0; j < len; j++) {
      const int64_t k = new_start + int64_t(j);
      // Frames before the stream began, or dropped long ago, are zeros.
      moved[j] = k < old_start ? 0.f : h[size_t(k - old_start)];
    }
    if (h.size() < len) h.resize(len);
    std::copy(moved.begin(), moved.end(), h.begin());
  }
  base_ = next_index_;
  hist_len_ = len;
  return true;
}

size_t Resampler::process_silence(size_t frames, float *out, size_t out_capacity) {
  if (cascade_) {
    in_total_ += frames;
    return cascade_process(nullptr, frames, out, out_capacity);
  }
  size_t written = 0;
  // Until a whole filter length of zeros is in, the old signal still rings out.
  const size_t ringing = trailing_zeros_ < taps_ ? std::min(frames, taps_ - trailing_zeros_) : 0;
  if (ringing > 0) {
    compact();
    append_zeros(ringing);
    in_total_ += ringing;
    written = produce(out, out_capacity, outputs_before(next_index_, next_phase_, up_, down_, taps_,
                                                        base_ + hist_len_));
    frames -= ringing;
  }
  if (frames == 0) return written;
  // Every window from here on holds only zeros: skip the arithmetic.
  const uint64_t end = base_ + hist_len_ + frames;
  const size_t count = std::min(outputs_before(next_index_, next_phase_, up_, down_, taps_, end),
                                out_capacity - written);
  std::fill(out + written * spec_.channels, out + (written + count) * spec_.channels, 0.f);
  const unsigned __int128 pos = (unsigned __int128)count * down_ + next_phase_;
  next_index_ += uint64_t(pos / up_);
  next_phase_ = uint32_t(pos % up_);
  out_total_ += count;
  in_total_ += frames;
  // The history becomes zeros from the next window on.
  const size_t len = size_t(end - std::min(end, next_index_));
  for (auto &h : hist_) {
    if (h.size() < len) h.resize(len);
    std::fill(h.begin(), h.begin() + len, 0.f);
  }
  base_ = std::min(end, next_index_);
  hist_len_ = len;
  trailing_zeros_ += frames;
  return written + count;
}

void Resampler::reset() {
  // The window of output 0 starts taps/2 - 1 frames before input 0: zeros.
  hist_len_ = taps_ / 2 - 1;
  for (auto &h : hist_) {
    if (h.size() < hist_len_) h.resize(hist_len_);
    std::fill(h.begin(), h.begin() + hist_len_, 0.f);
  }
  trailing_zeros_ = hist_len_;
  base_ = 0;
  next_index_ = 0;
  next_phase_ = 0;
  in_total_ = 0;
  out_total_ = 0;
  if (cascade_) cascade_->reset();
}

size_t Resampler::max_output_frames(size_t in_frames) const {
  if (cascade_) {
    // Never more than the stream's exact total so far.
    const unsigned __int128 total = ((unsigned __int128)(in_total_ + in_frames) * up_ + down_ - 1) / down_;
    return total > out_total_ ? size_t(total - out_total_) : 0;
  }
  return outputs_before(next_index_, next_phase_, up_, down_, taps_, base_ + hist_len_ + in_frames);
}

size_t Resampler::pending_output_frames() const {
  const unsigned __int128 total = ((unsigned __int128)in_total_ * up_ + down_ - 1) / down_;
  return total > out_total_ ? size_t(total - out_total_) : 0;
}

void Resampler::compact() {
  const uint64_t consumed = next_index_ - base_;
  // Dropped in batches: moving the kept history costs as much as a buffer's input.
  // At least four times what is kept (2236 frames at 44.1k -> 16k high,
  // for the cascade's rerun), so the move costs a quarter frame per frame.
  if (consumed <= keep_history_ + std::max(kCompactSlack, 4 * keep_history_)) return;
  const size_t drop = size_t(std::min<uint64_t>(consumed - keep_history_, hist_len_));
  for (auto &h : hist_) std::memmove(h.data(), h.data() + drop, (hist_len_ - drop) * sizeof(float));
  hist_len_ -= drop;
  base_ += drop;
}

void Resampler::append(const float *in, size_t frames) {
  append_planar(hist_, hist_len_, in, frames);
  hist_len_ += frames;
  in_total_ += frames;
  trailing_zeros_ = 0;
}

void Resampler::append_zeros(size_t frames) {
  append_planar(hist_, hist_len_, nullptr, frames);
  hist_len_ += frames;
  trailing_zeros_ += frames;
}

// Output n of a period (n = 0 .. up - 1, phase n * down mod up) has its
// window at floor(n * down / up) from the period's first. Group g holds
// outputs 16g .. 16g + 15: their coefficient rows transposed (tap-major, 16
// lanes), each lane's window offset from the group's first, and how far the
// next group's window starts.
struct Resampler::GatherTable {
  size_t taps = 0;
  uint32_t inv_down = 0;            // position n of phase p is p * inv_down mod up
  std::vector<float> coef;          // groups x taps x 16, from `aligned`
  size_t aligned = 0;
  std::vector<int32_t> lanes;       // groups x 16
  std::vector<uint32_t> advance;    // groups
  // Lanes more than kGatherMaxSpan apart (or see build_gather): spread16_avx512,
  // each group's table `len` rows long (coefficients shifted by the lane's offset).
  bool spread = false;
  size_t len = 0;
  const float *group(size_t g) const { return coef.data() + aligned + g * (spread ? len : taps) * 16; }
};

// The generic path reads the rows of consecutive outputs: for a rational
// ratio their phases jump around the bank (n * down mod up), so each row
// starts a cache miss. Stored in output order instead (a copy, only where
// the generic path does the work), they stream from L2 in sequence.
void Resampler::build_phase_rows() {
  phase_row_.assign(interpolate_ ? 0 : up_, 0);
  by_position_.clear();
  if (interpolate_) return;
  // Only banks that fit in L2 (the copy is per instance; bigger ones miss anyway).
  constexpr size_t kMaxReorderedBytes = 512 * 1024;
  const bool reorder = !gather_ && up_ > 2 && down_ % up_ != 1 &&
                       size_t(up_) * taps_ * sizeof(float) <= kMaxReorderedBytes;
  if (reorder) by_position_.resize(size_t(up_) * taps_);
  for (uint32_t n = 0; n < up_; n++) {
    const uint32_t phase = uint32_t((uint64_t(n) * down_) % up_);
    const float *row = bank_->data() + size_t(phase) * taps_;
    if (reorder) std::copy(row, row + taps_, by_position_.begin() + long(size_t(n) * taps_));
    phase_row_[phase] = (reorder ? size_t(n) : size_t(phase)) * taps_;
  }
}

void Resampler::build_gather() {
  gather_.reset();
  if (isa_ != ResampleIsa::Avx512 || interpolate_ || wide_ || up_ % 16 != 0 || up_ == 0 ||
      uint64_t(down_) > uint64_t(up_) * 4)
    return;
  auto t = std::make_shared<GatherTable>();
  const size_t groups = up_ / 16;
  auto start = [this](uint64_t n) { return uint64_t((unsigned __int128)n * down_ / up_); };
  int64_t widest = 0;
  for (size_t g = 0; g < groups; g++) widest = std::max(widest, int64_t(start(g * 16 + 15) - start(g * 16)));
  if (widest > kSpreadMaxSpan) return;
  // The input-major kernel also where lanes are close if a 20 ms buffer
  // holds four periods and its extra (masked) taps are few: with no index
  // vectors it has the registers for four windows per coefficient load (four
  // periods of mono, two of both stereo channels), which gather16 does not
  // (high 44.1k -> 48k; not fast, 56 taps, nor the cascade's 320/441 stage).
  // Chosen whatever the channel count: channels stay bit-identical to mono.
  t->spread = widest > kGatherMaxSpan ||
              (4 * 50 * uint64_t(down_) <= uint64_t(spec_.in_rate) && taps_ >= 8 * size_t(widest));
  t->len = (taps_ + size_t(widest) + 3) / 4 * 4;
  const size_t rows = t->spread ? t->len : taps_;
  t->taps = taps_;
  t->coef.assign(groups * rows * 16 + 16, 0.f);
  t->aligned = size_t(cache_line_aligned(t->coef.data()) - t->coef.data());
  t->lanes.resize(groups * 16);
  t->advance.resize(groups);
  for (size_t g = 0; g < groups; g++) {
    float *dst = t->coef.data() + t->aligned + g * rows * 16;
    for (size_t i = 0; i < 16; i++) {
      const uint64_t n = g * 16 + i;
      const size_t span = size_t(start(n) - start(g * 16));
      t->lanes[g * 16 + i] = int32_t(span);
      const float *row = bank_->data() + size_t((n * down_) % up_) * taps_;
      const size_t shift = t->spread ? span : 0;
      for (size_t m = 0; m < taps_; m++) dst[(m + shift) * 16 + i] = row[m];
    }
    t->advance[g] = uint32_t(start(g * 16 + 16) - start(g * 16));
  }
  // down is invertible mod up (they are coprime): extended Euclid.
  int64_t a = down_ % up_, m = up_, x0 = 1, x1 = 0;
  while (m != 0) {
    const int64_t q = a / m;
    std::tie(a, m) = std::make_tuple(m, a - q * m);
    std::tie(x0, x1) = std::make_tuple(x1, x0 - q * x1);
  }
  t->inv_down = uint32_t(((x0 % int64_t(up_)) + int64_t(up_)) % int64_t(up_));
  gather_ = t;
}

// Rational ratios on AVX-512 through gather16_avx512, whole groups of 16
// outputs of the period: a group that starts before the next output (the
// previous call ended inside it) or ends after the last one is computed whole
// and only the lanes due are kept (cheaper than the dot products for 4 or
// more). Returns outputs written.
size_t Resampler::produce_gather(float *out, size_t count) {
#if !defined(__x86_64__)
  (void)out, (void)count;
  return 0;  // build_gather() makes no table off x86-64
#else
  const GatherTable &t = *gather_;
  const unsigned ch = spec_.channels;
  const size_t ngroups = up_ / 16;
  uint32_t pos = uint32_t((uint64_t(next_phase_) * t.inv_down) % up_);
  size_t skip = pos % 16;  // lanes of the first group before the next output
  size_t done = 0;
  if (skip != 0 && next_index_ - base_ < uint64_t(t.lanes[pos])) {
    // Its first lanes' windows start before the kept history (just after
    // a quality switch): one by one up to the group's end.
    done = produce_generic(out, std::min(count, 16 - skip));
    out += done * ch;
    count -= done;
    pos = uint32_t((uint64_t(next_phase_) * t.inv_down) % up_);
    skip = 0;
  }
  size_t groups = (skip + count) / 16;
  if ((skip + count) % 16 >= 4) groups++;
  const size_t emit = std::min(count, groups * 16 - skip * (groups > 0));
  if (groups == 0 || emit == 0) return done;
  const size_t g0 = pos / 16;
  const size_t off0 = size_t(next_index_ - base_) - size_t(t.lanes[pos]);
  // The kernels read up to 24 (spread: 60) floats past lane 0's window.
  const size_t need = hist_len_ + 64;
  for (auto &h : hist_)
    if (h.size() < need) h.resize(need);
  alignas(64) float y[16], y2[16];
  auto lanes = [&](size_t b) {
    return std::make_pair(b == 0 ? skip : 0, std::min<size_t>(16, skip + emit - b * 16));
  };
  if (ch == 2) {
    // Stereo: group by group, both channels at once, so each group's
    // coefficients are loaded once for both (or, where two periods pair
    // up, come from L1 for the second channel) and its 16 frames are written
    // interleaved straight away: the stores overlap the arithmetic instead
    // of a separate interleave pass over the whole output.
    const float *h0 = hist_[0].data(), *h1 = hist_[1].data();
    alignas(64) float z[16], z2[16];
    auto put2 = [&](size_t b, const float *v0, const float *v1) {
      const auto [first, end] = lanes(b);
      interleave2(v0 + first, v1 + first, end - first, out + (b * 16 + first - skip) * 2);
    };
    size_t g = g0, off = off0;
    for (size_t b = 0; b < groups; b++) {
      const size_t in_period = (b / ngroups) % 2;
      const float *tb = t.group(g);
      const int32_t *r = t.lanes.data() + g * 16;
      if (in_period == 0 && b + ngroups < groups) {
        if (t.spread) {
          const float *x[4] = {h0 + off, h0 + off + down_, h1 + off, h1 + off + down_};
          float *const o[4] = {y, y2, z, z2};
          spread16x4_avx512(x, tb, r, taps_, o);
        } else {
          gather16x2_avx512(h0 + off, h0 + off + down_, tb, r, taps_, y, y2);
          gather16x2_avx512(h1 + off, h1 + off + down_, tb, r, taps_, z, z2);
        }
        put2(b, y, z);
        put2(b + ngroups, y2, z2);
      } else if (in_period == 0) {
        // The paired kernels sum each window as the single ones do.
        (t.spread ? spread16x2_avx512 : gather16x2_avx512)(h0 + off, h1 + off, tb, r, taps_, y, z);
        put2(b, y, z);
      }
      off += t.advance[g];
      if (++g == ngroups) g = 0;
    }
    advance_outputs(emit);
    return done + emit;
  }
  alignas(64) float y3[16], y4[16];
  // Mono: straight into the output; more channels: strided stores.
  auto put = [&](size_t b, unsigned c, const float *v) {
    const auto [first, end] = lanes(b);
    if (ch == 1) {
      std::memcpy(out + b * 16 + first - skip, v + first, (end - first) * sizeof(float));
      return;
    }
    for (size_t i = first; i < end; i++) out[(b * 16 + i - skip) * ch + c] = v[i];
  };
  for (unsigned c = 0; c < ch; c++) {
    const float *h = hist_[c].data();
    size_t g = g0, off = off0;
    for (size_t b = 0; b < groups; b++) {
      // Groups a period apart (same phases, input `down` frames later) go
      // through together: their coefficients (from L2) are loaded once.
      // The input-major kernel takes four periods at once where they are at
      // hand (runs of four from a multiple of four), the rest in pairs.
      const size_t period = b / ngroups, in_run = period % 4;
      if (t.spread && b + (3 - in_run) * ngroups < groups) {
        if (in_run == 0) {
          const float *x[4] = {h + off, h + off + down_, h + off + 2 * size_t(down_), h + off + 3 * size_t(down_)};
          float *const o[4] = {y, y2, y3, y4};
          spread16x4_avx512(x, t.group(g), t.lanes.data() + g * 16, taps_, o);
          put(b, c, y);
          put(b + ngroups, c, y2);
          put(b + 2 * ngroups, c, y3);
          put(b + 3 * ngroups, c, y4);
        }
        off += t.advance[g];
        if (++g == ngroups) g = 0;
        continue;
      }
      const size_t in_period = period % 2;
      if (in_period == 0 && b + ngroups < groups) {
        if (t.spread)
          spread16x2_avx512(h + off, h + off + down_, t.group(g), t.lanes.data() + g * 16, taps_, y, y2);
        else
          gather16x2_avx512(h + off, h + off + down_, t.group(g), t.lanes.data() + g * 16, taps_, y, y2);
        put(b, c, y);
        put(b + ngroups, c, y2);
      } else if (in_period == 0) {
        if (t.spread)
          spread16_avx512(h + off, t.group(g), t.lanes.data() + g * 16, taps_, y);
        else
          gather16_avx512(h + off, t.group(g), t.lanes.data() + g * 16, taps_, y);
        put(b, c, y);
      }
      off += t.advance[g];
      if (++g == ngroups) g = 0;
    }
  }
  advance_outputs(emit);
  return done + emit;
#endif
}

// Integer ratios on AVX-512: many outputs per pass share coefficient or input
// loads (see decimate64_aligned_avx512 / interpolate32_avx512). Returns outputs written.
size_t Resampler::produce_blocks(float *out, size_t count) {
#if !defined(__x86_64__)
  (void)out, (void)count;
  return 0;  // the block kernels are x86-64's (resample_simd.cc)
#else
  if (isa_ != ResampleIsa::Avx512 || interpolate_ || wide_) return 0;
  if (gather_) return produce_gather(out, count);
  const unsigned ch = spec_.channels;
  if (up_ == 1 && down_ >= 2) {
    const size_t blocks = count / 64;
    if (blocks == 0) return 0;
    const unsigned M = down_;
    const size_t off0 = size_t(next_index_ - base_);
    // Rows of J floats, J a multiple of 16 and the first row 64-byte aligned,
    // with room for the aligned kernel's reads 16 floats past a window.
    const size_t J = (blocks * 64 + (taps_ + M - 1) / M + 16 + 15) / 16 * 16;
    if (phase_streams_.size() < J * M + 16) phase_streams_.resize(J * M + 16);
    float *streams = cache_line_aligned(phase_streams_.data());
    if (block_out_.size() < 64) block_out_.resize(64);
    if (phase_ptrs_.size() < M) phase_ptrs_.resize(M);
    const float **xr = phase_ptrs_.data();
    for (unsigned c = 0; c < ch; c++) {
      const float *h = hist_[c].data();
      size_t done = 0;  // leading j already split (vectorised for M = 3)
      if (M == 3 && hist_len_ > off0) {
        const size_t vecs = std::min(J / 16, (hist_len_ - off0) / 48);
        split3_avx512(h + off0, vecs, streams, streams + J, streams + 2 * J);
        done = vecs * 16;
      }
      for (unsigned r = 0; r < M; r++) {
        float *dst = streams + r * J;
        // Frames past the history only meet zero coefficients: pad with zeros.
        const size_t first = off0 + r;
        const size_t valid = hist_len_ > first ? std::min(J, (hist_len_ - first + M - 1) / M) : 0;
        const float *src = h + first;
        for (size_t j = done; j < valid; j++) dst[j] = src[j * M];
        std::fill(dst + std::max(valid, done), dst + J, 0.f);
      }
      for (size_t b = 0; b < blocks; b++) {
        for (unsigned r = 0; r < M; r++) xr[r] = streams + r * J + b * 64;
        decimate64_aligned_avx512(xr, M, bank_->data(), taps_, block_out_.data());
        for (size_t q = 0; q < 64; q++) out[(b * 64 + q) * ch + c] = block_out_[q];
      }
    }
    next_index_ += uint64_t(blocks) * 64 * M;
    out_total_ += blocks * 64;
    return blocks * 64;
  }
  if (up_ == 2 && down_ == 3 && next_phase_ == 0) {
    // Ratio 2/3 (the cascade's second stage): even outputs are a 3:1
    // decimation with row 0, odd ones a 3:1 decimation with row 1 one frame
    // later; both through one kernel on four phase streams
    // (x[3j], x[3j+1], x[3j+2], x[3j+3]), in blocks of 160 outputs (80 +
    // 80: 10 ms at 16 kHz and its multiples are whole blocks).
    // From 32 outputs on, all of them come from the block kernels, so that
    // every channel count agrees bit for bit with mono; a last partial block
    // is computed whole and only its first outputs kept (the generic kernel
    // is cheaper only below about 32).
    constexpr size_t per_block = 160, half = per_block / 2;
    const size_t emit = count >= 32 ? count : 0;
    const size_t blocks = (emit + per_block - 1) / per_block;
    if (blocks == 0) return 0;
    const size_t off0 = size_t(next_index_ - base_);
    const size_t J = (blocks * half + (taps_ + 2) / 3 + 1 + 16 + 15) / 16 * 16;
    // Stereo keeps both channels' streams, so that each block's outputs of
    // both channels are at hand to be written interleaved at once.
    const size_t sets = ch == 2 ? 2 : 1;
    if (phase_streams_.size() < sets * J * 4 + 16) phase_streams_.resize(sets * J * 4 + 16);
    float *streams = cache_line_aligned(phase_streams_.data());
    if (block_out_.size() < 2 * per_block) block_out_.resize(2 * per_block);  // stereo: 4 x 80
    const float *row0 = bank_->data(), *row1 = bank_->data() + taps_;
    // The four phase streams of channel c into st[0 .. 4J).
    auto split = [&](unsigned c, float *st) {
      const float *h = hist_[c].data();
      size_t done = 0;
      if (hist_len_ > off0) {
        const size_t vecs = std::min(J / 16, (hist_len_ - off0) / 48);
        split3_avx512(h + off0, vecs, st, st + J, st + 2 * J);
        done = vecs * 16;
      }
      for (unsigned r = 0; r < 4; r++) {
        float *dst = st + r * J;
        const size_t first = off0 + r;
        const size_t valid = hist_len_ > first ? std::min(J, (hist_len_ - first + 2) / 3) : 0;
        const float *src = h + first;
        // Stream 3 is stream 0 one further on: copy what the split made.
        size_t from = r < 3 ? done : 0;
        if (r == 3 && done > 1) {
          std::memcpy(dst, st + 1, (done - 1) * sizeof(float));
          from = done - 1;
        }
        for (size_t j = from; j < valid; j++) dst[j] = src[j * 3];
        std::fill(dst + std::max(valid, from), dst + J, 0.f);
      }
    };
    float *y = block_out_.data();
    if (ch == 2) {
      split(0, streams);
      split(1, streams + 4 * J);
      for (size_t b = 0; b < blocks; b++) {
        const size_t n = std::min(per_block, emit - b * per_block);
        const float *l = streams + b * half, *r = streams + 4 * J + b * half;
        const float *xl[4] = {l, l + J, l + 2 * J, l + 3 * J}, *xr[4] = {r, r + J, r + 2 * J, r + 3 * J};
        // Left even / odd outputs to y, y + 80, right ones to y + 160, y + 240.
        if (n <= 64) {
          // Both channels in one call: each coefficient broadcast feeds both
          // (the 32-output kernel alone has too few FMAs per broadcast).
          decimate32x2_stereo_aligned_avx512(xl, xr, row0, row1, taps_, y, y + half, y + 2 * half, y + 3 * half);
        } else {
          decimate80x2_aligned_avx512(xl, row0, row1, taps_, y, y + half);
          decimate80x2_aligned_avx512(xr, row0, row1, taps_, y + 2 * half, y + 3 * half);
        }
        // Frame 2i is (left even i, right even i), frame 2i + 1 the odd ones.
        float *o = out + b * 2 * per_block;
        interleave4_avx512(y, y + 2 * half, y + half, y + 3 * half, n / 2, o);
        if (n % 2) o[2 * (n - 1)] = y[n / 2], o[2 * (n - 1) + 1] = y[2 * half + n / 2];
      }
    } else {
      for (unsigned c = 0; c < ch; c++) {
        split(c, streams);
        for (size_t b = 0; b < blocks; b++) {
          const size_t n = std::min(per_block, emit - b * per_block);
          // Block b: 80 even outputs to y, 80 odd ones to y + 80 (a last
          // block of at most 64 outputs needs only the 32 + 32 kernel).
          const float *xs[4] = {streams + b * half, streams + J + b * half, streams + 2 * J + b * half,
                                streams + 3 * J + b * half};
          (n <= 64 ? decimate32x2_aligned_avx512 : decimate80x2_aligned_avx512)(xs, row0, row1, taps_, y, y + half);
          float *o = out + b * per_block * ch + c;
          if (ch == 1) {
            interleave2(y, y + half, n / 2, o);
            if (n % 2) o[n - 1] = y[n / 2];
          } else {
            for (size_t q = 0; q < n; q++) o[q * ch] = y[(q & 1) * half + q / 2];
          }
        }
      }
    }
    next_index_ += uint64_t(emit) * 3 / 2;
    next_phase_ = uint32_t(emit % 2);
    out_total_ += emit;
    return emit;
  }
  if (down_ == 1 && up_ >= 2 && up_ <= kMaxBlockInterpolation && next_phase_ == 0) {
    size_t written = 0;
    if (ch == 2 && up_ <= kMaxBlock64Interpolation && count >= 32 * size_t(up_)) {
      // Stereo: blocks of 40 or 32 input positions of both channels from an
      // aligned interleaved copy of the history (zero-padded past it),
      // straight to interleaved output (see interpolate32x2_aligned_avx512).
      const size_t per_block = 32 * size_t(up_);
      const size_t blocks = count / per_block;
      const size_t off0 = size_t(next_index_ - base_);
      const size_t span = (blocks * 32 + taps_ + 32 + 15) / 16 * 16;  // frames
      if (phase_streams_.size() < 2 * span + 16) phase_streams_.resize(2 * span + 16);
      float *x = cache_line_aligned(phase_streams_.data());
      const size_t valid = std::min(span, hist_len_ - off0);
      interleave2(hist_[0].data() + off0, hist_[1].data() + off0, valid, x);
      std::fill(x + 2 * valid, x + 2 * span, 0.f);
      // The 40-position kernel (five FMAs per broadcast) where it tiles:
      // 32 B positions = 40 a + 32 b with a = 4 (B / 5), b = B - 5 (B / 5).
      const size_t wide = 4 * (blocks / 5) * 40;
      size_t pos = 0;
      for (; pos < wide; pos += 40)
        interpolate40x2_aligned_avx512(x + 2 * pos, bank_->data(), taps_, up_, out + pos * up_ * 2);
      for (; pos < blocks * 32; pos += 32)
        interpolate32x2_aligned_avx512(x + 2 * pos, bank_->data(), taps_, up_, out + pos * up_ * 2);
      next_index_ += uint64_t(blocks) * 32;
      out_total_ += blocks * per_block;
      return blocks * per_block;
    }
    if (up_ <= kMaxBlock64Interpolation && count >= 64 * size_t(up_)) {
      // Blocks of 64 input positions from an aligned copy of the input (the
      // history rows are not aligned), zero-padded past the history.
      const size_t per_block = 64 * size_t(up_);
      const size_t blocks = count / per_block;
      const size_t off0 = size_t(next_index_ - base_);
      const size_t span = (blocks * 64 + (taps_ + 15) / 16 * 16 + 80 + 15) / 16 * 16;
      if (phase_streams_.size() < span + 16) phase_streams_.resize(span + 16);
      float *x = cache_line_aligned(phase_streams_.data());
      const size_t valid = std::min(span, hist_len_ - off0);
      for (unsigned c = 0; c < ch; c++) {
        std::memcpy(x, hist_[c].data() + off0, valid * sizeof(float));
        std::fill(x + valid, x + span, 0.f);
        for (size_t b = 0; b < blocks; b++)
          interpolate64_aligned_avx512(x + b * 64, bank_->data(), taps_, up_, out + b * per_block * ch + c, ch);
      }
      next_index_ += uint64_t(blocks) * 64;
      out_total_ += blocks * per_block;
      written = blocks * per_block;
      out += written * ch;
      count -= written;
    }
    const size_t per_block = 32 * size_t(up_);
    const size_t blocks = count / per_block;
    if (blocks == 0) return written;
    const size_t off0 = size_t(next_index_ - base_);
    if (block_out_.size() < per_block) block_out_.resize(per_block);
    for (unsigned c = 0; c < ch; c++) {
      const float *h = hist_[c].data();
      for (size_t b = 0; b < blocks; b++) {
        interpolate32_avx512(h + off0 + b * 32, bank_->data(), taps_, up_, block_out_.data());
        for (size_t q = 0; q < per_block; q++) out[(b * per_block + q) * ch + c] = block_out_[q];
      }
    }
    next_index_ += uint64_t(blocks) * 32;
    out_total_ += blocks * per_block;
    return written + blocks * per_block;
  }
  return 0;
#endif
}

size_t Resampler::produce(float *out, size_t out_capacity, size_t count) {
  count = std::min(count, out_capacity);
  if (count == 0) return 0;
  // Block kernels start on phase 0: at 2/3 one generic output gets there.
  size_t lead = 0;
  if (up_ == 2 && down_ == 3 && next_phase_ != 0 && count > 128) lead = produce_generic(out, 1);
  out += lead * spec_.channels;
  count -= lead;
  const size_t blocked = produce_blocks(out, count);
  return lead + blocked + produce_generic(out + blocked * spec_.channels, count - blocked);
}

// One output at a time (four per kernel call): any ratio, any ISA.
size_t Resampler::produce_generic(float *out, size_t count) {
  if (count == 0) return 0;
  const Kernels k = kernels_for(isa_, wide_);
  const unsigned ch = spec_.channels;
  if (step_offset_.size() < count) {
    step_offset_.resize(count);
    step_row_.resize(count);
    step_weight_.resize(count);
  }
  size_t *offsets = step_offset_.data();
  const float **rows = step_row_.data();
  float *weights = step_weight_.data();
  uint64_t index = next_index_;
  uint32_t phase = next_phase_;
  const uint32_t step_phase = down_ % up_, step_index = down_ / up_;
  const float *row_base = by_position_.empty() ? bank_->data() : by_position_.data();
  for (size_t j = 0; j < count; j++) {
    offsets[j] = size_t(index - base_);
    if (interpolate_) {
      const uint64_t pos = uint64_t(phase) * phases_;
      rows[j] = bank_->data() + (pos / up_) * taps_;
      weights[j] = float(double(pos % up_) / up_);
    } else {
      rows[j] = row_base + phase_row_[phase];
    }
    phase += step_phase;
    index += step_index;
    if (phase >= up_) phase -= up_, index++;
  }
  unsigned c = 0;
  // Grouping by period (below) shares coefficient loads at least as well as
  // pairing channels; pair channels only when it does not apply.
  const bool by_period = k.dot4_rows && !interpolate_ && up_ > 1 && count >= 2 * size_t(up_);
  if (k.dot4x2 && !interpolate_ && !by_period) {
    for (; c + 2 <= ch; c += 2) {
      const float *h0 = hist_[c].data(), *h1 = hist_[c + 1].data();
      // Four outputs at a time; the last 1-3 padded with the last one, so
      // every output is summed in the same order whatever its position.
      for (size_t j = 0; j < count; j += 4) {
        size_t o[4];
        for (size_t q = 0; q < 4; q++) o[q] = std::min(j + q, count - 1);
        const float *x[8] = {h0 + offsets[o[0]], h0 + offsets[o[1]], h0 + offsets[o[2]], h0 + offsets[o[3]],
                             h1 + offsets[o[0]], h1 + offsets[o[1]], h1 + offsets[o[2]], h1 + offsets[o[3]]};
        const float *r[4] = {rows[o[0]], rows[o[1]], rows[o[2]], rows[o[3]]};
        float y[8];
        k.dot4x2(x, r, taps_, y);
        for (size_t q = 0; q < 4 && j + q < count; q++)
          out[(j + q) * ch + c] = y[q], out[(j + q) * ch + c + 1] = y[q + 4];
      }
    }
  }
  for (; c < ch; c++) {
    const float *h = hist_[c].data();
    size_t j = 0;
    // Outputs one period (up_ outputs) apart share a phase: where two or
    // four periods are at hand, group them so coefficient loads are shared.
    if (by_period) {
      for (size_t periods = 4; periods >= 2; periods /= 2) {
        const size_t span = periods * up_;
        for (; j + span <= count; j += span) {
          for (size_t p = 0; p < up_; p += (periods == 4 ? 1 : 2)) {
            // Four periods: outputs p, p+up, p+2up, p+3up with one row.
            // Two periods: phases p and p+1, each at p and p+up.
            size_t o[4];
            if (periods == 4) {
              for (int q = 0; q < 4; q++) o[q] = j + p + size_t(q) * up_;
            } else {
              const size_t p1 = p + 1 < up_ ? p + 1 : p;
              o[0] = j + p, o[1] = j + p + up_, o[2] = j + p1, o[3] = j + p1 + up_;
            }
            const float *x[4] = {h + offsets[o[0]], h + offsets[o[1]], h + offsets[o[2]], h + offsets[o[3]]};
            float y[4];
            k.dot4_rows(x, rows[o[0]], rows[o[2]], taps_, y);
            // With an odd up_, the last pair repeats phase p: same outputs twice.
            for (int q = 0; q < 4; q++) out[o[q] * ch + c] = y[q];
          }
        }
      }
    }
    // Four outputs at a time; the last 1-3 padded with the last one (each
    // output is summed in the same order whatever its position).
    for (; j < count; j += 4) {
      size_t o[4];
      for (size_t q = 0; q < 4; q++) o[q] = std::min(j + q, count - 1);
      const float *x[4] = {h + offsets[o[0]], h + offsets[o[1]], h + offsets[o[2]], h + offsets[o[3]]};
      const float *r[4] = {rows[o[0]], rows[o[1]], rows[o[2]], rows[o[3]]};
      float y[4];
      k.dot4(x, r, taps_, y);
      if (interpolate_) {
        const float *r2[4] = {r[0] + taps_, r[1] + taps_, r[2] + taps_, r[3] + taps_};
        float y2[4];
        k.dot4(x, r2, taps_, y2);
        for (size_t q = 0; q < 4; q++) y[q] += weights[o[q]] * (y2[q] - y[q]);
      }
      for (size_t q = 0; q < 4 && j + q < count; q++) out[(j + q) * ch + c] = y[q];
    }
  }
  next_index_ = index;
  next_phase_ = phase;
  out_total_ += count;
  return count;
}

size_t Resampler::process(const float *in, size_t in_frames, float *out, size_t out_capacity) {
  if (cascade_) {
    // The cascade's own copy of the input is the history meanwhile.
    in_total_ += in_frames;
    return cascade_process(in, in_frames, out, out_capacity);
  }
  compact();
  append(in, in_frames);
  return produce(out, out_capacity,
                 outputs_before(next_index_, next_phase_, up_, down_, taps_, base_ + hist_len_));
}

size_t Resampler::drain(float *out, size_t out_capacity) {
  const size_t pending = pending_output_frames();
  size_t written = 0;
  if (cascade_ && pending > 0) {
    Cascade &k = *cascade_;
    const unsigned ch = spec_.channels;
    const size_t cap = std::min(pending, out_capacity);
    written = cascade_take(out, cap);
    // Zeros until every half-band output of the input is out, then the 2/3
    // stage's own drain; its total can exceed the exact one by a frame.
    const uint64_t halves = (k.raw_total + 1) / 2;
    const uint64_t need = halves ? 2 * (halves - 1) + 2 * k.K : 0;
    if (need > k.raw_total) written += k.run(nullptr, size_t(need - k.raw_total), true, out + written * ch, cap - written);
    const size_t tail = k.inner.pending_output_frames();
    if (k.tmp.size() < tail * ch) k.tmp.resize(tail * ch);
    const size_t got = k.inner.drain(k.tmp.data(), tail);
    written += k.emit(k.tmp.data(), got, out + written * ch, cap - written);
    out_total_ += written;
    reset();
    return written;
  }
  if (pending > 0) {
    compact();
    // Zeros until the window of the last pending output is complete.
    uint64_t last_index = next_index_;
    {
      const unsigned __int128 pos = (unsigned __int128)(pending - 1) * down_ + next_phase_;
      last_index += uint64_t(pos / up_);
    }
    const uint64_t end = last_index + taps_;
    if (end > base_ + hist_len_) append_zeros(size_t(end - base_ - hist_len_));
    written = produce(out, out_capacity, pending);
  }
  reset();
  return written;
}

}  // namespace fastaudio
