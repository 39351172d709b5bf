// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert element: zero-copy paths, numbers against audioconvert,
// negotiation, stream behaviour and bad input.
#include "harness_util.h"

using harness_util::bytes_of;
using harness_util::caps_str;
using harness_util::harness_with_bus;
using harness_util::sample_at;
using harness_util::teardown_with_bus;


static GstHarness *make_harness(const char *element, const std::string &in_caps, const std::string &out_caps) {
  GstHarness *h = gst_harness_new_parse(element);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  gst_harness_set_sink_caps_str(h, out_caps.c_str());
  return h;
}

static GstBuffer *buffer_from(const std::vector<uint8_t> &bytes, GstClockTime pts = 0) {
  GstBuffer *buf = gst_buffer_new_memdup(bytes.data(), bytes.size());
  GST_BUFFER_PTS(buf) = pts;
  return buf;
}


// Random samples plus full-scale and just-past-full-scale values.
// Big-endian floats are the little-endian ones byte-swapped.
static std::vector<uint8_t> test_signal(GstAudioFormat format, size_t samples) {
  const bool swap = format == GST_AUDIO_FORMAT_F32BE || format == GST_AUDIO_FORMAT_F64BE;
  const GstAudioFormat generated = format == GST_AUDIO_FORMAT_F32BE   ? GST_AUDIO_FORMAT_F32LE
                                   : format == GST_AUDIO_FORMAT_F64BE ? GST_AUDIO_FORMAT_F64LE
                                                                      : format;
  auto v = harness_util::random_samples(generated, samples, 42, 1.0,
                                        {1.0, -1.0, 0.0, 1.1, -1.1, 0.99999, -0.99999, 0.5 / 32768, 1.5 / 32768});
  const size_t width = GST_AUDIO_FORMAT_INFO_WIDTH(gst_audio_format_get_info(format)) / 8;
  if (swap)
    for (size_t i = 0; i < v.size(); i += width) std::reverse(v.begin() + i, v.begin() + i + width);
  return v;
}


