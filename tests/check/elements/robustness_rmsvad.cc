// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad's robustness rows: refused caps, bad buffers and property values.
#include "robustness.h"

using namespace harness_util;

namespace robustness {

namespace {

// Refused caps and bad buffers: an unsupported format or rate, an
// overflowing frame, partial frames, NaN and Inf samples.
std::vector<RobustnessCase> caps_and_buffer_rows() {
  return {
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
                              f64_unpositioned_caps("2147483647"),
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
         std::vector<float> bad(1600, NAN);
         bad[1] = INFINITY;
         bad[2] = -INFINITY;
         const auto *bytes = reinterpret_cast<const uint8_t *>(bad.data());
         const std::vector<uint8_t> in(bytes, bytes + bad.size() * 4);
         return buffer_scenario_with("rmsvad", caps_str("F32LE", 1, 16000), "audio/x-raw", buffer_from(in.data(), in.size()),
                                     [&in](GstHarness *h) {
                                       if (!next_output(h, [&in](GstBuffer *out) { return bytes_of(out) == in; }))
                                         return false;
                                       double floor = 0;
                                       GstElement *vad = gst_harness_find_element(h, "rmsvad");  // a ref
                                       g_object_get(vad, "noise-floor", &floor, nullptr);
                                       gst_object_unref(vad);
                                       return std::isfinite(floor);
                                     });
       },
       GST_FLOW_OK, "none", "", "", "audio passes untouched; the noise floor stays finite"},
  };
}

// Property values out of range or contradicting each other.
std::vector<RobustnessCase> property_rows() {
  return {
      {"rmsvad", "stop-threshold above start-threshold (start 8, stop 20)",
       [] {
         return buffer_scenario_with(
             "rmsvad stop-threshold=20", caps_str("S16LE", 1, 16000), "audio/x-raw", silence(640), [](GstHarness *h) {
               GstElement *vad = gst_harness_find_element(h, "rmsvad");
               double stop = 0;
               g_object_get(vad, "stop-threshold", &stop, nullptr);
               g_object_set(vad, "start-threshold", 25.0, nullptr);
               gst_object_unref(vad);
               Observed again;
               return stop == 20 && converts(h, 640, 640) && (read_problem(h->element, again), again.kind == "none");
             });
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
  };
}

// Caps missing fields against what downstream takes, a channel-mask that
// cannot be right, renegotiation mid-stream.
std::vector<RobustnessCase> downstream_caps_rows() {
  return {
      {"rmsvad", "caps without a format field, downstream refuses passthrough (wants 8000 Hz)",
       [] {
         return caps_scenario("rmsvad", "audio/x-raw,layout=interleaved,rate=16000,channels=1", "audio/x-raw,rate=8000",
                              32, caps_str("S16LE", 1, 8000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad cannot pass audio/x-raw, layout=(string)interleaved, rate=(int)16000, channels=(int)1 "
       "(caps lack the format field) to any format downstream accepts: downstream wants rate 8000, "
       "rmsvad can output rate 16000",
       "rmsvad passes audio through unchanged (8-192 kHz): put fastresample before it to change the rate",
       "complete caps downstream accepts: passes audio again"},
      {"rmsvad", "caps without a channels field, downstream refuses passthrough (wants S32LE)",
       [] {
         return caps_scenario("rmsvad", "audio/x-raw,format=S16LE,layout=interleaved,rate=16000",
                              "audio/x-raw,format=S32LE", 32, caps_str("S32LE", 1, 16000), 64, 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "rmsvad cannot pass audio/x-raw, format=(string)S16LE, layout=(string)interleaved, "
       "rate=(int)16000 (caps lack the channels field) to any format downstream accepts: downstream "
       "wants format S32LE, rmsvad can output format S16LE",
       "format=(string)S32LE. rmsvad passes audio through unchanged (S16LE, S32LE, F32LE, F64LE): put fastconvert",
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
       [] { return bad_mask_passthrough_scenario("rmsvad"); },
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
  };
}

}  // namespace

const std::vector<RobustnessCase> &cases() {
  static const std::vector<RobustnessCase> table = joined_rows({
      caps_and_buffer_rows(),
      property_rows(),
      downstream_caps_rows(),
  });
  return table;
}

}  // namespace robustness
