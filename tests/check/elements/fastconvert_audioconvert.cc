// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert against audioconvert, the element it stands in for: numbers
// for every format pair, channel mixing by position and by mix-matrix,
// dithering and noise shaping statistics, fixation order, rounding ties,
// chained negotiation, unpositioned channels.
#include "fastconvert_util.h"

// Every format pair of the 30 (900), stereo and stereo -> mono, within 1 LSB
// of audioconvert.
GST_START_TEST(test_matches_audioconvert) {
  const size_t frames = 1024;
  const auto formats = all_formats();
  fail_unless_equals_int(formats.size(), 30);
  for (GstAudioFormat in : formats) {
    for (GstAudioFormat out : formats) {
      for (int out_channels : {2, 1}) {
        const char *in_name = gst_audio_format_to_string(in), *out_name = gst_audio_format_to_string(out);
        auto input = test_signal(in, frames * 2);
        auto ours = run_once("fastconvert dithering=none", caps_str(in_name, 2), caps_str(out_name, out_channels), input);
        auto theirs = run_once("audioconvert dithering=none noise-shaping=none", caps_str(in_name, 2),
                               caps_str(out_name, out_channels), input);
        fail_unless_equals_int(ours.size(), theirs.size());
        const GstAudioFormatInfo *oi = gst_audio_format_get_info(out);
        const GstAudioFormatInfo *ii = gst_audio_format_get_info(in);
        double tolerance = 1.0;  // one LSB of an integer output
        if (GST_AUDIO_FORMAT_INFO_IS_FLOAT(oi))
          tolerance = GST_AUDIO_FORMAT_INFO_IS_FLOAT(ii) ? 1e-7 : std::ldexp(1.0, 1 - GST_AUDIO_FORMAT_INFO_DEPTH(ii));
        const size_t n = frames * out_channels;
        double worst = 0;
        for (size_t i = 0; i < n; i++)
          worst = std::max(worst, std::fabs(any_sample_at(ours, out, i) - any_sample_at(theirs, out, i)));
        fail_unless(worst <= tolerance, "%s -> %s, 2 -> %d ch: differs from audioconvert by %g (allowed %g)",
                    in_name, out_name, out_channels, worst, tolerance);
      }
    }
  }
}
GST_END_TEST;

static std::string positioned_caps(const char *format, int channels, guint64 mask) {
  char text[160];
  g_snprintf(text, sizeof text,
             "audio/x-raw,layout=interleaved,format=%s,rate=48000,channels=%d,channel-mask=(bitmask)0x%" G_GINT64_MODIFIER
             "x",
             format, channels, mask);
  return text;
}

static std::string negotiated_format(const std::string &in_caps, const char *downstream, gint *channels = nullptr,
                                     std::string *layout = nullptr) {
  GstHarness *h = gst_harness_new("fastconvert");
  gst_harness_set_sink_caps_str(h, downstream);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  gst_harness_push(h, gst_buffer_new_allocate(nullptr, 64 * 8, nullptr));
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  fail_unless(caps != nullptr, "nothing negotiated for %s -> %s", in_caps.c_str(), downstream);
  const GstStructure *s = gst_caps_get_structure(caps, 0);
  std::string format = gst_structure_get_string(s, "format");
  if (channels) gst_structure_get_int(s, "channels", channels);
  if (layout) *layout = gst_structure_get_string(s, "layout");
  gst_caps_unref(caps);
  gst_harness_teardown(h);
  return format;
}