static std::vector<uint8_t> run_once(const char *element, const std::string &in_caps, const std::string &out_caps,
                                     const std::vector<uint8_t> &input) {
  GstHarness *h = make_harness(element, in_caps, out_caps);
  fail_unless_equals_int(gst_harness_push(h, buffer_from(input)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  fail_unless(out != nullptr);
  std::vector<uint8_t> bytes = bytes_of(out);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
  return bytes;
}

// Sample i of any format as a number in its own units (LSBs for integers),
// through GStreamer's own unpacking.
static double any_sample_at(const std::vector<uint8_t> &v, GstAudioFormat format, size_t i) {
  const GstAudioFormatInfo *info = gst_audio_format_get_info(format);
  const int width = GST_AUDIO_FORMAT_INFO_WIDTH(info) / 8;
  if (GST_AUDIO_FORMAT_INFO_IS_FLOAT(info)) {
    double x;
    info->unpack_func(info, GST_AUDIO_PACK_FLAG_NONE, &x, &v[i * width], 1);
    return x;
  }
  int32_t x;
  info->unpack_func(info, GST_AUDIO_PACK_FLAG_NONE, &x, &v[i * width], 1);
  // Some unpackers repeat the sample's bits below it: keep the sample's own.
  return double(x >> (32 - GST_AUDIO_FORMAT_INFO_DEPTH(info)));
}

// GST_AUDIO_FORMATS_ALL: every format audioconvert takes.
static std::vector<GstAudioFormat> all_formats() {
  std::vector<GstAudioFormat> formats;
  for (int f = GST_AUDIO_FORMAT_S8; f <= GST_AUDIO_FORMAT_F64BE; f++) formats.push_back(GstAudioFormat(f));
  return formats;
}

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

GST_START_TEST(test_passthrough_same_buffer) {
  GstHarness *h = make_harness("fastconvert", caps_str("S16LE", 2), caps_str("S16LE", 2));
  GstBuffer *in = gst_buffer_new_allocate(nullptr, 480 * 4, nullptr);
  gst_buffer_memset(in, 0, 1, 480 * 4);
  GST_BUFFER_PTS(in) = 0;
  GstBuffer *out = (gst_harness_push(h, gst_buffer_ref(in)), gst_harness_pull(h));
  fail_unless(out == in, "identical caps must pass the very same buffer");
  gst_buffer_unref(out);
  gst_buffer_unref(in);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_in_place_no_new_memory) {
  struct Case {
    const char *from;
    int from_channels;
    const char *to;
    int to_channels;
  } cases[] = {{"F32LE", 2, "S32LE", 2}, {"S32LE", 2, "F32LE", 2}, {"S16LE", 2, "F32LE", 1}, {"F32LE", 1, "S16LE", 2}};
  for (auto [from, from_channels, to, to_channels] : cases) {
    GstHarness *h = make_harness("fastconvert", caps_str(from, from_channels), caps_str(to, to_channels));
    GstBuffer *in = gst_buffer_new_allocate(nullptr, 960 * 4, nullptr);
    gst_buffer_memset(in, 0, 0, 960 * 4);
    GST_BUFFER_PTS(in) = 0;
    GstMemory *mem = gst_buffer_peek_memory(in, 0);
    GstMapInfo map;
    gst_memory_map(mem, &map, GST_MAP_READ);
    const guint8 *data = map.data;
    gst_memory_unmap(mem, &map);
    fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);  // harness holds the only ref: writable
    GstBuffer *out = gst_harness_pull(h);
    fail_unless(out == in, "%s -> %s must convert in the same buffer", from, to);
    fail_unless(gst_buffer_peek_memory(out, 0) == mem);
    gst_memory_map(gst_buffer_peek_memory(out, 0), &map, GST_MAP_READ);
    fail_unless(map.data == data, "memory was reallocated");
    gst_memory_unmap(gst_buffer_peek_memory(out, 0), &map);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}
GST_END_TEST;

// A buffer someone else still holds (after a tee) is read, never written:
// the output comes from the pool, the input keeps its samples. A writable
// buffer with a GstAudioMeta (which names the old format) is not reused either.
GST_START_TEST(test_shared_input_is_not_written) {
  for (bool shared : {true, false}) {
    GstHarness *h = make_harness("fastconvert", caps_str("S16LE", 2), caps_str("F32LE", 1));
    const size_t frames = 480;
    GstBuffer *in = gst_buffer_new_allocate(nullptr, frames * 4, nullptr);
    GstMapInfo map;
    gst_buffer_map(in, &map, GST_MAP_WRITE);
    auto *samples = reinterpret_cast<int16_t *>(map.data);
    for (size_t i = 0; i < 2 * frames; i++) samples[i] = int16_t(i % 2 ? -1000 : 3000);
    gst_buffer_unmap(in, &map);
    GST_BUFFER_PTS(in) = 0;
    GstAudioInfo info;
    gst_audio_info_set_format(&info, GST_AUDIO_FORMAT_S16LE, 48000, 2, nullptr);
    if (!shared) gst_buffer_add_audio_meta(in, &info, frames, nullptr);
    GstBuffer *held = gst_buffer_ref(in);
    if (!shared) gst_buffer_unref(held);  // writable again, but it carries the meta
    fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(h);
    fail_if(out == in, "%s input must not be converted in place", shared ? "a shared" : "an audio-meta");
    fail_if(gst_buffer_get_audio_meta(out), "the stale GstAudioMeta must not reach the output");
    gst_buffer_map(out, &map, GST_MAP_READ);
    fail_unless_equals_int(map.size, frames * 4);
    for (size_t i = 0; i < frames; i++)
      fail_unless_equals_float(reinterpret_cast<const float *>(map.data)[i], 2000.0f / 2 / 32768);
    gst_buffer_unmap(out, &map);
    if (shared) {
      gst_buffer_map(held, &map, GST_MAP_READ);
      for (size_t i = 0; i < 2 * frames; i++)
        fail_unless_equals_int(reinterpret_cast<const int16_t *>(map.data)[i], i % 2 ? -1000 : 3000);
      gst_buffer_unmap(held, &map);
      gst_buffer_unref(held);
    }
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}
GST_END_TEST;

GST_START_TEST(test_fixation_prefers_input) {
  // Downstream accepts anything: passthrough, no conversion.
  GstHarness *h = gst_harness_new("fastconvert");
  gst_harness_set_src_caps_str(h, caps_str("S24LE", 2).c_str());
  gst_harness_set_sink_caps_str(h, "audio/x-raw");
  gst_harness_push(h, gst_buffer_new_allocate(nullptr, 6 * 10, nullptr));
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  GstStructure *s = gst_caps_get_structure(caps, 0);
  fail_unless_equals_string(gst_structure_get_string(s, "format"), "S24LE");
  gst_caps_unref(caps);
  gst_harness_teardown(h);

  // Downstream offers two formats: the lossless one wins, channels kept.
  h = gst_harness_new("fastconvert");
  gst_harness_set_src_caps_str(h, caps_str("S32LE", 2).c_str());
  gst_harness_set_sink_caps_str(h, "audio/x-raw,format={S16LE,F32LE},layout=interleaved");
  gst_harness_push(h, gst_buffer_new_allocate(nullptr, 8 * 10, nullptr));
  caps = gst_pad_get_current_caps(h->sinkpad);
  s = gst_caps_get_structure(caps, 0);
  fail_unless_equals_string(gst_structure_get_string(s, "format"), "F32LE");
  gint channels = 0, rate = 0;
  gst_structure_get_int(s, "channels", &channels);
  gst_structure_get_int(s, "rate", &rate);
  fail_unless_equals_int(channels, 2);
  fail_unless_equals_int(rate, 48000);
  gst_caps_unref(caps);
  gst_harness_teardown(h);
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
  for (const char *f : {"S8", "S16LE", "S24LE", "S32LE"})
    fail_unless_equals_string(negotiated_format(caps_str(f, 1), all).c_str(), f);
  fail_unless_equals_string(negotiated_format(caps_str("S24LE", 1), "audio/x-raw,layout=interleaved,format={F32LE,S32LE,S16LE}").c_str(),
                            "S32LE");
  fail_unless_equals_string(negotiated_format(caps_str("F64LE", 1), "audio/x-raw,layout=interleaved,format={S32LE,F32LE,S16LE}").c_str(),
                            "F32LE");
  fail_unless_equals_string(negotiated_format(caps_str("U16BE", 1), "audio/x-raw,layout=interleaved,format={F32LE,S8,S16LE}").c_str(),
                            "S16LE");
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

// mix-matrix: out = m x in, as audioconvert; a wrong shape is refused at
// negotiation, ragged rows when set.
GST_START_TEST(test_mix_matrix) {
  GstHarness *h = harness_with_bus("fastconvert");
  const auto matrix = {std::initializer_list<float>{0.5f, 0.25f}, {0.0f, 1.0f}, {-1.0f, 0.0f}};
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

GST_START_TEST(test_timestamps_flags_gap_and_empty) {
  GstHarness *h = make_harness("fastconvert", caps_str("F32LE", 1), caps_str("S16LE", 1));
  std::vector<uint8_t> ones(480 * 4);
  const float one_half = 0.5f;
  for (size_t i = 0; i < 480; i++) std::memcpy(&ones[i * 4], &one_half, 4);

  GstBuffer *a = buffer_from(ones, 0);
  GST_BUFFER_DURATION(a) = 10 * GST_MSECOND;
  GST_BUFFER_OFFSET(a) = 0;
  GST_BUFFER_OFFSET_END(a) = 480;
  GST_BUFFER_FLAG_SET(a, GST_BUFFER_FLAG_DISCONT);
  GstBuffer *gap = buffer_from(ones, 10 * GST_MSECOND);  // non-silent bytes: GAP means "treat as silence"
  GST_BUFFER_DURATION(gap) = 10 * GST_MSECOND;
  GST_BUFFER_FLAG_SET(gap, GST_BUFFER_FLAG_GAP);
  GstBuffer *empty = gst_buffer_new();
  GST_BUFFER_PTS(empty) = 20 * GST_MSECOND;

  fail_unless_equals_int(gst_harness_push(h, a), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(h, gap), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_push(h, empty), GST_FLOW_OK);

  GstBuffer *out = gst_harness_pull(h);
  fail_unless_equals_uint64(GST_BUFFER_PTS(out), 0);
  fail_unless_equals_uint64(GST_BUFFER_DURATION(out), 10 * GST_MSECOND);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET(out), 0);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET_END(out), 480);
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  auto bytes = bytes_of(out);
  fail_unless_equals_int(bytes.size(), 960);
  fail_unless_equals_int(sample_at(bytes, GST_AUDIO_FORMAT_S16LE, 100), 16384);
  gst_buffer_unref(out);

  out = gst_harness_pull(h);
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP));
  fail_unless_equals_uint64(GST_BUFFER_PTS(out), 10 * GST_MSECOND);
  bytes = bytes_of(out);
  fail_unless_equals_int(bytes.size(), 960);
  for (size_t i = 0; i < 480; i++) fail_unless_equals_int(sample_at(bytes, GST_AUDIO_FORMAT_S16LE, i), 0);
  gst_buffer_unref(out);

  out = gst_harness_pull(h);
  fail_unless_equals_int(gst_buffer_get_size(out), 0);
  fail_unless_equals_uint64(GST_BUFFER_PTS(out), 20 * GST_MSECOND);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_segment_clipping) {
  GstHarness *h = make_harness("fastconvert", caps_str("S16LE", 1, 1000), caps_str("F32LE", 1, 1000));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  segment.start = 5 * GST_MSECOND;  // 5 samples at 1 kHz
  segment.stop = 15 * GST_MSECOND;
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&segment)));
  std::vector<uint8_t> ramp(20 * 2);
  for (int i = 0; i < 20; i++) {
    int16_t x = int16_t(i * 100);
    std::memcpy(&ramp[i * 2], &x, 2);
  }
  GstBuffer *in = buffer_from(ramp, 0);
  GST_BUFFER_DURATION(in) = 20 * GST_MSECOND;
  fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  auto bytes = bytes_of(out);
  fail_unless_equals_int(bytes.size(), 10 * 4);
  fail_unless_equals_uint64(GST_BUFFER_PTS(out), 5 * GST_MSECOND);
  fail_unless_equals_float(sample_at(bytes, GST_AUDIO_FORMAT_F32LE, 0), 500.0 / 32768);
  gst_buffer_unref(out);

  GstBuffer *outside = buffer_from(ramp, 40 * GST_MSECOND);
  GST_BUFFER_DURATION(outside) = 20 * GST_MSECOND;
  fail_unless_equals_int(gst_harness_push(h, outside), GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 0);
  gst_harness_teardown(h);
}
GST_END_TEST;

