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

#include "convert.h"

namespace fastaudio {

enum class DitherMethod : uint8_t { None, Rpdf, Tpdf, TpdfHf };
enum class NoiseShaping : uint8_t { None, ErrorFeedback, Simple, Medium, High };

// Dither noise comes from eight xorshift32 generators taking turns sample
// by sample (sample k of the stream uses generator k mod 8), so that the
// SIMD kernels, which run all eight at once, give the same bits as the
// scalar loop.
struct DitherLanes {
  std::array<uint32_t, 8> state{};
  unsigned next = 0;  // the generator of the next sample
  void seed();
};

// Unshaped rpdf or tpdf quantization of `n` floats (a multiple of 8, the
// stream at generator 0): x -> floor(clamp(x * full + dither + 0.5)) / full.
using QuantizeDitherKernel = void (*)(float *x, size_t n, float full, DitherMethod dither, DitherLanes *lanes);
// In every ISA it exists for (quantize_kernels.cc); none for Isa::Scalar.
extern const IsaKernels<QuantizeDitherKernel> kQuantizeDitherKernels;

class Quantizer {
 public:
  // `rate` below 32 kHz turns simple/medium/high into error feedback: their
  // filters would move the noise into the audible band (as audioconvert does).
  void configure(DitherMethod dither, NoiseShaping shaping, unsigned channels, int out_depth, unsigned rate,
                 Isa isa = best_isa());
  bool active() const { return dither_ != DitherMethod::None || shaping_ != NoiseShaping::None; }
  // Forgets the error history (a DISCONT or FLUSH).
  void reset();
  template <typename Real>
  void process(Real *samples, size_t frames);

 private:
  template <typename Real, DitherMethod D>
  void run_unshaped(Real *samples, size_t n);
  template <typename Real, DitherMethod D>
  void run_shaped(Real *samples, size_t frames);
  template <typename Real, DitherMethod D, bool Feedback>
  void run(Real *samples, size_t frames);
  template <DitherMethod D>
  float dither(unsigned channel);
  // Sample i of the stream (channel i mod channels), in Real's precision.
  template <typename Real, DitherMethod D>
  Real quantize_one(Real x, size_t i, Real lo, Real hi, Real full, Real scale, Real bias);

  DitherMethod dither_ = DitherMethod::None;
  NoiseShaping shaping_ = NoiseShaping::None;
  unsigned channels_ = 1;
  double full_ = 32768;  // 2^(depth-1)
  QuantizeDitherKernel dither_kernel_ = nullptr;  // null: the per-sample loop
  DitherLanes lanes_;
  std::vector<float> last_random_;  // per channel, tpdf-hf
  std::vector<double> errors_;      // per channel, kMaxTaps past errors, newest last
  const double *taps_ = nullptr;    // oldest error first
  unsigned n_taps_ = 0;
  static constexpr unsigned kMaxTaps = 8;
};

}  // namespace fastaudio
