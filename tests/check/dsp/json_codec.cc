// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/json_codec: bit-exact round trips for every format, the non-finite
// rule, and every validation error with its message and byte offset.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "json_codec.h"
#include "utf8_text.h"

// Last: check.h defines a fail() macro that clashes with <ios>.
#include <gst/check/gstcheck.h>

using namespace fastaudio;
using namespace fastaudio::json;

namespace {

BlockHeader header_for(SampleFormat f, uint32_t channels = 2) {
  BlockHeader h;
  h.format = f;
  h.rate = 48000;
  h.channels = channels;
  h.pts = 123456789;
  h.duration = 20000000;
  h.offset = 5926;
  return h;
}

// Random bit patterns; floats keep only finite ones (non-finite has its own
// rule) and S24_32 keeps its container sign-extended.
std::vector<uint8_t> random_samples(SampleFormat f, size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v(n * sample_bytes(f));
  for (auto &b : v) b = uint8_t(rng());
  for (size_t i = 0; i < n; i++) {
    uint8_t *p = &v[i * sample_bytes(f)];
    if (f == SampleFormat::F32) {
      float x;
      std::memcpy(&x, p, 4);
      if (!std::isfinite(x)) p[3] &= 0xbf;  // clears the top exponent bit
    } else if (f == SampleFormat::F64) {
      double x;
      std::memcpy(&x, p, 8);
      if (!std::isfinite(x)) p[7] &= 0xbf;
    } else if (f == SampleFormat::S24_32) {
      p[3] = (p[2] & 0x80) ? 0xff : 0x00;
    }
  }
  return v;
}

template <typename T>
void put(std::vector<uint8_t> &v, size_t i, T x) {
  std::memcpy(&v[i * sizeof(T)], &x, sizeof(T));
}

void append_edges(SampleFormat f, std::vector<uint8_t> &v) {
  auto add = [&](auto x) {
    const size_t at = v.size();
    v.resize(at + sizeof(x));
    std::memcpy(&v[at], &x, sizeof(x));
  };
  switch (f) {
    case SampleFormat::F32: {
      using L = std::numeric_limits<float>;
      for (float x : {0.0f, -0.0f, L::min(), -L::min(), L::max(), L::lowest(), L::denorm_min(), -L::denorm_min(),
                      std::nextafter(L::min(), 0.0f), 1.0f, -1.0f, 0.1f, 1.0f / 3, 16777216.0f, 16777217.0f})
        add(x);
      break;
    }
    case SampleFormat::F64: {
      using L = std::numeric_limits<double>;
      for (double x : {0.0, -0.0, L::min(), -L::min(), L::max(), L::lowest(), L::denorm_min(), -L::denorm_min(),
                       std::nextafter(L::min(), 0.0), 1.0, -1.0, 0.1, 1.0 / 3, 9007199254740993.0, 5e-324})
        add(x);
      break;
    }
    case SampleFormat::U8:
      for (uint8_t x : {0, 1, 127, 128, 255}) add(x);
      break;
    case SampleFormat::S8:
      for (int8_t x : {-128, -1, 0, 1, 127}) add(x);
      break;
    case SampleFormat::S16:
      for (int16_t x : {-32768, -1, 0, 1, 32767}) add(x);
      break;
    case SampleFormat::S24:
      for (uint32_t x : {0x800000u, 0xffffffu, 0u, 1u, 0x7fffffu}) {
        const uint8_t b[3] = {uint8_t(x), uint8_t(x >> 8), uint8_t(x >> 16)};
        v.insert(v.end(), b, b + 3);
      }
      break;
    case SampleFormat::S24_32:
      for (int32_t x : {-8388608, -1, 0, 1, 8388607}) add(x);
      break;
    case SampleFormat::S32:
      for (int32_t x : {INT32_MIN, -1, 0, 1, INT32_MAX}) add(x);
      break;
  }
}

std::string encode_line(const BlockHeader &h, const std::vector<uint8_t> &samples) {
  std::string line(max_encoded_size(h.format, samples.size() / sample_bytes(h.format)), '\0');
  line.resize(encode(h, samples.data(), samples.size() / sample_bytes(h.format), line.data()));
  return line;
}

struct Decoded {
  bool ok;
  BlockHeader header;
  std::vector<uint8_t> samples;
  DecodeError error;
};

Decoded decode_line(const std::string &line, size_t max_line = 1 << 20) {
  Decoder d;
  d.set_max_line_length(max_line);
  Decoded r;
  r.ok = d.decode(line, r.header, r.samples, r.error);
  return r;
}

}  // namespace

