// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad element: messages and their timestamps, passthrough by pointer
// (also with the level meta), silence-action, EOS, flush, GAP, latency,
// formats, NaN, bad properties and caps.
#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Burst {
  double start_s, end_s;
};

// White noise at -50 dBFS plus 300 Hz bursts modulated at 4 Hz (syllables).
std::vector<float> speechlike(unsigned rate, double seconds, const std::vector<Burst> &bursts, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, std::pow(10.0, -50.0 / 20));
  std::vector<float> v(size_t(seconds * rate));
  for (size_t i = 0; i < v.size(); i++) {
    const double t = double(i) / rate;
    double x = noise(rng);
    for (const Burst &b : bursts)
      if (t >= b.start_s && t < b.end_s)
        x += 0.1 * (0.15 + 0.85 * std::fabs(std::sin(kPi * 4 * (t - b.start_s)))) * std::sin(2 * kPi * 300 * t);
    v[i] = float(x);
  }
  return v;
}

std::string caps_str(const char *format, unsigned rate, int channels = 1) {
  return std::string("audio/x-raw,layout=interleaved,format=") + format + ",rate=" + std::to_string(rate) +
         ",channels=" + std::to_string(channels);
}

struct Fixture {
  GstHarness *h;
  GstBus *bus;
  GstElement *vad;  // the rmsvad inside the harness' bin
};

Fixture make(const char *launch, const std::string &caps) {
  Fixture f;
  f.h = gst_harness_new_parse(launch);
  f.bus = gst_bus_new();
  gst_element_set_bus(f.h->element, f.bus);
  gst_harness_set_src_caps_str(f.h, caps.c_str());
  f.vad = gst_harness_find_element(f.h, "rmsvad");
  fail_unless(f.vad != nullptr);
  return f;
}

void destroy(Fixture &f) {
  gst_element_set_bus(f.h->element, nullptr);
  gst_object_unref(f.bus);
  gst_object_unref(f.vad);
  gst_harness_teardown(f.h);
}

GstBuffer *f32_buffer(const float *x, size_t n, GstClockTime pts, unsigned rate) {
  GstBuffer *buf = gst_buffer_new_memdup(x, n * sizeof(float));
  GST_BUFFER_PTS(buf) = pts;
  GST_BUFFER_DURATION(buf) = gst_util_uint64_scale_int(n, GST_SECOND, rate);
  return buf;
}

// Pushes x in 20 ms buffers starting at `t0`; returns how many were pushed.
size_t push_signal(GstHarness *h, const std::vector<float> &x, unsigned rate, GstClockTime t0 = 0) {
  const size_t chunk = rate / 50;
  size_t count = 0;
  for (size_t pos = 0; pos + chunk <= x.size(); pos += chunk, count++) {
    GstClockTime pts = t0 + gst_util_uint64_scale_int(pos, GST_SECOND, rate);
    fail_unless_equals_int(gst_harness_push(h, f32_buffer(&x[pos], chunk, pts, rate)), GST_FLOW_OK);
  }
  return count;
}

struct Msg {
  std::string name;
  guint64 ts, stream_time, running_time;
  double level, floor;
};

// Pops every element message; returns the speech ones, counts the per-frame ones.
std::vector<Msg> speech_messages(GstBus *bus, size_t *frame_messages = nullptr) {
  std::vector<Msg> out;
  while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
    const GstStructure *s = gst_message_get_structure(m);
    const std::string name = gst_structure_get_name(s);
    if (frame_messages && name == "rmsvad") ++*frame_messages;
    if (name == "speech-start" || name == "speech-stop") {
      Msg msg;
      msg.name = name;
      fail_unless(gst_structure_get_uint64(s, "timestamp", &msg.ts));
      fail_unless(gst_structure_get_uint64(s, "stream-time", &msg.stream_time));
      fail_unless(gst_structure_get_uint64(s, "running-time", &msg.running_time));
      fail_unless(gst_structure_get_double(s, "level", &msg.level));
      fail_unless(gst_structure_get_double(s, "noise-floor", &msg.floor));
      out.push_back(msg);
    }
    gst_message_unref(m);
  }
  return out;
}

