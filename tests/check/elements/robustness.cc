// SPDX-License-Identifier: LGPL-2.1-or-later
// Bad input and faults, one row per case and element: what the element does
// (flow return, error or warning message text, recovery). The test runs
// every row and compares the outcome with the row; docs/robustness.md is
// generated from this table (tools/gen-robustness-doc.py runs this binary
// with FASTAUDIO_ROBUSTNESS_MARKDOWN set) and a test fails when it is stale.
//
// Add an element's cases by adding rows to kCases.
#include <cstdio>
#include <functional>

#include "harness_util.h"

using namespace harness_util;

namespace {

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

void read_problem(GstElement *element, Observed &o,
                  GstMessageType types = GstMessageType(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING)) {
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

GstBuffer *silence(size_t bytes, GstClockTime pts = 0) {
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
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, downstream);
  push_caps(h, bad);
  o.flow = gst_harness_push(h, silence(bad_bytes));
  read_problem(h->element, o);
  push_caps(h, good);
  o.recovered = converts(h, good_in, good_out);
  teardown_with_bus(h);
  return o;
}

// Valid caps, then `bad` buffer; recovery: a whole buffer converts.
Observed buffer_scenario(const char *element, const std::string &in, const char *out, GstBuffer *bad,
                         size_t good_in, size_t good_out) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, out);
  gst_harness_set_src_caps_str(h, in.c_str());
  o.flow = gst_harness_push(h, bad);
  read_problem(h->element, o);
  o.recovered = converts(h, good_in, good_out);
  teardown_with_bus(h);
  return o;
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
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, downstream);
  push_caps(h, bad);
  o.flow = gst_harness_push(h, silence(bad_bytes));
  read_problem(h->element, o);
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

// Caps `in` facing a downstream that takes only `downstream`; recovery:
// downstream takes `good_downstream`, caps `good`, then `recover`.
Observed downstream_scenario(const char *element, const std::string &in, const char *downstream, size_t bytes,
                             const char *good_downstream, const std::string &good,
                             const std::function<bool(GstHarness *)> &recover) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, downstream);
  push_caps(h, in);
  o.flow = gst_harness_push(h, silence(bytes));
  read_problem(h->element, o);
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