static GstMessage *find_message(GstHarness *h, GstMessageType type) {
  GstBus *bus = gst_element_get_bus(h->element);
  GstMessage *msg = bus ? gst_bus_pop_filtered(bus, type) : nullptr;
  if (bus) gst_object_unref(bus);
  return msg;
}



GST_START_TEST(test_partial_frame_is_an_error) {
  GstHarness *h = harness_with_bus("fastconvert");
  gst_harness_set_src_caps_str(h, caps_str("S16LE", 2).c_str());
  gst_harness_set_sink_caps_str(h, caps_str("F32LE", 2).c_str());
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 7, nullptr)), GST_FLOW_ERROR);
  GstMessage *msg = find_message(h, GST_MESSAGE_ERROR);
  fail_unless(msg != nullptr, "no error message for a partial frame");
  GError *err = nullptr;
  gchar *debug = nullptr;
  gst_message_parse_error(msg, &err, &debug);
  fail_unless(g_strrstr(err->message, "whole number of audio frames") != nullptr, "%s", err->message);
  fail_unless(g_strrstr(debug, "7 bytes") != nullptr, "%s", debug);
  g_error_free(err);
  g_free(debug);
  gst_message_unref(msg);
  teardown_with_bus(h);
}
GST_END_TEST;

GST_START_TEST(test_unsupported_caps_refused) {
  GstHarness *h = harness_with_bus("fastconvert");
  gst_harness_set_sink_caps_str(h, "audio/x-raw");
  gst_harness_set_src_caps_str(h, "audio/x-raw,format=S26LE,layout=interleaved,rate=48000,channels=1");
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 30, nullptr)), GST_FLOW_NOT_NEGOTIATED);
  GstMessage *msg = find_message(h, GST_MESSAGE_WARNING);
  fail_unless(msg != nullptr, "no message naming the refused caps");
  GError *err = nullptr;
  gst_message_parse_warning(msg, &err, nullptr);
  fail_unless(g_strrstr(err->message, "format S26LE is not supported") != nullptr, "%s", err->message);
  g_error_free(err);
  gst_message_unref(msg);
  teardown_with_bus(h);

  // 3 unpositioned channels have no default matrix to 2: negotiation fails,
  // nothing is output.
  h = harness_with_bus("fastconvert");
  gst_harness_set_sink_caps_str(h, caps_str("F32LE", 2).c_str());
  gst_harness_set_src_caps_str(h, "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=3,channel-mask=(bitmask)0x0");
  fail_unless(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 12 * 4, nullptr)) == GST_FLOW_NOT_NEGOTIATED);
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 0);
  teardown_with_bus(h);
}
GST_END_TEST;