double secs(guint64 t) { return double(t) / GST_SECOND; }

// The element's pre-roll in seconds: onsets are dated back by it.
double pre_roll(const Fixture &f) {
  guint64 t;
  g_object_get(f.vad, "pre-roll", &t, nullptr);
  return secs(t);
}

}  // namespace

GST_START_TEST(test_messages_and_timestamps) {
  const unsigned rate = 16000;
  Fixture f = make("rmsvad", caps_str("F32LE", rate));
  // A segment whose base makes running-time differ from the timestamps.
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  seg.base = 5 * GST_SECOND;
  fail_unless(gst_harness_push_event(f.h, gst_event_new_segment(&seg)));
  std::vector<float> x = speechlike(rate, 6.0, {{1.5, 2.5}, {3.5, 4.5}});
  const GstClockTime t0 = 10 * GST_SECOND;
  push_signal(f.h, x, rate, t0);
  size_t frame_messages = 0;
  auto msgs = speech_messages(f.bus, &frame_messages);
  fail_unless_equals_int(msgs.size(), 4);
  fail_unless_equals_int(frame_messages, 0);  // per-frame messages are off by default
  const double want[] = {1.5 - pre_roll(f), 2.5, 3.5 - pre_roll(f), 4.5};
  for (size_t i = 0; i < msgs.size(); i++) {
    fail_unless_equals_string(msgs[i].name.c_str(), i % 2 ? "speech-stop" : "speech-start");
    const double t = secs(msgs[i].ts) - 10;
    if (i % 2 == 0) {
      fail_unless(std::fabs(t - want[i]) <= 0.021, "onset %zu at %.3f", i, t);
    } else {
      fail_unless(t >= want[i] - 0.05 && t <= want[i] + 0.08 + 0.04, "offset %zu at %.3f", i, t);
    }
    fail_unless_equals_uint64(msgs[i].stream_time, msgs[i].ts);
    fail_unless_equals_uint64(msgs[i].running_time, msgs[i].ts + 5 * GST_SECOND);
    fail_unless(msgs[i].floor < -50 && msgs[i].floor > -75, "floor %.1f", msgs[i].floor);
  }
  fail_unless(msgs[0].level > msgs[0].floor + 8);
  destroy(f);
}
GST_END_TEST;

GST_START_TEST(test_passthrough_by_pointer) {
  const unsigned rate = 48000;
  const bool metas[] = {false, true};
  for (bool meta : metas) {
    Fixture f = make(meta ? "rmsvad audio-level-meta=true" : "rmsvad", caps_str("F32LE", rate));
    std::vector<float> x = speechlike(rate, 2.0, {{0.5, 1.5}});
    const size_t chunk = rate / 50;
    bool saw_voice = false, saw_silence = false;
    for (size_t pos = 0; pos + chunk <= x.size(); pos += chunk) {
      GstBuffer *in = f32_buffer(&x[pos], chunk, gst_util_uint64_scale_int(pos, GST_SECOND, rate), rate);
      GstMemory *mem = gst_buffer_peek_memory(in, 0);
      GstMapInfo map;
      gst_buffer_map(in, &map, GST_MAP_READ);
      const guint8 *data = map.data;
      gst_buffer_unmap(in, &map);
      GstBuffer *expect = in;
      fail_unless_equals_int(gst_harness_push(f.h, in), GST_FLOW_OK);
      GstBuffer *out = gst_harness_pull(f.h);
      if (!meta) fail_unless(out == expect, "passthrough must return the very same buffer");
      fail_unless(gst_buffer_peek_memory(out, 0) == mem, "memory must be the input's");
      gst_buffer_map(out, &map, GST_MAP_READ);
      fail_unless(map.data == data);
      fail_unless(std::memcmp(map.data, &x[pos], chunk * sizeof(float)) == 0);
      gst_buffer_unmap(out, &map);
      GstAudioLevelMeta *m = gst_buffer_get_audio_level_meta(out);
      if (meta) {
        fail_unless(m != nullptr);
        (m->voice_activity ? saw_voice : saw_silence) = true;
        fail_unless(m->level <= 127);
        if (!m->voice_activity && pos > rate / 5 && pos < rate / 3) fail_unless(m->level > 40, "level %u", m->level);
      } else {
        fail_unless(m == nullptr);
      }
      gst_buffer_unref(out);
    }
    if (meta) fail_unless(saw_voice && saw_silence);
    destroy(f);
  }
}
GST_END_TEST;

