// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert element: zero-copy paths, negotiation, layouts, stream
// behaviour and bad input (fastconvert_audioconvert.cc: its numbers, mixing
// and dithering against audioconvert).
#include <cmath>

#include "fastconvert_util.h"

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

// More channels than GStreamer has positions (65, unpositioned) convert
// format by format without a matrix.
GST_START_TEST(test_more_channels_than_positions) {
  const std::string in = "audio/x-raw,layout=interleaved,format=S16LE,rate=8000,channels=65,channel-mask=(bitmask)0x0";
  const std::string out = "audio/x-raw,layout=interleaved,format=F32LE,rate=8000,channels=65,channel-mask=(bitmask)0x0";
  std::vector<uint8_t> input(65 * 2 * 3);
  for (size_t i = 0; i < input.size() / 2; i++) input[2 * i + 1] = uint8_t(i);  // sample i = i * 256
  auto output = run_once("fastconvert", in, out, input);
  fail_unless_equals_int(output.size(), 65 * 4 * 3);
  for (size_t i = 0; i < 65 * 3; i++)
    fail_unless_equals_float(sample_at(output, GST_AUDIO_FORMAT_F32LE, i), double(int8_t(uint8_t(i)) * 256) / 32768);
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
  GstMessage *msg = find_message(h, GST_MESSAGE_ERROR);
  fail_unless(msg != nullptr, "no message naming the refused caps");
  GError *err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
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
      // Containers wider than their depth (4-byte S24_32, 3-byte S20).
      {"S24_32LE", 2, true, "S16LE", 2, false}, {"F32LE", 2, false, "S20LE", 2, true},
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

// A pooled output buffer comes back from downstream with the flags,
// timestamps and metas of its last use: the next use carries only its own
// input's (metas transformed by GstBaseTransform's rules).
GST_START_TEST(test_pooled_buffers_carry_only_their_input_metadata) {
  GstHarness *h = make_harness("fastconvert", caps_str("F32LE", 1), caps_str("S16LE", 1));
  GstCaps *reference = gst_caps_from_string("timestamp/x-test");
  std::vector<uint8_t> in(480 * 4, 0);
  GstBuffer *earlier = buffer_from(in, 0);
  GST_BUFFER_FLAG_SET(earlier, GST_BUFFER_FLAG_DISCONT);
  gst_buffer_add_reference_timestamp_meta(earlier, reference, 123 * GST_SECOND, GST_CLOCK_TIME_NONE);
  fail_unless_equals_int(gst_harness_push(h, earlier), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  GstReferenceTimestampMeta *meta = gst_buffer_get_reference_timestamp_meta(out, reference);
  fail_unless(meta != nullptr && meta->timestamp == 123 * GST_SECOND, "the input's meta was not copied");
  GstMemory *memory = gst_buffer_peek_memory(out, 0);
  gst_buffer_unref(out);

  GstBuffer *later = buffer_from(in, 10 * GST_MSECOND);
  GST_BUFFER_OFFSET(later) = 480;
  fail_unless_equals_int(gst_harness_push(h, later), GST_FLOW_OK);
  out = gst_harness_pull(h);
  fail_unless(gst_buffer_peek_memory(out, 0) == memory, "the output buffer was not reused");
  fail_unless(!GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT), "DISCONT of the previous use kept");
  fail_unless(gst_buffer_get_reference_timestamp_meta(out, reference) == nullptr, "meta of the previous use kept");
  fail_unless_equals_uint64(GST_BUFFER_PTS(out), 10 * GST_MSECOND);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET(out), 480);
  gst_buffer_unref(out);
  gst_caps_unref(reference);
  gst_harness_teardown(h);
}
GST_END_TEST;

// F32 samples k / 32768 for k = start, start + 1, ...: S16 k without dither.
static GstBuffer *ramp_f32(size_t samples, int start) {
  std::vector<float> v(samples);
  for (size_t i = 0; i < samples; i++) v[i] = float(start + int(i)) / 32768.f;
  std::vector<uint8_t> bytes(samples * 4);
  memcpy(bytes.data(), v.data(), bytes.size());
  return buffer_from(bytes);
}

