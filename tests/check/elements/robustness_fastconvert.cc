// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert's robustness rows: refused caps, bad buffers, downstream flows,
// property values and mix matrices.
#include "robustness.h"

using namespace harness_util;

namespace robustness {

namespace {

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

// `bad` set as the mix-matrix, then F32 frames pushed from `in_caps` into an open
// downstream. Recovery: with `good` set instead (or, when empty, with the
// bad one ignored) the next buffer converts to as many channels as it says.
Observed mix_matrix_scenario(const std::vector<std::vector<float>> &bad, const std::string &in_caps,
                             const std::vector<std::vector<float>> &good) {
  GstHarness *h = harness_with_bus("fastconvert");
  harness_util::set_mix_matrix(h, bad);
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

// Caps whose frame size overflows (F64LE, `channels` unpositioned);
// recovery: F32LE stereo converts to mono.
Observed huge_frame_scenario(const char *channels) {
  return caps_scenario("fastconvert", f64_unpositioned_caps(channels), F32_MONO.c_str(), 64,
                       caps_str("F32LE", 2, 48000), 80, 40);
}

std::string refused(const char *what) {
  return std::string("fastconvert refused caps: ") + what;
}

// The refusal of S26LE caps, quoting the pad template's format list; rows of
// two groups expect it, and it can only be built after gst_init.
const std::string &s26le_refusal() {
  static const std::string text = refused("format S26LE is not supported (supported: ") + formats_text() + ")";
  return text;
}

// Caps refused outright: unknown formats and media types, zero fields, a
// channel-mask with too few positions.
std::vector<RobustnessCase> refused_caps_rows() {
  const std::string &s26le = s26le_refusal();
  static const std::string alaw = refused("media type audio/x-alaw is not supported (expected audio/x-raw)");
  static const std::string zero_channels = refused("channels 0 is not supported (supported: [ 1, 2147483647 ])");
  static const std::string zero_rate = refused("rate 0 is not supported (supported: [ 1, 2147483647 ])");
  static const std::string mask = refused("channel-mask 0x1 names 1 channel positions, not 2");
  return {
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
  };
}

// Channel counts: no mask, more than a default matrix covers, frames that
// overflow, a missing channels field, and a mix by position.
std::vector<RobustnessCase> channel_count_rows() {
  return {
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
       [] { return huge_frame_scenario("2147483647"); },
       GST_FLOW_NOT_NEGOTIATED, "error",
       "fastconvert refused caps: channels=2147483647 makes a frame of 17179869176 bytes (at most 2147483647)", "channels=(int)2147483647",
       "new supported caps: converts again"},
      {"fastconvert", "a frame size that wraps to 0 (F64LE, channels=536870912, channel-mask 0)",
       [] { return huge_frame_scenario("536870912"); },
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
  };
}

// Mix matrices of the wrong shape or with non-finite values.
std::vector<RobustnessCase> mix_matrix_rows() {
  return {
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
       [] { return mix_matrix_scenario({{NAN, 0.5f}, {0.5f, INFINITY}}, caps_str("F32LE", 2, 48000), {}); },
       GST_FLOW_OK, "warning", "fastconvert refused the mix-matrix: mix-matrix value [0][0] is not finite", "",
       "the matrix is refused when set; the default one converts"},
      {"fastconvert", "a mix-matrix with Inf (and no NaN) in it",
       [] { return mix_matrix_scenario({{0.5f, 0.5f}, {0.5f, -INFINITY}}, caps_str("F32LE", 2, 48000), {}); },
       GST_FLOW_OK, "warning", "fastconvert refused the mix-matrix: mix-matrix value [1][1] is not finite", "",
       "the matrix is refused when set; the default one converts"},
  };
}

// The same refused caps for many buffers, and a rate change it cannot make.
std::vector<RobustnessCase> repeat_and_rate_rows() {
  const std::string &s26le = s26le_refusal();
  return {
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
  };
}

// Buffers that are not whole frames or come before caps, and downstream
// flow returns.
std::vector<RobustnessCase> buffer_and_flow_rows() {
  return {
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
  };
}

// Sample contents: NaN and Inf, GAP buffers with non-silent bytes, empty buffers.
std::vector<RobustnessCase> sample_value_rows() {
  return {
      {"fastconvert", "NaN, +Inf and -Inf samples (F32LE to S16LE)",
       [] {
         const float in[] = {NAN, INFINITY, -INFINITY, 1e30f};
         return buffer_scenario_with(
             "fastconvert", caps_str("F32LE", 1, 48000), caps_str("S16LE", 1, 48000),
             buffer_from(reinterpret_cast<const uint8_t *>(in), sizeof in), [](GstHarness *h) {
               return next_output(h, [](GstBuffer *out) {
                 auto b = bytes_of(out);
                 return b.size() == 8 && sample_at(b, GST_AUDIO_FORMAT_S16LE, 0) == 0 &&
                        sample_at(b, GST_AUDIO_FORMAT_S16LE, 1) == 32767 &&
                        sample_at(b, GST_AUDIO_FORMAT_S16LE, 2) == -32768 &&
                        sample_at(b, GST_AUDIO_FORMAT_S16LE, 3) == 32767;
               });
             });
       },
       GST_FLOW_OK, "none", "", "", "converted: NaN -> 0, +-Inf and out-of-range values saturate"},
      {"fastconvert", "a GAP buffer with non-silent bytes",
       [] {
         GstBuffer *gap = gst_buffer_new_allocate(nullptr, 40, nullptr);
         gst_buffer_memset(gap, 0, 0x55, 40);
         GST_BUFFER_PTS(gap) = 0;
         GST_BUFFER_FLAG_SET(gap, GST_BUFFER_FLAG_GAP);
         return buffer_scenario_with("fastconvert", S16_STEREO, F32_MONO, gap, [](GstHarness *h) {
           return next_output(h, [](GstBuffer *out) {
             return GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP) && bytes_of(out) == std::vector<uint8_t>(40, 0);
           });
         });
       },
       GST_FLOW_OK, "none", "", "", "output is silence, still flagged GAP"},
      {"fastconvert", "an empty buffer",
       [] {
         return buffer_scenario_with("fastconvert", S16_STEREO, F32_MONO, gst_buffer_new(), [](GstHarness *h) {
           return next_output(h, [h](GstBuffer *out) { return gst_buffer_get_size(out) == 0 && converts(h, 40, 40); });
         });
       },
       GST_FLOW_OK, "none", "", "", "an empty buffer leaves; the next buffer converts"},
  };
}

// A bad property value, and a flush with a new segment mid-stream.
std::vector<RobustnessCase> property_and_flush_rows() {
  return {
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
  };
}

// Downstream caps: a channel-mask that cannot be right, a rate renegotiated
// mid-stream.
std::vector<RobustnessCase> downstream_caps_rows() {
  return {
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
  };
}

}  // namespace

const std::vector<RobustnessCase> &cases() {
  static const std::vector<RobustnessCase> table = joined_rows({
      refused_caps_rows(),
      channel_count_rows(),
      mix_matrix_rows(),
      repeat_and_rate_rows(),
      buffer_and_flow_rows(),
      sample_value_rows(),
      property_and_flush_rows(),
      downstream_caps_rows(),
  });
  return table;
}

}  // namespace robustness