GST_START_TEST(test_silence_action) {
  const unsigned rate = 16000;
  std::vector<float> x = speechlike(rate, 5.0, {{1.5, 2.5}});
  const char *actions[] = {"gap", "drop"};
  for (const char *action : actions) {
    std::string launch = std::string("rmsvad silence-action=") + action;
    Fixture f = make(launch.c_str(), caps_str("F32LE", rate));
    gst_harness_set_upstream_latency(f.h, 0);
    // gap/drop hold buffers until decided, and say so.
    GstClockTime latency = gst_harness_query_latency(f.h);
    fail_unless(latency >= 200 * GST_MSECOND && latency <= 400 * GST_MSECOND,
                "latency %" GST_TIME_FORMAT, GST_TIME_ARGS(latency));
    // Push 20 ms at a time; every buffer must leave within the latency.
    std::vector<GstBuffer *> outs;
    const size_t chunk = rate / 50;
    size_t pushed = 0;
    for (size_t pos = 0; pos + chunk <= x.size(); pos += chunk, pushed++) {
      const GstClockTime pts = gst_util_uint64_scale_int(pos, GST_SECOND, rate);
      const GstClockTime dur = gst_util_uint64_scale_int(chunk, GST_SECOND, rate);
      fail_unless_equals_int(gst_harness_push(f.h, f32_buffer(&x[pos], chunk, pts, rate)), GST_FLOW_OK);
      while (GstBuffer *b = gst_harness_try_pull(f.h)) outs.push_back(b);
      // Everything that ended more than `latency` before the newest end is out.
      const GstClockTime now = pts + dur;
      for (size_t i = 0; i < pushed + 1; i++) {
        const GstClockTime end = (i + 1) * dur;
        if (end + latency > now) break;
        bool released = std::string(action) == "drop";  // dropped ones cannot be seen
        for (GstBuffer *o : outs) released |= GST_BUFFER_PTS(o) == i * dur;
        if (std::string(action) == "gap")
          fail_unless(released, "buffer %zu held past the reported latency", i);
      }
    }
    gst_harness_push_event(f.h, gst_event_new_eos());
    while (GstBuffer *b = gst_harness_try_pull(f.h)) outs.push_back(b);
    size_t out = 0, gaps = 0, speech = 0;
    GstClockTime last = 0;
    bool first_after_drop_discont = true;
    for (GstBuffer *b : outs) {
      out++;
      fail_unless(out == 1 || GST_BUFFER_PTS(b) > last, "buffers out of order");
      const double t = secs(GST_BUFFER_PTS(b));
      if (GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_GAP)) {
        gaps++;
        fail_if(t > 1.5 && t < 2.5, "speech buffer at %.2f flagged GAP", t);
      } else {
        speech++;
        fail_unless(t > 1.3 && t < 2.9, "silent buffer at %.2f passed", t);
        if (speech == 1 && std::string(action) == "drop")
          first_after_drop_discont = GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DISCONT);
      }
      last = GST_BUFFER_PTS(b);
      gst_buffer_unref(b);
    }
    fail_unless(speech >= 50 && speech <= 70, "%zu speech buffers", speech);
    if (std::string(action) == "gap") {
      fail_unless_equals_int(out, pushed);
    } else {
      fail_unless(gaps == 0 && out == speech && first_after_drop_discont);
    }
    destroy(f);
  }
  Fixture f = make("rmsvad", caps_str("F32LE", rate));
  gst_harness_set_upstream_latency(f.h, 0);
  fail_unless_equals_uint64(gst_harness_query_latency(f.h), 0);
  destroy(f);
}
GST_END_TEST;