GST_START_TEST(test_round_trip_every_format) {
  for (SampleFormat f : kAllSampleFormats) {
    for (size_t frames : {0u, 1u, 7u, 5000u}) {
      auto samples = random_samples(f, frames * 2, uint32_t(frames) * 31 + unsigned(f));
      append_edges(f, samples);
      samples.resize(samples.size() / (2 * sample_bytes(f)) * 2 * sample_bytes(f));  // whole frames
      BlockHeader h = header_for(f);
      std::string line = encode_line(h, samples);
      fail_unless(line.back() == '\n' && line.find('\n') == line.size() - 1, "%s: not one line",
                  sample_format_name(f));
      Decoded d = decode_line(line);
      fail_unless(d.ok, "%s: %s at byte %zu", sample_format_name(f), d.error.message.c_str(), d.error.offset);
      fail_unless(d.header.format == f && d.header.rate == 48000 && d.header.channels == 2, "%s: header differs",
                  sample_format_name(f));
      fail_unless(d.samples == samples, "%s, %zu frames: samples differ after the round trip", sample_format_name(f),
                  frames);
    }
  }
}
GST_END_TEST;

// A million random F32 bit patterns and every 2^-149 step near zero: the
// shortest decimal plus the decoder's rounding must give the same bits back.
GST_START_TEST(test_f32_random_bits_exact) {
  std::mt19937 rng(7);
  std::vector<uint8_t> samples;
  samples.reserve(4 << 20);
  for (uint32_t i = 0; i < (1u << 20); i++) {
    uint32_t bits = rng();
    if ((bits & 0x7f800000u) == 0x7f800000u) bits &= 0xbfffffffu;
    const uint8_t *b = reinterpret_cast<const uint8_t *>(&bits);
    samples.insert(samples.end(), b, b + 4);
  }
  for (uint32_t bits = 0; bits < 70000; bits++) {  // subnormals, both signs
    for (uint32_t sign : {0u, 0x80000000u}) {
      const uint32_t x = bits | sign;
      const uint8_t *b = reinterpret_cast<const uint8_t *>(&x);
      samples.insert(samples.end(), b, b + 4);
    }
  }
  BlockHeader h = header_for(SampleFormat::F32, 1);
  Decoded d = decode_line(encode_line(h, samples), size_t(64) << 20);
  fail_unless(d.ok, "%s", d.error.message.c_str());
  for (size_t i = 0; i < samples.size(); i += 4)
    fail_unless(std::memcmp(&d.samples[i], &samples[i], 4) == 0, "sample %zu differs", i / 4);
}
GST_END_TEST;

GST_START_TEST(test_f64_random_bits_exact) {
  std::vector<uint8_t> samples = random_samples(SampleFormat::F64, 1 << 18, 11);
  for (uint64_t bits = 1; bits < 1000; bits++) put(samples, bits, bits);  // smallest subnormals
  Decoded d = decode_line(encode_line(header_for(SampleFormat::F64, 1), samples), size_t(64) << 20);
  fail_unless(d.ok, "%s", d.error.message.c_str());
  fail_unless(d.samples == samples, "F64 samples differ after the round trip");
}
GST_END_TEST;

// Decimals written by other tools: the F32 result must be the decimal
// rounded once, to float, also exactly at and next to float midpoints where
// going through double could round twice.
GST_START_TEST(test_f32_decimal_rounding) {
  std::mt19937 rng(3);
  Decoder dec;
  std::string text = "{\"version\":1,\"format\":\"F32LE\",\"rate\":8000,\"channels\":1,\"samples\":[";
  std::vector<std::string> numbers;
  for (int i = 0; i < 20000; i++) {
    uint32_t bits = rng() & 0x7effffffu;  // finite, below FLT_MAX's binade
    float f;
    std::memcpy(&f, &bits, 4);
    const double mid = (double(f) + double(std::nextafter(f, INFINITY))) / 2;  // exact in double
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, mid, std::chars_format::scientific, 40);
    std::string exact(buf, r.ptr);
    numbers.push_back(exact);
    // Just above and just below the midpoint, beyond double precision.
    const size_t e = exact.find('e');
    numbers.push_back(exact.substr(0, e) + "000001" + exact.substr(e));
    std::string below = exact;
    // 40 digits always end the exact midpoint's expansion with zeros: 0...0 -> 9...9 one digit lower.
    size_t k = e - 1;
    while (below[k] == '0') below[k--] = '9';
    if (below[k] != '.') {
      below[k] = char(below[k] - 1);
      numbers.push_back(below);
    }
  }
  for (size_t i = 0; i < numbers.size(); i++) text += (i ? "," : "") + numbers[i];
  text += "]}";
  BlockHeader h;
  std::vector<uint8_t> out;
  DecodeError err;
  fail_unless(dec.decode(text, h, out, err), "%s", err.message.c_str());
  for (size_t i = 0; i < numbers.size(); i++) {
    float want, got;
    std::from_chars(numbers[i].data(), numbers[i].data() + numbers[i].size(), want);
    std::memcpy(&got, &out[4 * i], 4);
    fail_unless(std::memcmp(&want, &got, 4) == 0, "%s: decoded %.9g, correctly rounded %.9g", numbers[i].c_str(),
                got, want);
  }
}
GST_END_TEST;