// The format audioconvert would pick: the input's if offered, else the same
// depth (same family first), the first deeper one, else the deepest; and
// keeping the channel count matters more than keeping format or layout.
GST_START_TEST(test_fixation_as_audioconvert) {
  const char *all = "audio/x-raw,layout=interleaved,format={S16LE,S8,S32LE,S24LE,F32LE,F64LE}";
  // (fail_unless_equals_string keeps a pointer into its argument: the
  // strings must outlive it.)
  for (const char *f : {"S8", "S16LE", "S24LE", "S32LE"}) {
    const std::string same = negotiated_format(caps_str(f, 1), all);
    fail_unless_equals_string(same.c_str(), f);
  }
  const struct {
    const char *in, *downstream, *want;
  } cases[] = {
      {"S24LE", "audio/x-raw,layout=interleaved,format={F32LE,S32LE,S16LE}", "S32LE"},
      {"F64LE", "audio/x-raw,layout=interleaved,format={S32LE,F32LE,S16LE}", "F32LE"},
      {"U16BE", "audio/x-raw,layout=interleaved,format={F32LE,S8,S16LE}", "S16LE"},
  };
  for (const auto &c : cases) {
    const std::string got = negotiated_format(caps_str(c.in, 1), c.downstream);
    fail_unless_equals_string(got.c_str(), c.want);
  }
  gint channels = 0;
  std::string layout;
  const std::string format = negotiated_format(
      caps_str("F32LE", 1),
      "audio/x-raw,format=S16LE,layout=interleaved,channels=2;"
      "audio/x-raw,format={F32LE,F64LE},layout=non-interleaved,channels=[1,8]",
      &channels, &layout);
  fail_unless_equals_string(format.c_str(), "F32LE");
  fail_unless_equals_string(layout.c_str(), "non-interleaved");
  fail_unless_equals_int(channels, 1);
}
GST_END_TEST;

// Narrowing integers rounds ties up (away from -inf), as audioconvert's
// quantizer: S32 -> S16 and S32 -> U16 (one-pass and generic paths alike),
// S16 -> S8.
GST_START_TEST(test_integer_ties_round_up) {
  const int32_t s32[] = {(32 << 16) + (1 << 15), (32 << 16) - (1 << 15), -(32 << 16) + (1 << 15),
                         -(32 << 16) - (1 << 15), G_MININT32, G_MAXINT32};
  const double want[] = {33, 32, -31, -32, -32768, 32767};
  std::vector<uint8_t> in((const uint8_t *)s32, (const uint8_t *)s32 + sizeof s32);
  for (const char *out_format : {"S16LE", "U16LE", "S16BE"}) {
    auto out = run_once("fastconvert dithering=none", caps_str("S32LE", 1), caps_str(out_format, 1), in);
    const GstAudioFormat f = gst_audio_format_from_string(out_format);
    for (size_t i = 0; i < std::size(want); i++)
      fail_unless_equals_float(any_sample_at(out, f, i), want[i]);
  }
  const int16_t s16[] = {127, 128, 256 + 127, 256 + 128, -128, -129};
  const double want8[] = {0, 1, 1, 2, 0, -1};
  in.assign((const uint8_t *)s16, (const uint8_t *)s16 + sizeof s16);
  auto out = run_once("fastconvert dithering=none", caps_str("S16LE", 1), caps_str("S8", 1), in);
  for (size_t i = 0; i < std::size(want8); i++) fail_unless_equals_float(any_sample_at(out, GST_AUDIO_FORMAT_S8, i), want8[i]);
}
GST_END_TEST;

