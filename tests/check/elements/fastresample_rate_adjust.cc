// SPDX-License-Identifier: LGPL-2.1-or-later
// fastresample's `rate-adjust` (clock-drift correction): the property's
// range, equal rates resampled when it is set, changes while playing
// without a click or a jump in timestamps, and output lengths that follow
// the adjusted rate.

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "harness_util.h"
#include "resample.h"

#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

namespace {

using harness_util::Output;
using harness_util::pull_all;

constexpr int kRate = 48000;
constexpr size_t kChunk = 960;  // 20 ms

std::string caps_str(int rate) {
  return "audio/x-raw,layout=interleaved,format=F32LE,channels=1,rate=" + std::to_string(rate);
}

GstHarness *make_harness(int in_rate, int out_rate, const char *desc = "fastresample") {
  GstHarness *h = std::strchr(desc, ' ') ? gst_harness_new_parse(desc) : gst_harness_new(desc);
  gst_harness_set_src_caps_str(h, caps_str(in_rate).c_str());
  gst_harness_set_sink_caps_str(h, caps_str(out_rate).c_str());
  return h;
}

// A 1 kHz tone at half scale, input frames [from, from + n).
std::vector<float> tone(size_t from, size_t n, int rate) {
  std::vector<float> x(n);
  for (size_t i = 0; i < n; i++) x[i] = float(0.5 * std::sin(2 * M_PI * 1000.0 * double((from + i) % size_t(rate)) / rate));
  return x;
}

// Pushes chunk `k` of the tone with its timestamps and offsets.
void push_chunk(GstHarness *h, size_t k, int rate) {
  const auto x = tone(k * kChunk, kChunk, rate);
  GstBuffer *buf = gst_buffer_new_memdup(x.data(), x.size() * sizeof(float));
  GST_BUFFER_PTS(buf) = gst_util_uint64_scale_int_round(k * kChunk, GST_SECOND, rate);
  GST_BUFFER_DURATION(buf) = gst_util_uint64_scale_int_round((k + 1) * kChunk, GST_SECOND, rate) - GST_BUFFER_PTS(buf);
  GST_BUFFER_OFFSET(buf) = k * kChunk;
  GST_BUFFER_OFFSET_END(buf) = (k + 1) * kChunk;
  fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_OK);
}

// Buffers follow each other without a gap or an overlap in time or offset,
// each lasting as long as its frames at `rate`, none but the first DISCONT.
void check_continuous(const Output &out, int rate) {
  guint64 frames = 0;
  const GstClockTime t0 = GST_BUFFER_PTS(out.buffers.front());
  const guint64 offset0 = GST_BUFFER_OFFSET(out.buffers.front());
  for (size_t i = 0; i < out.buffers.size(); i++) {
    GstBuffer *b = out.buffers[i];
    const guint64 n = gst_buffer_get_size(b) / sizeof(float);
    fail_unless_equals_uint64(GST_BUFFER_PTS(b), t0 + gst_util_uint64_scale_int_round(frames, GST_SECOND, rate));
    fail_unless_equals_uint64(GST_BUFFER_PTS(b) + GST_BUFFER_DURATION(b),
                              t0 + gst_util_uint64_scale_int_round(frames + n, GST_SECOND, rate));
    fail_unless_equals_uint64(GST_BUFFER_OFFSET(b), offset0 + frames);
    fail_unless_equals_uint64(GST_BUFFER_OFFSET_END(b), offset0 + frames + n);
    if (i > 0) fail_if(GST_BUFFER_IS_DISCONT(b), "buffer %zu is DISCONT", i);
    frames += n;
  }
}

// Largest deviation of out[from..to) from the tone at input times
// t(n) = start + (n - from) * step, relative to the tone's amplitude, in dB.
double worst_error_db(const std::vector<float> &out, size_t from, size_t to, double start, double step) {
  double worst = 0;
  for (size_t n = from; n < to; n++) {
    const double t = start + double(n - from) * step;
    worst = std::max(worst, std::fabs(out[n] - 0.5 * std::sin(2 * M_PI * 1000.0 * t / kRate)));
  }
  return 20 * std::log10(std::max(worst, 1e-30) / 0.5);
}

// Records GLib warnings whose text contains "rate-adjust".
gboolean record_warning(const gchar *, GLogLevelFlags, const gchar *message, gpointer data) {
  *static_cast<std::string *>(data) = message;
  return TRUE;
}

}  // namespace

