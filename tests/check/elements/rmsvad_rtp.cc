// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad's level and decision in RTP headers (RFC 6464 client-to-mixer audio
// level, "vad=on"): rmsvad audio-level-meta=true ! opusenc ! rtpopuspay
// auto-header-extension=true with extmap-1 in the caps. Every packet of the
// speech fixture is parsed: its V bit follows the labels (allowing rmsvad's
// decision delay) and its level is rmsvad's frame level in -dBov.
// Standard headers first: check.h defines a fail() macro that breaks <ios>.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "../speech_fixture.h"

#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>
#include <gst/rtp/rtp.h>

namespace {

constexpr const char *kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

struct Tagged {
  GstClockTime pts, duration;
  guint8 level;
  bool voice;
};

// rmsvad's output buffers as they leave it, with their meta.
GstPadProbeReturn record_meta(GstPad *, GstPadProbeInfo *info, gpointer data) {
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
  const GstAudioLevelMeta *m = gst_buffer_get_audio_level_meta(buf);
  fail_unless(m != nullptr, "rmsvad buffer without GstAudioLevelMeta");
  static_cast<std::vector<Tagged> *>(data)->push_back(
      {GST_BUFFER_PTS(buf), GST_BUFFER_DURATION(buf), m->level, bool(m->voice_activity)});
  return GST_PAD_PROBE_OK;
}

struct Run {
  std::vector<Tagged> metas, packets;
  std::map<GstClockTime, double> frame_rms;  // rmsvad's per-frame messages
};

Run send_fixture(const char *buffer_duration, const char *frame_size) {
  gchar *launch = g_strdup_printf(
      "filesrc location=\"%s\" ! wavparse ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! "
      "audiobuffersplit output-buffer-duration=%s ! rmsvad name=vad audio-level-meta=true post-messages=true ! "
      "opusenc frame-size=%s ! rtpopuspay auto-header-extension=true ! "
      "application/x-rtp,extmap-1=(string)<\"\",%s,\"vad=on\"> ! appsink name=out sync=false",
      speech_fixture::path("vad-speech-16k.wav").c_str(), buffer_duration, frame_size, kAudioLevelUri);
  GError *err = nullptr;
  GstElement *pipeline = gst_parse_launch(launch, &err);
  fail_unless(pipeline && !err, "%s: %s", launch, err ? err->message : "");
  g_free(launch);
  Run run;
  GstElement *vad = gst_bin_get_by_name(GST_BIN(pipeline), "vad");
  GstPad *pad = gst_element_get_static_pad(vad, "src");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, record_meta, &run.metas, nullptr);
  gst_object_unref(pad);
  gst_object_unref(vad);
  GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  fail_unless(gst_element_set_state(pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  while (GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 30 * GST_SECOND)) {
    GstBuffer *buf = gst_sample_get_buffer(sample);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless(gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp));
    gpointer data;
    guint size;
    fail_unless(gst_rtp_buffer_get_extension_onebyte_header(&rtp, 1, 0, &data, &size),
                "packet %zu has no audio level extension", run.packets.size());
    fail_unless_equals_int(size, 1);
    const guint8 b = *static_cast<guint8 *>(data);
    run.packets.push_back({GST_BUFFER_PTS(buf), GST_BUFFER_DURATION(buf), guint8(b & 0x7f), (b & 0x80) != 0});
    gst_rtp_buffer_unmap(&rtp);
    gst_sample_unref(sample);
  }
  fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)), "no EOS after 30 s");
  GstBus *bus = gst_element_get_bus(pipeline);
  while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
    const GstStructure *s = gst_message_get_structure(m);
    guint64 ts;
    double rms;
    if (gst_structure_has_name(s, "rmsvad") && gst_structure_get_uint64(s, "timestamp", &ts) &&
        gst_structure_get_double(s, "rms", &rms))
      run.frame_rms[ts] = rms;
    gst_message_unref(m);
  }
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return run;
}

