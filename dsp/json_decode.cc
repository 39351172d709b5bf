// SPDX-License-Identifier: LGPL-2.1-or-later
// json_codec.h, decoding side: simdjson On-Demand walks the object; the
// samples array goes through the fast path (json_fast_array.h) or, for
// anything unusual and for every error, simdjson's general path, into a
// reused buffer and then to the sink.
#include <simdjson.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "json_codec.h"
#include "json_fast_array.h"
#include "utf8_text.h"

namespace fastaudio::json {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

struct Decoder::Impl {
  od::parser parser;
  std::string head;  // the header alone, for the fast path
  std::vector<uint8_t> samples;  // grows to the largest block seen, then stays
  std::unique_ptr<char[]> scratch;
  size_t capacity = 0;  // usable bytes, padding excluded

  char *reserve(size_t bytes) {
    if (bytes > capacity || !scratch) {
      const size_t grown = std::max(bytes, capacity + capacity / 2);
      scratch.reset(new char[grown + simdjson::SIMDJSON_PADDING]);
      capacity = grown;
    }
    return scratch.get();
  }
};

namespace {

enum Field : unsigned { kVersion, kFormat, kRate, kChannels, kLayout, kChannelMask, kPts, kDuration, kOffset,
                        kDiscont, kGap, kSamples, kFieldCount };
constexpr std::string_view kFieldNames[kFieldCount] = {"version", "format",  "rate",    "channels",
                                                       "layout",  "channel-mask", "pts", "duration",
                                                       "offset",  "discont", "gap",     "samples"};
constexpr unsigned kRequired[] = {kVersion, kFormat, kRate, kChannels, kSamples};
constexpr const char *kFormatList = "U8, S8, S16LE, S24LE, S24_32LE, S32LE, F32LE, F64LE";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// An excerpt of the input for a message: bounded, so that a huge bad token
// does not become a huge message, and escaped, as the input may be any bytes.
std::string quoted(std::string_view s) {
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  if (s.size() > 40) return escape_bytes(s.substr(0, 40)) + "...";
  return escape_bytes(s);
}

// The spellings of non-finite floats: as strings (what the encoder writes,
// valid JSON) or as the bare words Python's json module writes.
bool non_finite_word(std::string_view s, double &x) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s == "NaN") x = std::numeric_limits<double>::quiet_NaN();
  else if (s == "Infinity") x = std::numeric_limits<double>::infinity();
  else if (s == "-Infinity") x = -std::numeric_limits<double>::infinity();
  else return false;
  return true;
}

// A UTF-8 byte order mark, which some writers put at the start of a file.
constexpr std::string_view kBom = "\xef\xbb\xbf";

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  size_t i = 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') i++;
  if (i < s.size() && s[i] == '0') i++;
  else if (!digits()) return false;
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
    if (!digits()) return false;
  }
  return i == s.size();
}

const char *type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "?";
}

using detail::is_float_midpoint;

class Walker {
 public:
  Walker(const char *buf, size_t len, std::vector<uint8_t> &samples, Decoder::SampleSink sink, void *ctx,
         DecodeError &error, bool fast)
      : buf_(buf), len_(len), out_(samples), sink_(sink), ctx_(ctx), error_(error), fast_(fast) {}

  bool run(od::parser &parser, size_t capacity, BlockHeader &header, size_t &samples_count);
  // The header-only walk of the fast path: the samples array is read from
  // [text, end) instead of this (empty) one.
  void read_samples_from(const char *placeholder, const char *text, const char *end) {
    placeholder_ = placeholder;
    samples_text_ = text;
    samples_end_ = end;
  }
  bool used_fast_path() const { return finished_; }


