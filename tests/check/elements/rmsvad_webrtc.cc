// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad webrtc-messages=true against webrtcdsp voice-detection=true: one
// handler, written as a webrtcdsp application would be, runs on both
// elements' messages over the labelled speech clip. Without webrtcdsp
// (gst-plugins-bad) the test checks rmsvad against webrtcdsp's documented
// field set only, and says so.
// Standard headers first: check.h defines a fail() macro that breaks <ios>.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../speech_fixture.h"

namespace {

struct VoiceActivity {
  guint64 stream_time;
  bool has_voice;
};

// What a webrtcdsp application does with its bus: "voice-activity" element
// messages, two fields. Anything else in the message is recorded as a
// mismatch.
struct Handler {
  std::vector<VoiceActivity> changes;
  std::vector<std::string> problems;

  void on_message(GstMessage *m) {
    const GstStructure *s = gst_message_get_structure(m);
    if (!s || !gst_structure_has_name(s, "voice-activity")) return;
    VoiceActivity v{};
    gboolean voice = FALSE;
    if (!gst_structure_get_uint64(s, "stream-time", &v.stream_time)) problems.push_back("stream-time not a guint64");
    if (!gst_structure_get_boolean(s, "stream-has-voice", &voice))
      problems.push_back("stream-has-voice not a gboolean");
    if (gst_structure_n_fields(s) != 2) problems.push_back("fields: " + std::to_string(gst_structure_n_fields(s)));
    v.has_voice = voice;
    changes.push_back(v);
  }
};

const char *kSource =
    "filesrc location=\"%s\" ! wavparse ! audioconvert ! audio/x-raw,format=S16LE,channels=1,rate=16000 ! ";

Handler run(const char *element, std::vector<GstMessage *> *all = nullptr) {
  gchar *src = g_strdup_printf(kSource, speech_fixture::path("vad-speech-16k.wav").c_str());
  const std::string launch = std::string(src) + element + " ! fakesink";
  g_free(src);
  Handler h;
  for (GstMessage *m : speech_fixture::run_to_eos(launch)) {
    h.on_message(m);
    if (all) all->push_back(m);
    else gst_message_unref(m);
  }
  return h;
}

// Voiced seconds: from each has-voice=true to the next false (or `end`).
speech_fixture::Segments voiced(const std::vector<VoiceActivity> &v, double end) {
  speech_fixture::Segments out;
  for (size_t i = 0; i < v.size(); i++) {
    if (!v[i].has_voice) continue;
    const double stop = i + 1 < v.size() ? double(v[i + 1].stream_time) / GST_SECOND : end;
    out.emplace_back(double(v[i].stream_time) / GST_SECOND, stop);
  }
  return out;
}

double total(const speech_fixture::Segments &s) {
  double t = 0;
  for (const auto &x : s) t += x.second - x.first;
  return t;
}

// webrtcdsp's contract as seen by its applications: changes only, the first
// one to voice, in stream order.
void check_contract(const Handler &h, const char *who) {
  fail_unless(h.problems.empty(), "%s: %s", who, h.problems.empty() ? "" : h.problems[0].c_str());
  fail_unless(h.changes.size() >= 2, "%s posted %zu voice-activity messages", who, h.changes.size());
  for (size_t i = 0; i < h.changes.size(); i++) {
    fail_unless(h.changes[i].has_voice == (i % 2 == 0), "%s: message %zu repeats the state", who, i);
    if (i > 0) fail_unless(h.changes[i].stream_time >= h.changes[i - 1].stream_time, "%s: time goes back", who);
  }
}

}  // namespace

GST_START_TEST(test_same_handler_both_elements) {
  const double clip_s = 30.1;
  const auto labels = speech_fixture::labels();
  std::vector<GstMessage *> all;
  Handler ours = run("rmsvad webrtc-messages=true", &all);
  check_contract(ours, "rmsvad");
  // The same times as rmsvad's own speech-start / speech-stop.
  std::vector<guint64> own;
  for (GstMessage *m : all) {
    const GstStructure *s = gst_message_get_structure(m);
    guint64 t;
    if ((gst_structure_has_name(s, "speech-start") || gst_structure_has_name(s, "speech-stop")) &&
        gst_structure_get_uint64(s, "stream-time", &t))
      own.push_back(t);
    gst_message_unref(m);
  }
  fail_unless_equals_int(own.size(), ours.changes.size());
  for (size_t i = 0; i < own.size(); i++) fail_unless_equals_uint64(own[i], ours.changes[i].stream_time);
  // Every segment rmsvad opens it closes, at EOS too (webrtcdsp leaves the last one open).
  fail_unless(!ours.changes.back().has_voice);

  const auto ours_voiced = voiced(ours.changes, clip_s);
  double hits = 0;
  for (const auto &v : ours_voiced) hits += speech_fixture::overlap(labels, v.first, v.second);
  const double precision = hits / total(ours_voiced), recall = hits / total(labels);
  GST_INFO("rmsvad voice-activity: %zu changes, precision %.2f, recall %.2f", ours.changes.size(), precision, recall);
  fail_unless(precision > 0.85 && recall > 0.85, "rmsvad precision %.2f recall %.2f", precision, recall);

  if (GstElementFactory *f = gst_element_factory_find("webrtcdsp")) {
    gst_object_unref(f);
    Handler theirs = run("webrtcdsp echo-cancel=false voice-detection=true");
    check_contract(theirs, "webrtcdsp");
    // Both see voice in the same places: most of each one's voiced time is
    // voiced for the other too.
    const auto theirs_voiced = voiced(theirs.changes, clip_s);
    double both = 0;
    for (const auto &v : theirs_voiced) both += speech_fixture::overlap(ours_voiced, v.first, v.second);
    const double agree_ours = both / total(ours_voiced), agree_theirs = both / total(theirs_voiced);
    std::printf("webrtcdsp: %zu changes, %.1f s voiced; rmsvad: %zu changes, %.1f s voiced; shared %.1f s\n",
                theirs.changes.size(), total(theirs_voiced), ours.changes.size(), total(ours_voiced), both);
    fail_unless(agree_ours > 0.85 && agree_theirs > 0.85, "agreement %.2f / %.2f", agree_ours, agree_theirs);
  } else {
    std::printf("webrtcdsp not installed (gstreamer1.0-plugins-bad): checked against its documented fields only\n");
  }
}
GST_END_TEST;

GST_START_TEST(test_off_by_default) {
  Handler h = run("rmsvad");
  fail_unless_equals_int(h.changes.size(), 0);
}
GST_END_TEST;

static Suite *rmsvad_webrtc_suite() {
  Suite *s = suite_create("rmsvad_webrtc");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_same_handler_both_elements);
  tcase_add_test(tc, test_off_by_default);
  return s;
}

GST_CHECK_MAIN(rmsvad_webrtc);