// The branch-free writer for 8- and 16-bit samples against std::to_chars,
// for every value.
GST_START_TEST(test_small_integers_text_exact) {
  std::vector<int16_t> all;
  for (int v = -32768; v <= 32767; v++) all.push_back(int16_t(v));
  BlockHeader h = header_for(SampleFormat::S16, 1);
  std::string line(max_encoded_size(h.format, all.size()), '\0');
  line.resize(encode(h, all.data(), all.size(), line.data()));
  std::string want = "[";
  for (int v = -32768; v <= 32767; v++) {
    char buf[16];
    want.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    want += v == 32767 ? "]" : ",";
  }
  fail_unless(line.find(want) != std::string::npos, "S16 text differs from std::to_chars");
}
GST_END_TEST;

// F32 and F64 text is std::to_chars' shortest form whichever writer made
// it (below 1 the encoder uses {fmt}): random values at every magnitude,
// both sides of 1 and of the fixed/exponent switch near 1e-4 and 1e-5.
template <typename Float>
void check_float_text(SampleFormat format, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  std::uniform_int_distribution<int> exponent(format == SampleFormat::F32 ? -45 : -320, 20);
  std::vector<Float> values = {Float(1), Float(-1), std::nextafter(Float(1), Float(0)), Float(1e-4), Float(1e-5),
                               std::nextafter(Float(1e-4), Float(1)), std::nextafter(Float(1e-4), Float(0)),
                               Float(0), -Float(0), std::numeric_limits<Float>::denorm_min(),
                               std::numeric_limits<Float>::max(), std::numeric_limits<Float>::lowest()};
  for (int i = 0; i < 200000; i++) {
    const Float x = Float(mantissa(rng) * std::pow(10.0, exponent(rng)) * (i % 2 ? -1 : 1));
    values.push_back(x);
    values.push_back(Float(std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng), -(i % 20))));
  }
  BlockHeader h = header_for(format, 1);
  std::string line(max_encoded_size(h.format, values.size()), '\0');
  line.resize(encode(h, values.data(), values.size(), line.data()));
  std::string want = "[";
  for (size_t i = 0; i < values.size(); i++) {
    char buf[40];
    want.append(buf, std::to_chars(buf, buf + sizeof buf, values[i]).ptr);
    want += i + 1 == values.size() ? "]" : ",";
  }
  const size_t at = line.find('[');
  fail_unless(at != std::string::npos);
  const std::string got = line.substr(at, want.size());
  if (got != want) {
    size_t d = 0;
    while (d < got.size() && got[d] == want[d]) d++;
    fail("%s text differs from std::to_chars at byte %zu: ...%s vs ...%s", sample_format_name(format), d,
         got.substr(d > 20 ? d - 20 : 0, 40).c_str(), want.substr(d > 20 ? d - 20 : 0, 40).c_str());
  }
}

GST_START_TEST(test_float_text_is_shortest_to_chars) {
  check_float_text<float>(SampleFormat::F32, 7);
  check_float_text<double>(SampleFormat::F64, 8);
}
GST_END_TEST;

GST_START_TEST(test_header_fields_round_trip) {
  BlockHeader h = header_for(SampleFormat::S16, 6);
  h.pts = kNone;
  h.duration = UINT64_MAX - 1;
  h.offset = 0;
  h.discont = true;
  h.gap = true;
  h.rate = kMaxRate;
  const std::vector<uint8_t> samples(6 * 2 * 3, 0);
  const std::string line = encode_line(h, samples);
  fail_unless(line.find("\"version\":1,") != std::string::npos);
  fail_unless(line.find("\"pts\":null") != std::string::npos);
  fail_unless(line.find("\"layout\":\"interleaved\"") != std::string::npos);
  Decoded d = decode_line(line);
  fail_unless(d.ok, "%s", d.error.message.c_str());
  fail_unless(d.header.pts == kNone && d.header.duration == UINT64_MAX - 1 && d.header.offset == 0);
  fail_unless(d.header.discont && d.header.gap && d.header.rate == kMaxRate && d.header.channels == 6);
  fail_unless(d.samples == samples);
}
GST_END_TEST;

GST_START_TEST(test_exact_text) {
  const int16_t s[] = {-32768, 0, 32767, 12};
  BlockHeader h = header_for(SampleFormat::S16, 2);
  std::string line(max_encoded_size(h.format, 4), '\0');
  line.resize(encode(h, s, 4, line.data()));
  fail_unless_equals_string(line.c_str(),
                            "{\"version\":1,\"format\":\"S16LE\",\"rate\":48000,\"channels\":2,\"layout\":"
                            "\"interleaved\",\"pts\":123456789,\"duration\":20000000,\"offset\":5926,"
                            "\"discont\":false,\"gap\":false,\"samples\":[-32768,0,32767,12]}\n");
  const float f[] = {0.1f, -0.0f, 1e-45f, 3.4028235e38f};
  h = header_for(SampleFormat::F32, 1);
  line.assign(max_encoded_size(h.format, 4), '\0');
  line.resize(encode(h, f, 4, line.data()));
  fail_unless(line.find("\"samples\":[0.1,-0,1e-45,3.4028235e+38]}\n") != std::string::npos, "%s", line.c_str());
}
GST_END_TEST;