// Planar (non-interleaved) audio: "S16LE/2p" is S16LE, 2 channels, planar.
struct PlanarCase {
  const char *in_format;
  int in_channels;
  bool in_planar;
  const char *out_format;
  int out_channels;
  bool out_planar;
};

static std::string layout_caps(const char *format, int channels, bool planar) {
  std::string caps = caps_str(format, channels);
  if (planar) caps.replace(caps.find("layout=interleaved"), strlen("layout=interleaved"), "layout=non-interleaved");
  return caps;
}

static size_t format_width(const char *format) {
  return GST_AUDIO_FORMAT_INFO_WIDTH(gst_audio_format_get_info(gst_audio_format_from_string(format))) / 8;
}

// Interleaved bytes as a planar buffer whose planes start `gap` bytes apart
// beyond their size (0: contiguous), described by a GstAudioMeta unless
// `with_meta` is false.
static GstBuffer *planar_buffer(const std::vector<uint8_t> &interleaved, const char *format, int channels,
                                size_t gap, bool with_meta = true) {
  const size_t width = format_width(format), frames = interleaved.size() / (width * channels);
  const size_t stride = frames * width + gap;
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, stride * channels, nullptr);
  GstMapInfo map;
  gst_buffer_map(buf, &map, GST_MAP_WRITE);
  std::memset(map.data, 0xa5, map.size);
  for (int c = 0; c < channels; c++)
    for (size_t f = 0; f < frames; f++)
      std::memcpy(map.data + c * stride + f * width, &interleaved[(f * channels + c) * width], width);
  gst_buffer_unmap(buf, &map);
  if (with_meta) {
    GstAudioInfo info;
    gst_audio_info_init(&info);
    GstCaps *caps = gst_caps_from_string(layout_caps(format, channels, true).c_str());
    fail_unless(gst_audio_info_from_caps(&info, caps));
    gst_caps_unref(caps);
    std::vector<gsize> offsets(channels);
    for (int c = 0; c < channels; c++) offsets[c] = c * stride;
    gst_buffer_add_audio_meta(buf, &info, frames, offsets.data());
  }
  GST_BUFFER_PTS(buf) = 0;
  return buf;
}