 private:
  bool fail(const char *at, std::string message) {
    error_.offset = at && at >= buf_ && at <= buf_ + len_ ? size_t(at - buf_) : len_;
    error_.message = std::move(message);
    return false;
  }
  bool fail_at(od::value &v, std::string message) {
    std::string_view raw;
    raw = v.raw_json_token();
    const char *at = raw.data();
    return fail(at, std::move(message));
  }
  bool malformed(od::document &doc, error_code e, const char *what) {
    const char *at = nullptr;
    if (doc.current_location().get(at) != SUCCESS) at = nullptr;
    std::string m = std::string("malformed JSON ") + what + ": " + simdjson::error_message(e);
    if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || e == simdjson::UNCLOSED_STRING)
      m += " (the object is truncated or not closed)";
    return fail(at, std::move(m));
  }

  bool field(od::document &doc, std::string_view key, od::value &v, BlockHeader &h, bool &deferred);
  bool get_uint(od::value &v, std::string_view name, uint64_t min, uint64_t max, uint64_t &out);
  // Checked before the samples reach the sink, and again at the end for a
  // channel-mask written after them.
  bool mask_fits(const BlockHeader &h) {
    const int named = std::popcount(h.channel_mask);
    if (h.channel_mask == kNone || named == 0 || named == int(h.channels)) return true;
    return fail(mask_at_, "channel-mask " + std::to_string(h.channel_mask) + " names " + std::to_string(named) +
                              " positions, not " + std::to_string(h.channels) + " (0 for unpositioned channels)");
  }
  bool get_optional_uint(od::value &v, std::string_view name, uint64_t &out);
  bool samples(od::document &doc, od::value &v, const BlockHeader &h, size_t &count);
  bool try_fast(const char *start, SampleFormat f, size_t &n) {
    detail::FastArray a(samples_text_ ? samples_text_ : start, samples_text_ ? samples_end_ : buf_ + len_);
    bool ok = false;
    switch (f) {
      case SampleFormat::U8: ok = a.parse<SampleFormat::U8>(out_, n); break;
      case SampleFormat::S8: ok = a.parse<SampleFormat::S8>(out_, n); break;
      case SampleFormat::S16: ok = a.parse<SampleFormat::S16>(out_, n); break;
      case SampleFormat::S24: ok = a.parse<SampleFormat::S24>(out_, n); break;
      case SampleFormat::S24_32: ok = a.parse<SampleFormat::S24_32>(out_, n); break;
      case SampleFormat::S32: ok = a.parse<SampleFormat::S32>(out_, n); break;
      case SampleFormat::F32: ok = a.parse<SampleFormat::F32>(out_, n); break;
      case SampleFormat::F64: ok = a.parse<SampleFormat::F64>(out_, n); break;
    }
    return ok && a.at_object_end();
  }
  template <SampleFormat F>
  bool convert(od::document &doc, od::array &arr, size_t &count);
  bool bad_sample(od::value &v, size_t i, SampleFormat f, float *f32, double *f64);

  const char *buf_;
  size_t len_;
  std::vector<uint8_t> &out_;
  Decoder::SampleSink sink_;
  void *ctx_;
  DecodeError &error_;
  bool seen_[kFieldCount] = {};
  size_t count_ = 0;
  bool fast_ = true;
  bool finished_ = false;  // the fast path read the samples and the object's end
  const char *placeholder_ = nullptr;  // the empty array standing in for the samples
  const char *samples_text_ = nullptr;
  const char *samples_end_ = nullptr;
  const char *mask_at_ = nullptr;  // where the channel-mask value starts
};

bool Walker::get_uint(od::value &v, std::string_view name, uint64_t min, uint64_t max, uint64_t &out) {
  std::string_view raw;
  if (v.get_uint64().get(out) == SUCCESS && out >= min && out <= max) return true;
  raw = v.raw_json_token();
  return fail_at(v, "field \"" + std::string(name) + "\" must be an integer from " + std::to_string(min) + " to " +
                        std::to_string(max) + ", got " + quoted(raw));
}

bool Walker::get_optional_uint(od::value &v, std::string_view name, uint64_t &out) {
  bool is_null = false;
  if (v.is_null().get(is_null) == SUCCESS && is_null) {
    out = kNone;
    return true;
  }
  return get_uint(v, name, 0, UINT64_MAX, out);
}

