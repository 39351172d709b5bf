// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/convert: SIMD kernels against the scalar reference, and the reference
// against the numeric rules it defines.
#include <gst/check/gstcheck.h>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "convert.h"
#include "convert_reference.h"
#include "isa_under_test.h"

using namespace fastaudio;

namespace {

// Random input with the edge cases every kernel must agree on.
std::vector<uint8_t> make_input(SampleFormat f, size_t samples, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> data(samples * sample_bytes(f));
  for (auto &b : data) b = uint8_t(rng());
  auto put_float = [&](size_t i, double v) {
    if (f == SampleFormat::F32) {
      float x = float(v);
      std::memcpy(&data[i * 4], &x, 4);
    } else {
      std::memcpy(&data[i * 8], &v, 8);
    }
  };
  if (is_float(f)) {
    std::uniform_real_distribution<double> uni(-1.2, 1.2);
    const double edges[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.0000001, -1.0000001, 2.0, -2.0, 1e30, -1e30,
                            std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                            std::nan(""), 1.5 / 32768, 2.5 / 32768, -1.5 / 32768, 0.5 / 2147483648.0,
                            32767.5 / 32768, 1e-45, 5e-324};
    for (size_t i = 0; i < samples; i++) put_float(i, uni(rng));
    for (size_t i = 0; i < std::size(edges) && i * 7 < samples; i++) put_float(i * 7, edges[i]);
    // A stereo frame of -0 and -0 (their mean is +0) and of NaN, +Inf.
    if (samples > 203) put_float(200, -0.0), put_float(201, -0.0), put_float(202, std::nan("")), put_float(203, 1e300);
  }
  return data;
}

const unsigned kChannelCases[][2] = {{1, 1}, {2, 2}, {2, 1}, {1, 2}, {6, 1}, {1, 6}, {3, 3}};

}  // namespace

// Every SIMD kernel (ORC, Highway or hand-written) of every ISA under test
// against the reference, byte for byte, where the ISA has a kernel of its
// own for the pair.
GST_START_TEST(test_simd_matches_reference) {
  int compared = 0, expected = 0;
  for (Isa isa : test::isas_under_test()) {
    if (isa == Isa::Scalar) continue;  // the reference itself
    int kernels = 0;
    for (SampleFormat in : kAllSampleFormats) {
      for (SampleFormat out : kAllSampleFormats) {
        for (auto &ch : kChannelCases) {
          ConvertSpec spec{in, out, ch[0], ch[1], Dither::None};
          ConvertKernel simd = find_kernel(spec, isa);
          ConvertKernel scalar = find_kernel(spec, Isa::Scalar);
          if (simd == scalar) continue;
          kernels++;
          // Odd lengths exercise every tail.
          for (size_t frames : {0u, 1u, 7u, 15u, 16u, 17u, 33u, 1000u, 4099u}) {
            auto input = make_input(in, frames * ch[0], uint32_t(frames));
            std::vector<uint8_t> a(frames * ch[1] * sample_bytes(out) + 1, 0xAA);
            std::vector<uint8_t> b(a);
            simd(input.data(), a.data(), frames, ch[0], ch[1]);
            scalar(input.data(), b.data(), frames, ch[0], ch[1]);
            fail_unless(a == b, "%s: %s -> %s, %u -> %u ch, %zu frames: differs from reference", isa_name(isa),
                        sample_format_name(in), sample_format_name(out), ch[0], ch[1], frames);
          }
        }
      }
    }
    std::printf("%s: %d kernels match the reference\n", isa_name(isa), kernels);
    compared += kernels;
    // ORC has 6 pairs (5 on ARM64); Highway 10 on every other ISA.
    expected += isa == Isa::Orc ? 5 : 10;
  }
  fail_unless(compared >= expected, "expected at least %d SIMD kernels, found %d", expected, compared);
}
GST_END_TEST;