// JSON has no NaN or infinity: they travel as strings; NaN loses its payload
// and sign (it decodes to the quiet NaN), infinities are exact.
GST_START_TEST(test_non_finite_rule) {
  for (SampleFormat f : {SampleFormat::F32, SampleFormat::F64}) {
    std::vector<uint8_t> samples;
    auto add = [&](double x, uint64_t nan_bits = 0) {
      if (f == SampleFormat::F32) {
        float y = float(x);
        if (nan_bits) std::memcpy(&y, &nan_bits, 4);
        const uint8_t *b = reinterpret_cast<const uint8_t *>(&y);
        samples.insert(samples.end(), b, b + 4);
      } else {
        if (nan_bits) std::memcpy(&x, &nan_bits, 8);
        const uint8_t *b = reinterpret_cast<const uint8_t *>(&x);
        samples.insert(samples.end(), b, b + 8);
      }
    };
    const double inf = std::numeric_limits<double>::infinity();
    add(inf);
    add(-inf);
    add(std::nan(""));
    add(0, f == SampleFormat::F32 ? 0xffc00001ull : 0xfff8000000000001ull);  // negative NaN with a payload
    add(0.5);
    std::string line = encode_line(header_for(f, 1), samples);
    fail_unless(line.find("[\"Infinity\",\"-Infinity\",\"NaN\",\"NaN\",0.5]") != std::string::npos, "%s",
                line.c_str());
    Decoded d = decode_line(line);
    fail_unless(d.ok, "%s", d.error.message.c_str());
    auto at = [&](size_t i) {
      if (f == SampleFormat::F32) {
        float y;
        std::memcpy(&y, &d.samples[4 * i], 4);
        return double(y);
      }
      double y;
      std::memcpy(&y, &d.samples[8 * i], 8);
      return y;
    };
    fail_unless(at(0) == inf && at(1) == -inf && std::isnan(at(2)) && std::isnan(at(3)) && at(4) == 0.5);
    fail_unless(!std::signbit(at(3)), "NaN decodes to the positive quiet NaN");
  }
}
GST_END_TEST;

GST_START_TEST(test_any_field_order_and_spacing) {
  const std::string line =
      "  { \"samples\" : [ 1 , -2 ], \"channels\":1, \"future\":{\"x\":[1,2]}, \"rate\":16000,"
      "\"format\":\"S8\", \"version\":1, \"pts\":null }\r\n";
  Decoded d = decode_line(line);
  fail_unless(d.ok, "%s", d.error.message.c_str());
  fail_unless(d.header.format == SampleFormat::S8 && d.header.rate == 16000 && d.header.pts == kNone);
  fail_unless(d.samples.size() == 2 && int8_t(d.samples[0]) == 1 && int8_t(d.samples[1]) == -2);
}
GST_END_TEST;

struct BadCase {
  const char *line;
  const char *message;  // a substring of the error
  long offset;          // -1: not checked
};

static const char *const kHead = "{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":2,\"samples\":";

// The line must be refused with an error containing `message`, at byte
// `offset` unless that is -1.
static void check_rejected(const std::string &line, const char *message, long offset) {
  Decoded d = decode_line(line);
  fail_unless(!d.ok, "accepted: %s", line.c_str());
  fail_unless(d.error.message.find(message) != std::string::npos, "%s\n  error: %s\n  expected: %s", line.c_str(),
              d.error.message.c_str(), message);
  if (offset >= 0)
    fail_unless(long(d.error.offset) == offset, "%s\n  error at byte %zu, expected %ld (%s)", line.c_str(),
                d.error.offset, offset, d.error.message.c_str());
}