// Recovery for jsonbridge mode=encode: a buffer comes out as one JSON line.
bool encodes_json(GstHarness *h) {
  if (gst_harness_push(h, silence(40)) != GST_FLOW_OK) return false;
  GstBuffer *out = gst_harness_try_pull(h);
  if (!out) return false;
  auto b = bytes_of(out);
  gst_buffer_unref(out);
  return !b.empty() && b.front() == '{' && b.back() == '\n';
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

// A jsonbridge mode=decode harness fed `lines` (any bytes) in one buffer.
const char *kJsonLine =
    "{\"version\":1,\"format\":\"S16LE\",\"rate\":16000,\"channels\":2,\"layout\":\"interleaved\",\"pts\":0,"
    "\"duration\":125000,\"offset\":0,\"discont\":false,\"gap\":false,\"samples\":[1,-1,2,-2]}\n";

GstHarness *json_decoder(const char *extra_properties = "") {
  std::string desc = std::string("jsonbridge mode=decode ") + extra_properties;
  GstHarness *h = harness_with_bus(desc.c_str());
  gst_harness_set_src_caps_str(h, "application/x-json");
  gst_harness_set_sink_caps_str(h, "audio/x-raw");
  return h;
}

GstBuffer *text_buffer(const std::string &text) {
  return buffer_from(reinterpret_cast<const uint8_t *>(text.data()), text.size());
}

// Recovery for the decoder after an error: a flush, then a valid line must
// decode to its 4 samples (8 bytes).
bool json_decodes_after_flush(GstHarness *h) {
  gst_harness_push_event(h, gst_event_new_flush_start());
  gst_harness_push_event(h, gst_event_new_flush_stop(TRUE));
  push_caps(h, "application/x-json");
  while (GstBuffer *out = gst_harness_try_pull(h)) gst_buffer_unref(out);
  if (gst_harness_push(h, text_buffer(kJsonLine)) != GST_FLOW_OK) return false;
  GstBuffer *out = gst_harness_try_pull(h);
  if (!out) return false;
  const bool ok = gst_buffer_get_size(out) == 8;
  gst_buffer_unref(out);
  return ok;
}

Observed json_scenario(const char *properties, const std::string &bad, bool then_eos) {
  Observed o;
  GstHarness *h = json_decoder(properties);
  o.flow = gst_harness_push(h, text_buffer(bad));
  if (then_eos && o.flow == GST_FLOW_OK) gst_harness_push_event(h, gst_event_new_eos());
  read_problem(h->element, o);
  o.recovered = json_decodes_after_flush(h);
  teardown_with_bus(h);
  return o;
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

// `lines` bad lines with on-error=skip, then EOS: the first warning is the
// row's; recovery checks that the flood became few messages with a count.
Observed json_flood_scenario(size_t lines) {
  Observed o;
  GstHarness *h = json_decoder("on-error=skip");
  std::string text;
  for (size_t i = 0; i < lines; i++) text += "x\n";
  o.flow = gst_harness_push(h, text_buffer(text));
  gst_harness_push_event(h, gst_event_new_eos());
  read_problem(h->element, o);
  const std::vector<std::string> rest = remaining_problems(h->element);
  const std::string total = "warning: jsonbridge skipped " + std::to_string(lines) + " bad JSON objects in this stream";
  o.recovered = rest.size() == 5 && rest.back() == total && json_decodes_after_flush(h);
  teardown_with_bus(h);
  return o;
}

// Downstream refuses the first object's caps while upstream has sent half of
// the next line, then EOS: the refusal is the only message.
Observed json_refusal_then_eos_scenario() {
  Observed o;
  GstHarness *h = json_decoder();
  gst_harness_set_sink_caps_str(h, "video/x-raw");
  o.flow = gst_harness_push(h, text_buffer(std::string(kJsonLine) + std::string(kJsonLine).substr(0, 50)));
  gst_harness_push_event(h, gst_event_new_eos());
  read_problem(h->element, o);
  const bool quiet = remaining_problems(h->element).empty();
  gst_harness_set_sink_caps_str(h, "audio/x-raw");
  o.recovered = quiet && json_decodes_after_flush(h);
  teardown_with_bus(h);
  return o;
}

// Refused caps `bad`, then four buffers (each makes GstPad send the refused
// sticky caps event again, and ask accept-caps again): one message in all.
Observed refused_once_scenario(const char *element, const std::string &bad, const char *downstream, size_t bytes) {
  Observed o;
  GstHarness *h = harness_with_bus(element);
  gst_harness_set_sink_caps_str(h, downstream);
  push_caps(h, bad);
  o.flow = gst_harness_push(h, silence(bytes));
  for (int i = 0; i < 4; i++) gst_harness_push(h, silence(bytes));
  read_problem(h->element, o);
  o.recovered = remaining_problems(h->element).empty();
  teardown_with_bus(h);
  return o;
}

const std::string S16_STEREO = caps_str("S16LE", 2, 48000);
const std::string F32_MONO = caps_str("F32LE", 1, 48000);
// The pad template's format list (GST_AUDIO_FORMATS_ALL) as a refusal quotes it.
const std::string &formats_text() {
  static const std::string text = [] {
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_LIST);
    gst_value_deserialize(&v, GST_AUDIO_FORMATS_ALL);
    gchar *t = gst_value_serialize(&v);
    std::string r = t;
    g_free(t);
    g_value_unset(&v);
    return r;
  }();
  return text;
}

// `bad` set as the mix-matrix (GLib itself refusing it when
// `glib_refuses`), then F32 frames pushed from `in_caps` into an open
// downstream. Recovery: with `good` set instead (or, when empty, with the
// bad one ignored) the next buffer converts to as many channels as it says.
Observed mix_matrix_scenario(const std::vector<std::vector<float>> &bad, const std::string &in_caps,
                             const std::vector<std::vector<float>> &good, bool glib_refuses = false) {
  GstHarness *h = harness_with_bus("fastconvert");
  if (glib_refuses) ASSERT_WARNING(harness_util::set_mix_matrix(h, bad));
  else harness_util::set_mix_matrix(h, bad);
  gst_harness_set_sink_caps_str(h, "audio/x-raw,format=F32LE,layout=interleaved,rate=48000");
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  GstAudioInfo info;
  GstCaps *caps = gst_caps_from_string(in_caps.c_str());
  gst_audio_info_from_caps(&info, caps);
  gst_caps_unref(caps);
  const size_t frames = 4, bytes = frames * GST_AUDIO_INFO_BPF(&info);
  Observed o;
  o.flow = gst_harness_push(h, gst_buffer_new_allocate(nullptr, bytes, nullptr));
  read_problem(h->element, o);
  if (!good.empty()) {
    harness_util::set_mix_matrix(h, good);
    gst_harness_set_src_caps_str(h, in_caps.c_str());
  }
  const size_t out_channels = good.empty() ? GST_AUDIO_INFO_CHANNELS(&info) : good.size();
  if (gst_harness_push(h, gst_buffer_new_allocate(nullptr, bytes, nullptr)) == GST_FLOW_OK) {
    while (GstBuffer *out = gst_harness_try_pull(h)) {
      o.recovered = gst_buffer_get_size(out) == frames * out_channels * 4;
      gst_buffer_unref(out);
    }
  }
  teardown_with_bus(h);
  return o;
}

std::string refused(const char *what) {
  return std::string("fastconvert refused caps: ") + what;
}

const std::vector<RobustnessCase> &cases() {
  static const std::string s26le = refused("format S26LE is not supported (supported: ") + formats_text() + ")";
  static const std::string alaw = refused("media type audio/x-alaw is not supported (expected audio/x-raw)");
  static const std::string zero_channels = refused("channels 0 is not supported (supported: [ 1, 2147483647 ])");
  static const std::string zero_rate = refused("rate 0 is not supported (supported: [ 1, 2147483647 ])");
  static const std::string mask = refused("channel-mask 0x1 names 1 channel positions, not 2");
  static const std::vector<RobustnessCase> table = {
      {"fastconvert", "caps with an unknown sample format (S26LE)",
       [] {
         return caps_scenario("fastconvert", "audio/x-raw,format=S26LE,layout=interleaved,rate=48000,channels=1",
                              "audio/x-raw", 30, S16_STEREO, 40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", s26le.c_str(), "S26LE", "new supported caps: converts again"},
      {"fastconvert", "caps with a field name that is not UTF-8 (an application can build such caps)",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("fastconvert");
         gst_harness_set_sink_caps_str(h, "audio/x-raw");
         GstCaps *caps = gst_caps_from_string("audio/x-raw,format=S26LE,layout=interleaved,rate=48000,channels=1");
         gst_structure_set(gst_caps_get_structure(caps, 0), "\xff\xfe", G_TYPE_INT, 1, nullptr);
         gst_pad_push_event(h->srcpad, gst_event_new_caps(caps));
         gst_caps_unref(caps);
         GstSegment segment;
         gst_segment_init(&segment, GST_FORMAT_TIME);
         gst_pad_push_event(h->srcpad, gst_event_new_segment(&segment));
         o.flow = gst_harness_push(h, silence(30));
         read_problem(h->element, o);
         push_caps(h, S16_STEREO);
         o.recovered = converts(h, 40, 40);
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_NOT_NEGOTIATED, "error", s26le.c_str(), "\\xff\\xfe=(int)1", "new supported caps: converts again"},
      {"fastconvert", "caps of another media type (audio/x-alaw)",
       [] {
         return caps_scenario("fastconvert", "audio/x-alaw,rate=8000,channels=1", "audio/x-raw", 30, S16_STEREO,
                              40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", alaw.c_str(), "audio/x-alaw", "new supported caps: converts again"},
      {"fastconvert", "caps with channels=0",
       [] {
         return caps_scenario("fastconvert", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=0",
                              "audio/x-raw", 30, S16_STEREO, 40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", zero_channels.c_str(), "channels=(int)0",
       "new supported caps: converts again"},
      {"fastconvert", "caps with rate=0",
       [] {
         return caps_scenario("fastconvert", "audio/x-raw,format=S16LE,layout=interleaved,rate=0,channels=2",
                              "audio/x-raw", 40, S16_STEREO, 40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", zero_rate.c_str(), "rate=(int)0", "new supported caps: converts again"},
      {"fastconvert", "channel-mask naming fewer positions than channels (2 channels, mask 0x1)",
       [] {
         return caps_scenario(
             "fastconvert",
             "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2,channel-mask=(bitmask)0x1",
             "audio/x-raw", 40, S16_STEREO, 40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", mask.c_str(), "channel-mask=(bitmask)0x0000000000000001",
       "new supported caps: converts again"},
      {"fastconvert", "6 channels without a channel-mask",
       [] {
         return caps_scenario("fastconvert", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=6",
                              "audio/x-raw", 24, S16_STEREO, 40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert refused caps: channels=6 needs a channel-mask (channel-mask=(bitmask)0x0 for unpositioned channels)", "channels=(int)6",
       "new supported caps: converts again"},
      {"fastconvert", "65 unpositioned channels (channel-mask 0) to mono",
       [] {
         return caps_scenario("fastconvert",
                              "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=65,"
                              "channel-mask=(bitmask)0x0",
                              F32_MONO.c_str(), 65 * 4 * 10, caps_str("F32LE", 2, 48000), 80, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert cannot convert F32LE, 48000 Hz, 65 channels to any format downstream accepts: downstream wants "
       "channels 1, fastconvert can output channels 65",
       "", "refused as audioconvert does (no default matrix for unpositioned channels); new caps: converts again"},
      {"fastconvert", "a frame size that overflows (F64LE, channels=2147483647, channel-mask 0)",
       [] {
         return caps_scenario("fastconvert",
                              "audio/x-raw,format=F64LE,layout=interleaved,rate=48000,channels=2147483647,"
                              "channel-mask=(bitmask)0x0",
                              F32_MONO.c_str(), 64, caps_str("F32LE", 2, 48000), 80, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert refused caps: channels=2147483647 makes a frame of 17179869176 bytes (at most 2147483647)", "channels=(int)2147483647",
       "new supported caps: converts again"},
      {"fastconvert", "a frame size that wraps to 0 (F64LE, channels=536870912, channel-mask 0)",
       [] {
         return caps_scenario("fastconvert",
                              "audio/x-raw,format=F64LE,layout=interleaved,rate=48000,channels=536870912,"
                              "channel-mask=(bitmask)0x0",
                              F32_MONO.c_str(), 64, caps_str("F32LE", 2, 48000), 80, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert refused caps: channels=536870912 makes a frame of 4294967296 bytes (at most 2147483647)", "channels=(int)536870912",
       "new supported caps: converts again"},
      {"fastconvert", "input caps without a channels field, downstream wants stereo (fixation read an uninitialised "
                      "channel count; valgrind checks this row)",
       [] {
         return caps_scenario("fastconvert", "audio/x-raw,format=F32LE,layout=interleaved,rate=48000",
                              caps_str("S16LE", 2, 48000).c_str(), 32, caps_str("F32LE", 2, 48000), 80, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "Invalid audio caps: caps lack the channels field",
       "refused caps: audio/x-raw", "new supported caps: converts again"},
      {"fastconvert", "3 positioned channels to 2 (mixed by position, as audioconvert)",
       [] {
         return caps_scenario("fastconvert", caps_str("F32LE", 3, 48000), caps_str("F32LE", 2, 48000).c_str(), 48,
                              caps_str("F32LE", 1, 48000), 16, 32);
       },
       GST_FLOW_OK, "none", "", "", "converted; new caps: converts again"},
      {"fastconvert", "a mix-matrix of the wrong shape (3 rows of 2 for 4 -> 3 channels)",
       [] {
         return mix_matrix_scenario({{0.5f, 0.5f}, {1.f, 0.f}, {0.f, 1.f}}, caps_str("F32LE", 4, 48000),
                                    {{0.5f, 0.5f, 0.f, 0.f}, {0.f, 0.f, 1.f, 0.f}, {0.f, 0.f, 0.f, 1.f}});
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert cannot convert F32LE, 48000 Hz, 4 channels to F32LE, 48000 Hz, 3 channels: mix-matrix has 3 rows "
       "of 2 values; 4 -> 3 channels need 3 rows of 4",
       "", "nothing converted; with a matrix of the right shape set, the next buffer converts"},
      {"fastconvert", "a mix-matrix with rows of different lengths",
       [] {
         return mix_matrix_scenario({{0.5f, 0.5f}, {1.f}}, caps_str("F32LE", 2, 48000), {});
       },
       GST_FLOW_OK, "warning",
       "fastconvert refused the mix-matrix: mix-matrix rows differ in length: row 0 has 2 values, row 1 has 1", "",
       "the matrix is refused when set; the default one converts"},
      {"fastconvert", "a mix-matrix with NaN or Inf in it",
       [] {
         return mix_matrix_scenario({{NAN, 0.5f}, {0.5f, INFINITY}}, caps_str("F32LE", 2, 48000), {}, true);
       },
       GST_FLOW_OK, "none", "", "",
       "refused when set, by GObject's check of the property's range (a GLib warning: value ... is invalid or "
       "out of range for property 'mix-matrix'); the default matrix converts"},
      {"fastconvert", "the same unsupported caps (S26LE) with five buffers (GStreamer retries the caps event and "
                      "accept-caps for each)",
       [] {
         return refused_once_scenario("fastconvert",
                                      "audio/x-raw,format=S26LE,layout=interleaved,rate=48000,channels=1", "audio/x-raw",
                                      30);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", s26le.c_str(), "format S26LE is not supported",
       "one message in all: no repeats"},
      {"fastconvert", "a rate change (downstream wants 44100 Hz, input is 48000 Hz)",
       [] {
         return caps_scenario("fastconvert", S16_STEREO, caps_str("F32LE", 1, 44100).c_str(), 40,
                              caps_str("S16LE", 2, 44100), 40, 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert cannot convert S16LE, 48000 Hz, 2 channels to any format downstream accepts: downstream wants "
       "rate 44100, fastconvert can output rate 48000",
       "never the rate: put fastresample before it", "input at the downstream rate: converts again"},
      {"fastconvert", "a buffer that is not a whole number of frames (7 bytes of S16LE stereo)",
       [] { return buffer_scenario("fastconvert", S16_STEREO, F32_MONO.c_str(), silence(7), 40, 40); },
       GST_FLOW_ERROR, "error", "Buffer is not a whole number of audio frames",
       "7 bytes is not a multiple of the 4-byte frame of S16LE x 2", "next whole buffer converts (no state)"},
      {"fastconvert", "a buffer before any caps",
       [] {
         Observed o;
         // Straight into the sink pad: GStreamer's own pad checks would
         // stop a harness push without caps and segment first.
         GstHarness *h = gst_harness_new("fastconvert");
         GstBus *bus = gst_bus_new();
         gst_element_set_bus(h->element, bus);
         gst_object_unref(bus);
         gst_harness_set_sink_caps_str(h, F32_MONO.c_str());
         GstPad *sinkpad = gst_element_get_static_pad(h->element, "sink");
         GstSegment segment;
         gst_segment_init(&segment, GST_FORMAT_TIME);
         gst_pad_send_event(sinkpad, gst_event_new_stream_start("robustness"));
         gst_pad_send_event(sinkpad, gst_event_new_segment(&segment));
         o.flow = gst_pad_chain(sinkpad, silence(40));
         read_problem(h->element, o);
         gst_pad_send_event(sinkpad, gst_event_new_flush_start());
         gst_pad_send_event(sinkpad, gst_event_new_flush_stop(TRUE));  // drops the segment
         gst_object_unref(sinkpad);
         gst_harness_set_src_caps_str(h, S16_STEREO.c_str());
         o.recovered = converts(h, 40, 40);
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "fastconvert received a buffer before any caps", "",
       "caps, then buffers: converts"},
      {"fastconvert", "downstream returns flushing",
       [] { return downstream_flow_scenario("fastconvert", GST_FLOW_FLUSHING); }, GST_FLOW_FLUSHING, "none", "", "",
       "after a flush: converts again"},
      {"fastconvert", "downstream returns eos",
       [] { return downstream_flow_scenario("fastconvert", GST_FLOW_EOS); }, GST_FLOW_EOS, "none", "", "",
       "after a flush: converts again"},
      {"fastconvert", "downstream returns not-linked",
       [] { return downstream_flow_scenario("fastconvert", GST_FLOW_NOT_LINKED); }, GST_FLOW_NOT_LINKED, "none", "",
       "", "once downstream takes buffers: converts again"},
      {"fastconvert", "downstream returns error",
       [] { return downstream_flow_scenario("fastconvert", GST_FLOW_ERROR); }, GST_FLOW_ERROR, "none", "", "",
       "once downstream takes buffers: converts again"},
      {"fastconvert", "NaN, +Inf and -Inf samples (F32LE to S16LE)",
       [] {
         Observed o;
         const float in[] = {NAN, INFINITY, -INFINITY, 1e30f};
         GstHarness *h = harness_with_bus("fastconvert");
         gst_harness_set_sink_caps_str(h, caps_str("S16LE", 1, 48000).c_str());
         gst_harness_set_src_caps_str(h, caps_str("F32LE", 1, 48000).c_str());
         o.flow = gst_harness_push(h, buffer_from(reinterpret_cast<const uint8_t *>(in), sizeof in));
         read_problem(h->element, o);
         GstBuffer *out = gst_harness_try_pull(h);
         if (out) {
           auto b = bytes_of(out);
           gst_buffer_unref(out);
           o.recovered = b.size() == 8 && sample_at(b, GST_AUDIO_FORMAT_S16LE, 0) == 0 &&
                         sample_at(b, GST_AUDIO_FORMAT_S16LE, 1) == 32767 &&
                         sample_at(b, GST_AUDIO_FORMAT_S16LE, 2) == -32768 &&
                         sample_at(b, GST_AUDIO_FORMAT_S16LE, 3) == 32767;
         }
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "converted: NaN -> 0, +-Inf and out-of-range values saturate"},
      {"fastconvert", "a GAP buffer with non-silent bytes",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("fastconvert");
         gst_harness_set_sink_caps_str(h, F32_MONO.c_str());
         gst_harness_set_src_caps_str(h, S16_STEREO.c_str());
         GstBuffer *gap = gst_buffer_new_allocate(nullptr, 40, nullptr);
         gst_buffer_memset(gap, 0, 0x55, 40);
         GST_BUFFER_PTS(gap) = 0;
         GST_BUFFER_FLAG_SET(gap, GST_BUFFER_FLAG_GAP);
         o.flow = gst_harness_push(h, gap);
         read_problem(h->element, o);
         if (GstBuffer *out = gst_harness_try_pull(h)) {
           auto b = bytes_of(out);
           o.recovered = GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP) && b == std::vector<uint8_t>(40, 0);
           gst_buffer_unref(out);
         }
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "output is silence, still flagged GAP"},
      {"fastconvert", "an empty buffer",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("fastconvert");
         gst_harness_set_sink_caps_str(h, F32_MONO.c_str());
         gst_harness_set_src_caps_str(h, S16_STEREO.c_str());
         o.flow = gst_harness_push(h, gst_buffer_new());
         read_problem(h->element, o);
         if (GstBuffer *out = gst_harness_try_pull(h)) {
           o.recovered = gst_buffer_get_size(out) == 0 && converts(h, 40, 40);
           gst_buffer_unref(out);
         }
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "an empty buffer leaves; the next buffer converts"},
      {"fastconvert", "an unknown value for the dithering property (\"bogus\", \"99\")",
       [] {
         Observed o;
         GstElement *e = gst_element_factory_make("fastconvert", nullptr);
         gst_util_set_object_arg(G_OBJECT(e), "dithering", "tpdf");
         gst_util_set_object_arg(G_OBJECT(e), "dithering", "bogus");
         gst_util_set_object_arg(G_OBJECT(e), "dithering", "99");
         gint value = -1;
         g_object_get(e, "dithering", &value, nullptr);
         o.recovered = value == GST_AUDIO_DITHER_TPDF;
         gst_object_unref(e);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "ignored: the property keeps its previous value (tpdf)"},
      {"fastconvert", "a FLUSH_START/FLUSH_STOP and a new segment mid-stream",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("fastconvert");
         gst_harness_set_sink_caps_str(h, F32_MONO.c_str());
         gst_harness_set_src_caps_str(h, S16_STEREO.c_str());
         o.flow = gst_harness_push(h, silence(40));
         if (GstBuffer *out = gst_harness_try_pull(h)) gst_buffer_unref(out);
         gst_harness_push_event(h, gst_event_new_flush_start());
         gst_harness_push_event(h, gst_event_new_flush_stop(TRUE));
         push_caps(h, S16_STEREO);
         read_problem(h->element, o);
         o.recovered = converts(h, 40, 40);
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "converts from the new segment on"},

      {"fastconvert", "downstream asks for a channel-mask that cannot describe its channels (2 channels, mask 0x1)",
       [] {
         return bad_mask_downstream_scenario("fastconvert", S16_STEREO, 40, "audio/x-raw",
                                             [](GstHarness *h) { return converts(h, 40, 40); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "Invalid audio caps: channel-mask 0x1 names 1 channel positions, not 2", "channel-mask=(bitmask)0x0000000000000001",
       "not offered upstream; downstream takes valid caps: converts again"},

      {"fastconvert", "downstream renegotiates mid-stream to a rate it cannot convert to (48000 -> 16000 Hz; "
                      "GStreamer's own \"not negotiated\" warning comes first)",
       [] {
         return renegotiation_scenario("fastconvert", S16_STEREO, "audio/x-raw", "audio/x-raw,rate=16000", 40,
                                       [](GstHarness *h) { return converts(h, 40, 40); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert cannot convert S16LE, 48000 Hz, 2 channels to any format downstream accepts: "
       "downstream wants rate 16000, fastconvert can output rate 48000", "never the rate",
       "downstream takes the input rate again: converts again"},
      // fastresample
      {"fastresample", "caps with a format name GStreamer does not know (S23LE)",
       [] {
         return caps_scenario_with("fastresample", caps_str("S23LE", 1, 48000), "audio/x-raw,rate=16000", 48,
                                   caps_str("S16LE", 1, 48000), [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample refused caps: format S23LE is not supported (supported: { (string)F64LE, (string)F64BE, "
       "(string)F32LE, (string)F32BE, (string)S32LE, (string)S32BE, (string)U32LE, (string)U32BE, (string)S24_32LE, "
       "(string)S24_32BE, (string)U24_32LE, (string)U24_32BE, (string)S24LE, (string)S24BE, (string)U24LE, "
       "(string)U24BE, (string)S20LE, (string)S20BE, (string)U20LE, (string)U20BE, (string)S18LE, (string)S18BE, "
       "(string)U18LE, (string)U18BE, (string)S16LE, (string)S16BE, (string)U16LE, (string)U16BE, (string)S8, "
       "(string)U8 })",
       "S23LE", "new supported caps: resamples again (4800 -> 1600 frames)"},
      {"fastresample", "a layout change (interleaved in, downstream wants non-interleaved)",
       [] {
         return caps_scenario_with("fastresample", "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2",
                                   "audio/x-raw,layout=non-interleaved,rate=16000", 32,
                                   "audio/x-raw,format=S16LE,layout=non-interleaved,rate=48000,channels=1",
                                   [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample cannot resample S16LE, 48000 Hz, 2 channels to any format downstream accepts: downstream wants "
       "layout non-interleaved, fastresample can output layout interleaved",
       "put fastconvert before or after it", "non-interleaved input as downstream wants: resamples again (4800 -> 1600 "
       "frames)"},
      {"fastresample", "caps with rate=0",
       [] {
         return caps_scenario_with("fastresample", caps_str("S16LE", 1, 0) + ",rate=0", "audio/x-raw,rate=16000", 48,
                                   caps_str("S16LE", 1, 48000), [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "fastresample refused caps: rate 0 is not supported (supported: [ 1, 2147483647 ])",
       "rate=(int)0", "new supported caps: resamples again"},
      {"fastresample", "an absurd ratio (1 Hz to 768000 Hz)",
       [] {
         return caps_scenario_with("fastresample", caps_str("F32LE", 1, 1), "audio/x-raw,rate=768000", 4,
                                   caps_str("F32LE", 1, 48000), [](GstHarness *h) { return drains_to(h, 19200, 4, 76800); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample cannot resample 1 Hz to 768000 Hz: upsampling beyond 1:65536 makes too much output per input "
       "frame (resample in two steps)",
       "supported: 1 to", "new caps with a sane ratio: resamples again"},
      {"fastresample", "a frame size that overflows (F64LE, channels=2147483647, channel-mask 0)",
       [] {
         return caps_scenario_with("fastresample",
                                   "audio/x-raw,format=F64LE,layout=interleaved,rate=48000,channels=2147483647,"
                                   "channel-mask=(bitmask)0x0",
                                   "audio/x-raw,rate=16000", 64, caps_str("S16LE", 1, 48000),
                                   [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample refused caps: channels=2147483647 makes a frame of 17179869176 bytes (at most 2147483647)",
       "channels=(int)2147483647", "new supported caps: resamples again"},
      {"fastresample", "channel-mask naming fewer positions than channels (2 channels, mask 0x1)",
       [] {
         return caps_scenario_with(
             "fastresample",
             "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2,channel-mask=(bitmask)0x1",
             "audio/x-raw,rate=16000", 40, caps_str("S16LE", 1, 48000),
             [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "fastresample refused caps: channel-mask 0x1 names 1 channel positions, not 2",
       "channel-mask=(bitmask)0x0000000000000001", "new supported caps: resamples again"},
      {"fastresample", "a buffer that is not a whole number of frames (7 bytes of S16LE stereo)",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("fastresample");
         gst_harness_set_sink_caps_str(h, caps_str("S16LE", 2, 16000).c_str());
         gst_harness_set_src_caps_str(h, caps_str("S16LE", 2, 48000).c_str());
         o.flow = gst_harness_push(h, silence(7));
         read_problem(h->element, o);
         o.recovered = drains_to(h, 4800 * 4, 4, 1600);
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_ERROR, "error", "Buffer is not a whole number of audio frames", "7 bytes",
       "next whole buffers resample (no state lost)"},
      {"fastresample", "NaN and Inf samples (F32LE 48 kHz to 16 kHz)",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("fastresample");
         gst_harness_set_sink_caps_str(h, caps_str("F32LE", 1, 16000).c_str());
         gst_harness_set_src_caps_str(h, caps_str("F32LE", 1, 48000).c_str());
         std::vector<float> bad(480, NAN);
         bad[7] = INFINITY;
         GstBuffer *nan = buffer_from(reinterpret_cast<const uint8_t *>(bad.data()), bad.size() * 4);
         GST_BUFFER_PTS(nan) = 0;
         o.flow = gst_harness_push(h, nan);
         read_problem(h->element, o);
         while (GstBuffer *out = gst_harness_try_pull(h)) gst_buffer_unref(out);
         // After a DISCONT (the filter history is reset) output is finite again.
         GstBuffer *good = silence(48000 * 4, GST_SECOND);
         GST_BUFFER_FLAG_SET(good, GST_BUFFER_FLAG_DISCONT);
         bool finite = gst_harness_push(h, good) == GST_FLOW_OK;
         size_t frames = 0;
         while (GstBuffer *out = gst_harness_try_pull(h)) {
           auto b = bytes_of(out);
           if (GST_BUFFER_PTS(out) >= GST_SECOND) {
             frames += b.size() / 4;
             for (size_t i = 0; i < b.size() / 4; i++)
               finite = finite && std::isfinite(sample_at(b, GST_AUDIO_FORMAT_F32LE, i));
           }
           gst_buffer_unref(out);
         }
         o.recovered = finite && frames > 15000;
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "",
       "no error; NaN propagates through the filter (the tail drained at the next DISCONT is NaN); after the "
       "DISCONT the output is finite again"},
      {"fastresample", "a sample-format change (F32LE in, downstream wants S16LE)",
       [] {
         return caps_scenario_with("fastresample", caps_str("F32LE", 1, 48000), "audio/x-raw,format=S16LE,rate=16000",
                                   64, caps_str("S16LE", 1, 48000),
                                   [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample cannot resample F32LE, 48000 Hz, 1 channels to any format downstream accepts: "
       "downstream wants format S16LE, fastresample can output format F32LE", "put fastconvert before or after it",
       "input in the format downstream wants: resamples again"},
      {"fastresample", "downstream asks for a channel-mask that cannot describe its channels (2 channels, mask 0x1)",
       [] {
         return bad_mask_downstream_scenario("fastresample", S16_STEREO, 40, "audio/x-raw,rate=16000",
                                             [](GstHarness *h) { return drains_to(h, 19200, 4, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample got invalid audio caps: channel-mask 0x1 names 1 channel positions, not 2", "channel-mask=(bitmask)0x0000000000000001",
       "not offered upstream; downstream takes valid caps: resamples again"},
      {"fastresample", "downstream renegotiates mid-stream to another format (S16LE -> F32LE; GStreamer's own "
                       "\"not negotiated\" warning comes first)",
       [] {
         return renegotiation_scenario("fastresample", caps_str("S16LE", 1, 48000), "audio/x-raw,rate=16000",
                                       "audio/x-raw,format=F32LE,rate=16000", 9600, [](GstHarness *h) {
                                         // The first stream's held-back tail (< 5 ms) comes out first.
                                         if (gst_harness_push(h, silence(9600)) != GST_FLOW_OK) return false;
                                         gst_harness_push_event(h, gst_event_new_eos());
                                         size_t frames = 0;
                                         while (GstBuffer *out = gst_harness_try_pull(h)) {
                                           frames += gst_buffer_get_size(out) / 2;
                                           gst_buffer_unref(out);
                                         }
                                         return frames >= 1600 && frames <= 1600 + 80;
                                       });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample cannot resample S16LE, 48000 Hz, 1 channels to any format downstream accepts: "
       "downstream wants format F32LE, fastresample can output format S16LE", "format=(string)F32LE",
       "downstream takes S16LE again: resamples again (the first stream's held-back tail, then 1600 frames)"},
      // rmsvad
      {"rmsvad", "caps with an unsupported sample format (U8)",
       [] {
         return caps_scenario("rmsvad", caps_str("U8", 1, 16000), "audio/x-raw", 32, caps_str("S16LE", 1, 16000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad refused caps: format U8 is not supported (supported: { (string)S16LE, (string)S32LE, (string)F32LE, "
       "(string)F64LE })",
       "U8", "new supported caps: passes audio again"},
      {"rmsvad", "caps with a rate below 8 kHz (4000 Hz)",
       [] {
         return caps_scenario("rmsvad", caps_str("S16LE", 1, 4000), "audio/x-raw", 32, caps_str("S16LE", 1, 16000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "rmsvad refused caps: rate 4000 is not supported (supported: [ 8000, 192000 ])",
       "rate=(int)4000", "new supported caps: passes audio again"},
      {"rmsvad", "a frame size that overflows (F64LE, channels=2147483647, channel-mask 0)",
       [] {
         return caps_scenario("rmsvad",
                              "audio/x-raw,format=F64LE,layout=interleaved,rate=48000,channels=2147483647,"
                              "channel-mask=(bitmask)0x0",
                              "audio/x-raw", 64, caps_str("S16LE", 1, 16000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad refused caps: channels=2147483647 makes a frame of 17179869176 bytes (at most 2147483647)",
       "channels=(int)2147483647", "new supported caps: passes audio again"},
      {"rmsvad", "a buffer that is not a whole number of frames (7 bytes of S16LE stereo)",
       [] { return buffer_scenario("rmsvad", caps_str("S16LE", 2, 16000), "audio/x-raw", silence(7), 64, 64); },
       GST_FLOW_ERROR, "error", "Buffer is not a whole number of audio frames", "7 bytes",
       "next whole buffer passes (no state)"},
      {"rmsvad", "NaN, +Inf and -Inf samples (F32LE)",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("rmsvad");
         gst_harness_set_sink_caps_str(h, "audio/x-raw");
         gst_harness_set_src_caps_str(h, caps_str("F32LE", 1, 16000).c_str());
         std::vector<float> bad(1600, NAN);
         bad[1] = INFINITY;
         bad[2] = -INFINITY;
         const auto *bytes = reinterpret_cast<const uint8_t *>(bad.data());
         o.flow = gst_harness_push(h, buffer_from(bytes, bad.size() * 4));
         read_problem(h->element, o);
         if (GstBuffer *out = gst_harness_try_pull(h)) {
           o.recovered = bytes_of(out) == std::vector<uint8_t>(bytes, bytes + bad.size() * 4);
           gst_buffer_unref(out);
           double floor = 0;
           GstElement *vad = gst_harness_find_element(h, "rmsvad");  // a ref
           g_object_get(vad, "noise-floor", &floor, nullptr);
           gst_object_unref(vad);
           o.recovered = o.recovered && std::isfinite(floor);
         }
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "audio passes untouched; the noise floor stays finite"},
      {"rmsvad", "stop-threshold above start-threshold (start 8, stop 20)",
       [] {
         Observed o;
         GstHarness *h = harness_with_bus("rmsvad stop-threshold=20");
         gst_harness_set_sink_caps_str(h, "audio/x-raw");
         gst_harness_set_src_caps_str(h, caps_str("S16LE", 1, 16000).c_str());
         o.flow = gst_harness_push(h, silence(640));
         read_problem(h->element, o);
         GstElement *vad = gst_harness_find_element(h, "rmsvad");
         double stop = 0;
         g_object_get(vad, "stop-threshold", &stop, nullptr);
         g_object_set(vad, "start-threshold", 25.0, nullptr);
         gst_object_unref(vad);
         Observed again;
         o.recovered = stop == 20 && converts(h, 640, 640) && (read_problem(h->element, again), again.kind == "none");
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "warning",
       "rmsvad: stop-threshold 20 dB is above start-threshold 8 dB; in force: start-threshold 8 dB, "
       "stop-threshold 8 dB",
       "must not exceed", "the property keeps 20; start-threshold=25 makes the pair valid: no further warning"},
      {"rmsvad", "a frame-duration out of range (1 ms) and a NaN threshold",
       [] {
         Observed o;
         GstElement *e = gst_element_factory_make("rmsvad", nullptr);
         with_warning_allowed("GLib-GObject", "out of range for property", [&] {
           gst_util_set_object_arg(G_OBJECT(e), "frame-duration", "1000000");
           gst_util_set_object_arg(G_OBJECT(e), "start-threshold", "nan");
         });
         guint64 frame = 0;
         double start = 0;
         g_object_get(e, "frame-duration", &frame, "start-threshold", &start, nullptr);
         o.recovered = frame == 20 * GST_MSECOND && start == 8;
         gst_object_unref(e);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "refused by GLib (\"out of range\"); the defaults stay (20 ms, 8 dB)"},
      {"rmsvad", "caps without a format field, downstream refuses passthrough (wants 8000 Hz)",
       [] {
         return caps_scenario("rmsvad", "audio/x-raw,layout=interleaved,rate=16000,channels=1", "audio/x-raw,rate=8000",
                              32, caps_str("S16LE", 1, 8000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad cannot pass audio/x-raw, layout=(string)interleaved, rate=(int)16000, channels=(int)1 "
       "(caps lack the format field) to any format downstream accepts: downstream wants rate 8000, "
       "rmsvad can output rate 16000", "put fastresample before it to change the rate",
       "complete caps downstream accepts: passes audio again"},
      {"rmsvad", "caps without a channels field, downstream refuses passthrough (wants S32LE)",
       [] {
         return caps_scenario("rmsvad", "audio/x-raw,format=S16LE,layout=interleaved,rate=16000",
                              "audio/x-raw,format=S32LE", 32, caps_str("S32LE", 1, 16000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad cannot pass audio/x-raw, format=(string)S16LE, layout=(string)interleaved, "
       "rate=(int)16000 (caps lack the channels field) to any format downstream accepts: downstream "
       "wants format S32LE, rmsvad can output format S16LE", "format=(string)S32LE",
       "complete caps downstream accepts: passes audio again"},
      {"rmsvad", "caps without a format field, downstream takes any audio",
       [] {
         return caps_scenario("rmsvad", "audio/x-raw,layout=interleaved,rate=16000,channels=1", "audio/x-raw", 32,
                              caps_str("S16LE", 1, 16000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad received invalid audio caps: caps lack the format field", "refused caps: audio/x-raw",
       "complete caps: passes audio again"},
      {"rmsvad", "downstream asks for a channel-mask that cannot describe its channels (2 channels, mask 0x1)",
       [] {
         return bad_mask_downstream_scenario("rmsvad", S16_STEREO, 40, "audio/x-raw",
                                             [](GstHarness *h) { return converts(h, 40, 40); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad cannot pass S16LE, 48000 Hz, 2 channels to any format downstream accepts: downstream "
       "accepts only caps with an invalid channel-mask (channel-mask 0x1 names 1 channel positions, not "
       "2)", "channel-mask=(bitmask)0x0000000000000001",
       "not offered upstream; downstream takes valid caps: passes audio again"},
      {"rmsvad", "downstream renegotiates mid-stream to another rate (16000 -> 8000 Hz; GStreamer's own "
                 "\"not negotiated\" warning comes first)",
       [] {
         return renegotiation_scenario("rmsvad", caps_str("S16LE", 1, 16000), "audio/x-raw", "audio/x-raw,rate=8000", 64,
                                       [](GstHarness *h) { return converts(h, 64, 64); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad cannot pass S16LE, 16000 Hz, 1 channels to any format downstream accepts: downstream "
       "wants rate 8000, rmsvad can output rate 16000", "rate=(int)8000",
       "downstream takes the input rate again: passes audio again"},
      // jsonbridge
      {"jsonbridge", "an object cut short by a newline (mode=decode)",
       [] { return json_scenario("", std::string(kJsonLine) + "{\"version\":1,\"format\":\n", false); },
       GST_FLOW_ERROR, "error",
       "jsonbridge cannot decode the JSON stream: line 2, byte 189: the object is not closed: the line must end with "
       "'}' (truncated object, or text after it)",
       "on-error=skip", "after a flush: decodes again"},
      {"jsonbridge", "a stream truncated in the middle of an object, then EOS (mode=decode)",
       [] { return json_scenario("", std::string(kJsonLine).substr(0, 60), true); },
       GST_FLOW_OK, "error",
       "jsonbridge cannot decode the JSON stream: stream ended inside line 1, byte 60: the object is not closed: the "
       "line must end with '}' (truncated object, or text after it)",
       "", "after a flush: decodes again"},
      {"jsonbridge", "a line longer than max-line-length (256 bytes, mode=decode)",
       [] { return json_scenario("max-line-length=256", std::string(1000, ' '), false); },
       GST_FLOW_ERROR, "error",
       "jsonbridge cannot decode the JSON stream: line 1, byte 256: the line is longer than max-line-length (256 "
       "bytes); raise max-line-length if the objects are that big",
       "", "after a flush: decodes again"},
      {"jsonbridge", "a sample count that is not a multiple of channels (5 samples, 2 channels)",
       [] {
         std::string line = kJsonLine;
         line.replace(line.find("[1,-1,2,-2]"), 11, "[1,-1,2,-2,3]");
         return json_scenario("", line, false);
       },
       GST_FLOW_ERROR, "error",
       "jsonbridge cannot decode the JSON stream: line 1, byte 154: samples has 5 values, not a multiple of channels "
       "(2)",
       "", "after a flush: decodes again"},
      {"jsonbridge", "malformed JSON with on-error=skip",
       [] { return json_scenario("on-error=skip", "{\"version\":1,]\n", false); },
       GST_FLOW_OK, "warning",
       "jsonbridge skipped a bad JSON object: line 1, byte 14: the object is not closed: the line must end with '}' "
       "(truncated object, or text after it)",
       "on-error=skip", "the next object decodes"},
      {"jsonbridge", "binary bytes, not text (mode=decode)",
       [] { return json_scenario("", "\xff\xfe\x01{\"version\":1}\n", false); },
       GST_FLOW_ERROR, "error",
       "jsonbridge cannot decode the JSON stream: line 1, byte 0: expected a JSON object, got "
       "\\xff\\xfe\\x01{\"version\":1}",
       "on-error=skip", "after a flush: decodes again"},
      {"jsonbridge", "1000 bad lines with on-error=skip, then EOS",
       [] { return json_flood_scenario(1000); },
       GST_FLOW_OK, "warning",
       "jsonbridge skipped a bad JSON object: line 1, byte 0: expected a JSON object, got x", "on-error=skip",
       "5 warnings in full, then at most one a second; at EOS \"jsonbridge skipped 1000 bad JSON objects in this "
       "stream\"; after a flush: decodes again"},
      {"jsonbridge", "a channel-mask that does not fit the channel count (3 positions, 2 channels)",
       [] {
         std::string line = kJsonLine;
         line.replace(line.find("\"layout\""), 0, "\"channel-mask\":7,");
         return json_scenario("", line, false);
       },
       GST_FLOW_ERROR, "error",
       "jsonbridge cannot decode the JSON stream: line 1, byte 71: channel-mask 7 names 3 positions, not 2 (0 for "
       "unpositioned channels)",
       "", "after a flush: decodes again"},
      {"jsonbridge", "downstream refuses the decoded caps, then EOS inside the next line (mode=decode)",
       [] { return json_refusal_then_eos_scenario(); },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge cannot output decoded S16LE, 16000 Hz, 2 channels to any format downstream accepts: "
       "downstream wants video/x-raw, jsonbridge can output audio/x-raw", "put fastconvert/fastresample after jsonbridge",
       "nothing more at EOS (no report about the cut line); downstream takes audio, after a flush: decodes again"},
      {"jsonbridge", "Python's json.dumps spellings NaN, Infinity, -Infinity and a UTF-8 byte order mark (mode=decode)",
       [] {
         Observed o;
         GstHarness *h = json_decoder();
         o.flow = gst_harness_push(h, text_buffer("\xef\xbb\xbf{\"version\":1,\"format\":\"F32LE\",\"rate\":8000,"
                                                  "\"channels\":1,\"samples\":[NaN,Infinity,-Infinity]}\n"));
         read_problem(h->element, o);
         if (GstBuffer *out = gst_harness_try_pull(h)) {
           float x[3] = {};
           o.recovered = gst_buffer_extract(out, 0, x, sizeof x) == sizeof x && std::isnan(x[0]) &&
                         x[1] == INFINITY && x[2] == -INFINITY;
           gst_buffer_unref(out);
         }
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_OK, "none", "", "", "decoded: NaN, +Inf, -Inf"},
      {"jsonbridge", "caps with channels=0, downstream takes no audio (video/x-raw, mode=roundtrip)",
       [] {
         return downstream_scenario("jsonbridge", caps_str("S16LE", 0, 48000), "video/x-raw", 40, "audio/x-raw",
                                    S16_STEREO, [](GstHarness *h) { return converts(h, 40, 40); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge (mode=roundtrip) refused caps: channels 0 is not supported (supported: [ 1, 65535 ])", "channels=(int)0",
       "valid caps, downstream takes audio: passes audio again"},
      {"jsonbridge", "valid audio, downstream takes no audio (video/x-raw, mode=roundtrip)",
       [] {
         return downstream_scenario("jsonbridge", S16_STEREO, "video/x-raw", 40, "audio/x-raw", S16_STEREO,
                                    [](GstHarness *h) { return converts(h, 40, 40); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge cannot pass S16LE, 48000 Hz, 2 channels to any format downstream accepts: downstream "
       "wants video/x-raw, jsonbridge can output audio/x-raw", "downstream accepts video/x-raw",
       "downstream takes audio: passes audio again"},
      {"jsonbridge", "mode=encode, downstream wants raw audio",
       [] {
         return downstream_scenario("jsonbridge mode=encode", S16_STEREO, "audio/x-raw", 40, "application/x-json",
                                    S16_STEREO, encodes_json);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge cannot encode S16LE, 48000 Hz, 2 channels to any format downstream accepts: "
       "downstream wants audio/x-raw, jsonbridge can output application/x-json", "mode=encode outputs application/x-json",
       "downstream takes JSON: one JSON line per buffer"},
      {"jsonbridge", "mode=decode, downstream takes no audio (video/x-raw)",
       [] {
         Observed o;
         GstHarness *h = json_decoder();
         gst_harness_set_sink_caps_str(h, "video/x-raw");
         o.flow = gst_harness_push(h, text_buffer(kJsonLine));
         read_problem(h->element, o);
         gst_harness_set_sink_caps_str(h, "audio/x-raw");
         o.recovered = json_decodes_after_flush(h);
         teardown_with_bus(h);
         return o;
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge cannot output decoded S16LE, 16000 Hz, 2 channels to any format downstream accepts: "
       "downstream wants video/x-raw, jsonbridge can output audio/x-raw", "put fastconvert/fastresample after jsonbridge",
       "downstream takes audio, after a flush: decodes again"},
      {"jsonbridge", "downstream asks for a channel-mask that cannot describe its channels (2 channels, mask 0x1, "
                     "mode=roundtrip)",
       [] {
         return bad_mask_downstream_scenario("jsonbridge", S16_STEREO, 40, "audio/x-raw",
                                             [](GstHarness *h) { return converts(h, 40, 40); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge cannot pass S16LE, 48000 Hz, 2 channels to any format downstream accepts: downstream "
       "accepts only caps with an invalid channel-mask (channel-mask 0x1 names 1 channel positions, not "
       "2)", "channel-mask=(bitmask)0x0000000000000001",
       "not offered upstream; downstream takes valid caps: passes audio again"},
  };
  return table;
}

std::string markdown_escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

}  // namespace

GST_START_TEST(test_robustness_row) {
  const RobustnessCase &c = cases()[__i__];
  const Observed o = c.run();
  fail_unless(o.flow == c.flow, "%s, %s: flow %s, table says %s", c.element, c.input, gst_flow_get_name(o.flow),
              gst_flow_get_name(c.flow));
  fail_unless(o.kind == c.kind, "%s, %s: %s message, table says %s", c.element, c.input, o.kind.c_str(), c.kind);
  fail_unless(o.message == c.message, "%s, %s: message '%s', table says '%s'", c.element, c.input, o.message.c_str(),
              c.message);
  fail_unless(o.debug.find(c.debug_contains) != std::string::npos, "%s, %s: debug text '%s' lacks '%s'", c.element,
              c.input, o.debug.c_str(), c.debug_contains);
  fail_unless(o.recovered, "%s, %s: recovery failed (%s)", c.element, c.input, c.recovery);
  fail_unless(g_utf8_validate(o.message.c_str(), -1, nullptr) && g_utf8_validate(o.debug.c_str(), -1, nullptr),
              "%s, %s: message or debug text is not UTF-8", c.element, c.input);
}
GST_END_TEST;

// With FASTAUDIO_ROBUSTNESS_MARKDOWN=path, writes the table (after the rows
// passed) as markdown for tools/gen-robustness-doc.py.
GST_START_TEST(test_write_markdown) {
  const char *path = g_getenv("FASTAUDIO_ROBUSTNESS_MARKDOWN");
  if (!path) return;
  FILE *f = fopen(path, "w");
  fail_unless(f != nullptr, "cannot write %s", path);
  const char *element = nullptr;
  for (const auto &c : cases()) {
    if (g_strcmp0(element, c.element) != 0) {
      fprintf(f, "%s### %s\n\n| bad input or fault | flow | message | recovery |\n|---|---|---|---|\n",
              element ? "\n" : "", c.element);
      element = c.element;
    }
    std::string message = std::string(c.kind) == "none" ? "none" : std::string(c.kind) + ": `" + c.message + "`";
    if (*c.debug_contains) message += " (debug text names `" + std::string(c.debug_contains) + "`)";
    fprintf(f, "| %s | %s | %s | %s |\n", markdown_escape(c.input).c_str(), gst_flow_get_name(c.flow),
            markdown_escape(message).c_str(), markdown_escape(c.recovery).c_str());
  }
  fclose(f);
}
GST_END_TEST;

static Suite *robustness_suite() {
  Suite *s = suite_create("robustness");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_robustness_row, 0, cases().size());
  tcase_add_test(tc, test_write_markdown);
  return s;
}

GST_CHECK_MAIN(robustness);