template <typename T>
static T convert_one(SampleFormat in, SampleFormat out, const void *x, Isa isa) {
  Converter c;
  fail_unless(c.configure({in, out, 1, 1, Dither::None}, isa));
  // Repeat the sample so the SIMD body, not only its tail, handles it.
  uint8_t src[32 * 8], dst[32 * 8];
  for (int i = 0; i < 32; i++) std::memcpy(src + i * sample_bytes(in), x, sample_bytes(in));
  c.process(src, dst, 32);
  T first, last;
  std::memcpy(&first, dst, sizeof(T));
  std::memcpy(&last, dst + 31 * sample_bytes(out), sizeof(T));
  fail_unless(std::memcmp(&first, &last, sizeof(T)) == 0);
  return first;
}

GST_START_TEST(test_numeric_rules) {
  for (Isa isa : test::isas_under_test()) {
    auto f2s16 = [isa](float x) { return convert_one<int16_t>(SampleFormat::F32, SampleFormat::S16, &x, isa); };
    fail_unless_equals_int(f2s16(1.0f), 32767);
    fail_unless_equals_int(f2s16(-1.0f), -32768);
    fail_unless_equals_int(f2s16(0.5f), 16384);
    fail_unless_equals_int(f2s16(1.5f / 32768), 2);   // ties to even
    fail_unless_equals_int(f2s16(2.5f / 32768), 2);
    fail_unless_equals_int(f2s16(-1.5f / 32768), -2);
    fail_unless_equals_int(f2s16(std::nanf("")), 0);
    fail_unless_equals_int(f2s16(INFINITY), 32767);
    fail_unless_equals_int(f2s16(-INFINITY), -32768);
    fail_unless_equals_int(f2s16(7.0f), 32767);

    auto f2s32 = [isa](float x) { return convert_one<int32_t>(SampleFormat::F32, SampleFormat::S32, &x, isa); };
    fail_unless_equals_int(f2s32(1.0f), INT32_MAX);
    fail_unless_equals_int(f2s32(-1.0f), INT32_MIN);
    fail_unless_equals_int(f2s32(0.25f), 1 << 29);
    fail_unless_equals_int(f2s32(std::nanf("")), 0);
    fail_unless_equals_int(f2s32(INFINITY), INT32_MAX);
    fail_unless_equals_int(f2s32(-INFINITY), INT32_MIN);

    int16_t s = -32768;
    fail_unless_equals_float(convert_one<float>(SampleFormat::S16, SampleFormat::F32, &s, isa), -1.0f);
    s = 16384;
    fail_unless_equals_float(convert_one<float>(SampleFormat::S16, SampleFormat::F32, &s, isa), 0.5f);
    int32_t i32 = INT32_MIN;
    fail_unless_equals_float(convert_one<float>(SampleFormat::S32, SampleFormat::F32, &i32, isa), -1.0f);
    s = -2;
    fail_unless_equals_int(convert_one<int32_t>(SampleFormat::S16, SampleFormat::S32, &s, isa), -2 << 16);
    i32 = 0x7fffffff;  // rounds up past full scale: saturates
    fail_unless_equals_int(convert_one<int16_t>(SampleFormat::S32, SampleFormat::S16, &i32, isa), 32767);
    i32 = (3 << 16) + 0x8000;  // half rounds up
    fail_unless_equals_int(convert_one<int16_t>(SampleFormat::S32, SampleFormat::S16, &i32, isa), 4);
    i32 = -(3 << 16) - 0x8000;
    fail_unless_equals_int(convert_one<int16_t>(SampleFormat::S32, SampleFormat::S16, &i32, isa), -3);
  }
  uint8_t u8 = 128;
  fail_unless_equals_float(convert_one<float>(SampleFormat::U8, SampleFormat::F32, &u8, Isa::Scalar), 0.0f);
  u8 = 0;
  fail_unless_equals_float(convert_one<float>(SampleFormat::U8, SampleFormat::F32, &u8, Isa::Scalar), -1.0f);
  int8_t s8 = -128;
  fail_unless_equals_int(convert_one<uint8_t>(SampleFormat::S8, SampleFormat::U8, &s8, Isa::Scalar), 0);
  const uint8_t s24[4] = {0x00, 0x00, 0x80, 0};  // -2^23, three bytes
  fail_unless_equals_float(convert_one<float>(SampleFormat::S24, SampleFormat::F32, s24, Isa::Scalar), -1.0f);
  int32_t s24_32 = 0x00800000;  // bit 23 set: negative full scale, sign-extended
  fail_unless_equals_float(convert_one<float>(SampleFormat::S24_32, SampleFormat::F32, &s24_32, Isa::Scalar), -1.0f);
  float one = 1.0f;
  int32_t s24_max = convert_one<int32_t>(SampleFormat::F32, SampleFormat::S24_32, &one, Isa::Scalar);
  fail_unless_equals_int(s24_max, (1 << 23) - 1);
}
GST_END_TEST;