// A planar output buffer's samples, interleaved; checks its GstAudioMeta.
static std::vector<uint8_t> interleaved_from(GstBuffer *buf, const char *format, int channels) {
  GstAudioMeta *meta = gst_buffer_get_audio_meta(buf);
  fail_unless(meta != nullptr, "planar output without a GstAudioMeta");
  fail_unless_equals_int(GST_AUDIO_INFO_LAYOUT(&meta->info), GST_AUDIO_LAYOUT_NON_INTERLEAVED);
  fail_unless_equals_string(GST_AUDIO_INFO_NAME(&meta->info), format);
  fail_unless_equals_int(GST_AUDIO_INFO_CHANNELS(&meta->info), channels);
  GstAudioBuffer abuf;
  fail_unless(gst_audio_buffer_map(&abuf, &meta->info, buf, GST_MAP_READ));
  const size_t width = format_width(format);
  std::vector<uint8_t> out(abuf.n_samples * width * channels);
  for (int c = 0; c < channels; c++)
    for (gsize f = 0; f < abuf.n_samples; f++)
      std::memcpy(&out[(f * channels + c) * width], static_cast<uint8_t *>(abuf.planes[c]) + f * width, width);
  gst_audio_buffer_unmap(&abuf);
  return out;
}

// Every mix of layouts gives exactly the interleaved conversion's samples,
// with planes contiguous, apart, or (input) described by no meta at all.
GST_START_TEST(test_planar_layouts) {
  const PlanarCase cases[] = {
      {"S16LE", 2, true, "F32LE", 2, false},  {"F32LE", 3, false, "S16LE", 3, true},
      {"S32LE", 2, true, "F32LE", 2, true},   {"S16LE", 2, true, "F32LE", 1, false},
      {"F32LE", 1, false, "S16LE", 4, true},  {"F64LE", 2, true, "S24LE", 2, true},
      {"U8", 6, true, "S16LE", 6, false},     {"F32LE", 2, true, "F32LE", 1, true},
      {"F32LE", 1, true, "S16LE", 1, false},
  };
  const size_t frames = 1000;
  for (const PlanarCase &c : cases) {
    const auto input =
        test_signal(gst_audio_format_from_string(c.in_format), frames * c.in_channels);
    const auto want = run_once("fastconvert", caps_str(c.in_format, c.in_channels),
                               caps_str(c.out_format, c.out_channels), input);
    for (size_t gap : {size_t(0), size_t(40)}) {
      for (bool with_meta : {true, false}) {
        if (!c.in_planar && (gap || !with_meta)) continue;
        if (gap && !with_meta) continue;  // planes apart need a meta to say where
        GstHarness *h = make_harness("fastconvert", layout_caps(c.in_format, c.in_channels, c.in_planar),
                                     layout_caps(c.out_format, c.out_channels, c.out_planar));
        GstBuffer *in = c.in_planar ? planar_buffer(input, c.in_format, c.in_channels, gap, with_meta)
                                    : buffer_from(input);
        fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
        GstBuffer *out = gst_harness_pull(h);
        const auto got = c.out_planar ? interleaved_from(out, c.out_format, c.out_channels) : bytes_of(out);
        fail_unless(got == want, "%s x %d%s -> %s x %d%s (plane gap %zu, meta %d): samples differ", c.in_format,
                    c.in_channels, c.in_planar ? " planar" : "", c.out_format, c.out_channels,
                    c.out_planar ? " planar" : "", gap, with_meta);
        gst_buffer_unref(out);
        gst_harness_teardown(h);
      }
    }
  }
}
GST_END_TEST;

