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

void Quantizer::configure(DitherMethod dither, NoiseShaping shaping, unsigned channels, int out_depth,
                          unsigned rate) {
  if (shaping > NoiseShaping::ErrorFeedback && rate < 32000) shaping = NoiseShaping::ErrorFeedback;
  dither_ = dither;
  shaping_ = shaping;
  channels_ = std::max(channels, 1u);
  full_ = std::ldexp(1.0, out_depth - 1);
  switch (shaping) {
    case NoiseShaping::Simple: taps_ = kSimple, n_taps_ = 2; break;
    case NoiseShaping::Medium: taps_ = kMedium, n_taps_ = 5; break;
    case NoiseShaping::High: taps_ = kHigh, n_taps_ = 8; break;
    default: taps_ = nullptr, n_taps_ = 0;
  }
  reset();
}

void Quantizer::reset() {
  rng_ = 0xc2d6038fu;
  last_random_.assign(channels_, 0.0);
  errors_.assign(size_t(channels_) * kMaxTaps, 0.0);
}

// A dither value in LSB.
double Quantizer::next_dither(unsigned channel) {
  auto uniform = [this] {  // [-0.5, 0.5), from a 32-bit xorshift
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return double(int32_t(rng_)) * 0x1p-32;
  };
  switch (dither_) {
    case DitherMethod::None: return 0.0;
    case DitherMethod::Rpdf: return 2.0 * uniform();
    case DitherMethod::Tpdf: return uniform() + uniform();
    case DitherMethod::TpdfHf: {
      const double r = uniform(), d = r - last_random_[channel];
      last_random_[channel] = r;
      return d;
    }
  }
  return 0.0;
}

template <typename Real>
void Quantizer::process(Real *samples, size_t frames) {
  const double lo = -full_, hi = full_ - 1, scale = 1.0 / full_;
  for (size_t f = 0; f < frames; f++) {
    for (unsigned c = 0; c < channels_; c++) {
      Real &x = samples[f * channels_ + c];
      double s = double(x) * full_;
      if (!(s == s)) s = 0;  // NaN: silence, and no NaN in the error history
      double *e = &errors_[size_t(c) * kMaxTaps];  // e[kMaxTaps - 1] is the newest error
      double wanted = s;
      if (shaping_ == NoiseShaping::ErrorFeedback) {
        wanted = s - e[kMaxTaps - 1];
      } else if (n_taps_ > 0) {
        for (unsigned j = 0; j < n_taps_; j++) wanted -= taps_[j] * e[kMaxTaps - n_taps_ + j];
      }
      // Like audioconvert, shaping without dither truncates: its bias rides
      // on the dither.
      const double bias = dither_ == DitherMethod::None ? 0.0 : 0.5;
      const double v = std::clamp(std::floor(wanted + next_dither(c) + bias), lo, hi);
      if (shaping_ != NoiseShaping::None) {
        // Error feedback keeps the whole error (rounding plus dither) of the
        // original sample; the filters the error against the shaped value.
        const double err = shaping_ == NoiseShaping::ErrorFeedback ? e[kMaxTaps - 1] + v - s : v - wanted;
        std::copy(e + 1, e + kMaxTaps, e);
        e[kMaxTaps - 1] = std::clamp(err, -full_, full_);
      }
      x = Real(v * scale);
    }
  }
}

template void Quantizer::process<float>(float *, size_t);
template void Quantizer::process<double>(double *, size_t);

}  // namespace fastaudio
