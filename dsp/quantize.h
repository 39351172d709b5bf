// SPDX-License-Identifier: LGPL-2.1-or-later
// Dither and noise shaping before rounding to an integer format, with the
// methods (and their order) of GStreamer's GstAudioDitherMethod and
// GstAudioNoiseShapingMethod:
//   rpdf     uniform noise of +-1 LSB
//   tpdf     triangular noise of +-1 LSB (two uniform +-0.5 LSB)
//   tpdf-hf  triangular, high-passed: the difference of successive uniform values
//   error-feedback  the last rounding error subtracted from the next sample
//   simple, medium, high  2-, 5- and 8-tap error filters pushing the noise up
//                         in frequency (GStreamer's published coefficients)
// Samples stay real numbers in [-1, 1); each leaves as an exact multiple of
// the output's LSB, so the packer's own rounding keeps it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fastaudio {

enum class DitherMethod : uint8_t { None, Rpdf, Tpdf, TpdfHf };
enum class NoiseShaping : uint8_t { None, ErrorFeedback, Simple, Medium, High };

class Quantizer {
 public:
  // `rate` below 32 kHz turns simple/medium/high into error feedback: their
  // filters would move the noise into the audible band (as audioconvert does).
  void configure(DitherMethod dither, NoiseShaping shaping, unsigned channels, int out_depth, unsigned rate);
  bool active() const { return dither_ != DitherMethod::None || shaping_ != NoiseShaping::None; }
  // Forgets the error history (a DISCONT or FLUSH).
  void reset();
  template <typename Real>
  void process(Real *samples, size_t frames);

 private:
  double next_dither(unsigned channel);

  DitherMethod dither_ = DitherMethod::None;
  NoiseShaping shaping_ = NoiseShaping::None;
  unsigned channels_ = 1;
  double full_ = 32768;           // 2^(depth-1)
  uint32_t rng_ = 0xc2d6038fu;
  std::vector<double> last_random_;  // per channel, tpdf-hf
  std::vector<double> errors_;       // per channel, kMaxTaps past errors, newest last
  const double *taps_ = nullptr;     // oldest error first
  unsigned n_taps_ = 0;
  static constexpr unsigned kMaxTaps = 8;
};

}  // namespace fastaudio