// -1000..1000 ppm, default 0, read back as set; values outside (and NaN)
// are refused by GLib with a warning naming the property, and the value
// in force stays.
GST_START_TEST(test_rate_adjust_range) {
  GstElement *e = gst_element_factory_make("fastresample", nullptr);
  GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE(g_object_class_find_property(G_OBJECT_GET_CLASS(e), "rate-adjust"));
  fail_unless(spec != nullptr);
  fail_unless(spec->minimum == -1000 && spec->maximum == 1000 && spec->default_value == 0);
  fail_unless(G_PARAM_SPEC(spec)->flags & GST_PARAM_MUTABLE_PLAYING);
  double ppm = -1;
  g_object_set(e, "rate-adjust", 37.5, nullptr);
  g_object_get(e, "rate-adjust", &ppm, nullptr);
  fail_unless(ppm == 37.5);
  for (const char *bad : {"1000.5", "-2000", "nan"}) {
    std::string warning;
    GstCheckLogFilter *f =
        gst_check_add_log_filter("GLib-GObject", G_LOG_LEVEL_WARNING, g_regex_new("rate-adjust", G_REGEX_RAW,
                                                                                  GRegexMatchFlags(0), nullptr),
                                 record_warning, &warning, nullptr);
    gst_util_set_object_arg(G_OBJECT(e), "rate-adjust", bad);
    gst_check_remove_log_filter(f);
    fail_unless(warning.find("out of range for property 'rate-adjust'") != std::string::npos, "%s: warned '%s'", bad,
                warning.c_str());
    g_object_get(e, "rate-adjust", &ppm, nullptr);
    fail_unless(ppm == 37.5, "%s: now %g", bad, ppm);
  }
  gst_object_unref(e);
}
GST_END_TEST;