GST_START_TEST(test_eos_closes_speech) {
  const unsigned rate = 16000;
  Fixture f = make("rmsvad", caps_str("F32LE", rate));
  std::vector<float> x = speechlike(rate, 3.0, {{1.5, 10}});
  push_signal(f.h, x, rate);
  auto msgs = speech_messages(f.bus);
  fail_unless_equals_int(msgs.size(), 1);
  gboolean speaking = FALSE;
  g_object_get(f.vad, "speaking", &speaking, nullptr);
  fail_unless(speaking);
  gst_harness_push_event(f.h, gst_event_new_eos());
  msgs = speech_messages(f.bus);
  fail_unless_equals_int(msgs.size(), 1);
  fail_unless_equals_string(msgs[0].name.c_str(), "speech-stop");
  fail_unless(secs(msgs[0].ts) <= 3.0 + 1e-9 && secs(msgs[0].ts) > 2.9, "stop at %.3f", secs(msgs[0].ts));
  destroy(f);
}
GST_END_TEST;

GST_START_TEST(test_flush_and_discont) {
  const unsigned rate = 16000;
  const bool resets[] = {false, true};
  for (bool reset : resets) {
    Fixture f = make(reset ? "rmsvad reset-floor-on-flush=true" : "rmsvad", caps_str("F32LE", rate));
    std::vector<float> x = speechlike(rate, 3.0, {{1.5, 10}});
    push_signal(f.h, x, rate);
    double floor_before;
    g_object_get(f.vad, "noise-floor", &floor_before, nullptr);
    fail_unless(floor_before < -50 && floor_before > -80);
    speech_messages(f.bus);
    gst_harness_push_event(f.h, gst_event_new_flush_start());
    gst_harness_push_event(f.h, gst_event_new_flush_stop(TRUE));
    auto msgs = speech_messages(f.bus);
    fail_unless_equals_int(msgs.size(), 1);
    fail_unless_equals_string(msgs[0].name.c_str(), "speech-stop");
    double floor_after;
    g_object_get(f.vad, "noise-floor", &floor_after, nullptr);
    if (reset) {
      fail_unless(floor_after < -100, "floor not reset: %.1f", floor_after);
    } else {
      fail_unless_equals_float(floor_after, floor_before);
    }
    destroy(f);
  }
  // DISCONT: open speech is closed where its timeline ended; the new one
  // starts at the new timestamp.
  Fixture f = make("rmsvad", caps_str("F32LE", rate));
  std::vector<float> x = speechlike(rate, 3.0, {{1.5, 10}});
  push_signal(f.h, x, rate);
  std::vector<float> y = speechlike(rate, 3.0, {{1.0, 2.0}}, 7);
  GstBuffer *b = f32_buffer(y.data(), rate / 50, 100 * GST_SECOND, rate);
  GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DISCONT);
  gst_harness_push(f.h, b);
  std::vector<float> rest(y.begin() + rate / 50, y.end());
  push_signal(f.h, rest, rate, 100 * GST_SECOND + 20 * GST_MSECOND);
  auto msgs = speech_messages(f.bus);
  fail_unless_equals_int(msgs.size(), 4);
  fail_unless(secs(msgs[1].ts) <= 3.0 + 1e-9, "stop at %.3f", secs(msgs[1].ts));
  fail_unless(std::fabs(secs(msgs[2].ts) - (101.0 - pre_roll(f))) <= 0.021, "new onset at %.3f", secs(msgs[2].ts));
  // A timestamp jump without the DISCONT flag starts a new timeline too.
  push_signal(f.h, y, rate, 200 * GST_SECOND);
  msgs = speech_messages(f.bus);
  fail_unless_equals_int(msgs.size(), 2);
  fail_unless(std::fabs(secs(msgs[0].ts) - (201.0 - pre_roll(f))) <= 0.021, "onset after jump at %.3f",
              secs(msgs[0].ts));
  destroy(f);
}
GST_END_TEST;

