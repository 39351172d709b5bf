// SPDX-License-Identifier: LGPL-2.1-or-later
// fastresample as a drop-in for audioresample, beyond F32: each of the 30
// PCM formats in both layouts through the element (same format and layout
// out, planar buffers described by GstAudioMeta, perfect timestamps, the
// dsp resampler's samples), a rate switch in the middle of a live stream,
// reuse after NULL, and fast state cycles in a running pipeline.

#include <cstring>
#include <string>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "layout.h"
#include "pcm_planes.h"
#include "resample.h"

#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

using namespace fastaudio;

namespace {

constexpr int kChannels = 2;
constexpr size_t kBufferFrames = 1000;
constexpr int kBuffers = 9;

std::string caps_for(const char *format, int rate, bool planar, int channels = kChannels) {
  return std::string("audio/x-raw,format=") + format + ",rate=" + std::to_string(rate) +
         ",channels=" + std::to_string(channels) + ",layout=" + (planar ? "non-interleaved" : "interleaved");
}

GstClockTime frames_to_time(guint64 frames, int rate) {
  return gst_util_uint64_scale_int_round(frames, GST_SECOND, rate);
}

// kBuffers x kBufferFrames frames of pseudo-random samples in `info`'s
// format (any bit pattern is a sample; planar: each buffer's planes back to back).
std::vector<uint8_t> random_frames(const GstAudioInfo *info, size_t frames) {
  std::vector<uint8_t> bytes(frames * GST_AUDIO_INFO_BPF(info));
  uint32_t x = 2463534242u;
  for (auto &b : bytes) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = uint8_t(x >> 24);
  }
  return bytes;
}

// What the dsp resampler writes for the same buffers: the element must match it.
std::vector<uint8_t> dsp_output(const GstAudioInfo *in, int out_rate, ResampleQuality q, const std::vector<uint8_t> &bytes,
                                bool planar) {
  const PcmFormat f = PcmFormat(GST_AUDIO_INFO_FORMAT(in) - GST_AUDIO_FORMAT_S8);
  const size_t width = size_t(GST_AUDIO_INFO_WIDTH(in) / 8), bpf = size_t(GST_AUDIO_INFO_BPF(in));
  Resampler r;
  fail_unless(r.configure({GST_AUDIO_INFO_RATE(in), out_rate, kChannels, q}));
  std::vector<uint8_t> out, block;
  auto add = [&](size_t n) {
    if (!planar) return out.insert(out.end(), block.begin(), block.begin() + long(n * bpf)), void();
    // Planar blocks are interleaved here so the totals compare across buffer splits.
    std::vector<uint8_t> interleaved(n * bpf);
    const uint8_t *planes[kChannels] = {block.data(), block.data() + n * width};
    interleave(planes, kChannels, n, width, interleaved.data());
    out.insert(out.end(), interleaved.begin(), interleaved.end());
  };
  for (int i = 0; i < kBuffers; i++) {
    const uint8_t *base = bytes.data() + size_t(i) * kBufferFrames * bpf;
    const uint8_t *planes[kChannels] = {base, planar ? base + kBufferFrames * width : base};
    block.assign(r.max_output_frames(kBufferFrames) * bpf + 1, 0);
    add(r.process(PcmSource{f, kChannels, planar, planes}, kBufferFrames, PcmSink{f, kChannels, planar, block.data()},
                  r.max_output_frames(kBufferFrames)));
  }
  const size_t tail = r.pending_output_frames();
  block.assign(tail * bpf + 1, 0);
  add(r.drain(PcmSink{f, kChannels, planar, block.data()}, tail));
  return out;
}

// The frames of an output buffer, interleaved (planar ones through their
// GstAudioMeta, which must be there and describe the buffer).
std::vector<uint8_t> buffer_frames_interleaved(GstBuffer *b, const GstAudioInfo *info, bool planar) {
  const size_t bpf = size_t(GST_AUDIO_INFO_BPF(info)), width = size_t(GST_AUDIO_INFO_WIDTH(info) / 8);
  std::vector<uint8_t> bytes(gst_buffer_get_size(b));
  gst_buffer_extract(b, 0, bytes.data(), bytes.size());
  GstAudioMeta *meta = gst_buffer_get_audio_meta(b);
  if (!planar) {
    fail_unless(meta == nullptr || meta->info.layout == GST_AUDIO_LAYOUT_INTERLEAVED);
    return bytes;
  }
  fail_unless(meta != nullptr, "a planar output buffer without GstAudioMeta");
  fail_unless_equals_int(meta->info.layout, GST_AUDIO_LAYOUT_NON_INTERLEAVED);
  fail_unless_equals_int(meta->info.finfo->format, GST_AUDIO_INFO_FORMAT(info));
  const size_t n = meta->samples;
  fail_unless_equals_uint64(n * bpf, bytes.size());
  std::vector<uint8_t> out(n * bpf);
  std::vector<const uint8_t *> planes(kChannels);
  for (int c = 0; c < kChannels; c++) planes[c] = bytes.data() + meta->offsets[c];
  interleave(planes.data(), kChannels, n, width, out.data());
  return out;
}