GST_START_TEST(test_errors_name_problem_and_offset) {
  const std::string head = kHead;
  const long s = long(head.size());  // where the samples array starts
  const std::string f32 = "{\"version\":1,\"format\":\"F32LE\",\"rate\":8000,\"channels\":1,\"samples\":";
  const long fs = long(f32.size());
  struct Case {
    std::string line;
    const char *message;
    long offset;
  } cases[] = {
      {head + "[1,2,3]}", "samples has 3 values, not a multiple of channels (2)", s},
      {head + "[1,2.5]}", "samples[1]: 2.5 is not an integer (S16LE samples are integers from -32768 to 32767)",
       s + 3},
      {head + "[1,40000]}", "samples[1]: 40000 is out of range (S16LE samples are integers from -32768 to 32767)",
       s + 3},
      {head + "[-32769,0]}", "samples[0]: -32769 is out of range", s + 1},
      {head + "[1e2,0]}", "samples[0]: 1e2 must be written as an integer", s + 1},
      {head + "[99999999999999999999999,0]}", "samples[0]: 99999999999999999999999 is out of range", s + 1},
      {head + "[\"1\",0]}", "samples[0]: expected a number, got a string \"1\"", s + 1},
      {head + "[null,0]}", "samples[0]: expected a number, got null", s + 1},
      {head + "[[1],0]}", "samples[0]: expected a number, got an array", s + 1},
      {head + "[1,2,,3]}", "samples[2]: malformed JSON: expected a value, got ,", s + 5},
      {head + "[1,2]", "the object is not closed: the line must end with '}'", s + 5},
      {head + "[1,2", "the object is not closed", s + 4},
      {head + "[1,2]} {}", "unexpected text after the object", s + 7},
      {head + "{}}", "field \"samples\" must be an array, got an object", s},
      {"[1,2]", "expected a JSON object, got [1,2]", 0},
      {"   ", "empty object line", 3},
      {"{\"version\":1,\"format\":\"S16LE\",\"channels\":1,\"samples\":[]}", "missing field \"rate\"", 0},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1}", "missing field \"samples\"", 0},
      {"{\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"samples\":[]}", "missing field \"version\"", 0},
      {"{\"version\":2,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"samples\":[]}",
       "unsupported schema version 2 (this decoder reads version 1)", 11},
      {"{\"version\":1,\"format\":\"S16BE\",\"rate\":8000,\"channels\":1,\"samples\":[]}",
       "unknown format \"S16BE\" (known: U8, S8, S16LE, S24LE, S24_32LE, S32LE, F32LE, F64LE)", 22},
      {"{\"version\":1,\"format\":7,\"rate\":8000,\"channels\":1,\"samples\":[]}",
       "field \"format\" must be a string, got 7", 22},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":\"8000\",\"channels\":1,\"samples\":[]}",
       "field \"rate\" must be an integer from 1 to 2147483647, got \"8000\"", 37},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":0,\"channels\":1,\"samples\":[]}",
       "field \"rate\" must be an integer from 1 to 2147483647, got 0", 37},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":0,\"samples\":[]}",
       "field \"channels\" must be an integer from 1 to 65535, got 0", 53},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1.5,\"samples\":[]}",
       "field \"channels\" must be an integer", 53},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"layout\":\"non-interleaved\",\"samples\":[]}",
       "field \"layout\" must be \"interleaved\"", 64},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"pts\":-1,\"samples\":[]}",
       "field \"pts\" must be an integer from 0 to 18446744073709551615, got -1", 61},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"gap\":1,\"samples\":[]}",
       "field \"gap\" must be true or false, got 1", 61},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"rate\":8000,\"channels\":1,\"samples\":[]}",
       "duplicate field \"rate\"", 49},
      {f32 + "[1e39]}", "samples[0]: 1e39 is out of range for F32LE", fs + 1},
      {f32 + "[1e999]}", "samples[0]: 1e999 is out of range for F32LE", fs + 1},
      {f32 + "[\"nan\"]}", "samples[0]: \"nan\" is not a number (the only strings allowed are \"NaN\"", fs + 1},
      {f32 + "[true]}", "samples[0]: expected a number, got a boolean true", fs + 1},
      {f32 + "[01]}", "samples[0]: 01 is not a valid JSON number", fs + 1},
      {f32 + "[1.]}", "samples[0]: 1. is not a valid JSON number", fs + 1},
      {head + "[-,1]}", "samples[0]: - is not a valid JSON number", s + 1},
      {"{\"version\":1,\"format\":\"U8\",\"rate\":8000,\"channels\":1,\"samples\":[256]}",
       "samples[0]: 256 is out of range (U8 samples are integers from 0 to 255)", -1},
      {"{\"version\":1,\"format\":\"S24LE\",\"rate\":8000,\"channels\":1,\"samples\":[8388608]}",
       "S24LE samples are integers from -8388608 to 8388607", -1},
      {"{\"version\":1,\"format\":\"F64LE\",\"rate\":8000,\"channels\":1,\"samples\":[\"Inf\"]}",
       "is not a number", -1},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"samples\":[\"NaN\"]}",
       "samples[0]: expected a number, got a string \"NaN\"", -1},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1,\"samples\":[1],\"x\":\xff}",
       "malformed JSON", -1},
  };
  for (const auto &c : cases) check_rejected(c.line, c.message, c.offset);
}
GST_END_TEST;

