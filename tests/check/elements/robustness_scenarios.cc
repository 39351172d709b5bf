// SPDX-License-Identifier: LGPL-2.1-or-later
// The scenarios robustness rows share (robustness.h): an element in a
// harness, bad input, what it posted, and a recovery check.
#include "robustness.h"

using namespace harness_util;

namespace robustness {

void read_problem(GstElement *element, Observed &o, GstMessageType types) {
  GstBus *bus = gst_element_get_bus(element);
  GstMessage *msg = gst_bus_pop_filtered(bus, types);
  gst_object_unref(bus);
  if (!msg) return;
  GError *err = nullptr;
  gchar *debug = nullptr;
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error(msg, &err, &debug);
    o.kind = "error";
  } else {
    gst_message_parse_warning(msg, &err, &debug);
    o.kind = "warning";
  }
  o.message = err->message;
  o.debug = debug ? debug : "";
  g_error_free(err);
  g_free(debug);
  gst_message_unref(msg);
}

void push_caps(GstHarness *h, const std::string &caps) {
  GstCaps *c = gst_caps_from_string(caps.c_str());
  gst_pad_push_event(h->srcpad, gst_event_new_caps(c));
  gst_caps_unref(c);
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_pad_push_event(h->srcpad, gst_event_new_segment(&segment));
}

GstBuffer *silence(size_t bytes, GstClockTime pts) {
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, bytes, nullptr);
  gst_buffer_memset(buf, 0, 0, bytes);
  GST_BUFFER_PTS(buf) = pts;
  return buf;
}

// Recovery: a whole buffer of `frames` frames must come out as `out_bytes`.
bool converts(GstHarness *h, size_t in_bytes, size_t out_bytes) {
  if (gst_harness_push(h, silence(in_bytes)) != GST_FLOW_OK) return false;
  GstBuffer *out = gst_harness_try_pull(h);
  if (!out) return false;
  const bool ok = gst_buffer_get_size(out) == out_bytes;
  gst_buffer_unref(out);
  return ok;
}

// Caps `bad` on the input (downstream accepts `downstream`), one buffer; then
// recovery: caps `good` and a buffer that must convert.
Observed caps_scenario(const char *element, const std::string &bad, const char *downstream, size_t bad_bytes,
                       const std::string &good, size_t good_in, size_t good_out) {
  return caps_scenario_with(element, bad, downstream, bad_bytes, good,
                            [=](GstHarness *h) { return converts(h, good_in, good_out); });
}

// A harness around `element` facing a downstream that takes `downstream`,
// with caps `in` and one buffer of `bytes` of silence pushed: the flow and
// the first problem it posted go into `o`.
static GstHarness *pushed_after_caps(const char *element, const char *downstream, const std::string &in,
                                     size_t bytes, Observed &o) {
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, downstream);
  push_caps(h, in);
  o.flow = gst_harness_push(h, silence(bytes));
  read_problem(h->element, o);
  return h;
}

// Valid caps, then `bad` buffer; recovery: a whole buffer converts.
Observed buffer_scenario(const char *element, const std::string &in, const char *out, GstBuffer *bad,
                         size_t good_in, size_t good_out) {
  return buffer_scenario_with(element, in, out, bad, [=](GstHarness *h) { return converts(h, good_in, good_out); });
}

Observed buffer_scenario_with(const char *element, const std::string &in, const std::string &out, GstBuffer *bad,
                              const std::function<bool(GstHarness *)> &recover) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, out.c_str());
  gst_harness_set_src_caps_str(h, in.c_str());
  o.flow = gst_harness_push(h, bad);
  read_problem(h->element, o);
  o.recovered = recover(h);
  teardown_with_bus(h);
  return o;
}

bool next_output(GstHarness *h, const std::function<bool(GstBuffer *)> &check) {
  GstBuffer *out = gst_harness_try_pull(h);
  if (!out) return false;
  const bool ok = check(out);
  gst_buffer_unref(out);
  return ok;
}

