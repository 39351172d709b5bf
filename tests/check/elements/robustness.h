// SPDX-License-Identifier: LGPL-2.1-or-later
// Bad input and faults, one row per case: what the element does (flow
// return, error or warning message text, recovery). Each element's rows
// are in robustness_<element>.cc, one test binary each with
// robustness_main.cc, which runs every row and compares the outcome with
// the row; docs/robustness.md is generated from the rows
// (tools/gen-robustness-doc.py runs the binaries with
// FASTAUDIO_ROBUSTNESS_MARKDOWN set) and a test fails when it is stale.
// The scenarios the rows share are in robustness_scenarios.cc.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness_util.h"

namespace robustness {

// What a scenario observed.
struct Observed {
  GstFlowReturn flow = GST_FLOW_OK;
  std::string kind = "none";  // "error", "warning" or "none": the first such message on the bus
  std::string message;
  std::string debug;
  bool recovered = false;  // the scenario's recovery step produced correct output
};

struct RobustnessCase {
  const char *element;
  const char *input;  // the bad input or fault, in words
  std::function<Observed()> run;
  GstFlowReturn flow;
  const char *kind;
  const char *message;         // exact text of the message
  const char *debug_contains;  // a part of its debug text ("" for none)
  const char *recovery;        // what brings the element back; checked by the scenario
};

// The rows of the element this binary tests (robustness_<element>.cc).
const std::vector<RobustnessCase> &cases();
// An element's row groups joined into one table, in the order given.
std::vector<RobustnessCase> joined_rows(std::initializer_list<std::vector<RobustnessCase>> groups);

// The first error or warning (of `types`) on `element`'s bus into `o`.
void read_problem(GstElement *element, Observed &o,
                  GstMessageType types = GstMessageType(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING));
// A caps event and a TIME segment from the harness's source pad.
void push_caps(GstHarness *h, const std::string &caps);
GstBuffer *silence(size_t bytes, GstClockTime pts = 0);
bool converts(GstHarness *h, size_t in_bytes, size_t out_bytes);
Observed caps_scenario(const char *element, const std::string &bad, const char *downstream, size_t bad_bytes,
                       const std::string &good, size_t good_in, size_t good_out);
Observed buffer_scenario(const char *element, const std::string &in, const char *out, GstBuffer *bad,
                         size_t good_in, size_t good_out);
// Caps `in` and downstream `out` on `element` (a launch description), one
// buffer `bad` pushed; `recover` then judges the harness (pulls the output,
// pushes more).
Observed buffer_scenario_with(const char *element, const std::string &in, const std::string &out, GstBuffer *bad,
                              const std::function<bool(GstHarness *)> &recover);
// The next output buffer judged by `check`; false when none came.
bool next_output(GstHarness *h, const std::function<bool(GstBuffer *)> &check);
Observed downstream_flow_scenario(const char *element, GstFlowReturn flow);
bool drains_to(GstHarness *h, size_t in_bytes, int out_bpf, size_t want_frames);
Observed caps_scenario_with(const char *element, const std::string &bad, const char *downstream, size_t bad_bytes,
                            const std::string &good, const std::function<bool(GstHarness *)> &recover);
Observed bad_mask_downstream_scenario(const char *element, const std::string &in, size_t bytes,
                                      const char *good_downstream, const std::function<bool(GstHarness *)> &recover);
// bad_mask_downstream_scenario for a passthrough element: S16LE stereo in,
// and the same passes once downstream takes any audio.
Observed bad_mask_passthrough_scenario(const char *element);
Observed downstream_scenario(const char *element, const std::string &in, const char *downstream, size_t bytes,
                             const char *good_downstream, const std::string &good,
                             const std::function<bool(GstHarness *)> &recover);
Observed renegotiation_scenario(const char *element, const std::string &in, const char *first, const char *second,
                                size_t bytes, const std::function<bool(GstHarness *)> &recover);
void with_warning_allowed(const char *domain, const char *pattern, const std::function<void()> &body);
std::vector<std::string> remaining_problems(GstElement *element);
Observed refused_once_scenario(const char *element, const std::string &bad, const char *downstream, size_t bytes);

// F64LE 48 kHz caps of `channels` unpositioned channels (frame-size overflows).
inline std::string f64_unpositioned_caps(const char *channels) {
  return std::string("audio/x-raw,format=F64LE,layout=interleaved,rate=48000,channels=") + channels +
         ",channel-mask=(bitmask)0x0";
}

extern const std::string S16_STEREO;  // 48 kHz
extern const std::string F32_MONO;    // 48 kHz

}  // namespace robustness