bool Walker::field(od::document &doc, std::string_view key, od::value &v, BlockHeader &h, bool &deferred) {
  unsigned id = kFieldCount;
  for (unsigned i = 0; i < kFieldCount; i++)
    if (kFieldNames[i] == key) id = i;
  if (id == kFieldCount) return true;  // unknown fields are skipped: newer writers may add some
  if (seen_[id]) return fail_at(v, "duplicate field \"" + std::string(key) + "\"");
  seen_[id] = true;

  uint64_t u = 0;
  std::string_view s, raw;
  switch (id) {
    case kVersion:
      if (!get_uint(v, key, 0, UINT64_MAX, u)) return false;
      if (u != uint64_t(kSchemaVersion))
        return fail_at(v, "unsupported schema version " + std::to_string(u) + " (this decoder reads version " +
                              std::to_string(kSchemaVersion) + ")");
      return true;
    case kFormat:
      if (v.get_string().get(s) != SUCCESS) {
        raw = v.raw_json_token();
        return fail_at(v, "field \"format\" must be a string, got " + quoted(raw));
      }
      if (!format_from_name(s, h.format))
        return fail_at(v, "unknown format \"" + quoted(s) + "\" (known: " + kFormatList + ")");
      return true;
    case kRate:
      if (!get_uint(v, key, 1, kMaxRate, u)) return false;
      h.rate = uint32_t(u);
      return true;
    case kChannels:
      if (!get_uint(v, key, 1, kMaxChannels, u)) return false;
      h.channels = uint32_t(u);
      return true;
    case kLayout:
      if (v.get_string().get(s) != SUCCESS || s != "interleaved") {
        raw = v.raw_json_token();
        return fail_at(v, "field \"layout\" must be \"interleaved\", got " + quoted(raw));
      }
      return true;
    case kChannelMask:
      mask_at_ = v.raw_json_token().data();
      return get_uint(v, key, 0, kMaxChannelMask, h.channel_mask);
    case kPts: return get_optional_uint(v, key, h.pts);
    case kDuration: return get_optional_uint(v, key, h.duration);
    case kOffset: return get_optional_uint(v, key, h.offset);
    case kDiscont:
    case kGap: {
      bool b;
      if (v.get_bool().get(b) != SUCCESS) {
        raw = v.raw_json_token();
        return fail_at(v, "field \"" + std::string(key) + "\" must be true or false, got " + quoted(raw));
      }
      (id == kDiscont ? h.discont : h.gap) = b;
      return true;
    }
    case kSamples:
      // The samples need format and channels; a writer that puts them later
      // costs a second pass.
      if (!seen_[kVersion] || !seen_[kFormat] || !seen_[kRate] || !seen_[kChannels]) {
        deferred = true;
        return true;
      }
      return samples(doc, v, h, count_);
  }
  return true;
}

bool Walker::bad_sample(od::value &v, size_t i, SampleFormat f, float *f32, double *f64) {
  const std::string where = "samples[" + std::to_string(i) + "]: ";
  std::string_view raw;
  raw = v.raw_json_token();
  od::json_type t;
  const bool typed = v.type().get(t) == SUCCESS;
  std::string_view word = raw;
  if (typed && t == od::json_type::string && v.get_string().get(word) != SUCCESS) word = {};
  if (double x; is_float(f) && non_finite_word(word, x)) {
    if (f32) *f32 = float(x);
    if (f64) *f64 = x;
    return true;
  }
  if (!typed) return fail_at(v, where + "malformed JSON: expected a value, got " + quoted(raw));
  if (t == od::json_type::string && is_float(f))
    return fail_at(v, where + quoted(raw) + " is not a number (the only strings allowed are \"NaN\", "
                                   "\"Infinity\" and \"-Infinity\", quoted or not)");
  const std::string name = sample_format_name(f);
  if (t != od::json_type::number)
    return fail_at(v, where + "expected a number, got " + type_name(t) + " " + quoted(raw));
  if (!is_json_number(raw)) return fail_at(v, where + quoted(raw) + " is not a valid JSON number");
  if (is_float(f))
    return fail_at(v, where + quoted(raw) + " is out of range for " + name);
  const detail::IntLimits r = detail::int_limits(f);
  const std::string range = " (" + name + " samples are integers from " + std::to_string(r.min) + " to " +
                            std::to_string(r.max) + ")";
  double d = 0;
  if (raw.find_first_of(".eE") == std::string_view::npos || v.get_double().get(d) != SUCCESS)
    return fail_at(v, where + quoted(raw) + " is out of range" + range);
  if (d != std::trunc(d)) return fail_at(v, where + quoted(raw) + " is not an integer" + range);
  if (d >= double(r.min) && d <= double(r.max))
    return fail_at(v, where + quoted(raw) + " must be written as an integer, without fraction or exponent" + range);
  return fail_at(v, where + quoted(raw) + " is out of range" + range);
}