GST_START_TEST(test_gap_is_silence) {
  const unsigned rate = 16000;
  Fixture f = make("rmsvad post-messages=true", caps_str("F32LE", rate));
  std::vector<float> x = speechlike(rate, 1.0, {});
  push_signal(f.h, x, rate);
  // GAP buffers whose (stale) payload is loud: they count as silence.
  std::vector<float> loud = speechlike(rate, 1.0, {{0, 1}});
  for (size_t i = 0; i < 50; i++) {
    GstBuffer *b = f32_buffer(&loud[i * 320], 320, GST_SECOND + i * 20 * GST_MSECOND, rate);
    GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_GAP);
    gst_harness_push(f.h, b);
  }
  // A GAP event of 1 s too.
  gst_harness_push_event(f.h, gst_event_new_gap(2 * GST_SECOND, GST_SECOND));
  size_t frames = 0;
  bool speech = false;
  while (GstMessage *m = gst_bus_pop_filtered(f.bus, GST_MESSAGE_ELEMENT)) {
    const GstStructure *s = gst_message_get_structure(m);
    if (gst_structure_has_name(s, "rmsvad")) {
      frames++;
      gboolean sp;
      gst_structure_get_boolean(s, "speech", &sp);
      speech |= sp;
      guint64 ts, dur;
      gst_structure_get_uint64(s, "timestamp", &ts);
      gst_structure_get_uint64(s, "duration", &dur);
      fail_unless_equals_uint64(dur, 20 * GST_MSECOND);
      fail_unless_equals_uint64(ts, (frames - 1) * 20 * GST_MSECOND);
    }
    fail_if(gst_structure_has_name(s, "speech-start"), "GAP started speech");
    gst_message_unref(m);
  }
  fail_unless_equals_int(frames, 150);
  fail_if(speech);
  double floor;
  g_object_get(f.vad, "noise-floor", &floor, nullptr);
  fail_unless(floor > -80, "GAP dragged the floor down to %.1f", floor);
  destroy(f);
}
GST_END_TEST;