// Three in a row negotiate and run (each proposes what the next can take);
// unpositioned channels keep their count and values.
GST_START_TEST(test_chained_and_unpositioned) {
  GstElement *pipeline = gst_parse_launch(
      "audiotestsrc num-buffers=3 ! audio/x-raw,format=S16LE,channels=2 ! fastconvert ! fastconvert ! "
      "fastconvert ! audio/x-raw,format=F32BE ! fakesink",
      nullptr);
  fail_unless(pipeline != nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstMessage *msg = gst_bus_timed_pop_filtered(GST_ELEMENT_BUS(pipeline), 10 * GST_SECOND,
                                               GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  fail_unless(msg != nullptr && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS, "three fastconverts did not reach EOS");
  gst_message_unref(msg);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);

  const uint8_t u8[] = {0x80, 0x20, 0xff, 0x00};
  std::vector<uint8_t> in(u8, u8 + 4);
  auto out = run_once("fastconvert", "audio/x-raw,format=U8,layout=interleaved,rate=8000,channels=4,channel-mask=(bitmask)0x0",
                      "audio/x-raw,format=U16LE,channels=4,channel-mask=(bitmask)0x0", in);
  const double want[] = {0, -96 * 256, 127 * 256, -128 * 256};
  for (size_t i = 0; i < 4; i++) fail_unless_equals_float(any_sample_at(out, GST_AUDIO_FORMAT_U16LE, i), want[i]);
}
GST_END_TEST;

// Channel layouts mixed by position as audioconvert mixes them (its default
// matrix: positions, LFE, normalisation), within 1 LSB.
GST_START_TEST(test_channel_mixing_matches_audioconvert) {
  struct Layout {
    int channels;
    guint64 mask;
  };
  const Layout mono{1, 0}, stereo{2, 0x3}, quad{4, 0x33}, five_one{6, 0x3f}, seven_one{8, 0xc3f},
      left_only{1, 0x1}, centres{2, 0x104}, unpositioned{4, 0};
  const std::pair<Layout, Layout> cases[] = {
      {five_one, stereo}, {stereo, five_one}, {quad, stereo}, {seven_one, five_one}, {seven_one, stereo},
      {stereo, mono},     {mono, stereo},     {five_one, mono}, {left_only, stereo}, {centres, mono},
      {mono, seven_one},  {unpositioned, unpositioned}};
  for (const char *format : {"F32LE", "S16LE", "S24BE", "F64LE"}) {
    const GstAudioFormat f = gst_audio_format_from_string(format);
    for (auto &[in, out] : cases) {
      const size_t frames = 777;
      auto input = test_signal(f, frames * in.channels);
      const std::string ic = positioned_caps(format, in.channels, in.mask);
      const std::string oc = positioned_caps(format, out.channels, out.mask);
      auto ours = run_once("fastconvert dithering=none", ic, oc, input);
      auto theirs = run_once("audioconvert dithering=none noise-shaping=none", ic, oc, input);
      fail_unless_equals_int(ours.size(), theirs.size());
      const bool is_float = GST_AUDIO_FORMAT_INFO_IS_FLOAT(gst_audio_format_get_info(f));
      double worst = 0;
      for (size_t i = 0; i < frames * out.channels; i++)
        worst = std::max(worst, std::fabs(any_sample_at(ours, f, i) - any_sample_at(theirs, f, i)));
      fail_unless(worst <= (is_float ? 4e-7 : 1.0), "%s %d ch 0x%" G_GINT64_MODIFIER "x -> %d ch: off by %g", format,
                  in.channels, in.mask, out.channels, worst);
    }
  }
  // Positions are honoured: mono at front-left reaches the left channel only.
  const float x[] = {0.25f, -0.5f};
  std::vector<uint8_t> in((const uint8_t *)x, (const uint8_t *)x + sizeof x);
  auto out = run_once("fastconvert", positioned_caps("F32LE", 1, 0x1), positioned_caps("F32LE", 2, 0x3), in);
  fail_unless_equals_float(sample_at(out, GST_AUDIO_FORMAT_F32LE, 0), 0.25);
  fail_unless_equals_float(sample_at(out, GST_AUDIO_FORMAT_F32LE, 1), 0.0);
  fail_unless_equals_float(sample_at(out, GST_AUDIO_FORMAT_F32LE, 2), -0.5);
  fail_unless_equals_float(sample_at(out, GST_AUDIO_FORMAT_F32LE, 3), 0.0);
}
GST_END_TEST;

// The same mix-matrix in both elements gives the same samples (within 1
// LSB): 5 unpositioned -> 3 with gains past 1, and 63 -> stereo.
GST_START_TEST(test_mix_matrix_matches_audioconvert) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> coef(-1.5f, 1.5f);
  for (auto [ic, oc] : {std::pair{5, 3}, std::pair{63, 2}}) {  // audioconvert mixes fewer than 64
    std::vector<std::vector<float>> rows(oc, std::vector<float>(ic));
    for (auto &row : rows)
      for (float &x : row) x = coef(rng) / float(ic / 4 + 1);
    for (const char *format : {"F32LE", "S16LE"}) {
      const GstAudioFormat f = gst_audio_format_from_string(format);
      const size_t frames = 300;
      const auto input = test_signal(f, frames * ic);
      char in_caps[160];
      g_snprintf(in_caps, sizeof in_caps, "audio/x-raw,layout=interleaved,format=%s,rate=48000,channels=%d,"
                 "channel-mask=(bitmask)0x0", format, ic);
      const std::string out_caps = caps_str(format, oc);  // positioned: audioconvert fixates no other
      std::vector<uint8_t> outputs[2];
      const char *elements[2] = {"fastconvert", "audioconvert"};
      for (int e = 0; e < 2; e++) {
        GstHarness *h = gst_harness_new_parse(e == 0 ? "fastconvert dithering=none" : "audioconvert dithering=none");
        harness_util::set_mix_matrix(h, rows, elements[e]);
        gst_harness_set_sink_caps_str(h, out_caps.c_str());
        gst_harness_set_src_caps_str(h, in_caps);
        const GstFlowReturn flow = gst_harness_push(h, gst_buffer_new_memdup(input.data(), input.size()));
        fail_unless(flow == GST_FLOW_OK, "%s, %s %d -> %d: flow %s", elements[e], format, ic, oc, gst_flow_get_name(flow));
        GstBuffer *out = gst_harness_pull(h);
        outputs[e] = bytes_of(out);
        gst_buffer_unref(out);
        gst_harness_teardown(h);
      }
      fail_unless_equals_int(outputs[0].size(), outputs[1].size());
      double worst = 0;
      for (size_t i = 0; i < frames * oc; i++)
        worst = std::max(worst, std::fabs(any_sample_at(outputs[0], f, i) - any_sample_at(outputs[1], f, i)));
      fail_unless(worst <= (f == GST_AUDIO_FORMAT_F32LE ? 2e-6 : 1.0), "%s %d -> %d: off by %g", format, ic, oc, worst);
    }
  }
}
GST_END_TEST;

