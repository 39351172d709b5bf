// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/quantize: the SIMD dither kernels against the scalar loop (same
// generators, same bits) across call sizes that leave the generators
// mid-cycle, and the noise each method adds.
#include <gst/check/gstcheck.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "isa_under_test.h"
#include "quantize.h"

using namespace fastaudio;

namespace {

std::vector<float> signal(size_t n) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uni(-1.1f, 1.1f);
  std::vector<float> v(n);
  for (float &x : v) x = uni(rng);
  v[3] = NAN, v[5] = INFINITY, v[7] = -INFINITY, v[9] = 1.0f, v[11] = -1.0f, v[13] = 1.0000001f;
  return v;
}

}  // namespace

// Each ISA's dither kernel against the scalar loop: the same generators
// give the same bits, NaN, +-Inf and full scale included, whatever the call
// sizes leave the generators at.
GST_START_TEST(test_simd_dither_matches_scalar) {
  int compared = 0;
  for (Isa isa : test::isas_under_test()) {
    if (!kQuantizeDitherKernels.has(isa)) continue;  // Scalar, Orc: the loop itself
    for (DitherMethod d : {DitherMethod::Rpdf, DitherMethod::Tpdf, DitherMethod::TpdfHf}) {
      for (unsigned channels : {1u, 2u, 3u}) {
        Quantizer scalar, simd;
        scalar.configure(d, NoiseShaping::None, channels, 16, 48000, Isa::Scalar);
        simd.configure(d, NoiseShaping::None, channels, 16, 48000, isa);
        auto a = signal(3 * 4099), b = a;
        size_t at = 0;
        for (size_t frames : {1u, 7u, 8u, 13u, 64u, 1000u, 3000u}) {
          scalar.process(a.data() + at * channels, frames);
          simd.process(b.data() + at * channels, frames);
          at += frames;
        }
        fail_unless(std::memcmp(a.data(), b.data(), at * channels * 4) == 0, "%s: dither %d, %u channels differ",
                    isa_name(isa), int(d), channels);
        compared++;
      }
    }
  }
  std::printf("%d dithered streams match the scalar loop\n", compared);
}
GST_END_TEST;

// The rounding error each method leaves on a quiet signal, in LSB^2: rounding
// alone 1/12; rpdf adds 1/3, tpdf 1/6, tpdf-hf 1/6.
GST_START_TEST(test_dither_noise_power) {
  const struct {
    DitherMethod method;
    double power;
  } cases[] = {{DitherMethod::Rpdf, 1.0 / 12 + 1.0 / 3}, {DitherMethod::Tpdf, 0.25}, {DitherMethod::TpdfHf, 0.25}};
  for (auto &c : cases) {
    Quantizer q;
    q.configure(c.method, NoiseShaping::None, 1, 16, 48000);
    const size_t n = 200000;
    std::vector<double> x(n), y(n);
    for (size_t i = 0; i < n; i++) x[i] = y[i] = 0.01 * std::sin(i * 0.001) + 0.3 / 32768;
    q.process(y.data(), n);
    double power = 0;
    for (size_t i = 0; i < n; i++) power += std::pow((y[i] - x[i]) * 32768, 2);
    power /= n;
    fail_unless(std::fabs(power - c.power) < 0.02, "method %d: noise power %g LSB^2, expected %g", int(c.method),
                power, c.power);
  }
}
GST_END_TEST;

static Suite *quantize_suite() {
  test::isas_under_test();  // SKIP before forking when the ISA is missing
  Suite *s = suite_create("dsp-quantize");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_simd_dither_matches_scalar);
  tcase_add_test(tc, test_dither_noise_power);
  return s;
}

GST_CHECK_MAIN(quantize);