static void check_ramp_s16(GstBuffer *out, size_t samples, int start) {
  fail_unless_equals_int(gst_buffer_get_size(out), samples * 2);
  const std::vector<uint8_t> bytes = bytes_of(out);
  for (size_t i = 0; i < samples; i++) {
    int16_t v;
    memcpy(&v, bytes.data() + 2 * i, 2);
    fail_unless_equals_int(v, start + int(i));
  }
}

// Downstream may do anything with a pooled buffer before it comes back:
// trim it from the front, share its memory with a copy it keeps, replace its
// memory, or hold it past the element's end. Every later output is still
// right, and nothing is written into memory a copy still reads.
GST_START_TEST(test_pooled_buffers_survive_what_downstream_does) {
  GstHarness *h = make_harness("fastconvert dithering=none", caps_str("F32LE", 1), caps_str("S16LE", 1));
  int next = 0;
  auto convert = [&](size_t samples) {
    fail_unless_equals_int(gst_harness_push(h, ramp_f32(samples, next)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(h);
    check_ramp_s16(out, samples, next);
    next += int(samples);
    return out;
  };
  GstBuffer *out = convert(480);
  gst_buffer_resize(out, 8, -1);  // trimmed from the front
  gst_buffer_unref(out);
  gst_buffer_unref(convert(480));

  out = convert(480);
  GstBuffer *copy = gst_buffer_copy(out);  // shares the memory
  const std::vector<uint8_t> kept = bytes_of(copy);
  gst_buffer_unref(out);
  gst_buffer_unref(convert(480));
  fail_unless(bytes_of(copy) == kept, "a later output was written into memory a copy still reads");
  gst_buffer_unref(copy);

  out = convert(480);
  gst_buffer_replace_all_memory(out, gst_allocator_alloc(nullptr, 100, nullptr));
  gst_buffer_unref(out);
  gst_buffer_unref(convert(960));
  gst_buffer_unref(convert(100));

  GstBuffer *held = convert(480);
  const int held_start = next - 480;
  gst_harness_teardown(h);  // the element is gone; the buffer is still ours
  check_ramp_s16(held, 480, held_start);
  gst_buffer_unref(held);
}
GST_END_TEST;

// What reaches a fakesink behind a queue: every buffer's bytes, with every
// fifth buffer kept until after the pipeline is gone.
struct QueuedOutput {
  std::vector<uint8_t> bytes;
  std::vector<GstBuffer *> kept;
  size_t seen = 0;
};

static GstPadProbeReturn collect_output(GstPad *, GstPadProbeInfo *info, gpointer data) {
  auto out = static_cast<QueuedOutput *>(data);
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
  const std::vector<uint8_t> b = bytes_of(buf);
  out->bytes.insert(out->bytes.end(), b.begin(), b.end());
  if (out->seen++ % 5 == 0) out->kept.push_back(gst_buffer_ref(buf));
  return GST_PAD_PROBE_OK;
}

static QueuedOutput run_behind_queue(const char *converter) {
  gchar *description = g_strdup_printf(
      "audiotestsrc wave=sine freq=440 num-buffers=300 samplesperbuffer=480 ! "
      "audio/x-raw,format=F32LE,rate=48000,channels=1 ! %s ! audio/x-raw,format=S16LE ! "
      "queue max-size-buffers=40 ! fakesink name=sink sync=false", converter);
  GstElement *pipeline = gst_parse_launch(description, nullptr);
  g_free(description);
  fail_unless(pipeline != nullptr);
  QueuedOutput out;
  GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, collect_output, &out, nullptr);
  gst_object_unref(pad);
  gst_object_unref(sink);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus(pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered(bus, 20 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  fail_unless(msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS, "%s behind a queue did not reach EOS", converter);
  gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return out;
}

// Output buffers released on the queue's thread, more of them in flight
// than the element keeps, some held past the element's end: the same
// samples as audioconvert's (within 1 LSB), and the held buffers intact.
GST_START_TEST(test_pooled_buffers_across_threads) {
  QueuedOutput ours = run_behind_queue("fastconvert dithering=none");
  QueuedOutput theirs = run_behind_queue("audioconvert dithering=none noise-shaping=none");
  fail_unless_equals_int(ours.bytes.size(), 300 * 480 * 2);
  fail_unless_equals_int(ours.bytes.size(), theirs.bytes.size());
  for (size_t i = 0; i < ours.bytes.size() / 2; i++) {
    int16_t a, b;
    memcpy(&a, ours.bytes.data() + 2 * i, 2);
    memcpy(&b, theirs.bytes.data() + 2 * i, 2);
    fail_unless(std::abs(a - b) <= 1, "sample %zu: %d, audioconvert %d", i, a, b);
  }
  for (size_t k = 0; k < ours.kept.size(); k++) {
    const std::vector<uint8_t> now = bytes_of(ours.kept[k]);
    fail_unless(std::equal(now.begin(), now.end(), ours.bytes.begin() + long(k * 5 * 480 * 2)),
                "held buffer %zu changed after it was pushed", k);
    gst_buffer_unref(ours.kept[k]);
  }
  for (GstBuffer *b : theirs.kept) gst_buffer_unref(b);
}
GST_END_TEST;

// Set on an element outside any pipeline (a launch line), a refused
// mix-matrix has no bus to report on: a GLib warning says why instead.
GST_START_TEST(test_mix_matrix_refused_without_a_bus) {
  GstElement *e = gst_element_factory_make("fastconvert", nullptr);
  GValue matrix = G_VALUE_INIT, row = G_VALUE_INIT, v = G_VALUE_INIT;
  g_value_init(&matrix, GST_TYPE_ARRAY);
  g_value_init(&row, GST_TYPE_ARRAY);
  g_value_init(&v, G_TYPE_FLOAT);
  g_value_set_float(&v, NAN);
  gst_value_array_append_value(&row, &v);
  gst_value_array_append_and_take_value(&matrix, &row);
  ASSERT_WARNING(g_object_set_property(G_OBJECT(e), "mix-matrix", &matrix));
  GValue now = G_VALUE_INIT;
  g_value_init(&now, GST_TYPE_ARRAY);
  g_object_get_property(G_OBJECT(e), "mix-matrix", &now);
  fail_unless_equals_int(gst_value_array_get_size(&now), 0);
  g_value_unset(&now);
  g_value_unset(&v);
  g_value_unset(&matrix);
  gst_object_unref(e);
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
  GstMessage *msg = find_message(h, GST_MESSAGE_ERROR);
  fail_unless(msg != nullptr);
  GError *err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
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
  tcase_add_test(tc, test_passthrough_same_buffer);
  tcase_add_test(tc, test_in_place_no_new_memory);
  tcase_add_test(tc, test_shared_input_is_not_written);
  tcase_add_test(tc, test_fixation_prefers_input);
  tcase_add_test(tc, test_more_channels_than_positions);
  tcase_add_test(tc, test_timestamps_flags_gap_and_empty);
  tcase_add_test(tc, test_segment_clipping);
  tcase_add_test(tc, test_partial_frame_is_an_error);
  tcase_add_test(tc, test_unsupported_caps_refused);
  tcase_add_test(tc, test_planar_layouts);
  tcase_add_test(tc, test_planar_negotiation_passthrough_and_gap);
  tcase_add_test(tc, test_planar_matches_audioconvert);
  tcase_add_test(tc, test_dithering_property);
  tcase_add_test(tc, test_output_buffers_are_pooled);
  tcase_add_test(tc, test_pooled_buffers_carry_only_their_input_metadata);
  tcase_add_test(tc, test_pooled_buffers_survive_what_downstream_does);
  tcase_add_test(tc, test_pooled_buffers_across_threads);
  tcase_add_test(tc, test_mix_matrix_refused_without_a_bus);
  tcase_add_test(tc, test_regression_channel_mask_popcount);
  tcase_add_test(tc, test_regression_channel_mask_not_proposed_upstream);
  return s;
}

GST_CHECK_MAIN(fastconvert);