GST_START_TEST(test_formats_and_channels) {
  const unsigned rate = 48000;
  std::vector<float> x = speechlike(rate, 3.0, {{1.0, 2.0}});
  const char *formats[] = {"S16LE", "S32LE", "F32LE", "F64LE"};
  for (const char *format : formats) {
    for (int channels : {1, 2}) {
      Fixture f = make("rmsvad", caps_str(format, rate, channels) + (channels == 2 ? ",channel-mask=(bitmask)0x3" : ""));
      const GstAudioFormatInfo *fi = gst_audio_format_get_info(gst_audio_format_from_string(format));
      const int bps = GST_AUDIO_FORMAT_INFO_WIDTH(fi) / 8;
      const size_t chunk = rate / 100;
      for (size_t pos = 0; pos + chunk <= x.size(); pos += chunk) {
        std::vector<uint8_t> bytes(chunk * channels * bps);
        for (size_t i = 0; i < chunk; i++)
          for (int c = 0; c < channels; c++) {
            uint8_t *p = &bytes[(i * channels + c) * bps];
            const double v = x[pos + i];
            if (bps == 2) { int16_t s = int16_t(std::lrint(v * 32767)); std::memcpy(p, &s, 2); }
            else if (std::string(format) == "S32LE") { int32_t s = int32_t(std::lrint(v * 2147483647.0)); std::memcpy(p, &s, 4); }
            else if (bps == 4) { float s = float(v); std::memcpy(p, &s, 4); }
            else std::memcpy(p, &v, 8);
          }
        GstBuffer *b = gst_buffer_new_memdup(bytes.data(), bytes.size());
        GST_BUFFER_PTS(b) = gst_util_uint64_scale_int(pos, GST_SECOND, rate);
        fail_unless_equals_int(gst_harness_push(f.h, b), GST_FLOW_OK);
      }
      gst_harness_push_event(f.h, gst_event_new_eos());
      auto msgs = speech_messages(f.bus);
      fail_unless_equals_int(msgs.size(), 2);
      fail_unless(std::fabs(secs(msgs[0].ts) - (1.0 - pre_roll(f))) <= 0.021, "%s x%d onset %.3f", format, channels, secs(msgs[0].ts));
      destroy(f);
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_nan_inf_input) {
  const unsigned rate = 16000;
  Fixture f = make("rmsvad", caps_str("F32LE", rate));
  std::vector<float> x = speechlike(rate, 4.0, {{3.0, 3.6}});
  for (size_t i = size_t(1.0 * rate); i < size_t(1.5 * rate); i++) x[i] = std::nanf("");
  for (size_t i = size_t(1.7 * rate); i < size_t(1.9 * rate); i += 3) x[i] = (i & 1) ? INFINITY : -INFINITY;
  push_signal(f.h, x, rate);
  double floor;
  g_object_get(f.vad, "noise-floor", &floor, nullptr);
  fail_unless(std::isfinite(floor) && floor < -50 && floor > -80, "floor %.1f", floor);
  auto msgs = speech_messages(f.bus);
  fail_unless_equals_int(msgs.size(), 2);
  fail_unless(std::fabs(secs(msgs[0].ts) - (3.0 - pre_roll(f))) <= 0.021, "onset %.3f", secs(msgs[0].ts));
  destroy(f);
}
GST_END_TEST;

// background-threshold reaches the detector: a steady tone (modulation cue
// off) that lasts 3 s becomes background once it fills 75 % of the last 2 s
// and speech stops early; with the cue off (also when switched off while
// running) speech lasts until the tone ends.
GST_START_TEST(test_background_threshold) {
  const unsigned rate = 16000;
  std::vector<float> x = speechlike(rate, 6.0, {});
  for (size_t i = size_t(1.0 * rate); i < size_t(4.0 * rate); i++)
    x[i] += float(0.03 * std::sin(2 * kPi * 300 * double(i) / rate));
  auto segment = [&](const char *launch, bool switch_off) {
    Fixture f = make(launch, caps_str("F32LE", rate));
    if (switch_off) g_object_set(f.vad, "background-threshold", 0.0, nullptr);
    push_signal(f.h, x, rate);
    auto msgs = speech_messages(f.bus);
    destroy(f);
    fail_unless_equals_int(msgs.size(), 2);
    fail_unless(std::fabs(secs(msgs[0].ts) - (1.0 - 0.02)) <= 0.021, "onset at %.3f", secs(msgs[0].ts));
    return secs(msgs[1].ts);
  };
  const double with_cue = segment("rmsvad modulation-threshold=0", false);
  const double without = segment("rmsvad modulation-threshold=0 background-threshold=0", false);
  const double switched = segment("rmsvad modulation-threshold=0", true);
  std::printf("steady tone 1-4 s: speech stops at %.2f s with the background cue, %.2f s without\n", with_cue, without);
  fail_unless(with_cue > 2.0 && with_cue < 3.3, "with the cue speech stopped at %.2f s", with_cue);
  fail_unless(without > 3.95 && without < 4.2, "without the cue speech stopped at %.2f s", without);
  fail_unless(std::fabs(switched - without) < 1e-9, "switched off: %.2f s", switched);
}
GST_END_TEST;

GST_START_TEST(test_bad_properties) {
  GstElement *e = gst_element_factory_make("rmsvad", nullptr);
  fail_unless(e != nullptr);
  guint64 t;
  ASSERT_WARNING(g_object_set(e, "frame-duration", guint64(GST_MSECOND), nullptr));
  g_object_get(e, "frame-duration", &t, nullptr);
  fail_unless_equals_uint64(t, 20 * GST_MSECOND);
  ASSERT_WARNING(g_object_set(e, "hangover", guint64(60 * GST_SECOND), nullptr));
  g_object_get(e, "hangover", &t, nullptr);
  fail_unless_equals_uint64(t, 80 * GST_MSECOND);
  ASSERT_WARNING(g_object_set(e, "start-threshold", -3.0, nullptr));
  double start, stop;
  g_object_get(e, "start-threshold", &start, "stop-threshold", &stop, nullptr);
  fail_unless_equals_float(start, 8.0);
  fail_unless_equals_float(stop, 5.0);
  ASSERT_WARNING(g_object_set(e, "absolute-threshold", 10.0, nullptr));
  ASSERT_WARNING(g_object_set(e, "relative-threshold", -1.0, nullptr));
  ASSERT_WARNING(g_object_set(e, "modulation-threshold", 25.0, nullptr));
  ASSERT_WARNING(g_object_set(e, "background-threshold", 31.0, nullptr));
  ASSERT_WARNING(g_object_set(e, "background-threshold", -0.5, nullptr));
  g_object_get(e, "background-threshold", &start, nullptr);
  fail_unless_equals_float(start, 5.0);
  g_object_set(e, "background-threshold", 0.0, nullptr);  // off
  g_object_get(e, "background-threshold", &start, nullptr);
  fail_unless_equals_float(start, 0.0);
  g_object_set(e, "relative-threshold", 15.0, nullptr);
  g_object_get(e, "relative-threshold", &start, nullptr);
  fail_unless_equals_float(start, 15.0);
  // In range: accepted, including in time units for any rate.
  g_object_set(e, "frame-duration", guint64(10 * GST_MSECOND), "hangover", guint64(0), "stop-threshold", 8.0,
               nullptr);
  g_object_get(e, "frame-duration", &t, "stop-threshold", &stop, nullptr);
  fail_unless_equals_uint64(t, 10 * GST_MSECOND);
  fail_unless_equals_float(stop, 8.0);
  gst_object_unref(e);
}
GST_END_TEST;

// The start/stop pair is checked when the stream uses it, not per
// property: any order of assignment works, and an invalid pair runs
// without hysteresis with a warning that says what is in force.
GST_START_TEST(test_threshold_pair_any_order) {
  GstElement *e = gst_element_factory_make("rmsvad", nullptr);
  double start, stop;
  g_object_set(e, "start-threshold", 3.0, "stop-threshold", 2.0, nullptr);
  g_object_get(e, "start-threshold", &start, "stop-threshold", &stop, nullptr);
  fail_unless(start == 3.0 && stop == 2.0, "start %g stop %g", start, stop);
  gst_object_unref(e);
  e = gst_element_factory_make("rmsvad", nullptr);
  gst_util_set_object_arg(G_OBJECT(e), "stop-threshold", "12");
  gst_util_set_object_arg(G_OBJECT(e), "start-threshold", "15");
  g_object_get(e, "start-threshold", &start, "stop-threshold", &stop, nullptr);
  fail_unless(start == 15.0 && stop == 12.0, "start %g stop %g", start, stop);
  gst_object_unref(e);

  const unsigned rate = 16000;
  Fixture f = make("rmsvad stop-threshold=20", caps_str("F32LE", rate));
  const std::vector<float> x = speechlike(rate, 0.2, {});
  push_signal(f.h, x, rate);
  GstMessage *m = gst_bus_pop_filtered(f.bus, GST_MESSAGE_WARNING);
  fail_unless(m != nullptr, "no warning about the pair in force");
  GError *err = nullptr;
  gst_message_parse_warning(m, &err, nullptr);
  fail_unless_equals_string(err->message, "rmsvad: stop-threshold 20 dB is above start-threshold 8 dB; in force: "
                                          "start-threshold 8 dB, stop-threshold 8 dB");
  g_error_free(err);
  gst_message_unref(m);
  fail_unless(gst_bus_pop_filtered(f.bus, GST_MESSAGE_WARNING) == nullptr, "the warning came more than once");
  g_object_set(f.vad, "start-threshold", 25.0, nullptr);  // now a valid pair: quiet
  push_signal(f.h, x, rate, GST_SECOND);
  fail_unless(gst_bus_pop_filtered(f.bus, GST_MESSAGE_WARNING) == nullptr);
  destroy(f);
}
GST_END_TEST;

// silence-action=drop leaves a GAP event for every dropped buffer, so the
// timeline downstream has no holes.
GST_START_TEST(test_drop_sends_gap_events) {
  const unsigned rate = 16000;
  Fixture f = make("rmsvad silence-action=drop", caps_str("F32LE", rate));
  const size_t pushed = push_signal(f.h, speechlike(rate, 1.0, {}), rate);
  gst_harness_push_event(f.h, gst_event_new_eos());
  fail_unless_equals_int(gst_harness_buffers_received(f.h), 0);
  GstClockTime next = 0;
  size_t gaps = 0;
  while (GstEvent *e = gst_harness_try_pull_event(f.h)) {
    if (GST_EVENT_TYPE(e) == GST_EVENT_GAP) {
      GstClockTime ts, duration;
      gst_event_parse_gap(e, &ts, &duration);
      fail_unless_equals_uint64(ts, next);
      next = ts + duration;
      gaps++;
    }
    gst_event_unref(e);
  }
  fail_unless_equals_int(gaps, pushed);
  fail_unless_equals_uint64(next, GST_SECOND);
  destroy(f);
}
GST_END_TEST;

// A live pipeline that starts in silence reaches PLAYING with drop.
GST_START_TEST(test_drop_live_pipeline_plays) {
  GstElement *p = gst_parse_launch(
      "audiotestsrc is-live=true wave=silence samplesperbuffer=320 ! audio/x-raw,rate=16000 ! "
      "rmsvad silence-action=drop ! fakesink sync=true", nullptr);
  fail_unless(p != nullptr);
  gst_element_set_state(p, GST_STATE_PLAYING);
  GstState state;
  const GstStateChangeReturn ret = gst_element_get_state(p, &state, nullptr, 5 * GST_SECOND);
  fail_unless(ret == GST_STATE_CHANGE_SUCCESS && state == GST_STATE_PLAYING, "state change %s, state %s",
              gst_element_state_change_return_get_name(ret), gst_element_state_get_name(state));
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_bad_input) {
  // Formats outside the template are refused at negotiation.
  GstHarness *h = gst_harness_new("rmsvad");
  gst_harness_set_src_caps_str(h, caps_str("U8", 16000).c_str());
  GstBuffer *b = gst_buffer_new_allocate(nullptr, 320, nullptr);
  fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown(h);
  h = gst_harness_new("rmsvad");
  gst_harness_set_src_caps_str(h, caps_str("F32LE", 4000).c_str());
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 320, nullptr)), GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown(h);
  // A truncated buffer (not whole frames) is an error, not a crash.
  Fixture f = make("rmsvad", caps_str("S16LE", 16000, 2));
  fail_unless_equals_int(gst_harness_push(f.h, gst_buffer_new_allocate(nullptr, 322, nullptr)), GST_FLOW_ERROR);
  GstMessage *m = gst_bus_pop_filtered(f.bus, GST_MESSAGE_ERROR);
  fail_unless(m != nullptr);
  gst_message_unref(m);
  destroy(f);
}
GST_END_TEST;

static Suite *rmsvad_suite() {
  Suite *s = suite_create("rmsvad");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_messages_and_timestamps);
  tcase_add_test(tc, test_passthrough_by_pointer);
  tcase_add_test(tc, test_silence_action);
  tcase_add_test(tc, test_eos_closes_speech);
  tcase_add_test(tc, test_flush_and_discont);
  tcase_add_test(tc, test_gap_is_silence);
  tcase_add_test(tc, test_formats_and_channels);
  tcase_add_test(tc, test_nan_inf_input);
  tcase_add_test(tc, test_background_threshold);
  tcase_add_test(tc, test_bad_properties);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_threshold_pair_any_order);
  tcase_add_test(tc, test_drop_sends_gap_events);
  tcase_add_test(tc, test_drop_live_pipeline_plays);
  return s;
}

GST_CHECK_MAIN(rmsvad);
