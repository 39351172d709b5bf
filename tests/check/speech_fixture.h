// SPDX-License-Identifier: LGPL-2.1-or-later
// The fixtures of tests/files for the tests: the labelled speech clip
// (tools/make_vad_fixtures.py) and a way to run whole pipelines on them.
// Header-only.
#pragma once

// Standard headers first: check.h defines a fail() macro that breaks <ios>.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gst/check/gstcheck.h>

namespace speech_fixture {

using Segments = std::vector<std::pair<double, double>>;  // start_s, end_s

inline std::string path(const char *name) {
  const char *dir = std::getenv("FASTAUDIO_TEST_FILES");
  return std::string(dir ? dir : "tests/files") + "/" + name;
}

inline Segments labels() {
  std::ifstream in(path("vad-speech-16k.labels"));
  Segments segs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    double a, b;
    fail_unless(std::sscanf(line.c_str(), "%lf %lf", &a, &b) == 2, "bad label line: %s", line.c_str());
    segs.emplace_back(a, b);
  }
  fail_unless(segs.size() >= 5, "no labels in %s", path("vad-speech-16k.labels").c_str());
  return segs;
}

// Seconds of [a, b) that the segments cover.
inline double overlap(const Segments &segs, double a, double b) {
  double total = 0;
  for (const auto &s : segs) {
    const double lo = std::max(a, s.first), hi = std::min(b, s.second);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

// Runs a launch line to EOS (bounded in time); returns its element messages
// in order. Fails on an error message.
inline std::vector<GstMessage *> run_to_eos(const std::string &launch, GstClockTime timeout = 60 * GST_SECOND) {
  GError *err = nullptr;
  GstElement *pipeline = gst_parse_launch(launch.c_str(), &err);
  fail_unless(pipeline != nullptr && err == nullptr, "%s: %s", launch.c_str(), err ? err->message : "");
  GstBus *bus = gst_element_get_bus(pipeline);
  fail_unless(gst_element_set_state(pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  std::vector<GstMessage *> out;
  const auto types = GstMessageType(GST_MESSAGE_ELEMENT | GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  while (GstMessage *m = gst_bus_timed_pop_filtered(bus, timeout, types)) {
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT) {
      out.push_back(m);
      continue;
    }
    const bool eos = GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS;
    gst_message_unref(m);
    fail_unless(eos, "error running %s", launch.c_str());
    break;
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  return out;
}

}  // namespace speech_fixture