// 48000 -> 48000 with rate-adjust=+37 from the start (the drift case):
// resampled, not passed through; 5 s give 240000 x (1 + 37e-6) frames
// (to one) in continuous buffers; 0 ppm passes the very same buffers.
GST_START_TEST(test_equal_rates_adjusted) {
  for (double ppm : {37.0, -250.0}) {
    GstHarness *h = make_harness(kRate, kRate, ppm > 0 ? "fastresample rate-adjust=37" : "fastresample rate-adjust=-250");
    for (size_t k = 0; k < 250; k++) push_chunk(h, k, kRate);
    gst_harness_push_event(h, gst_event_new_eos());
    Output out;
    pull_all(h, out);
    const double expected = 240000.0 * (1 + ppm * 1e-6);
    fail_unless(std::fabs(double(out.samples.size()) - expected) <= 1.0, "%g ppm: %zu frames", ppm,
                out.samples.size());
    check_continuous(out, kRate);
    gst_harness_teardown(h);
  }
  GstHarness *h = make_harness(kRate, kRate);
  const auto x = tone(0, kChunk, kRate);
  GstBuffer *in = gst_buffer_new_memdup(x.data(), x.size() * sizeof(float));
  gst_buffer_ref(in);
  fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  fail_unless(out == in, "0 ppm: not passed through");
  gst_buffer_unref(out);
  gst_buffer_unref(in);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Set while playing at equal rates: resampling starts at the next buffer
// from the frames passed through before (no fade-in), timestamps and
// offsets go on without a jump or a DISCONT, a latency message is posted;
// later changes move the step from there. The tone stays within -120 dB
// of the sinusoid at the output times the adjustments give.
GST_START_TEST(test_change_while_playing) {
  GstHarness *h = make_harness(kRate, kRate);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  const struct {
    size_t chunk;
    double ppm;
  } changes[] = {{50, 500}, {100, -800}, {150, 0}};
  for (size_t k = 0, c = 0; k < 200; k++) {
    if (c < 3 && changes[c].chunk == k) g_object_set(h->element, "rate-adjust", changes[c++].ppm, nullptr);
    push_chunk(h, k, kRate);
  }
  Output out;
  pull_all(h, out);
  check_continuous(out, kRate);
  GstMessage *latency = gst_bus_pop_filtered(bus, GST_MESSAGE_LATENCY);
  fail_unless(latency != nullptr, "no latency message when resampling started");
  gst_message_unref(latency);
  // Passed through up to input frame 48000; from there each output is
  // 1 / (1 + ppm) input frames after the one before, the step changing at
  // the first output computed after each change.
  const size_t first = 50 * kChunk;
  fail_unless(out.samples.size() > first);
  for (size_t n = 0; n < first; n++) fail_unless(out.samples[n] == tone(n, 1, kRate)[0], "passthrough frame %zu", n);
  const double t_first = double(first);
  // Between the first and second change the step is 1 / 1.0005 (whatever
  // the held-back frames: their times were set before the change too).
  const double step = 1.0 / (1 + 500e-6);
  const size_t until = first + 40 * kChunk;  // well before the second change's outputs
  const double err = worst_error_db(out.samples, first, until, t_first, step);
  fail_unless(err <= -120, "rate-adjust started with an error of %.1f dB", err);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Passed-through audio in any format and layout primes the filter when an
// adjustment starts: S16 planar stereo continues from its own history (a
// cold start would err by about -56 dB at the first outputs).
GST_START_TEST(test_change_while_playing_s16_planar) {
  GstHarness *h = gst_harness_new("fastresample");
  const std::string caps =
      "audio/x-raw,layout=non-interleaved,format=S16LE,channels=2,rate=" + std::to_string(kRate);
  gst_harness_set_caps_str(h, caps.c_str(), caps.c_str());
  GstAudioInfo info;
  GstCaps *c = gst_caps_from_string(caps.c_str());
  gst_audio_info_from_caps(&info, c);
  gst_caps_unref(c);
  std::vector<float> left;
  for (size_t k = 0; k < 100; k++) {
    if (k == 50) g_object_set(h->element, "rate-adjust", 500.0, nullptr);
    const auto x = tone(k * kChunk, kChunk, kRate);
    std::vector<int16_t> planes(2 * kChunk);
    for (size_t i = 0; i < kChunk; i++) planes[i] = planes[kChunk + i] = int16_t(std::lrint(x[i] * 32767));
    GstBuffer *buf = gst_buffer_new_memdup(planes.data(), planes.size() * sizeof(int16_t));
    gst_buffer_add_audio_meta(buf, &info, kChunk, nullptr);
    GST_BUFFER_PTS(buf) = gst_util_uint64_scale_int_round(k * kChunk, GST_SECOND, kRate);
    fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_OK);
    while (GstBuffer *out = gst_harness_try_pull(h)) {
      GstAudioMeta *meta = gst_buffer_get_audio_meta(out);
      fail_unless(meta != nullptr && meta->info.layout == GST_AUDIO_LAYOUT_NON_INTERLEAVED);
      std::vector<int16_t> got(2 * meta->samples);
      gst_buffer_extract(out, 0, got.data(), got.size() * sizeof(int16_t));
      for (size_t i = 0; i < meta->samples; i++) left.push_back(float(got[i]) / 32767);
      gst_buffer_unref(out);
    }
  }
  const size_t first = 50 * kChunk;
  fail_unless(left.size() > first + 20 * kChunk);
  const double err = worst_error_db(left, first, first + 20 * kChunk, double(first), 1.0 / (1 + 500e-6));
  fail_unless(err <= -80, "rate-adjust started with an error of %.1f dB on S16 planar", err);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Different rates (44.1k -> 48k): a change while playing keeps buffers
// continuous, and the total follows the adjusted rate: +1000 ppm over the
// second half of the input adds a thousandth of that half's output (to two
// frames: the held-back outputs' times were set before the change).
GST_START_TEST(test_change_with_resampling) {
  GstHarness *h = make_harness(44100, 48000);
  for (size_t k = 0; k < 250; k++) {
    if (k == 125) g_object_set(h->element, "rate-adjust", 1000.0, nullptr);
    push_chunk(h, k, 44100);
  }
  gst_harness_push_event(h, gst_event_new_eos());
  Output out;
  pull_all(h, out);
  check_continuous(out, 48000);
  const double expected = 250.0 * kChunk * 48000 / 44100 + 125.0 * kChunk * 48000 / 44100 * 1000e-6;
  fail_unless(std::fabs(double(out.samples.size()) - expected) <= 2.0, "%zu frames, expected %.1f",
              out.samples.size(), expected);
  gst_harness_teardown(h);
}
GST_END_TEST;

// A ratio beyond one stage's limits runs through a chain of stages, which
// keeps the exact ratio: a rate adjustment there posts one warning saying
// it is not applied (not one per buffer), and the output keeps the exact
// length.
GST_START_TEST(test_rate_adjust_on_stages_warns_once) {
  GstHarness *h = make_harness(kRate, 16);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  g_object_set(h->element, "rate-adjust", 500.0, nullptr);
  const size_t chunks = 100;  // 2 s
  for (size_t k = 0; k < chunks; k++) push_chunk(h, k, kRate);
  gst_harness_push_event(h, gst_event_new_eos());
  Output out;
  pull_all(h, out);
  fail_unless_equals_int(int(out.samples.size()), int(chunks * kChunk * 16 / kRate));
  int warnings = 0;
  while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING)) {
    GError *err = nullptr;
    gst_message_parse_warning(m, &err, nullptr);
    fail_unless(std::strstr(err->message, "rate-adjust 500 ppm is not applied at 48000 Hz -> 16 Hz") != nullptr,
                "warning: %s", err->message);
    fail_unless(g_utf8_validate(err->message, -1, nullptr));
    g_error_free(err);
    gst_message_unref(m);
    warnings++;
  }
  fail_unless_equals_int(warnings, 1);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}
GST_END_TEST;

static Suite *fastresample_rate_adjust_suite() {
  Suite *s = suite_create("fastresample-rate-adjust");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_rate_adjust_range);
  tcase_add_test(tc, test_equal_rates_adjusted);
  tcase_add_test(tc, test_change_while_playing);
  tcase_add_test(tc, test_change_while_playing_s16_planar);
  tcase_add_test(tc, test_change_with_resampling);
  tcase_add_test(tc, test_rate_adjust_on_stages_warns_once);
  return s;
}

GST_CHECK_MAIN(fastresample_rate_adjust);