// Planar in, downstream open about the layout: the output keeps the input's
// layout; identical planar caps pass the same buffer; a GAP stays silent.
GST_START_TEST(test_planar_negotiation_passthrough_and_gap) {
  const auto input = test_signal(GST_AUDIO_FORMAT_S16LE, 200 * 2);
  GstHarness *h = make_harness("fastconvert", layout_caps("S16LE", 2, true), "audio/x-raw,format=F32LE");
  fail_unless_equals_int(gst_harness_push(h, planar_buffer(input, "S16LE", 2, 0)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  GstAudioInfo info;
  fail_unless(gst_audio_info_from_caps(&info, caps));
  gst_caps_unref(caps);
  fail_unless_equals_int(GST_AUDIO_INFO_LAYOUT(&info), GST_AUDIO_LAYOUT_NON_INTERLEAVED);
  fail_unless_equals_int(GST_AUDIO_INFO_CHANNELS(&info), 2);
  gst_buffer_unref(out);

  GstBuffer *gap = planar_buffer(input, "S16LE", 2, 0);
  GST_BUFFER_FLAG_SET(gap, GST_BUFFER_FLAG_GAP);
  fail_unless_equals_int(gst_harness_push(h, gap), GST_FLOW_OK);
  out = gst_harness_pull(h);
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP));
  for (uint8_t b : interleaved_from(out, "F32LE", 2)) fail_unless_equals_int(b, 0);
  gst_buffer_unref(out);
  gst_harness_teardown(h);

  h = make_harness("fastconvert", layout_caps("F32LE", 2, true), layout_caps("F32LE", 2, true));
  GstBuffer *in = planar_buffer(test_signal(GST_AUDIO_FORMAT_F32LE, 200 * 2), "F32LE", 2, 0);
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_ref(in)), GST_FLOW_OK);
  out = gst_harness_pull(h);
  fail_unless(out == in, "identical planar caps must pass the same buffer");
  gst_buffer_unref(out);
  gst_buffer_unref(in);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Planar input converts like audioconvert's (the anchor reads planar too).
