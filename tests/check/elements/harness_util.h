// SPDX-License-Identifier: LGPL-2.1-or-later
// Helpers shared by the hardening tests (stress, fuzz_properties, robustness):
// raw audio caps and buffers, a one-buffer reference run, bus messages and
// the run-time scale knobs. Header-only; each test binary includes it once.
#pragma once

// Standard headers first: check.h defines a fail() macro that breaks <ios>.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include <gst/audio/audio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

namespace harness_util {

// One raw audio format; rate 0 on an output means "the input's rate".
struct AudioFormat {
  const char *format;
  int channels;
  int rate;
};

inline std::string caps_str(const char *format, int channels, int rate = 48000) {
  std::string s = std::string("audio/x-raw,layout=interleaved,format=") + format + ",channels=" +
                  std::to_string(channels);
  if (rate > 0) s += ",rate=" + std::to_string(rate);
  if (channels > 2) {
    char mask[32];
    g_snprintf(mask, sizeof mask, "0x%" G_GINT64_MODIFIER "x", gst_audio_channel_get_fallback_mask(channels));
    s += std::string(",channel-mask=(bitmask)") + mask;
  }
  return s;
}
inline std::string caps_str(const AudioFormat &f) { return caps_str(f.format, f.channels, f.rate); }

inline int bytes_per_frame(const AudioFormat &f) {
  const GstAudioFormatInfo *info = gst_audio_format_get_info(gst_audio_format_from_string(f.format));
  return GST_AUDIO_FORMAT_INFO_WIDTH(info) / 8 * f.channels;
}

inline GstBuffer *buffer_from(const uint8_t *data, size_t size) {
  return size ? gst_buffer_new_memdup(data, size) : gst_buffer_new();
}

inline std::vector<uint8_t> bytes_of(GstBuffer *buf) {
  std::vector<uint8_t> v(gst_buffer_get_size(buf));
  gst_buffer_extract(buf, 0, v.data(), v.size());
  return v;
}

// Random samples in the format's range: floats uniform in
// [-float_range, float_range) after the values in `first` (edge cases);
// integers any bit pattern the format allows.
inline std::vector<uint8_t> random_samples(GstAudioFormat format, size_t samples, uint32_t seed, double float_range,
                                           std::initializer_list<double> first = {}) {
  const GstAudioFormatInfo *info = gst_audio_format_get_info(format);
  const int width = GST_AUDIO_FORMAT_INFO_WIDTH(info) / 8;
  std::vector<uint8_t> v(samples * width);
  std::mt19937 rng(seed);
  if (GST_AUDIO_FORMAT_INFO_IS_FLOAT(info)) {
    std::uniform_real_distribution<double> uni(-float_range, float_range);
    for (size_t i = 0; i < samples; i++) {
      double x = i < first.size() ? first.begin()[i] : uni(rng);
      if (width == 4) {
        float f = float(x);
        std::memcpy(&v[i * 4], &f, 4);
      } else {
        std::memcpy(&v[i * 8], &x, 8);
      }
    }
  } else {
    for (auto &b : v) b = uint8_t(rng());
    if (format == GST_AUDIO_FORMAT_S24_32LE)
      for (size_t i = 0; i < v.size(); i += 4) v[i + 3] = (v[i + 2] & 0x80) ? 0xff : 0;
  }
  return v;
}

// Random samples in the format's range (floats a little past full scale).
inline std::vector<uint8_t> random_signal(const char *format_name, size_t samples, uint32_t seed) {
  return random_samples(gst_audio_format_from_string(format_name), samples, seed, 1.05);
}

// Sample i as a number in the format's own units (LSBs for integers).
inline double sample_at(const std::vector<uint8_t> &v, GstAudioFormat format, size_t i) {
  switch (format) {
    case GST_AUDIO_FORMAT_U8: return double(v[i]) - 128;
    case GST_AUDIO_FORMAT_S8: return double(int8_t(v[i]));
    case GST_AUDIO_FORMAT_S16LE: { int16_t x; std::memcpy(&x, &v[i * 2], 2); return x; }
    case GST_AUDIO_FORMAT_S24LE:
      return double(int32_t(uint32_t(v[i * 3]) << 8 | uint32_t(v[i * 3 + 1]) << 16 | uint32_t(v[i * 3 + 2]) << 24) >> 8);
    case GST_AUDIO_FORMAT_S24_32LE:
    case GST_AUDIO_FORMAT_S32LE: { int32_t x; std::memcpy(&x, &v[i * 4], 4); return x; }
    case GST_AUDIO_FORMAT_F32LE: { float x; std::memcpy(&x, &v[i * 4], 4); return x; }
    case GST_AUDIO_FORMAT_F64LE: { double x; std::memcpy(&x, &v[i * 8], 8); return x; }
    default: return 0;
  }
}

inline GstClockTime frames_to_time(guint64 frames, int rate) {
  return gst_util_uint64_scale_int(frames, GST_SECOND, rate);
}

// The element run unstressed: the whole input in one buffer, then EOS; the
// concatenated output bytes.
inline std::vector<uint8_t> reference_run(const char *element, const AudioFormat &in, const AudioFormat &out,
                                          const std::vector<uint8_t> &input) {
  GstHarness *h = gst_harness_new_parse(element);
  gst_harness_set_sink_caps_str(h, caps_str(out).c_str());
  gst_harness_set_src_caps_str(h, caps_str(in).c_str());
  GstBuffer *buf = buffer_from(input.data(), input.size());
  GST_BUFFER_PTS(buf) = 0;
  fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_OK);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  std::vector<uint8_t> result;
  while (GstBuffer *o = gst_harness_try_pull(h)) {
    auto b = bytes_of(o);
    result.insert(result.end(), b.begin(), b.end());
    gst_buffer_unref(o);
  }
  gst_harness_teardown(h);
  return result;
}