// Every integer sample survives int -> F64 -> int, and S16/S24 via F32.
GST_START_TEST(test_lossless_round_trips) {
  for (SampleFormat f : kAllSampleFormats) {
    if (is_float(f)) continue;
    for (SampleFormat mid : {SampleFormat::F64, SampleFormat::F32}) {
      if (mid == SampleFormat::F32 && sample_bits(f) > 24) continue;
      auto input = make_input(f, 65536, 7);
      if (f == SampleFormat::S24_32)  // only 24 significant bits: keep the container sign-extended
        for (size_t i = 0; i < input.size(); i += 4) input[i + 3] = (input[i + 2] & 0x80) ? 0xff : 0;
      std::vector<uint8_t> wide(65536 * sample_bytes(mid)), back(input.size());
      Converter there, home;
      fail_unless(there.configure({f, mid, 1, 1, Dither::None}));
      fail_unless(home.configure({mid, f, 1, 1, Dither::None}));
      there.process(input.data(), wide.data(), 65536);
      home.process(wide.data(), back.data(), 65536);
      fail_unless(input == back, "%s via %s is not lossless", sample_format_name(f), sample_format_name(mid));
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_channel_mixing) {
  const int16_t stereo[] = {100, 300, -32768, -32768, 32767, 32767, 1, 0};
  float mono[4];
  Converter c;
  fail_unless(c.configure({SampleFormat::S16, SampleFormat::F32, 2, 1, Dither::None}));
  c.process(stereo, mono, 4);
  fail_unless_equals_float(mono[0], 200.0f / 32768);
  fail_unless_equals_float(mono[1], -1.0f);
  fail_unless_equals_float(mono[2], 32767.0f / 32768);
  fail_unless_equals_float(mono[3], 0.5f / 32768);

  const float six[] = {0.6f, 0.6f, 0.6f, 0.6f, 0.6f, -3.0f};
  int16_t down;
  fail_unless(c.configure({SampleFormat::F32, SampleFormat::S16, 6, 1, Dither::None}));
  c.process(six, &down, 1);
  fail_unless_equals_int(down, int(std::nearbyint(0.0f * 32768)));

  const int16_t up_in[] = {-5, 7};
  double up[8];
  fail_unless(c.configure({SampleFormat::S16, SampleFormat::F64, 1, 4, Dither::None}));
  c.process(up_in, up, 2);
  for (int i = 0; i < 4; i++) {
    fail_unless_equals_float(up[i], -5.0 / 32768);
    fail_unless_equals_float(up[4 + i], 7.0 / 32768);
  }
  fail_if(c.configure({SampleFormat::S16, SampleFormat::F32, 3, 2, Dither::None}), "3 -> 2 is not supported");
  fail_if(c.configure({SampleFormat::S16, SampleFormat::F32, 0, 1, Dither::None}));
}
GST_END_TEST;

// Every conversion whose frames keep their size runs in place (same bytes
// as into another buffer) on every instruction set, dithered or not: F32 <->
// S32, stereo S16 -> mono F32 (a device's audio for a recogniser), mono F32
// -> stereo S16, ...
GST_START_TEST(test_in_place) {
  const std::vector<Isa> isas = test::isas_under_test();
  const unsigned channel_cases[][2] = {{1, 1}, {2, 2}, {2, 1}, {1, 2}, {4, 1}, {1, 4}, {6, 6}};
  int checked = 0;
  for (Isa isa : isas)
    for (SampleFormat a : kAllSampleFormats)
      for (SampleFormat b : kAllSampleFormats)
        for (auto &ch : channel_cases)
          for (Dither dither : {Dither::None, Dither::Tpdf}) {
            const ConvertSpec spec{a, b, ch[0], ch[1], dither};
            Converter c, twin;
            if (!c.configure(spec, isa) || !twin.configure(spec, isa)) continue;
            const bool same_size = sample_bytes(a) * ch[0] == sample_bytes(b) * ch[1];
            fail_unless_equals_int(c.can_run_in_place(), same_size);
            if (!same_size) continue;
            const size_t frames = 1027;
            auto input = make_input(a, frames * ch[0], 3);
            std::vector<uint8_t> expected(frames * c.out_frame_bytes()), buf = input;
            twin.process(input.data(), expected.data(), frames);
            c.process(buf.data(), buf.data(), frames);
            fail_unless(buf == expected, "%s %s -> %s, %u -> %u channels, dither %d: in place differs",
                        isa_name(isa), sample_format_name(a), sample_format_name(b), ch[0], ch[1], int(dither));
            checked++;
          }
  fail_unless(checked >= 4 * 6, "only %d in-place cases", checked);
}
GST_END_TEST;

GST_START_TEST(test_tpdf_dither) {
  const size_t n = 200000;
  std::vector<float> in(n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uni(-0.9f, 0.9f);
  for (auto &x : in) x = uni(rng);
  std::vector<int16_t> plain(n), dithered(n);
  Converter c;
  fail_unless(c.configure({SampleFormat::F32, SampleFormat::S16, 1, 1, Dither::None}));
  c.process(in.data(), plain.data(), n);
  fail_unless(c.configure({SampleFormat::F32, SampleFormat::S16, 1, 1, Dither::Tpdf}));
  c.process(in.data(), dithered.data(), n);
  double sum_err = 0, sum_sq = 0;
  size_t changed = 0;
  for (size_t i = 0; i < n; i++) {
    double err = dithered[i] - double(in[i]) * 32768;
    fail_unless(std::fabs(err) < 1.5 + 1e-9, "dither error %f LSB at %zu", err, i);
    sum_err += err;
    sum_sq += err * err;
    changed += dithered[i] != plain[i];
  }
  // TPDF(+-1) plus rounding: mean 0, variance 1/6 + 1/12 = 0.25 LSB^2.
  fail_unless(std::fabs(sum_err / n) < 0.01, "dither is biased: %f", sum_err / n);
  fail_unless(std::fabs(sum_sq / n - 0.25) < 0.02, "dither variance %f, expected 0.25", sum_sq / n);
  fail_unless(changed > n / 10);
}
GST_END_TEST;

static Suite *convert_suite() {
  test::isas_under_test();  // SKIP before forking when the ISA is missing
  Suite *s = suite_create("dsp-convert");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_simd_matches_reference);
  tcase_add_test(tc, test_numeric_rules);
  tcase_add_test(tc, test_lossless_round_trips);
  tcase_add_test(tc, test_channel_mixing);
  tcase_add_test(tc, test_in_place);
  tcase_add_test(tc, test_tpdf_dither);
  return s;
}

GST_CHECK_MAIN(convert);