// mix-matrix: out = m x in, as audioconvert; a wrong shape is refused at
// negotiation, ragged rows when set.
GST_START_TEST(test_mix_matrix) {
  GstHarness *h = harness_with_bus("fastconvert");
  const std::vector<std::vector<float>> matrix = {{0.5f, 0.25f}, {0.0f, 1.0f}, {-1.0f, 0.0f}};
  harness_util::set_mix_matrix(h, matrix);
  gst_harness_set_src_caps_str(h, caps_str("F32LE", 2).c_str());
  gst_harness_set_sink_caps_str(h, "audio/x-raw,format=F32LE,channels=3,channel-mask=(bitmask)0x0");
  const float x[] = {0.5f, -0.25f};
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_memdup(x, sizeof x)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  auto bytes = bytes_of(out);
  fail_unless_equals_int(bytes.size(), 12);
  fail_unless_equals_float(sample_at(bytes, GST_AUDIO_FORMAT_F32LE, 0), 0.1875);
  fail_unless_equals_float(sample_at(bytes, GST_AUDIO_FORMAT_F32LE, 1), -0.25);
  fail_unless_equals_float(sample_at(bytes, GST_AUDIO_FORMAT_F32LE, 2), -0.5);
  gst_buffer_unref(out);
  teardown_with_bus(h);

  // Ragged rows are refused when set, keeping the previous matrix (NaN and
  // Inf are outside the property's range: GObject refuses them).
  h = harness_with_bus("fastconvert");
  harness_util::set_mix_matrix(h, {{0.5f, 1.0f}, {1.0f}});
  GstElement *e = gst_harness_find_element(h, "fastconvert");
  GValue now = G_VALUE_INIT;
  g_value_init(&now, GST_TYPE_ARRAY);
  g_object_get_property(G_OBJECT(e), "mix-matrix", &now);
  fail_unless_equals_int(gst_value_array_get_size(&now), 0);
  g_value_unset(&now);
  gst_object_unref(e);
  teardown_with_bus(h);

  // 3 rows of 2 cannot mix 4 channels: negotiation fails.
  h = harness_with_bus("fastconvert");
  harness_util::set_mix_matrix(h, matrix);
  gst_harness_set_sink_caps_str(h, "audio/x-raw,format=F32LE,channels=3,channel-mask=(bitmask)0x0");
  gst_harness_set_src_caps_str(h, caps_str("F32LE", 4).c_str());
  fail_unless(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 16, nullptr)) == GST_FLOW_NOT_NEGOTIATED);
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 0);
  teardown_with_bus(h);
}
GST_END_TEST;