// A bus set on the harnessed element so that its messages can be read.
// Teardown flushes it: queued messages hold a ref to the element.
inline GstHarness *harness_with_bus(const char *desc) {
  GstHarness *h = gst_harness_new_parse(desc);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  gst_object_unref(bus);
  return h;
}

inline void teardown_with_bus(GstHarness *h) {
  if (GstBus *bus = gst_element_get_bus(h->element)) {
    gst_bus_set_flushing(bus, TRUE);
    gst_object_unref(bus);
  }
  gst_harness_teardown(h);
}

// Scale knobs: FASTAUDIO_UNDER_VALGRIND (set by the valgrind test setup)
// shrinks the work ~20x; FASTAUDIO_STRESS_SECONDS sets the stress time budget.
inline bool under_valgrind() { return g_getenv("FASTAUDIO_UNDER_VALGRIND") != nullptr; }

inline double env_double(const char *name, double fallback) {
  const char *s = g_getenv(name);
  if (!s || !*s) return fallback;
  char *end = nullptr;
  double v = g_ascii_strtod(s, &end);
  return end != s && v > 0 ? v : fallback;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Sets the mix-matrix property (a GstValueArray of rows of floats, one row
// per output channel) on the harness's `factory` element.
inline void set_mix_matrix(GstHarness *h, const std::vector<std::vector<float>> &rows,
                           const char *factory = "fastconvert") {
  GValue matrix = G_VALUE_INIT;
  g_value_init(&matrix, GST_TYPE_ARRAY);
  for (auto &row : rows) {
    GValue r = G_VALUE_INIT, v = G_VALUE_INIT;
    g_value_init(&r, GST_TYPE_ARRAY);
    g_value_init(&v, G_TYPE_FLOAT);
    for (float x : row) {
      g_value_set_float(&v, x);
      gst_value_array_append_value(&r, &v);
    }
    gst_value_array_append_and_take_value(&matrix, &r);
    g_value_unset(&v);
  }
  GstElement *e = gst_harness_find_element(h, factory);
  g_object_set_property(G_OBJECT(e), "mix-matrix", &matrix);
  gst_object_unref(e);
  g_value_unset(&matrix);
}

// F32 output pulled from a harness: the samples in order, and the buffers
// (for their timestamps), released with it.
struct Output {
  std::vector<float> samples;
  std::vector<GstBuffer *> buffers;
  ~Output() {
    for (auto b : buffers) gst_buffer_unref(b);
  }
};

// Pulls every buffer the harness holds (F32).
inline void pull_all(GstHarness *h, Output &out) {
  while (GstBuffer *b = gst_harness_try_pull(h)) {
    const size_t n = gst_buffer_get_size(b) / sizeof(float);
    const size_t at = out.samples.size();
    out.samples.resize(at + n);
    gst_buffer_extract(b, 0, out.samples.data() + at, n * sizeof(float));
    out.buffers.push_back(b);
  }
}

}  // namespace harness_util