struct FormatRun {
  const char *format;
  bool planar;
  int in_rate, out_rate;
  int level;  // of `quality`: audioresample's 0, 5 and 10 in turn
};

// Pushes random buffers with timestamps and offsets, then EOS; checks caps,
// layout, timestamps and offsets (no gaps or overlaps), the total, and the
// samples against the dsp resampler's.
void run_format(const FormatRun &t) {
  GstAudioInfo info;
  gst_audio_info_set_format(&info, gst_audio_format_from_string(t.format), t.in_rate, kChannels, nullptr);
  info.layout = t.planar ? GST_AUDIO_LAYOUT_NON_INTERLEAVED : GST_AUDIO_LAYOUT_INTERLEAVED;
  GstHarness *h = gst_harness_new_parse(("fastresample quality=" + std::to_string(t.level)).c_str());
  gst_harness_set_src_caps_str(h, caps_for(t.format, t.in_rate, t.planar).c_str());
  gst_harness_set_sink_caps_str(h, caps_for(t.format, t.out_rate, t.planar).c_str());
  const size_t bpf = size_t(GST_AUDIO_INFO_BPF(&info));
  const std::vector<uint8_t> bytes = random_frames(&info, kBuffers * kBufferFrames);
  for (int i = 0; i < kBuffers; i++) {
    GstBuffer *b = gst_buffer_new_memdup(bytes.data() + size_t(i) * kBufferFrames * bpf, kBufferFrames * bpf);
    if (t.planar) gst_buffer_add_audio_meta(b, &info, kBufferFrames, nullptr);
    GST_BUFFER_PTS(b) = frames_to_time(guint64(i) * kBufferFrames, t.in_rate);
    GST_BUFFER_DURATION(b) = frames_to_time(guint64(i + 1) * kBufferFrames, t.in_rate) - GST_BUFFER_PTS(b);
    GST_BUFFER_OFFSET(b) = guint64(i) * kBufferFrames;
    GST_BUFFER_OFFSET_END(b) = guint64(i + 1) * kBufferFrames;
    fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
  }
  gst_harness_push_event(h, gst_event_new_eos());

  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  GstAudioInfo out_info;
  fail_unless(gst_audio_info_from_caps(&out_info, caps));
  gst_caps_unref(caps);
  fail_unless_equals_int(GST_AUDIO_INFO_FORMAT(&out_info), GST_AUDIO_INFO_FORMAT(&info));
  fail_unless_equals_int(GST_AUDIO_INFO_LAYOUT(&out_info), GST_AUDIO_INFO_LAYOUT(&info));
  fail_unless_equals_int(GST_AUDIO_INFO_RATE(&out_info), t.out_rate);

  std::vector<uint8_t> got;
  guint64 frames = 0;
  while (GstBuffer *b = gst_harness_try_pull(h)) {
    const std::vector<uint8_t> f = buffer_frames_interleaved(b, &out_info, t.planar);
    const guint64 n = f.size() / bpf;
    fail_unless_equals_uint64(GST_BUFFER_PTS(b), frames_to_time(frames, t.out_rate));
    fail_unless_equals_uint64(GST_BUFFER_PTS(b) + GST_BUFFER_DURATION(b), frames_to_time(frames + n, t.out_rate));
    fail_unless_equals_uint64(GST_BUFFER_OFFSET(b), frames);
    fail_unless_equals_uint64(GST_BUFFER_OFFSET_END(b), frames + n);
    got.insert(got.end(), f.begin(), f.end());
    frames += n;
    gst_buffer_unref(b);
  }
  const guint64 in_frames = guint64(kBuffers) * kBufferFrames;
  fail_unless_equals_uint64(frames, (in_frames * t.out_rate + t.in_rate - 1) / t.in_rate);
  const ResampleQuality q = t.level <= 4 ? ResampleQuality::Fast : t.level <= 8 ? ResampleQuality::High
                                                                                : ResampleQuality::VeryHigh;
  const std::vector<uint8_t> want = dsp_output(&info, t.out_rate, q, bytes, t.planar);
  fail_unless(got == want, "%s %s %d -> %d: samples differ from the dsp resampler's", t.format,
              t.planar ? "planar" : "interleaved", t.in_rate, t.out_rate);
  gst_harness_teardown(h);
}

}  // namespace

