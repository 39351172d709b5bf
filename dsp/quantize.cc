// SPDX-License-Identifier: LGPL-2.1-or-later
#include "quantize.h"

#include <algorithm>
#include <cmath>

namespace fastaudio {

namespace {

// Error-filter coefficients as GStreamer publishes them (oldest error first).
constexpr double kSimple[] = {-0.5, 1.0};
constexpr double kMedium[] = {0.6149, -1.590, 1.959, -2.165, 2.033};
constexpr double kHigh[] = {-0.340122, 0.876066, -1.72008, 2.61339, -3.31399, 3.27918, -2.92975, 2.08484};

}  // namespace

void DitherLanes::seed() {
  // GStreamer's seed for the first; the rest its successors under a
  // different odd multiplier, so that no two start alike.
  for (unsigned i = 0; i < state.size(); i++) state[i] = 0xc2d6038fu + i * 0x9e3779b9u;
  next = 0;
}

void Quantizer::configure(DitherMethod dither, NoiseShaping shaping, unsigned channels, int out_depth, unsigned rate,
                          Isa isa) {
  if (shaping > NoiseShaping::ErrorFeedback && rate < 32000) shaping = NoiseShaping::ErrorFeedback;
  dither_ = dither;
  shaping_ = shaping;
  channels_ = std::max(channels, 1u);
  full_ = std::ldexp(1.0, out_depth - 1);
  dither_kernel_ = kQuantizeDitherKernels.for_isa(isa);
  switch (shaping) {
    case NoiseShaping::Simple: taps_ = kSimple, n_taps_ = 2; break;
    case NoiseShaping::Medium: taps_ = kMedium, n_taps_ = 5; break;
    case NoiseShaping::High: taps_ = kHigh, n_taps_ = 8; break;
    default: taps_ = nullptr, n_taps_ = 0;
  }
  reset();
}

void Quantizer::reset() {
  lanes_.seed();
  last_random_.assign(channels_, 0.0f);
  errors_.assign(size_t(channels_) * kMaxTaps, 0.0);
}

namespace {

inline uint32_t xorshift(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  return x ^ (x << 5);
}

// [-0.5, 0.5) from a generator's 32 bits, as the SIMD kernels convert them.
inline float uniform(uint32_t x) { return float(int32_t(x)) * 0x1p-32f; }

// floor() for values already clamped to the output's range: a truncating
// conversion, where std::floor is a library call on baseline x86-64.
template <typename Real>
inline Real floor_in_range(Real t) {
  const Real i = Real(int64_t(t));
  return i > t ? i - 1 : i;
}

}  // namespace

// A dither value in LSB for the next sample of the stream.
template <DitherMethod D>
inline float Quantizer::dither(unsigned channel) {
  uint32_t &x = lanes_.state[lanes_.next];
  lanes_.next = (lanes_.next + 1) & 7;
  float d = 0;
  if constexpr (D == DitherMethod::Rpdf) {
    x = xorshift(x);
    d = 2.0f * uniform(x);
  } else if constexpr (D == DitherMethod::Tpdf) {
    x = xorshift(x);
    const float a = uniform(x);
    x = xorshift(x);
    d = a + uniform(x);
  } else if constexpr (D == DitherMethod::TpdfHf) {
    x = xorshift(x);
    const float r = uniform(x);
    d = r - last_random_[channel];
    last_random_[channel] = r;
  }
  return d;
}

template <typename Real, DitherMethod D>
inline Real Quantizer::quantize_one(Real x, size_t i, Real lo, Real hi, Real full, Real scale, Real bias) {
  Real s = x * full;
  if (!(s == s)) s = 0;  // NaN: silence
  const Real t = std::clamp(Real(s + Real(dither<D>(unsigned(i % channels_)))) + bias, lo, hi);
  return floor_in_range(t) * scale;
}

// No shaping: every sample on its own, in Real's precision.
template <typename Real, DitherMethod D>
void Quantizer::run_unshaped(Real *x, size_t n) {
  const Real lo = Real(-full_), hi = Real(full_ - 1), full = Real(full_), scale = Real(1.0 / full_);
  constexpr Real bias = D == DitherMethod::None ? Real(0) : Real(0.5);
  size_t i = 0;
  if constexpr (sizeof(Real) == 4 && (D == DitherMethod::Rpdf || D == DitherMethod::Tpdf)) {
    for (; i < n && lanes_.next != 0; i++) x[i] = quantize_one<Real, D>(x[i], i, lo, hi, full, scale, bias);
    const size_t whole = (n - i) & ~size_t(7);
    if (dither_kernel_ != nullptr && whole > 0) {
      dither_kernel_(x + i, whole, float(full_), D, &lanes_);
      i += whole;
    }
  }
  for (; i < n; i++) x[i] = quantize_one<Real, D>(x[i], i, lo, hi, full, scale, bias);
}

// Error feedback or an error filter: each channel carries its past errors.
template <typename Real, DitherMethod D, bool Feedback>
void Quantizer::run(Real *samples, size_t frames) {
  const double lo = -full_, hi = full_ - 1, scale = 1.0 / full_;
  // Like audioconvert, shaping without dither truncates: its bias rides on
  // the dither.
  constexpr double bias = D == DitherMethod::None ? 0.0 : 0.5;
  for (size_t f = 0; f < frames; f++) {
    for (unsigned c = 0; c < channels_; c++) {
      Real &x = samples[f * channels_ + c];
      double s = double(x) * full_;
      if (!(s == s)) s = 0;  // NaN: silence, and no NaN in the error history
      double *e = &errors_[size_t(c) * kMaxTaps];  // e[kMaxTaps - 1] is the newest error
      double wanted = s;
      if constexpr (Feedback) wanted = s - e[kMaxTaps - 1];
      else
        for (unsigned j = 0; j < n_taps_; j++) wanted -= taps_[j] * e[kMaxTaps - n_taps_ + j];
      const double v = floor_in_range(std::clamp(wanted + double(dither<D>(c)) + bias, lo, hi));
      // Error feedback keeps the whole error (rounding plus dither) of the
      // original sample; the filters the error against the shaped value.
      const double err = Feedback ? e[kMaxTaps - 1] + v - s : v - wanted;
      std::copy(e + 1, e + kMaxTaps, e);
      e[kMaxTaps - 1] = std::clamp(err, -full_, full_);
      x = Real(v * scale);
    }
  }
}

template <typename Real, DitherMethod D>
void Quantizer::run_shaped(Real *samples, size_t frames) {
  if (shaping_ == NoiseShaping::None) run_unshaped<Real, D>(samples, frames * channels_);
  else if (shaping_ == NoiseShaping::ErrorFeedback) run<Real, D, true>(samples, frames);
  else run<Real, D, false>(samples, frames);
}

template <typename Real>
void Quantizer::process(Real *samples, size_t frames) {
  switch (dither_) {
    case DitherMethod::None: return run_shaped<Real, DitherMethod::None>(samples, frames);
    case DitherMethod::Rpdf: return run_shaped<Real, DitherMethod::Rpdf>(samples, frames);
    case DitherMethod::Tpdf: return run_shaped<Real, DitherMethod::Tpdf>(samples, frames);
    case DitherMethod::TpdfHf: return run_shaped<Real, DitherMethod::TpdfHf>(samples, frames);
  }
}

template void Quantizer::process<float>(float *, size_t);
template void Quantizer::process<double>(double *, size_t);

}  // namespace fastaudio
