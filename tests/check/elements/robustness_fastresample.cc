// SPDX-License-Identifier: LGPL-2.1-or-later
// fastresample's robustness rows: refused caps and downstreams, renegotiation.
#include "robustness.h"

using namespace harness_util;

namespace robustness {

namespace {

// Refused caps `bad` (one buffer of `bytes`) facing `downstream`; recovery:
// S16LE mono 48 kHz caps, and 4800 frames drain to 1600.
Observed refused_then_resamples(const std::string &bad, size_t bytes,
                                const char *downstream = "audio/x-raw,rate=16000") {
  return caps_scenario_with("fastresample", bad, downstream, bytes, caps_str("S16LE", 1, 48000),
                            [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
}

// Caps it refuses or cannot resample: an unknown format, a layout change,
// rate 0, an absurd ratio, an overflowing frame, a too-short channel-mask.
std::vector<RobustnessCase> refused_caps_rows() {
  return {
      {"fastresample", "caps with a format name GStreamer does not know (S23LE)",
       [] {
         return refused_then_resamples(caps_str("S23LE", 1, 48000), 48);
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
         return refused_then_resamples(caps_str("S16LE", 1, 0) + ",rate=0", 48);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "fastresample refused caps: rate 0 is not supported (supported: [ 1, 2147483647 ])",
       "rate=(int)0", "new supported caps: resamples again"},
      {"fastresample", "an absurd ratio (1 Hz to 33554432 Hz)",
       [] {
         return caps_scenario_with("fastresample", caps_str("F32LE", 1, 1), "audio/x-raw,rate=33554432", 4,
                                   caps_str("F32LE", 1, 16777216),
                                   [](GstHarness *h) { return drains_to(h, 19200, 4, 9600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample cannot resample 1 Hz to 33554432 Hz: upsampling beyond 1:16777216 makes more than 64 MB of "
       "output per input frame and channel",
       "supported: 1 to", "new caps with a sane ratio: resamples again"},
      {"fastresample", "a frame size that overflows (F64LE, channels=2147483647, channel-mask 0)",
       [] {
         return refused_then_resamples(f64_unpositioned_caps("2147483647"), 64);
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample refused caps: channels=2147483647 makes a frame of 17179869176 bytes (at most 2147483647)",
       "channels=(int)2147483647", "new supported caps: resamples again"},
      {"fastresample", "channel-mask naming fewer positions than channels (2 channels, mask 0x1)",
       [] {
         return refused_then_resamples(
             "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2,channel-mask=(bitmask)0x1", 40);
       },
       GST_FLOW_NOT_NEGOTIATED, "error", "fastresample refused caps: channel-mask 0x1 names 1 channel positions, not 2",
       "channel-mask=(bitmask)0x0000000000000001", "new supported caps: resamples again"},
  };
}

// Bad buffers: partial frames, NaN and Inf samples.
std::vector<RobustnessCase> buffer_rows() {
  return {
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
  };
}

// Downstream caps: another sample format, a channel-mask that cannot be
// right, renegotiation mid-stream, no audio at all.
std::vector<RobustnessCase> downstream_caps_rows() {
  return {
      {"fastresample", "a sample-format change (F32LE in, downstream wants S16LE)",
       [] {
         return refused_then_resamples(caps_str("F32LE", 1, 48000), 64, "audio/x-raw,format=S16LE,rate=16000");
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
      {"fastresample", "downstream takes no audio (video/x-raw)",
       [] {
         return downstream_scenario("fastresample", caps_str("F32LE", 1, 48000), "video/x-raw", 64,
                                    "audio/x-raw,rate=16000", caps_str("S16LE", 1, 48000),
                                    [](GstHarness *h) { return drains_to(h, 9600, 2, 1600); });
       },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastresample cannot resample F32LE, 48000 Hz, 1 channels to any format downstream accepts: downstream "
       "wants video/x-raw, fastresample can output audio/x-raw",
       "any rate): put fastconvert before or after it",
       "downstream takes audio: resamples again"},
  };
}

}  // namespace

const std::vector<RobustnessCase> &cases() {
  static const std::vector<RobustnessCase> table = joined_rows({
      refused_caps_rows(),
      buffer_rows(),
      downstream_caps_rows(),
  });
  return table;
}

}  // namespace robustness
