// SPDX-License-Identifier: LGPL-2.1-or-later
// Helpers shared by the fastconvert element tests.
#pragma once

#include "harness_util.h"

using harness_util::bytes_of;
using harness_util::caps_str;
using harness_util::harness_with_bus;
using harness_util::sample_at;
using harness_util::teardown_with_bus;

inline GstHarness *make_harness(const char *element, const std::string &in_caps, const std::string &out_caps) {
  GstHarness *h = gst_harness_new_parse(element);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  gst_harness_set_sink_caps_str(h, out_caps.c_str());
  return h;
}

inline GstBuffer *buffer_from(const std::vector<uint8_t> &bytes, GstClockTime pts = 0) {
  GstBuffer *buf = gst_buffer_new_memdup(bytes.data(), bytes.size());
  GST_BUFFER_PTS(buf) = pts;
  return buf;
}


// Random samples plus full-scale and just-past-full-scale values.
// Big-endian floats are the little-endian ones byte-swapped.
inline std::vector<uint8_t> test_signal(GstAudioFormat format, size_t samples) {
  const bool swap = format == GST_AUDIO_FORMAT_F32BE || format == GST_AUDIO_FORMAT_F64BE;
  const GstAudioFormat generated = format == GST_AUDIO_FORMAT_F32BE   ? GST_AUDIO_FORMAT_F32LE
                                   : format == GST_AUDIO_FORMAT_F64BE ? GST_AUDIO_FORMAT_F64LE
                                                                      : format;
  auto v = harness_util::random_samples(generated, samples, 42, 1.0,
                                        {1.0, -1.0, 0.0, 1.1, -1.1, 0.99999, -0.99999, 0.5 / 32768, 1.5 / 32768});
  const size_t width = GST_AUDIO_FORMAT_INFO_WIDTH(gst_audio_format_get_info(format)) / 8;
  if (swap)
    for (size_t i = 0; i < v.size(); i += width) std::reverse(v.begin() + i, v.begin() + i + width);
  return v;
}


inline std::vector<uint8_t> run_once(const char *element, const std::string &in_caps, const std::string &out_caps,
                                     const std::vector<uint8_t> &input) {
  GstHarness *h = make_harness(element, in_caps, out_caps);
  fail_unless_equals_int(gst_harness_push(h, buffer_from(input)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(h);
  fail_unless(out != nullptr);
  std::vector<uint8_t> bytes = bytes_of(out);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
  return bytes;
}

// Sample i of any format as a number in its own units (LSBs for integers),
// through GStreamer's own unpacking.
inline double any_sample_at(const std::vector<uint8_t> &v, GstAudioFormat format, size_t i) {
  const GstAudioFormatInfo *info = gst_audio_format_get_info(format);
  const int width = GST_AUDIO_FORMAT_INFO_WIDTH(info) / 8;
  if (GST_AUDIO_FORMAT_INFO_IS_FLOAT(info)) {
    double x;
    info->unpack_func(info, GST_AUDIO_PACK_FLAG_NONE, &x, &v[i * width], 1);
    return x;
  }
  int32_t x;
  info->unpack_func(info, GST_AUDIO_PACK_FLAG_NONE, &x, &v[i * width], 1);
  // Some unpackers repeat the sample's bits below it: keep the sample's own.
  return double(x >> (32 - GST_AUDIO_FORMAT_INFO_DEPTH(info)));
}

// GST_AUDIO_FORMATS_ALL: every format audioconvert takes.
inline std::vector<GstAudioFormat> all_formats() {
  std::vector<GstAudioFormat> formats;
  for (int f = GST_AUDIO_FORMAT_S8; f <= GST_AUDIO_FORMAT_F64BE; f++) formats.push_back(GstAudioFormat(f));
  return formats;
}