// Converts into out_, growing it as needed: counting the elements first
// would cost a second pass over the text.
template <SampleFormat F>
bool Walker::convert(od::document &doc, od::array &arr, size_t &count) {
  constexpr size_t kWidth = sample_bytes(F);
  uint8_t *dst = out_.data();
  size_t capacity = out_.size() / kWidth;
  size_t i = 0;
  for (auto element : arr) {
    od::value v;
    if (error_code e = element.get(v)) return malformed(doc, e, "in \"samples\"");
    if (simdjson_unlikely(i == capacity)) {
      out_.resize(std::max<size_t>(4096, 2 * capacity) * kWidth);
      dst = out_.data();
      capacity = out_.size() / kWidth;
    }
    if constexpr (F == SampleFormat::F64) {
      double d;
      if (v.get_double().get(d) != SUCCESS && !bad_sample(v, i, F, nullptr, &d)) return false;
      std::memcpy(dst + 8 * i, &d, 8);
    } else if constexpr (F == SampleFormat::F32) {
      double d;
      float x;
      if (simdjson_likely(v.get_double().get(d) == SUCCESS)) {
        x = float(d);
        if (double(x) != d && is_float_midpoint(d)) {
          // Rare: round the decimal to float directly.
          std::string_view raw;
          raw = v.raw_json_token();
          std::from_chars(raw.data(), raw.data() + raw.size(), x);
        }
        if (std::isinf(x)) return fail_at(v, "samples[" + std::to_string(i) + "]: " +
                                                 quoted(v.raw_json_token()) +
                                                 " is out of range for F32LE (largest magnitude 3.4028235e+38)");
      } else if (!bad_sample(v, i, F, &x, nullptr)) {
        return false;
      }
      std::memcpy(dst + 4 * i, &x, 4);
    } else {
      int64_t n;
      constexpr detail::IntLimits r = detail::int_limits(F);
      if (v.get_int64().get(n) != SUCCESS || n < r.min || n > r.max) return bad_sample(v, i, F, nullptr, nullptr);
      if constexpr (F == SampleFormat::U8 || F == SampleFormat::S8) {
        dst[i] = uint8_t(n);
      } else if constexpr (F == SampleFormat::S16) {
        const int16_t s = int16_t(n);
        std::memcpy(dst + 2 * i, &s, 2);
      } else if constexpr (F == SampleFormat::S24) {
        const uint32_t u = uint32_t(n);
        dst[3 * i] = uint8_t(u);
        dst[3 * i + 1] = uint8_t(u >> 8);
        dst[3 * i + 2] = uint8_t(u >> 16);
      } else {
        const int32_t s = int32_t(n);  // S24_32 sign-extended into its container
        std::memcpy(dst + 4 * i, &s, 4);
      }
    }
    i++;
  }
  count = i;
  return true;
}