// audioresample's pipelines check, and more: every format, both layouts,
// 44.1k <-> 48k, quality levels 0, 5 and 10 in turn.
GST_START_TEST(test_every_format_and_layout) {
  const GstAudioFormatInfo *finfo = gst_audio_format_get_info(GstAudioFormat(GST_AUDIO_FORMAT_S8 + __i__));
  int k = 0;
  for (bool planar : {false, true})
    for (const auto &rates : {std::pair{44100, 48000}, std::pair{48000, 44100}})
      run_format({finfo->name, planar, rates.first, rates.second, 5 * (k++ % 3)});
}
GST_END_TEST;

// A live stream whose input rate changes while downstream stays at 48 kHz
// (audioresample's live-switch checks): passthrough at 48k, then 1 s at
// 40k and 1 s at 50k. Each second comes out as exactly 48000 frames, in
// buffers that start at its own first timestamp (the drained tail of the
// one before first), however the filter's latency splits them.
GST_START_TEST(test_live_rate_switch_totals) {
  GstHarness *h = gst_harness_new("fastresample");
  gst_harness_set_sink_caps_str(h, caps_for("S16LE", 48000, false).c_str());
  guint64 per_second[3] = {0, 0, 0};
  const int rates[3] = {48000, 40000, 50000};
  for (int s = 0; s < 3; s++) {
    gst_harness_set_src_caps_str(h, caps_for("S16LE", rates[s], false).c_str());
    GstBuffer *b = gst_buffer_new_and_alloc(gsize(rates[s]) * 4);
    gst_buffer_memset(b, 0, 0, gsize(rates[s]) * 4);
    GST_BUFFER_PTS(b) = guint64(s) * GST_SECOND;
    GST_BUFFER_DURATION(b) = GST_SECOND;
    fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
    if (s == 2) gst_harness_push_event(h, gst_event_new_eos());
    // Collected when the next second's caps drain this one (or at EOS).
    if (s > 0)
      while (GstBuffer *o = gst_harness_try_pull(h)) {
        const int second = int(GST_BUFFER_PTS(o) / GST_SECOND);
        fail_unless(second >= 0 && second < 3);
        per_second[second] += gst_buffer_get_size(o) / 4;
        gst_buffer_unref(o);
      }
  }
  while (GstBuffer *o = gst_harness_try_pull(h)) {
    per_second[GST_BUFFER_PTS(o) / GST_SECOND] += gst_buffer_get_size(o) / 4;
    gst_buffer_unref(o);
  }
  for (int s = 0; s < 3; s++)
    fail_unless_equals_uint64(per_second[s], 48000);
  gst_harness_teardown(h);
}
GST_END_TEST;

