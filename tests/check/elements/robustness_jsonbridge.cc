// SPDX-License-Identifier: LGPL-2.1-or-later
// jsonbridge's robustness rows: bad JSON lines, floods of them, refused caps.
#include "robustness.h"

using namespace harness_util;

namespace robustness {

namespace {

// Recovery for jsonbridge mode=encode: a buffer comes out as one JSON line.
bool encodes_json(GstHarness *h) {
  if (gst_harness_push(h, silence(40)) != GST_FLOW_OK) return false;
  GstBuffer *out = gst_harness_try_pull(h);
  if (!out) return false;
  auto b = bytes_of(out);
  gst_buffer_unref(out);
  return !b.empty() && b.front() == '{' && b.back() == '\n';
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

// kJsonLine with its first `what` replaced by `with`.
std::string json_line_replacing(const std::string &what, const std::string &with) {
  std::string line = kJsonLine;
  line.replace(line.find(what), what.size(), with);
  return line;
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

// Bad text lines: cut short, truncated, too long, the wrong sample count,
// malformed, binary, a flood of them.
std::vector<RobustnessCase> bad_line_rows() {
  return {
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
         return json_scenario("", json_line_replacing("[1,-1,2,-2]", "[1,-1,2,-2,3]"), false);
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
  };
}

// A channel-mask that does not fit, decoded caps refused downstream, and
// the spellings Python's json.dumps writes.
std::vector<RobustnessCase> decoded_caps_and_spelling_rows() {
  return {
      {"jsonbridge", "a channel-mask that does not fit the channel count (3 positions, 2 channels)",
       [] {
         return json_scenario("", json_line_replacing("\"layout\"", "\"channel-mask\":7,\"layout\""), false);
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
         const char *line = "\xef\xbb\xbf{\"version\":1,\"format\":\"F32LE\",\"rate\":8000,"
                            "\"channels\":1,\"samples\":[NaN,Infinity,-Infinity]}\n";
         return buffer_scenario_with("jsonbridge mode=decode", "application/x-json", "audio/x-raw", text_buffer(line),
                                     [](GstHarness *h) {
                                       return next_output(h, [](GstBuffer *out) {
                                         float x[3] = {};
                                         return gst_buffer_extract(out, 0, x, sizeof x) == sizeof x &&
                                                std::isnan(x[0]) && x[1] == INFINITY && x[2] == -INFINITY;
                                       });
                                     });
       },
       GST_FLOW_OK, "none", "", "", "decoded: NaN, +Inf, -Inf"},
  };
}

// Downstream that takes no audio or the wrong kind, and a channel-mask
// that cannot be right.
std::vector<RobustnessCase> downstream_caps_rows() {
  return {
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
       [] { return bad_mask_passthrough_scenario("jsonbridge"); },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "jsonbridge cannot pass S16LE, 48000 Hz, 2 channels to any format downstream accepts: downstream "
       "accepts only caps with an invalid channel-mask (channel-mask 0x1 names 1 channel positions, not "
       "2)", "channel-mask=(bitmask)0x0000000000000001",
       "not offered upstream; downstream takes valid caps: passes audio again"},
  };
}

}  // namespace

const std::vector<RobustnessCase> &cases() {
  static const std::vector<RobustnessCase> table = joined_rows({
      bad_line_rows(),
      decoded_caps_and_spelling_rows(),
      downstream_caps_rows(),
  });
  return table;
}

}  // namespace robustness