// Downstream answers every buffer with `flow` (a probe on the harness sink
// pad); the element must hand that flow back upstream and post nothing, and
// convert again once downstream accepts buffers.
GstPadProbeReturn answer_flow(GstPad *, GstPadProbeInfo *info, gpointer flow) {
  gst_buffer_unref(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_FLOW_RETURN(info) = GstFlowReturn(GPOINTER_TO_INT(flow));
  return GST_PAD_PROBE_HANDLED;
}

Observed downstream_flow_scenario(const char *element, GstFlowReturn flow) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, caps_str("F32LE", 1, 48000).c_str());
  gst_harness_set_src_caps_str(h, caps_str("S16LE", 2, 48000).c_str());
  const gulong probe =
      gst_pad_add_probe(h->sinkpad, GST_PAD_PROBE_TYPE_BUFFER, answer_flow, GINT_TO_POINTER(flow), nullptr);
  o.flow = gst_harness_push(h, silence(40));
  read_problem(h->element, o);
  gst_pad_remove_probe(h->sinkpad, probe);
  if (flow == GST_FLOW_FLUSHING || flow == GST_FLOW_EOS) {
    // What a real pipeline does next: a flush, then data again.
    gst_harness_push_event(h, gst_event_new_flush_start());
    gst_harness_push_event(h, gst_event_new_flush_stop(TRUE));
    push_caps(h, caps_str("S16LE", 2, 48000));
  }
  o.recovered = converts(h, 40, 40);
  teardown_with_bus(h);
  return o;
}


// Recovery for an element with delay (fastresample): `in_bytes` of silence,
// then EOS; the frames out must be `want_frames` +-1.
bool drains_to(GstHarness *h, size_t in_bytes, int out_bpf, size_t want_frames) {
  if (gst_harness_push(h, silence(in_bytes)) != GST_FLOW_OK) return false;
  if (!gst_harness_push_event(h, gst_event_new_eos())) return false;
  size_t frames = 0;
  while (GstBuffer *out = gst_harness_try_pull(h)) {
    frames += gst_buffer_get_size(out) / out_bpf;
    gst_buffer_unref(out);
  }
  return frames + 1 >= want_frames && frames <= want_frames + 1;
}

// caps_scenario with any recovery check (run after `good` caps are set).
Observed caps_scenario_with(const char *element, const std::string &bad, const char *downstream, size_t bad_bytes,
                            const std::string &good, const std::function<bool(GstHarness *)> &recover) {
  Observed o;
  GstHarness *h = pushed_after_caps(element, downstream, bad, bad_bytes, o);
  push_caps(h, good);
  o.recovered = recover(h);
  teardown_with_bus(h);
  return o;
}

// Downstream takes only caps whose channel-mask cannot describe their
// channels (2 channels, mask 0x1). Upstream must not be offered that mask
// (GStreamer would warn "Invalid channel positions" when fixating it), and
// caps `in` then fail with a message. Recovery: downstream takes
// `good_downstream`, caps `in` again, then `recover`.
const char *kBadMaskDownstream =
    "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2,channel-mask=(bitmask)0x1";

bool offers_mask_0x1(GstCaps *caps) {
  for (guint i = 0; i < gst_caps_get_size(caps); i++) {
    guint64 mask = 0;
    if (gst_structure_get(gst_caps_get_structure(caps, i), "channel-mask", GST_TYPE_BITMASK, &mask, nullptr) &&
        mask == 1)
      return true;
  }
  return false;
}

Observed bad_mask_downstream_scenario(const char *element, const std::string &in, size_t bytes,
                                      const char *good_downstream, const std::function<bool(GstHarness *)> &recover) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, kBadMaskDownstream);
  GstCaps *offered = gst_pad_peer_query_caps(h->srcpad, nullptr);
  const bool clean = !offers_mask_0x1(offered);
  gst_caps_unref(offered);
  push_caps(h, in);
  o.flow = gst_harness_push(h, silence(bytes));
  read_problem(h->element, o);
  gst_harness_set_sink_caps_str(h, good_downstream);
  push_caps(h, in);
  o.recovered = clean && recover(h);
  teardown_with_bus(h);
  return o;
}