// After NULL and PLAYING again, a new stream starts clean: nothing of the
// first one is pushed on the new segment, and the same input gives the
// same output (audioresample's reuse check).
GST_START_TEST(test_reuse_after_null) {
  GstHarness *h = gst_harness_new("fastresample");
  gst_harness_set_src_caps_str(h, caps_for("S16LE", 9343, false, 1).c_str());
  gst_harness_set_sink_caps_str(h, caps_for("S16LE", 48000, false, 1).c_str());
  std::vector<std::vector<uint8_t>> runs;
  for (int run = 0; run < 2; run++) {
    if (run == 1) {
      fail_unless_equals_int(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
      fail_unless_equals_int(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
      gst_harness_set_src_caps_str(h, caps_for("S16LE", 9343, false, 1).c_str());
      GstSegment segment;
      gst_segment_init(&segment, GST_FORMAT_TIME);
      gst_harness_push_event(h, gst_event_new_segment(&segment));
    }
    std::vector<int16_t> ramp(9343);
    for (size_t i = 0; i < ramp.size(); i++) ramp[i] = int16_t(i * 7 % 20000 - 10000);
    GstBuffer *b = gst_buffer_new_memdup(ramp.data(), ramp.size() * 2);
    GST_BUFFER_PTS(b) = 0;
    GST_BUFFER_DURATION(b) = GST_SECOND;
    fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_buffers_in_queue(h), 1);
    GstBuffer *o = gst_harness_pull(h);
    fail_unless_equals_uint64(GST_BUFFER_PTS(o), 0);
    std::vector<uint8_t> bytes(gst_buffer_get_size(o));
    gst_buffer_extract(o, 0, bytes.data(), bytes.size());
    runs.push_back(bytes);
    gst_buffer_unref(o);
  }
  fail_unless(runs[0] == runs[1], "the second run after NULL differs from the first");
  gst_harness_teardown(h);
}
GST_END_TEST;

// PAUSED, PLAYING and NULL in quick turns while a source streams through
// (audioresample's shutdown check): no crash, no hang, no error.
GST_START_TEST(test_state_cycles_while_streaming) {
  GstElement *pipeline = gst_parse_launch(
      "audiotestsrc is-live=false ! audio/x-raw,format=S24LE,rate=44100,channels=2,layout=non-interleaved ! "
      "fastresample ! audio/x-raw,rate=48000 ! fakesink sync=false",
      nullptr);
  fail_unless(pipeline != nullptr);
  for (int i = 0; i < 20; i++) {
    gst_element_set_state(pipeline, GST_STATE_PAUSED);
    fail_unless_equals_int(gst_element_get_state(pipeline, nullptr, nullptr, 10 * GST_SECOND),
                           GST_STATE_CHANGE_SUCCESS);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    g_usleep(100);
    fail_unless_equals_int(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  }
  GstBus *bus = gst_element_get_bus(pipeline);
  GstMessage *error = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  fail_unless(error == nullptr, "an error was posted");
  gst_object_unref(bus);
  gst_object_unref(pipeline);
}
GST_END_TEST;

// GAP input in unsigned and big-endian formats (silence is not all-zero
// bytes there): once the filter holds only silence, the output is the
// format's silence and flagged GAP, planar or not.
GST_START_TEST(test_gap_is_the_formats_silence) {
  for (const char *format : {"U8", "U24BE", "F32BE"})
    for (bool planar : {false, true}) {
      GstAudioInfo info;
      gst_audio_info_set_format(&info, gst_audio_format_from_string(format), 48000, kChannels, nullptr);
      info.layout = planar ? GST_AUDIO_LAYOUT_NON_INTERLEAVED : GST_AUDIO_LAYOUT_INTERLEAVED;
      GstHarness *h = gst_harness_new("fastresample");
      gst_harness_set_src_caps_str(h, caps_for(format, 48000, planar).c_str());
      gst_harness_set_sink_caps_str(h, caps_for(format, 16000, planar).c_str());
      const size_t bpf = size_t(GST_AUDIO_INFO_BPF(&info)), frames = 4800;
      for (int i = 0; i < 4; i++) {
        GstBuffer *b = gst_buffer_new_allocate(nullptr, frames * bpf, nullptr);
        GstMapInfo map;
        gst_buffer_map(b, &map, GST_MAP_WRITE);
        gst_audio_format_info_fill_silence(info.finfo, map.data, map.size);
        gst_buffer_unmap(b, &map);
        if (planar) gst_buffer_add_audio_meta(b, &info, frames, nullptr);
        GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_GAP);
        GST_BUFFER_PTS(b) = frames_to_time(guint64(i) * frames, 48000);
        fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
      }
      int gaps = 0;
      while (GstBuffer *o = gst_harness_try_pull(h)) {
        GstMapInfo map;
        gst_buffer_map(o, &map, GST_MAP_READ);
        for (size_t k = 0; k < map.size; k += size_t(GST_AUDIO_INFO_WIDTH(&info) / 8))
          fail_unless(std::memcmp(map.data + k, info.finfo->silence, size_t(GST_AUDIO_INFO_WIDTH(&info) / 8)) == 0,
                      "%s %s: byte %zu is not silence", format, planar ? "planar" : "interleaved", k);
        gst_buffer_unmap(o, &map);
        gaps += GST_BUFFER_FLAG_IS_SET(o, GST_BUFFER_FLAG_GAP);
        gst_buffer_unref(o);
      }
      fail_unless_equals_int(gaps, 4);
      gst_harness_teardown(h);
    }
}
GST_END_TEST;

static Suite *fastresample_formats_suite() {
  Suite *s = suite_create("fastresample_formats");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 300);
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_every_format_and_layout, 0, GST_AUDIO_FORMAT_F64BE - GST_AUDIO_FORMAT_S8 + 1);
  tcase_add_test(tc, test_live_rate_switch_totals);
  tcase_add_test(tc, test_reuse_after_null);
  tcase_add_test(tc, test_state_cycles_while_streaming);
  tcase_add_test(tc, test_gap_is_the_formats_silence);
  return s;
}

GST_CHECK_MAIN(fastresample_formats);
