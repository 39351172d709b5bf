// SPDX-License-Identifier: LGPL-2.1-or-later
// What the jsonbridge element tests share: blocks of samples and their
// JSON lines, caps, harnesses and a checking decoder.
#pragma once
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <gst/audio/audio.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "json_codec.h"

// Last: check.h defines a fail() macro that clashes with <ios>.
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

using fastaudio::SampleFormat;
namespace json = fastaudio::json;

namespace jsonbridge_test {

struct Block {
  json::BlockHeader header;
  std::vector<uint8_t> samples;
};

inline Block make_block(SampleFormat f, uint32_t rate, uint32_t channels, size_t frames, uint64_t pts, uint32_t seed) {
  Block b;
  b.header.format = f;
  b.header.rate = rate;
  b.header.channels = channels;
  b.header.pts = pts;
  b.header.duration = gst_util_uint64_scale_int(frames, GST_SECOND, int(rate));
  b.header.offset = gst_util_uint64_scale_int(pts, int(rate), GST_SECOND);
  std::mt19937 rng(seed);
  b.samples.resize(frames * channels * fastaudio::sample_bytes(f));
  for (auto &x : b.samples) x = uint8_t(rng());
  for (size_t i = 0; i < frames * channels; i++) {  // keep floats finite, S24_32 sign-extended
    uint8_t *p = &b.samples[i * fastaudio::sample_bytes(f)];
    if (f == SampleFormat::F32) p[3] &= 0xbf;
    if (f == SampleFormat::F64) p[7] &= 0xbf;
    if (f == SampleFormat::S24_32) p[3] = (p[2] & 0x80) ? 0xff : 0;
  }
  return b;
}

inline std::string line_of(const Block &b) {
  const size_t n = b.samples.size() / fastaudio::sample_bytes(b.header.format);
  std::string s(json::max_encoded_size(b.header.format, n), '\0');
  s.resize(json::encode(b.header, b.samples.data(), n, s.data()));
  return s;
}

inline const char *gst_name(SampleFormat f) {
  return gst_audio_format_to_string(f == SampleFormat::U8       ? GST_AUDIO_FORMAT_U8
                                    : f == SampleFormat::S8     ? GST_AUDIO_FORMAT_S8
                                    : f == SampleFormat::S16    ? GST_AUDIO_FORMAT_S16LE
                                    : f == SampleFormat::S24    ? GST_AUDIO_FORMAT_S24LE
                                    : f == SampleFormat::S24_32 ? GST_AUDIO_FORMAT_S24_32LE
                                    : f == SampleFormat::S32    ? GST_AUDIO_FORMAT_S32LE
                                    : f == SampleFormat::F32    ? GST_AUDIO_FORMAT_F32LE
                                                                : GST_AUDIO_FORMAT_F64LE);
}

inline std::string audio_caps(SampleFormat f, uint32_t rate, uint32_t channels) {
  GstAudioInfo info;
  gst_audio_info_set_format(&info, gst_audio_format_from_string(gst_name(f)), int(rate), int(channels), nullptr);
  GstCaps *caps = gst_audio_info_to_caps(&info);
  gchar *s = gst_caps_to_string(caps);
  std::string r = s;
  g_free(s);
  gst_caps_unref(caps);
  return r;
}

inline std::vector<uint8_t> bytes_of(GstBuffer *buf) {
  std::vector<uint8_t> v(gst_buffer_get_size(buf));
  gst_buffer_extract(buf, 0, v.data(), v.size());
  return v;
}

inline GstBuffer *text_buffer(const std::string &s) { return gst_buffer_new_memdup(s.data(), s.size()); }

// A jsonbridge harness (`desc`, a launch description) fed raw audio caps.
inline GstHarness *bridge_for(const char *desc, SampleFormat f, uint32_t rate, uint32_t channels) {
  GstHarness *h = gst_harness_new_parse(desc);
  gst_harness_set_src_caps_str(h, audio_caps(f, rate, channels).c_str());
  return h;
}

// Pushes `in` (which must flow) and pulls the output it made.
inline GstBuffer *push_and_pull(GstHarness *h, GstBuffer *in) {
  fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
  return gst_harness_pull(h);
}

// A decode harness whose element posts to a bus we can read.
struct Decode {
  GstHarness *h;
  GstBus *bus;
  explicit Decode(const char *launch = "jsonbridge mode=decode") {
    h = gst_harness_new_parse(launch);
    bus = gst_bus_new();
    gst_element_set_bus(h->element, bus);
    gst_harness_set_src_caps_str(h, "application/x-json");
  }
  ~Decode() {
    gst_element_set_bus(h->element, nullptr);
    gst_object_unref(bus);
    gst_harness_teardown(h);
  }
  // The text of the next message of `type`, or "" if none.
  std::string message(GstMessageType type) {
    GstMessage *m = gst_bus_pop_filtered(bus, type);
    if (!m) return "";
    GError *err = nullptr;
    gchar *dbg = nullptr;
    if (type == GST_MESSAGE_ERROR) gst_message_parse_error(m, &err, &dbg);
    else gst_message_parse_warning(m, &err, &dbg);
    std::string s = err->message;
    g_error_free(err);
    g_free(dbg);
    gst_message_unref(m);
    return s;
  }
};

inline void check_buffer_matches(GstBuffer *buf, const Block &b, const char *what) {
  fail_unless(bytes_of(buf) == b.samples, "%s: samples differ", what);
  fail_unless_equals_uint64(GST_BUFFER_PTS(buf), b.header.pts);
  fail_unless_equals_uint64(GST_BUFFER_DURATION(buf), b.header.duration);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET(buf), b.header.offset);
}

// Caps with this channel-mask (none for kNone).
inline std::string positioned_caps(SampleFormat f, uint32_t rate, uint32_t channels, uint64_t mask) {
  if (mask == json::kNone) return audio_caps(f, rate, channels);
  GstCaps *caps = gst_caps_from_string(audio_caps(f, rate, channels).c_str());
  gst_caps_set_simple(caps, "channel-mask", GST_TYPE_BITMASK, guint64(mask), nullptr);
  gchar *text = gst_caps_to_string(caps);
  std::string r = text;
  g_free(text);
  gst_caps_unref(caps);
  return r;
}

inline guint64 decoded_mask(GstHarness *h) {
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  guint64 mask = json::kNone;
  gst_structure_get(gst_caps_get_structure(caps, 0), "channel-mask", GST_TYPE_BITMASK, &mask, nullptr);
  gst_caps_unref(caps);
  return mask;
}

}  // namespace jsonbridge_test