bool Walker::samples(od::document &doc, od::value &v, const BlockHeader &h, size_t &count) {
  const char *start = v.raw_json_token().data();
  od::array arr;
  if (v.get_array().get(arr) != SUCCESS) {
    std::string_view raw;
    raw = v.raw_json_token();
    od::json_type t = od::json_type::null;
    (void)v.type().get(t);
    return fail_at(v, std::string("field \"samples\" must be an array, got ") + type_name(t) + " " + quoted(raw));
  }
  size_t n = 0;
  bool ok = false;
  if (samples_text_ && start != placeholder_) return fail(start, "not the samples field the fast path cut at");
  if (fast_ && try_fast(start, h.format, n)) {
    finished_ = true;
    ok = true;
  } else if (samples_text_) {
    return fail(start, "fast path not applicable");  // the caller walks the whole line instead
  } else switch (h.format) {
    case SampleFormat::U8: ok = convert<SampleFormat::U8>(doc, arr, n); break;
    case SampleFormat::S8: ok = convert<SampleFormat::S8>(doc, arr, n); break;
    case SampleFormat::S16: ok = convert<SampleFormat::S16>(doc, arr, n); break;
    case SampleFormat::S24: ok = convert<SampleFormat::S24>(doc, arr, n); break;
    case SampleFormat::S24_32: ok = convert<SampleFormat::S24_32>(doc, arr, n); break;
    case SampleFormat::S32: ok = convert<SampleFormat::S32>(doc, arr, n); break;
    case SampleFormat::F32: ok = convert<SampleFormat::F32>(doc, arr, n); break;
    case SampleFormat::F64: ok = convert<SampleFormat::F64>(doc, arr, n); break;
  }
  if (!ok) return false;
  if (n % h.channels != 0)
    return fail(start, "samples has " + std::to_string(n) + " values, not a multiple of channels (" +
                           std::to_string(h.channels) + ")");
  if (!mask_fits(h)) return false;
  const size_t bytes = n * sample_bytes(h.format);
  void *dst = sink_(ctx_, h, bytes);
  if (!dst && bytes) return fail(start, "no memory for " + std::to_string(bytes) + " bytes of samples");
  if (bytes) std::memcpy(dst, out_.data(), bytes);
  count = n;
  return true;
}

bool Walker::run(od::parser &parser, size_t capacity, BlockHeader &h, size_t &samples_count) {
  // On-Demand reports a line that does not end with '}' as an unclosed
  // object at byte 0; say where and why instead.
  size_t first = std::string_view(buf_, len_).starts_with(kBom) ? kBom.size() : 0, last = len_;
  const size_t start = first;
  while (first < len_ && is_space(buf_[first])) first++;
  while (last > first && is_space(buf_[last - 1])) last--;
  if (first == last) return fail(buf_ + first, "empty object line");
  if (buf_[first] != '{')
    return fail(buf_ + first, "expected a JSON object, got " + quoted(std::string_view(buf_ + first, last - first)));
  if (buf_[last - 1] != '}')
    return fail(buf_ + last, "the object is not closed: the line must end with '}' (truncated object, or text after it)");
  od::document doc;
  if (error_code e = parser.iterate(buf_ + start, len_ - start, capacity - start).get(doc))
    return fail(nullptr, std::string("malformed JSON: ") + simdjson::error_message(e));
  od::object obj;
  if (error_code e = doc.get_object().get(obj)) {
    if (e == simdjson::INCORRECT_TYPE)
      return fail(buf_ + first, "expected a JSON object, got " + quoted(std::string_view(buf_ + first, len_ - first)));
    return malformed(doc, e, "at the start of the object");
  }
  bool deferred = false;
  for (auto f : obj) {
    od::field fld;
    if (error_code e = std::move(f).get(fld)) return malformed(doc, e, "in the object");
    std::string_view key;
    if (error_code e = fld.unescaped_key().get(key)) return malformed(doc, e, "in a field name");
    if (!field(doc, key, fld.value(), h, deferred)) return false;
    if (finished_) break;
  }
  if (const char *at = nullptr; !finished_ && doc.current_location().get(at) == SUCCESS)
    return fail(at, "unexpected text after the object (one object per line)");
  for (unsigned id : kRequired)
    if (!seen_[id]) return fail(buf_, "missing field \"" + std::string(kFieldNames[id]) + "\"");
  if (!mask_fits(h)) return false;
  if (deferred) {
    doc.rewind();
    od::object again;
    if (error_code e = doc.get_object().get(again)) return malformed(doc, e, "at the start of the object");
    for (auto f : again) {
      od::field fld;
      std::string_view key;
      if (error_code e = std::move(f).get(fld)) return malformed(doc, e, "in the object");
      if (error_code e = fld.unescaped_key().get(key)) return malformed(doc, e, "in a field name");
      if (key == "samples") {
        if (!samples(doc, fld.value(), h, count_)) return false;
        break;
      }
    }
  }
  samples_count = count_;
  return true;
}

}  // namespace