// Python's json.dumps writes NaN and the infinities as bare words, and some
// writers start a file with a UTF-8 byte order mark: both are read.
GST_START_TEST(test_python_spellings_and_bom) {
  for (const char *format : {"F32LE", "F64LE"}) {
    const std::string line = std::string("\xef\xbb\xbf{\"version\":1,\"format\":\"") + format +
                             "\",\"rate\":8000,\"channels\":1,\"samples\":[NaN, Infinity,-Infinity ,0.5]}";
    for (bool fast : {true, false}) {
      Decoder d;
      d.set_fast_path(fast);
      BlockHeader h;
      std::vector<uint8_t> out;
      DecodeError err;
      fail_unless(d.decode(line, h, out, err), "%s: %s", format, err.message.c_str());
      std::vector<double> x;
      for (size_t i = 0; i < 4; i++) {
        if (h.format == SampleFormat::F32) {
          float y;
          std::memcpy(&y, &out[4 * i], 4);
          x.push_back(y);
        } else {
          double y;
          std::memcpy(&y, &out[8 * i], 8);
          x.push_back(y);
        }
      }
      const double inf = std::numeric_limits<double>::infinity();
      fail_unless(std::isnan(x[0]) && x[1] == inf && x[2] == -inf && x[3] == 0.5, "%s", format);
    }
  }
  // Not in integer arrays, and no other words.
  fail_if(decode_line(std::string(kHead) + "[NaN,1]}").ok);
  Decoded d = decode_line("{\"version\":1,\"format\":\"F32LE\",\"rate\":8000,\"channels\":1,\"samples\":[Inf]}");
  fail_unless(!d.ok && d.error.message.find("samples[0]: malformed JSON: expected a value, got Inf") == 0, "%s",
              d.error.message.c_str());
}
GST_END_TEST;

// Excerpts of bad input in messages are escaped: any bytes give valid UTF-8.
GST_START_TEST(test_error_text_is_utf8) {
  Decoded d = decode_line(std::string("\xff\xfe\x01 binary \xc3\xa9 \xe2\x82") + std::string(60, 'x'));
  fail_unless(!d.ok);
  fail_unless_equals_string(
      d.error.message.c_str(),
      "expected a JSON object, got \\xff\\xfe\\x01 binary \xc3\xa9 \\xe2\\x82xxxxxxxxxxxxxxxxxxxxxxxx...");
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; i++) {
    std::string line(1 + rng() % 80, '\0');
    for (auto &c : line) c = char(rng());
    if (i % 2) line = "{\"version\":1,\"format\":\"" + line + "\"}";
    Decoded r = decode_line(line);
    fail_unless(!r.ok && escape_bytes(r.error.message) == r.error.message, "%s", r.error.message.c_str());
  }
  const std::string escaped = escape_bytes("a\tb\n\x7f\xed\xa0\x80\xf0\x9f\x8e\xb5");
  fail_unless_equals_string(escaped.c_str(),
                            "a\tb\n\\x7f\\xed\\xa0\\x80\xf0\x9f\x8e\xb5");
}
GST_END_TEST;

// channel-mask is optional: written when the header has one, read back, and
// checked against channels.
GST_START_TEST(test_channel_mask) {
  BlockHeader h = header_for(SampleFormat::S16, 6);
  h.channel_mask = 0x3f;
  const std::vector<uint8_t> samples(12 * 2, 1);
  const std::string line = encode_line(h, samples);
  fail_unless(line.find(",\"layout\":\"interleaved\",\"channel-mask\":63,\"pts\"") != std::string::npos, "%s",
              line.c_str());
  Decoded d = decode_line(line);
  fail_unless(d.ok && d.header.channel_mask == 0x3f, "%s", d.error.message.c_str());
  fail_unless(decode_line(encode_line(header_for(SampleFormat::S16, 6), samples)).header.channel_mask == kNone);
  const std::string head = "{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":2,";
  d = decode_line(head + "\"samples\":[1,2],\"channel-mask\":0}");
  fail_unless(d.ok && d.header.channel_mask == 0);
  d = decode_line(head + "\"channel-mask\":7,\"samples\":[1,2]}");
  fail_unless(!d.ok && d.error.message == "channel-mask 7 names 3 positions, not 2 (0 for unpositioned channels)" &&
                  d.error.offset == head.size() + 15,
              "%s at %zu", d.error.message.c_str(), d.error.offset);
  d = decode_line(head + "\"samples\":[1,2],\"channel-mask\":1}");
  fail_unless(!d.ok && d.error.message.find("channel-mask 1 names 1 positions") == 0, "%s", d.error.message.c_str());
  d = decode_line(head + "\"channel-mask\":268435456,\"samples\":[1,2]}");
  fail_unless(!d.ok && d.error.message.find("field \"channel-mask\" must be an integer from 0 to 268435455") == 0,
              "%s", d.error.message.c_str());
}
GST_END_TEST;

// The encoder's pieces stay within the limit the decoder applies.
GST_START_TEST(test_frames_per_line_fit) {
  fail_unless(Decoder().max_line_length() == kDefaultMaxLineLength);
  for (SampleFormat f : {SampleFormat::U8, SampleFormat::S16, SampleFormat::S32, SampleFormat::F32,
                         SampleFormat::F64}) {
    for (uint32_t channels : {1u, 2u, 7u}) {
      const size_t limit = 4096;
      const size_t frames = max_frames_per_line(f, channels, limit);
      fail_unless(frames >= 1 && max_encoded_size(f, frames * channels) <= limit);
      fail_unless(max_encoded_size(f, (frames + 1) * channels) > limit);
    }
  }
  fail_unless(max_frames_per_line(SampleFormat::F64, 65535, 100) == 1);
}
GST_END_TEST;

