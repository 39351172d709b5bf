// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/mix: every SIMD mixing kernel bit for bit against the scalar
// reference (NaN, Inf and -0 included), and the conversion pipeline's mixed
// output against a mix done by hand.
#include <gst/check/gstcheck.h>

#include <cmath>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "convert_pipeline.h"
#include "isa_under_test.h"
#include "mix.h"

using namespace fastaudio;

GST_START_TEST(test_mix_kernels_match_reference) {
  const unsigned shapes[][2] = {{1, 2}, {2, 1}, {6, 2}, {8, 2}, {6, 6}, {3, 5}, {2, 8}, {64, 3}};
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uni(-1.2f, 1.2f);
  int compared = 0;
  for (Isa isa : test::isas_under_test()) {
    for (auto &shape : shapes) {
      const unsigned ic = shape[0], oc = shape[1];
      std::vector<float> m(ic * oc);
      for (float &x : m) x = uni(rng);
      MixKernel<float> kernel = find_mix_kernel(ic, oc, isa);
      for (size_t frames : {0u, 1u, 7u, 8u, 9u, 31u, 1000u}) {
        std::vector<float> in(frames * ic), ours(frames * oc, -9.f), ref(frames * oc, 9.f);
        for (float &x : in) x = uni(rng);
        if (frames > 3) in[3] = 1.0f, in[1] = -1.0f, in[2] = -0.0f;
        if (frames > 20) in[17] = NAN, in[19] = INFINITY, in[20] = -INFINITY, in[18] = 1.0000001f;
        kernel(m.data(), in.data(), ours.data(), frames, ic, oc);
        mix_reference<float>(m.data(), in.data(), ref.data(), frames, ic, oc);
        for (size_t i = 0; i < ref.size(); i++)
          fail_unless(std::memcmp(&ours[i], &ref[i], 4) == 0,
                      "%s %u -> %u, %zu frames: sample %zu is %g, reference %g", isa_name(isa), ic, oc, frames, i,
                      ours[i], ref[i]);
        compared++;
      }
    }
  }
  fail_unless(compared >= 56);
}
GST_END_TEST;

// 6 -> 2 channels by `m` (left row, then right row), no dither.
static PipelineSpec six_to_two(PcmFormat in, PcmFormat out, std::vector<float> m) {
  PipelineSpec spec;
  spec.in_format = in;
  spec.out_format = out;
  spec.in_channels = 6;
  spec.out_channels = 2;
  spec.matrix = {6, 2, std::move(m)};
  return spec;
}

// 5.1 S16BE -> stereo S16LE through the pipeline equals the matrix applied
// by hand, rounded (no dither).
GST_START_TEST(test_pipeline_mixes_any_format) {
  PipelineSpec spec = six_to_two(PcmFormat::S16BE, PcmFormat::S16LE,
                                 {0.3f, 0.f, 0.2f, 0.1f, 0.25f, 0.f, 0.f, 0.3f, 0.2f, 0.1f, 0.f, 0.25f});
  ConvertPipeline pipeline;
  fail_unless(pipeline.configure(spec));
  const size_t frames = 1001;
  std::mt19937 rng(3);
  std::vector<int16_t> values(frames * 6);
  std::vector<uint8_t> in(frames * 12);
  for (size_t i = 0; i < values.size(); i++) {
    values[i] = int16_t(rng());
    in[2 * i] = uint8_t(uint16_t(values[i]) >> 8), in[2 * i + 1] = uint8_t(values[i]);
  }
  std::vector<int16_t> out(frames * 2);
  pipeline.process(in.data(), out.data(), frames);
  for (size_t f = 0; f < frames; f++) {
    for (unsigned o = 0; o < 2; o++) {
      double want = 0;
      for (unsigned i = 0; i < 6; i++) want += spec.matrix.at(o, i) * values[f * 6 + i];
      fail_unless(std::fabs(out[f * 2 + o] - want) <= 0.5 + 1e-3, "frame %zu out %u: %d, want %g", f, o,
                  out[f * 2 + o], want);
    }
  }
  // A matrix of the wrong shape or with a NaN is refused.
  spec.matrix.m.pop_back();
  fail_unless(!pipeline.configure(spec));
  spec.matrix.m.push_back(NAN);
  fail_unless(!pipeline.configure(spec));
}
GST_END_TEST;

// 5.1 F32 -> stereo S16LE is exactly its stages: mix_reference(), then the
// one-pass F32 -> S16 kernel (ties to even: 0.5 and 1.5 LSB give 0 and 2),
// and nothing after them.
GST_START_TEST(test_pipeline_is_its_stages) {
  const PipelineSpec spec = six_to_two(PcmFormat::F32LE, PcmFormat::S16LE,
                                       {1.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.3f, 0.2f, 0.1f, 0.f, 0.25f});
  ConvertPipeline pipeline;
  fail_unless(pipeline.configure(spec));
  const size_t frames = 999;
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> uni(-1.1f, 1.1f);
  std::vector<float> in(frames * 6), mixed(frames * 2);
  for (float &x : in) x = uni(rng);
  in[0] = 0.5f / 32768, in[6] = 1.5f / 32768;
  std::vector<int16_t> ours(frames * 2), want(frames * 2);
  pipeline.process(in.data(), ours.data(), frames);
  mix_reference<float>(spec.matrix.m.data(), in.data(), mixed.data(), frames, 6, 2);
  find_kernel({SampleFormat::F32, SampleFormat::S16, 1, 1, Dither::None}, Isa::Scalar)(
      reinterpret_cast<const uint8_t *>(mixed.data()), reinterpret_cast<uint8_t *>(want.data()), frames * 2, 1, 1);
  fail_unless_equals_int(ours[0], 0);
  fail_unless_equals_int(ours[2], 2);
  fail_unless(ours == want, "the pipeline is not mix then pack");
}
GST_END_TEST;

static Suite *mix_suite() {
  test::isas_under_test();  // SKIP before forking when the ISA is missing
  Suite *s = suite_create("dsp-mix");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_mix_kernels_match_reference);
  tcase_add_test(tc, test_pipeline_mixes_any_format);
  tcase_add_test(tc, test_pipeline_is_its_stages);
  return s;
}

GST_CHECK_MAIN(mix);