Decoder::Decoder() : impl_(std::make_unique<Impl>()) {}
Decoder::~Decoder() = default;

char *Decoder::prepare(size_t bytes) { return impl_->reserve(bytes); }

bool Decoder::decode_prepared(size_t bytes, BlockHeader &header, size_t &samples_count, SampleSink sink, void *ctx,
                              DecodeError &error) {
  header = BlockHeader{};
  samples_count = 0;
  if (bytes > max_line_length_) {
    error.offset = max_line_length_;
    error.message = "line of " + std::to_string(bytes) + " bytes is longer than the limit of " +
                    std::to_string(max_line_length_) + " bytes";
    return false;
  }
  char *buf = impl_->reserve(bytes);
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; keep them defined.
  std::memset(buf + bytes, 0, simdjson::SIMDJSON_PADDING);
  // The encoder's layout ends with "samples":[...]}: simdjson then only
  // needs to see the header (with an empty array in place of the samples),
  // not index a million commas. If the first "samples":[ in the text is not
  // that field (inside a string or a nested value), the header alone is
  // malformed or lacks it, and the whole line takes the general path.
  static constexpr std::string_view kSamplesKey = "\"samples\":[";
  if (fast_path_) {
    if (const void *hit = memmem(buf, bytes, kSamplesKey.data(), kSamplesKey.size())) {
      const size_t head_len = size_t(static_cast<const char *>(hit) - buf);
      std::string &head = impl_->head;
      head.assign(buf, head_len);
      head += "\"samples\":[]}";
      const size_t len = head.size();
      head.append(simdjson::SIMDJSON_PADDING, '\0');
      DecodeError ignored;
      Walker w(head.data(), len, impl_->samples, sink, ctx, ignored, true);
      w.read_samples_from(head.data() + head_len + kSamplesKey.size() - 1, buf + head_len + kSamplesKey.size() - 1,
                          buf + bytes);
      if (w.run(impl_->parser, head.size(), header, samples_count) && w.used_fast_path()) return true;
      header = BlockHeader{};
      samples_count = 0;
    }
  }
  Walker w(buf, bytes, impl_->samples, sink, ctx, error, fast_path_);
  return w.run(impl_->parser, bytes + simdjson::SIMDJSON_PADDING, header, samples_count);
}

bool Decoder::decode(std::string_view line, BlockHeader &header, size_t &samples_count, SampleSink sink, void *ctx,
                     DecodeError &error) {
  if (line.size() > max_line_length_) return decode_prepared(line.size(), header, samples_count, sink, ctx, error);
  std::memcpy(impl_->reserve(line.size()), line.data(), line.size());
  return decode_prepared(line.size(), header, samples_count, sink, ctx, error);
}

bool Decoder::decode(std::string_view line, BlockHeader &header, std::vector<uint8_t> &samples, DecodeError &error) {
  size_t count = 0;
  auto sink = [](void *ctx, const BlockHeader &, size_t bytes) -> void * {
    auto *v = static_cast<std::vector<uint8_t> *>(ctx);
    v->resize(bytes);  // no zero-filling when the size repeats
    return v->data();
  };
  return decode(line, header, count, sink, &samples, error);
}

}  // namespace fastaudio::json