GST_START_TEST(test_planar_matches_audioconvert) {
  const auto input = test_signal(GST_AUDIO_FORMAT_S16LE, 500 * 2);
  std::vector<uint8_t> outputs[2];
  const char *elements[2] = {"fastconvert", "audioconvert dithering=none noise-shaping=none"};
  for (int e = 0; e < 2; e++) {
    GstHarness *h = make_harness(elements[e], layout_caps("S16LE", 2, true), caps_str("F32LE", 2));
    fail_unless_equals_int(gst_harness_push(h, planar_buffer(input, "S16LE", 2, 24)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(h);
    outputs[e] = bytes_of(out);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
  fail_unless(outputs[0] == outputs[1], "planar S16 -> interleaved F32 differs from audioconvert");
}
GST_END_TEST;

GST_START_TEST(test_dithering_property) {
  GstElement *e = gst_element_factory_make("fastconvert", nullptr);
  fail_unless(e != nullptr);
  gint dither = -1;
  g_object_get(e, "dithering", &dither, nullptr);
  fail_unless_equals_int(dither, GST_AUDIO_DITHER_TPDF);  // audioconvert's default
  gst_util_set_object_arg(G_OBJECT(e), "dithering", "tpdf-hf");
  g_object_get(e, "dithering", &dither, nullptr);
  fail_unless_equals_int(dither, GST_AUDIO_DITHER_TPDF_HF);
  gst_object_unref(e);

  // With TPDF dither a constant between two codes comes out as both codes.
  GstHarness *h = gst_harness_new_parse("fastconvert dithering=tpdf");
  gst_harness_set_src_caps_str(h, caps_str("F32LE", 1).c_str());
  gst_harness_set_sink_caps_str(h, caps_str("S16LE", 1).c_str());
  std::vector<uint8_t> in(4800 * 4);
  const float x = 100.5f / 32768;
  for (size_t i = 0; i < 4800; i++) std::memcpy(&in[i * 4], &x, 4);
  gst_harness_push(h, buffer_from(in));
  GstBuffer *out = gst_harness_pull(h);
  auto bytes = bytes_of(out);
  int low = 0, high = 0;
  for (size_t i = 0; i < 4800; i++) {
    double v = sample_at(bytes, GST_AUDIO_FORMAT_S16LE, i);
    fail_unless(v >= 99 && v <= 102, "dithered value %f out of range", v);
    low += v <= 100, high += v >= 101;
  }
  fail_unless(low > 1000 && high > 1000, "dither did not spread the values: %d / %d", low, high);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
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

// Output buffers come from a pool: once released, the next buffer reuses the
// same memory, whatever the buffer sizes (they grow and shrink).
GST_START_TEST(test_output_buffers_are_pooled) {
  GstHarness *h = make_harness("fastconvert", caps_str("F32LE", 1), caps_str("S16LE", 1));
  GstMemory *first = nullptr;
  for (size_t samples : {480u, 480u, 960u, 960u, 100u, 960u}) {
    std::vector<uint8_t> in(samples * 4, 0);
    fail_unless_equals_int(gst_harness_push(h, buffer_from(in)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(h);
    fail_unless_equals_int(gst_buffer_get_size(out), samples * 2);
    fail_unless(out->pool != nullptr, "output buffer not from a pool");
    GstMemory *mem = gst_buffer_peek_memory(out, 0);
    if (samples == 960 && !first) first = mem;
    else if (first) fail_unless(mem == first, "a %zu-sample buffer did not reuse pooled memory", samples);
    gst_buffer_unref(out);
  }
  fail_unless(first != nullptr);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Found by the caps fuzzer: a channel-mask naming fewer positions than
// channels made gst_audio_info_from_caps() emit a GLib warning ("Invalid
// channel positions", fatal under G_DEBUG=fatal-warnings). Now refused with
// a message naming the mask, on either side.
GST_START_TEST(test_regression_channel_mask_popcount) {
  GstHarness *h = harness_with_bus("fastconvert");
  gst_harness_set_sink_caps_str(h, "audio/x-raw");
  gst_harness_set_src_caps_str(h, "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2,"
                                  "channel-mask=(bitmask)0x1");
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 40, nullptr)), GST_FLOW_NOT_NEGOTIATED);
  GstMessage *msg = find_message(h, GST_MESSAGE_WARNING);
  fail_unless(msg != nullptr);
  GError *err = nullptr;
  gst_message_parse_warning(msg, &err, nullptr);
  fail_unless_equals_string(err->message, "fastconvert refused caps: channel-mask 0x1 names 1 channel positions, not 2");
  g_error_free(err);
  gst_message_unref(msg);
  teardown_with_bus(h);

  h = harness_with_bus("fastconvert");
  gst_harness_set_sink_caps_str(h, "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=2,"
                                   "channel-mask=(bitmask)0xc000000000000000");
  gst_harness_set_src_caps_str(h, caps_str("S16LE", 2).c_str());
  fail_unless(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 40, nullptr)) != GST_FLOW_OK);
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 0);
  teardown_with_bus(h);
}
GST_END_TEST;

// Found by the launch-line fuzzer: transform_caps offered a downstream
// channel-mask it refuses upstream, and audiotestsrc fixated to it and hit
// the same GLib warning. Now negotiation fails with an error message.
GST_START_TEST(test_regression_channel_mask_not_proposed_upstream) {
  GstElement *pipeline = gst_parse_launch(
      "audiotestsrc num-buffers=2 ! fastconvert ! audio/x-raw,format=S16LE,layout=interleaved,rate=48000,"
      "channels=2,channel-mask=(bitmask)0xc000000000000000 ! fakesink", nullptr);
  fail_unless(pipeline != nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus(pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  fail_unless(msg != nullptr && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR, "caps with a bad channel-mask negotiated");
  gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
}
GST_END_TEST;

static Suite *fastconvert_suite() {
  Suite *s = suite_create("fastconvert");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_matches_audioconvert);
  tcase_add_test(tc, test_passthrough_same_buffer);
  tcase_add_test(tc, test_in_place_no_new_memory);
  tcase_add_test(tc, test_shared_input_is_not_written);
  tcase_add_test(tc, test_fixation_prefers_input);
  tcase_add_test(tc, test_fixation_as_audioconvert);
  tcase_add_test(tc, test_integer_ties_round_up);
  tcase_add_test(tc, test_chained_and_unpositioned);
  tcase_add_test(tc, test_channel_mixing_matches_audioconvert);
  tcase_add_test(tc, test_mix_matrix);
  tcase_add_test(tc, test_dither_and_noise_shaping_match_audioconvert);
  tcase_add_test(tc, test_timestamps_flags_gap_and_empty);
  tcase_add_test(tc, test_segment_clipping);
  tcase_add_test(tc, test_partial_frame_is_an_error);
  tcase_add_test(tc, test_unsupported_caps_refused);
  tcase_add_test(tc, test_planar_layouts);
  tcase_add_test(tc, test_planar_negotiation_passthrough_and_gap);
  tcase_add_test(tc, test_planar_matches_audioconvert);
  tcase_add_test(tc, test_dithering_property);
  tcase_add_test(tc, test_output_buffers_are_pooled);
  tcase_add_test(tc, test_regression_channel_mask_popcount);
  tcase_add_test(tc, test_regression_channel_mask_not_proposed_upstream);
  return s;
}

GST_CHECK_MAIN(fastconvert);