GST_START_TEST(test_line_length_limit) {
  const std::vector<uint8_t> samples(2000, 1);
  const std::string line = encode_line(header_for(SampleFormat::U8, 1), samples);
  Decoded ok = decode_line(line, line.size());
  fail_unless(ok.ok, "%s", ok.error.message.c_str());
  Decoded d = decode_line(line, line.size() - 1);
  fail_unless(!d.ok);
  fail_unless(d.error.message == "line of " + std::to_string(line.size()) + " bytes is longer than the limit of " +
                                     std::to_string(line.size() - 1) + " bytes",
              "%s", d.error.message.c_str());
  fail_unless(d.error.offset == line.size() - 1);
}
GST_END_TEST;

GST_START_TEST(test_decoder_reuse_after_error) {
  Decoder dec;
  BlockHeader h;
  std::vector<uint8_t> out;
  DecodeError err;
  const std::vector<uint8_t> samples = {1, 2, 3, 4};
  const std::string good = encode_line(header_for(SampleFormat::S8, 2), samples);
  for (int i = 0; i < 3; i++) {
    fail_unless(!dec.decode(std::string(kHead) + "[1,\"x\"]}", h, out, err));
    fail_unless(dec.decode(good, h, out, err), "%s", err.message.c_str());
    fail_unless(out == samples);
  }
}
GST_END_TEST;

// Sample tokens for the fast path: edge cases by hand, then random floats in
// several spellings and random integers.
static std::vector<std::string> fast_path_tokens() {
  std::mt19937_64 rng(99);
  std::vector<std::string> tokens = {
      "0",  "-0", "0.0", "-0.0", "1", "-1", "1e5", "1E5", "1e+5", "1e-5", "-1.5e-3", "00", "01", "-", "1.", ".5",
      "1e", "1e+", "+1", "0x10", "1.0", "2.5", "32767", "32768", "-32768", "-32769", "255", "256", "-128", "-129",
      "8388607", "8388608", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "18446744073709551616",
      "123456789012345678901234567890", "0.0000000000000000000000001", "1e-45", "1e-46", "7e-46", "3.4028235e38",
      "3.4028236e38", "1e39", "1e308", "1e309", "5e-324", "2e-324", "4.9406564584124654e-324", "9007199254740993",
      "0.1", "0.30000000000000004", "123456789012345678", "1234567890123456789", "12345678901234567890",
      "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"nan\"", "\"\\u004eaN\"", "true", "null", "[]", "{}", "1 ", " 1",
      "\t1\r", "1\n", "99999999", "999999999", "0.99999999", "-0.000000001234",
      // found by the fuzzer: simdjson 3.0 refuses exponents of 19 or more digits, leading zeros included
      "1e000000000000000000000000000000000000000000000000000001", "1e0001", "1e00001", "1e-000000000000000000001",
      "0e999999999999999999999"};
  for (int i = 0; i < 1000; i++) {  // random floats in several spellings
    const double x = std::ldexp(double(int64_t(rng())) / 9.2e18, int(rng() % 200) - 100);
    char buf[64];
    const char *fmt[] = {"%.17g", "%.9g", "%.3e", "%g", "%.20f", "%.1f", "%.0f", "%E"};
    std::snprintf(buf, sizeof buf, fmt[i % 8], x);
    tokens.push_back(buf);
    std::snprintf(buf, sizeof buf, "%lld", (long long)(int64_t(rng()) >> (rng() % 64)));
    tokens.push_back(buf);
  }
  return tokens;
}

// Both decoders on one line must agree on acceptance, and on the samples or
// the error; counts the lines both accept in agreed_ok.
static void check_paths_agree(Decoder &fast, Decoder &general, const std::string &line, int &agreed_ok) {
  BlockHeader h1, h2;
  std::vector<uint8_t> s1, s2;
  DecodeError e1, e2;
  const bool ok1 = fast.decode(line, h1, s1, e1);
  const bool ok2 = general.decode(line, h2, s2, e2);
  fail_unless(ok1 == ok2, "%s: fast %d, general %d (%s%s)", line.c_str(), ok1, ok2, e1.message.c_str(),
              e2.message.c_str());
  if (ok1) {
    fail_unless(s1 == s2, "%s: fast and general paths decode different samples", line.c_str());
    agreed_ok++;
  } else {
    fail_unless(e1.message == e2.message && e1.offset == e2.offset, "%s: %s / %s", line.c_str(),
                e1.message.c_str(), e2.message.c_str());
  }
}