// The meta of the rmsvad buffer in which a packet's audio starts: opusenc
// carries metas from its input buffers to the frames made from them.
const Tagged *source_buffer(const std::vector<Tagged> &metas, GstClockTime pts) {
  for (const Tagged &t : metas)
    if (pts >= t.pts && pts < t.pts + t.duration) return &t;
  return nullptr;
}

void check_run(const Run &run, double frame_s) {
  fail_unless(run.packets.size() > 1000, "%zu packets", run.packets.size());
  const auto labels = speech_fixture::labels();
  // rmsvad's delays with its defaults: a segment is confirmed after
  // min-speech (40 ms) plus a frame, and held for hangover + min-silence
  // (80 + 200 ms) after the level falls.
  const double onset_allowance = 0.04 + 2 * frame_s, offset_allowance = 0.28 + 2 * frame_s;
  size_t in_speech = 0, voiced_in_speech = 0, in_silence = 0, voiced_in_silence = 0, levels_checked = 0;
  for (const Tagged &p : run.packets) {
    const Tagged *src = source_buffer(run.metas, p.pts);
    fail_unless(src != nullptr, "no rmsvad buffer at %" GST_TIME_FORMAT, GST_TIME_ARGS(p.pts));
    fail_unless_equals_int(p.level, src->level);
    fail_unless_equals_int(p.voice, src->voice);
    // The level is that of rmsvad's last frame complete by the buffer's end
    // (full band, dBFS) as -dBov, 127 for silence.
    const GstClockTime frame = GstClockTime(std::llround(frame_s * GST_SECOND));
    const GstClockTime end = src->pts + src->duration;
    auto rms = run.frame_rms.upper_bound(end >= frame ? end - frame : 0);
    if (end >= frame && rms != run.frame_rms.begin()) {
      --rms;
      const int want = rms->second <= -127 ? 127 : rms->second >= 0 ? 0 : int(-rms->second);
      fail_unless_equals_int(p.level, want);
      levels_checked++;
    }
    const double a = double(p.pts) / GST_SECOND, b = a + double(p.duration) / GST_SECOND;
    const double lead = speech_fixture::overlap(labels, a - onset_allowance, b);
    const double tail = speech_fixture::overlap(labels, a - offset_allowance, b);
    if (lead >= onset_allowance + (b - a) - 1e-9) {
      in_speech++;
      voiced_in_speech += p.voice;
    } else if (tail == 0) {
      in_silence++;
      voiced_in_silence += p.voice;
    }
  }
  std::printf("%zu packets: V set on %zu of %zu in speech, %zu of %zu in silence; %zu levels equal rmsvad's "
              "frame level\n",
              run.packets.size(), voiced_in_speech, in_speech, voiced_in_silence, in_silence, levels_checked);
  fail_unless(levels_checked > run.packets.size() * 9 / 10);
  fail_unless(in_speech > 500 && in_silence > 100);
  fail_unless(voiced_in_speech >= in_speech * 95 / 100, "V set on %zu of %zu", voiced_in_speech, in_speech);
  fail_unless(voiced_in_silence <= in_silence * 5 / 100, "V set on %zu of %zu", voiced_in_silence, in_silence);
}

}  // namespace

GST_START_TEST(test_audio_level_in_rtp_20ms) {
  check_run(send_fixture("1/50", "20"), 0.02);
}
GST_END_TEST;

// WebRTC's usual 10 ms: each packet carries the meta of its own buffer.
GST_START_TEST(test_audio_level_in_rtp_10ms) {
  check_run(send_fixture("1/100", "10"), 0.02);
}
GST_END_TEST;

static Suite *rmsvad_rtp_suite() {
  Suite *s = suite_create("rmsvad_rtp");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_audio_level_in_rtp_20ms);
  tcase_add_test(tc, test_audio_level_in_rtp_10ms);
  return s;
}

GST_CHECK_MAIN(rmsvad_rtp);