Observed bad_mask_passthrough_scenario(const char *element) {
  return bad_mask_downstream_scenario(element, S16_STEREO, 40, "audio/x-raw",
                                      [](GstHarness *h) { return converts(h, 40, 40); });
}

// Caps `in` facing a downstream that takes only `downstream`; recovery:
// downstream takes `good_downstream`, caps `good`, then `recover`.
Observed downstream_scenario(const char *element, const std::string &in, const char *downstream, size_t bytes,
                             const char *good_downstream, const std::string &good,
                             const std::function<bool(GstHarness *)> &recover) {
  Observed o;
  GstHarness *h = pushed_after_caps(element, downstream, in, bytes, o);
  gst_harness_set_sink_caps_str(h, good_downstream);
  push_caps(h, good);
  o.recovered = recover(h);
  teardown_with_bus(h);
  return o;
}

// Streaming `in` with downstream taking `first`; then downstream takes only
// `second` and asks for new caps (a RECONFIGURE event), and one buffer is
// pushed. GStreamer itself posts a bare "not negotiated" warning there: the
// row reads the error that follows it. Recovery: downstream takes `first`
// again, then `recover`.
Observed renegotiation_scenario(const char *element, const std::string &in, const char *first, const char *second,
                                size_t bytes, const std::function<bool(GstHarness *)> &recover) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, first);
  gst_harness_set_src_caps_str(h, in.c_str());
  if (gst_harness_push(h, silence(bytes)) != GST_FLOW_OK) o.flow = GST_FLOW_CUSTOM_ERROR;  // fails the row
  while (GstBuffer *out = gst_harness_try_pull(h)) gst_buffer_unref(out);
  gst_harness_set_sink_caps_str(h, second);
  gst_pad_push_event(h->sinkpad, gst_event_new_reconfigure());
  if (o.flow == GST_FLOW_OK) o.flow = gst_harness_push(h, silence(bytes));
  read_problem(h->element, o, GST_MESSAGE_ERROR);
  gst_harness_set_sink_caps_str(h, first);
  gst_pad_push_event(h->sinkpad, gst_event_new_reconfigure());
  o.recovered = recover(h);
  teardown_with_bus(h);
  return o;
}

// Lets a g_warning() whose text matches `pattern` through while `body` runs
// (an element refusing a property value warns as GLib does).
void with_warning_allowed(const char *domain, const char *pattern, const std::function<void()> &body) {
  GstCheckLogFilter *f = gst_check_add_log_filter(
      domain, G_LOG_LEVEL_WARNING, g_regex_new(pattern, G_REGEX_RAW, GRegexMatchFlags(0), nullptr),
      [](const gchar *, GLogLevelFlags, const gchar *, gpointer) -> gboolean { return TRUE; }, nullptr, nullptr);
  body();
  gst_check_remove_log_filter(f);
}

// Every error and warning still on `element`'s bus, texts only.
std::vector<std::string> remaining_problems(GstElement *element) {
  std::vector<std::string> texts;
  for (;;) {
    Observed o;
    read_problem(element, o);
    if (o.kind == "none") return texts;
    texts.push_back(o.kind + ": " + o.message);
  }
}

// Refused caps `bad`, then four buffers (each makes GstPad send the refused
// sticky caps event again, and ask accept-caps again): one message in all.
Observed refused_once_scenario(const char *element, const std::string &bad, const char *downstream, size_t bytes) {
  Observed o;
  GstHarness *h = pushed_after_caps(element, downstream, bad, bytes, o);
  for (int i = 0; i < 4; i++) gst_harness_push(h, silence(bytes));
  o.recovered = remaining_problems(h->element).empty();
  teardown_with_bus(h);
  return o;
}

const std::string S16_STEREO = caps_str("S16LE", 2, 48000);
const std::string F32_MONO = caps_str("F32LE", 1, 48000);

std::vector<RobustnessCase> joined_rows(std::initializer_list<std::vector<RobustnessCase>> groups) {
  std::vector<RobustnessCase> all;
  for (const auto &group : groups) all.insert(all.end(), group.begin(), group.end());
  return all;
}

}  // namespace robustness