// Every token in every format, alone and in runs of three, followed by
// valid and broken endings of the object. Returns how many lines both
// decoders accepted.
static int check_tokens_in_every_format(Decoder &fast, Decoder &general, const std::vector<std::string> &tokens) {
  const char *formats[] = {"U8", "S8", "S16LE", "S24LE", "S24_32LE", "S32LE", "F32LE", "F64LE"};
  int agreed_ok = 0;
  for (const char *format : formats) {
    for (size_t i = 0; i < tokens.size(); i++) {
      // One token alone, and in a run of three with varied spacing.
      const std::string arrays[] = {
          "[" + tokens[i] + "]",
          "[" + tokens[i] + "," + tokens[(i + 1) % tokens.size()] + " , " + tokens[(i + 7) % tokens.size()] + "]",
          "[ " + tokens[i] + "\t]",
      };
      for (const std::string &a : arrays)
        for (const char *tail : {"}", " } ", "}x", ",\"x\":1}", "]}"})
          check_paths_agree(fast, general,
                            std::string("{\"version\":1,\"format\":\"") + format +
                                "\",\"rate\":8000,\"channels\":1,\"samples\":" + a + tail,
                            agreed_ok);
    }
  }
  return agreed_ok;
}

// The fast path reads the header alone, cut at the first "samples":[ of
// the text: decoys before the real field must not fool it.
static void check_header_decoys(Decoder &fast, Decoder &general) {
  const std::string h = "\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":1";
  const std::string lines[] = {
      "{" + h + ",\"x\":\"\\\"samples\\\":[5]\",\"samples\":[1,2]}",
      "{" + h + ",\"x\":{\"samples\":[5]},\"samples\":[1,2]}",
      "{" + h + ",\"x\":[{\"samples\":[5]}],\"samples\":[1,2]}",
      "{" + h + ",\"x\":{\"samples\":[5]}}",
      "{\"samples\":[1,2]," + h + "}",
      "{" + h + ",\"samples\":[1,2],\"samples\":[3]}",
      "{" + h + ",\"samples\":[1,2]}{\"samples\":[3]}",
      "{" + h + ",\"samples\":[1,2]}}",
      "{" + h + ",\"samples\":[1,2]",
      "{" + h + ",\"samples\":[]}",
      "{\"version\":1,\"samples\":[1,2],\"format\":\"S16LE\",\"rate\":8000,\"channels\":1}",
      "{\"\\u0073amples\":[9]," + h + ",\"samples\":[1,2]}",
      "{" + h + ",\"\\u0073amples\":[9],\"samples\":[1,2]}",
      "{" + h + ",\"sampl\\u0065s\":[9]}",
      "{" + h + ",\"gap\":tru,\"samples\":[1,2]}",
      "{" + h + ",\"gap\":\"\xff\",\"samples\":[1,2]}",
      "{" + h + ",\"samples\":[1,2]}\xff",
  };
  for (const std::string &line : lines) {
    BlockHeader h1, h2;
    std::vector<uint8_t> s1, s2;
    DecodeError e1, e2;
    const bool ok1 = fast.decode(line, h1, s1, e1);
    const bool ok2 = general.decode(line, h2, s2, e2);
    fail_unless(ok1 == ok2 && s1 == s2 && e1.message == e2.message && e1.offset == e2.offset,
                "%s: fast %d (%s), general %d (%s)", line.c_str(), ok1, e1.message.c_str(), ok2, e2.message.c_str());
  }
}

// The decoder's fast path for samples arrays must give exactly what the
// general (simdjson) path gives, or leave the array to it.
GST_START_TEST(test_fast_path_matches_general_path) {
  const std::vector<std::string> tokens = fast_path_tokens();
  Decoder fast, general;
  general.set_fast_path(false);
  const int agreed_ok = check_tokens_in_every_format(fast, general, tokens);
  fail_unless(agreed_ok > 10000, "only %d lines accepted: the cases miss the fast path", agreed_ok);
  check_header_decoys(fast, general);
}
GST_END_TEST;

static Suite *json_codec_suite() {
  Suite *s = suite_create("dsp-json-codec");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_round_trip_every_format);
  tcase_add_test(tc, test_f32_random_bits_exact);
  tcase_add_test(tc, test_f64_random_bits_exact);
  tcase_add_test(tc, test_f32_decimal_rounding);
  tcase_add_test(tc, test_small_integers_text_exact);
  tcase_add_test(tc, test_float_text_is_shortest_to_chars);
  tcase_add_test(tc, test_header_fields_round_trip);
  tcase_add_test(tc, test_exact_text);
  tcase_add_test(tc, test_non_finite_rule);
  tcase_add_test(tc, test_any_field_order_and_spacing);
  tcase_add_test(tc, test_errors_name_problem_and_offset);
  tcase_add_test(tc, test_python_spellings_and_bom);
  tcase_add_test(tc, test_error_text_is_utf8);
  tcase_add_test(tc, test_channel_mask);
  tcase_add_test(tc, test_frames_per_line_fit);
  tcase_add_test(tc, test_line_length_limit);
  tcase_add_test(tc, test_decoder_reuse_after_error);
  tcase_add_test(tc, test_fast_path_matches_general_path);
  return s;
}

GST_CHECK_MAIN(json_codec);
