// SPDX-License-Identifier: LGPL-2.1-or-later
// jsonbridge benchmark: the codec against its anchors (std::to_chars writing,
// simdjson parsing the same text) and the seed's headline, the JSON path
// (jsonbridge ! fastconvert) against the fast path (fastconvert), all in the
// same run. Prints medians and ratios; 1M = 2^20 samples.
#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "bench_util.h"
#include "convert.h"
#include "json_codec.h"

using fastaudio::SampleFormat;
namespace json = fastaudio::json;

namespace {

constexpr size_t kSamples = size_t(1) << 20;
constexpr int kRepeats = 15;

double median_ms(const std::function<void()> &f, int repeats = kRepeats) {
  f();  // warm up: page faults, caches, lazy allocation
  std::vector<double> t;
  for (int i = 0; i < repeats; i++) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Ours and the anchor alternate run by run, so that both see the same
// machine load; each gets its own median.
std::pair<double, double> compare_ms(const std::function<void()> &ours, const std::function<void()> &anchor,
                                     int repeats = kRepeats) {
  ours();
  anchor();
  std::vector<double> a, b;
  for (int i = 0; i < repeats; i++) {
    auto t0 = std::chrono::steady_clock::now();
    ours();
    auto t1 = std::chrono::steady_clock::now();
    anchor();
    auto t2 = std::chrono::steady_clock::now();
    a.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    b.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return {a[a.size() / 2], b[b.size() / 2]};
}

void row(const char *what, double ours, const char *anchor_name, double anchor, const char *target = "") {
  bench::record(std::string("json/") + what, ours, "ms");
  bench::record(std::string("json/") + what + "/anchor: " + anchor_name, anchor, "ms");
  std::printf("%-44s %9.2f ms   %-34s %9.2f ms   ratio %5.2fx  %s\n", what, ours, anchor_name, anchor,
              ours / anchor, target);
}

// Audio-like F32: uniform in [-1, 1), as a 16-bit or float source would give.
std::vector<float> test_signal() {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> v(kSamples);
  for (auto &x : v) x = uni(rng);
  return v;
}

double gst_path_ms(const char *launch, const std::vector<float> &signal, size_t per_buffer, size_t *buffers_out) {
  GstHarness *h = gst_harness_new_parse(launch);
  gst_harness_set_src_caps_str(h, "audio/x-raw,format=F32LE,rate=48000,channels=1,layout=interleaved");
  gst_harness_set_sink_caps_str(h, "audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved");
  std::vector<GstBuffer *> inputs;
  for (size_t pos = 0; pos < signal.size(); pos += per_buffer) {
    const size_t n = std::min(per_buffer, signal.size() - pos);
    GstBuffer *b = gst_buffer_new_memdup(signal.data() + pos, n * 4);
    GST_BUFFER_PTS(b) = gst_util_uint64_scale_int(pos, GST_SECOND, 48000);
    GST_BUFFER_DURATION(b) = gst_util_uint64_scale_int(n, GST_SECOND, 48000);
    inputs.push_back(b);
  }
  *buffers_out = inputs.size();
  const double ms = median_ms(
      [&] {
        for (GstBuffer *b : inputs) {
          gst_harness_push(h, gst_buffer_ref(b));
          gst_buffer_unref(gst_harness_pull(h));
        }
      },
      per_buffer == kSamples ? kRepeats : 7);
  for (GstBuffer *b : inputs) gst_buffer_unref(b);
  gst_harness_teardown(h);
  return ms;
}

// A mono 48 kHz block header at PTS 0.
json::BlockHeader mono_48k_header(SampleFormat format) {
  json::BlockHeader h;
  h.format = format;
  h.rate = 48000;
  h.channels = 1;
  h.pts = 0;
  return h;
}

// The writing anchor: std::to_chars over the same values, comma-separated.
template <typename T>
void write_with_to_chars(const std::vector<T> &values, std::vector<char> &scratch) {
  char *p = scratch.data();
  char *end = p + scratch.size();
  for (T x : values) {
    p = std::to_chars(p, end, x).ptr;
    *p++ = ',';
  }
}

// The decoder and its outputs, shared by every decoding measurement; `ok`
// turns false when any decode fails.
struct DecodeState {
  json::Decoder decoder;
  std::vector<uint8_t> decoded;
  json::BlockHeader back;
  json::DecodeError err;
  bool ok = true;

  void decode(const std::string &text) { ok &= decoder.decode(text, back, decoded, err); }
};

struct CodecFigures {
  double encode_ms, to_chars_ms;       // F32 -> JSON
  double decode_ms, simdjson_ms;       // JSON -> F32
  double node_ms, node_parse_ms;       // the whole node, and its decoding part
  double s16_ms, s16_to_chars_ms;      // S16 -> JSON
  double convert_ms;                   // F32 -> S16
  size_t f32_len = 0, s16_len = 0;     // encoded text sizes, bytes
};

// Encodes the signal as F32 JSON (against std::to_chars), returning the text.
std::string measure_f32_encode(const std::vector<float> &signal, std::vector<char> &scratch, CodecFigures &fig) {
  const json::BlockHeader f32 = mono_48k_header(SampleFormat::F32);
  std::vector<char> out(json::max_encoded_size(SampleFormat::F32, kSamples));
  size_t encoded = 0;
  std::tie(fig.encode_ms, fig.to_chars_ms) =
      compare_ms([&] { encoded = json::encode(f32, signal.data(), kSamples, out.data()); },
                 [&] { write_with_to_chars(signal, scratch); });
  fig.f32_len = encoded;
  return std::string(out.data(), encoded);
}

// Decodes the F32 text (against simdjson); false when either result differs
// from the signal.
bool measure_f32_decode(const std::vector<float> &signal, const std::string &text, DecodeState &state,
                        CodecFigures &fig) {
  // The anchor: simdjson On-Demand reading the same text into floats, no checks.
  simdjson::padded_string padded(text);
  simdjson::ondemand::parser parser;
  std::vector<float> parsed(kSamples);
  std::tie(fig.decode_ms, fig.simdjson_ms) = compare_ms([&] { state.decode(text); },
                                                        [&] {
                                                          auto doc = parser.iterate(padded);
                                                          size_t i = 0;
                                                          for (auto v : doc["samples"].get_array())
                                                            parsed[i++] = float(double(v.get_double()));
                                                        });
  return state.ok && std::memcmp(state.decoded.data(), signal.data(), kSamples * 4) == 0 &&
         std::memcmp(parsed.data(), signal.data(), kSamples * 4) == 0;
}

// The seed's JSON node: parse F32 JSON, convert to S16, write S16 JSON; and
// its parts.
void measure_node(const std::vector<float> &signal, const std::string &text, std::vector<char> &scratch,
                  DecodeState &state, CodecFigures &fig) {
  const json::BlockHeader s16 = mono_48k_header(SampleFormat::S16);
  fastaudio::Converter conv;
  conv.configure({SampleFormat::F32, SampleFormat::S16, 1, 1, fastaudio::Dither::None});
  std::vector<int16_t> converted(kSamples);
  std::vector<char> s16_out(json::max_encoded_size(SampleFormat::S16, kSamples));
  size_t s16_len = 0;
  std::tie(fig.node_ms, fig.node_parse_ms) = compare_ms(
      [&] {
        state.decode(text);
        conv.process(state.decoded.data(), converted.data(), kSamples);
        s16_len = json::encode(s16, converted.data(), kSamples, s16_out.data());
      },
      [&] { state.decode(text); });
  std::tie(fig.s16_ms, fig.s16_to_chars_ms) =
      compare_ms([&] { s16_len = json::encode(s16, converted.data(), kSamples, s16_out.data()); },
                 [&] { write_with_to_chars(converted, scratch); });
  fig.convert_ms = median_ms([&] { conv.process(signal.data(), converted.data(), kSamples); });
  fig.s16_len = s16_len;
}

void print_codec_table(const CodecFigures &fig) {
  std::printf("jsonbridge benchmark: 1M = %zu F32 samples (uniform in [-1, 1)), medians of %d runs, ours and the "
              "anchor alternating;\nF32 text %.1f MB, S16 text %.1f MB\n\n",
              kSamples, kRepeats, fig.f32_len / 1e6, fig.s16_len / 1e6);
  std::printf("%-44s %12s   %-34s %12s   %s\n", "ours", "median", "anchor (same run)", "median", "ours/anchor");
  row("encode F32 -> JSON (json::encode)", fig.encode_ms, "std::to_chars loop, same floats", fig.to_chars_ms,
      fig.encode_ms <= 40 ? "target <= 40 ms: met" : "target <= 40 ms: NOT met");
  row("decode JSON -> F32 (json::Decoder, checked)", fig.decode_ms, "simdjson On-Demand loop, unchecked",
      fig.simdjson_ms, fig.decode_ms <= 25 ? "target <= 25 ms: met" : "target <= 25 ms: NOT met");
  row("JSON node: parse F32, convert, write S16", fig.node_ms, "seed's serde_json node (Windows)", 22.04,
      fig.node_ms <= 22 ? "target <= 22 ms: met" : "target <= 22 ms: NOT met");
  row("  node part 1: decode F32 JSON", fig.node_parse_ms, "JSON node", fig.node_ms);
  row("  node part 2: F32 -> S16 (dsp/convert.h)", fig.convert_ms, "JSON node", fig.node_ms);
  row("  node part 3: encode S16 -> JSON", fig.s16_ms, "std::to_chars loop, same ints", fig.s16_to_chars_ms);
}

// The seed's headline: the JSON path against the fast path through GstHarness,
// in one 1M-sample buffer and in 20 ms buffers.
void measure_and_print_headline(const std::vector<float> &signal) {
  size_t n1 = 0, n20 = 0;
  const double json_1m = gst_path_ms("jsonbridge ! fastconvert", signal, kSamples, &n1);
  const double fast_1m = gst_path_ms("fastconvert", signal, kSamples, &n1);
  const double json_20 = gst_path_ms("jsonbridge ! fastconvert", signal, 960, &n20);
  const double fast_20 = gst_path_ms("fastconvert", signal, 960, &n20);
  std::printf("\nJSON path (jsonbridge ! fastconvert) vs fast path (fastconvert), 1M F32 -> S16 through GstHarness\n"
              "(seed: JSON path 22.04 ms vs fast path 1.35 ms = 16.3x)\n");
  std::printf("%-28s %14s %14s %10s\n", "buffering", "JSON path", "fast path", "ratio");
  std::printf("%-28s %11.2f ms %11.3f ms %9.1fx\n", "one 1M-sample buffer", json_1m, fast_1m, json_1m / fast_1m);
  bench::record("json/headline/1M/json-path", json_1m, "ms");
  bench::record("json/headline/1M/fast-path", fast_1m, "ms");
  bench::record("json/headline/20ms/json-path", json_20, "ms");
  bench::record("json/headline/20ms/fast-path", fast_20, "ms");
  std::printf("%-28s %11.2f ms %11.3f ms %9.1fx\n", "20 ms buffers (960), total", json_20, fast_20,
              json_20 / fast_20);
  std::printf("%-28s %11.2f us %11.3f us %9.1fx\n", "  per 20 ms buffer", json_20 * 1000 / n20,
              fast_20 * 1000 / n20, json_20 / fast_20);
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  const std::vector<float> signal = test_signal();
  CodecFigures fig{};
  DecodeState state;
  std::vector<char> scratch(json::max_encoded_size(SampleFormat::F32, kSamples));
  const std::string text = measure_f32_encode(signal, scratch, fig);
  if (!measure_f32_decode(signal, text, state, fig)) {
    std::fprintf(stderr, "decode failed or differs: %s\n", state.err.message.c_str());
    return 1;
  }
  measure_node(signal, text, scratch, state, fig);
  print_codec_table(fig);
  measure_and_print_headline(signal);
  return state.ok ? 0 : 1;
}