// Noise power and its lag-1 correlation (negative: pushed up in frequency)
// of F32 -> S16 rounding error, in LSB.
static std::pair<double, double> error_statistics(const char *element, const std::vector<uint8_t> &input) {
  auto out = run_once(element, caps_str("F32LE", 1), caps_str("S16LE", 1), input);
  const size_t n = out.size() / 2;
  std::vector<double> e(n);
  for (size_t i = 0; i < n; i++) e[i] = sample_at(out, GST_AUDIO_FORMAT_S16LE, i) - sample_at(input, GST_AUDIO_FORMAT_F32LE, i) * 32768;
  double power = 0, lag1 = 0;
  for (size_t i = 0; i < n; i++) power += e[i] * e[i], lag1 += i ? e[i] * e[i - 1] : 0;
  return {power / n, lag1 / power};
}

// Each dithering and noise-shaping method against audioconvert's at the same
// setting: outputs are random, so their noise power and spectral tilt (lag-1
// correlation) are compared, not their bits.
GST_START_TEST(test_dither_and_noise_shaping_match_audioconvert) {
  const size_t n = 48000;
  std::vector<uint8_t> input(n * 4);
  for (size_t i = 0; i < n; i++) {
    const float x = float(0.01 * std::sin(i * 0.0137) + 0.3 / 32768);
    std::memcpy(&input[i * 4], &x, 4);
  }
  for (const char *dither : {"none", "rpdf", "tpdf", "tpdf-hf"}) {
    for (const char *shaping : {"none", "error-feedback", "simple", "medium", "high"}) {
      const std::string settings = std::string(" dithering=") + dither + " noise-shaping=" + shaping;
      auto [power, tilt] = error_statistics(("fastconvert" + settings).c_str(), input);
      auto [their_power, their_tilt] = error_statistics(("audioconvert" + settings).c_str(), input);
      fail_unless(power > 0.6 * their_power && power < 1.6 * their_power + 0.02,
                  "%s: noise power %g LSB^2, audioconvert's %g", settings.c_str(), power, their_power);
      fail_unless(std::fabs(tilt - their_tilt) < 0.15, "%s: lag-1 correlation %g, audioconvert's %g",
                  settings.c_str(), tilt, their_tilt);
    }
  }
  // Above the threshold (24 bits > 20) nothing is added: the output is exact.
  auto [power, tilt] = error_statistics("fastconvert dithering=tpdf dithering-threshold=8", input);
  fail_unless(power < 0.1, "dithered above the threshold: %g LSB^2", power);
  (void)tilt;
}
GST_END_TEST;

static Suite *fastconvert_audioconvert_suite() {
  Suite *s = suite_create("fastconvert-audioconvert");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_matches_audioconvert);
  tcase_add_test(tc, test_fixation_as_audioconvert);
  tcase_add_test(tc, test_integer_ties_round_up);
  tcase_add_test(tc, test_chained_and_unpositioned);
  tcase_add_test(tc, test_channel_mixing_matches_audioconvert);
  tcase_add_test(tc, test_mix_matrix);
  tcase_add_test(tc, test_mix_matrix_matches_audioconvert);
  tcase_add_test(tc, test_dither_and_noise_shaping_match_audioconvert);
  return s;
}

GST_CHECK_MAIN(fastconvert_audioconvert);
