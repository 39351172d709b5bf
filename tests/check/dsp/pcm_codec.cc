// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/pcm_codec: every one of the 30 formats unpacks and packs back to the
// same samples, agrees with the native kernels on the formats both read, and
// the native-twin route (SIMD kernel plus fix-up) writes what the generic
// packer writes.
#include <gst/check/gstcheck.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "convert_pipeline.h"
#include "pcm_codec.h"

using namespace fastaudio;

namespace {

// Random samples of `f` with the bits above the depth as the packer writes
// them (zero, or the sign for S24_32), so that a round trip is exact.
std::vector<uint8_t> random_raw(PcmFormat f, size_t n) {
  const PcmInfo info = pcm_info(f);
  std::mt19937 rng(unsigned(f) + 1);
  std::vector<uint8_t> v(n * info.width);
  if (info.is_float) {
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    std::vector<double> x(n);
    for (double &d : x) d = uni(rng);
    pack_function<double>(f)(x.data(), v.data(), n);
    return v;
  }
  std::vector<double> x(n);
  for (double &d : x) d = std::ldexp(double(int64_t(rng() % (uint64_t(1) << info.depth)) - (int64_t(1) << (info.depth - 1))), 1 - info.depth);
  pack_function<double>(f)(x.data(), v.data(), n);
  return v;
}

}  // namespace

GST_START_TEST(test_round_trip_every_format) {
  const size_t n = 1000;
  for (size_t i = 0; i < kPcmFormatCount; i++) {
    const PcmFormat f = PcmFormat(i);
    const auto raw = random_raw(f, n);
    std::vector<double> x(n);
    unpack_function<double>(f)(raw.data(), x.data(), n);
    for (double v : x) fail_unless(v >= -1.0 && v < 1.0, "%s unpacked %g", pcm_format_name(f), v);
    std::vector<uint8_t> back(raw.size());
    pack_function<double>(f)(x.data(), back.data(), n);
    fail_unless(back == raw, "%s: pack(unpack(x)) != x", pcm_format_name(f));
    // The native formats read as their one-pass kernels read them.
    if (auto native = native_format(f)) {
      std::vector<double> y(n);
      find_kernel({*native, SampleFormat::F64, 1, 1, Dither::None}, Isa::Scalar)(raw.data(),
                                                                                   reinterpret_cast<uint8_t *>(y.data()), n, 1, 1);
      fail_unless(std::memcmp(x.data(), y.data(), n * 8) == 0, "%s: codec and kernel disagree", pcm_format_name(f));
    }
  }
}
GST_END_TEST;

// F32 -> each format with a native twin, through the pipeline (twin
// kernel + fix-up) and through the generic packer, on values that are no
// rounding ties: the same bytes.
GST_START_TEST(test_twin_route_matches_generic_pack) {
  const size_t n = 4099;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> uni(-1.2f, 1.2f);
  std::vector<float> in(n);
  for (float &x : in) x = uni(rng);
  in[1] = NAN, in[2] = INFINITY, in[3] = -INFINITY, in[4] = 1.0f, in[5] = -1.0f;
  int checked = 0;
  for (size_t i = 0; i < kPcmFormatCount; i++) {
    const PcmFormat f = PcmFormat(i);
    if (!native_twin(f)) continue;
    // Ties round to even in the native kernels and up in the packer: step
    // off them.
    std::vector<float> values = in;
    const double full = std::ldexp(1.0, pcm_info(f).depth - 1);
    for (float &x : values) {
      const double scaled = double(x) * full;
      if (std::isfinite(scaled) && scaled - std::floor(scaled) == 0.5) x = std::nextafter(x, 0.0f);
    }
    PipelineSpec spec;
    spec.out_format = f;
    ConvertPipeline pipeline;
    fail_unless(pipeline.configure(spec));
    std::vector<uint8_t> ours(n * pcm_info(f).width), generic(ours.size());
    pipeline.process(values.data(), ours.data(), n);
    if (pcm_info(f).depth == 64) {
      std::vector<double> wide(values.begin(), values.end());
      pack_function<double>(f)(wide.data(), generic.data(), n);
    } else {
      pack_function<float>(f)(values.data(), generic.data(), n);
    }
    fail_unless(ours == generic, "%s: twin route differs from the generic packer", pcm_format_name(f));
    checked++;
  }
  fail_unless_equals_int(checked, 14);
}
GST_END_TEST;

static Suite *pcm_codec_suite() {
  Suite *s = suite_create("dsp-pcm-codec");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_round_trip_every_format);
  tcase_add_test(tc, test_twin_route_matches_generic_pack);
  return s;
}

GST_CHECK_MAIN(pcm_codec);
