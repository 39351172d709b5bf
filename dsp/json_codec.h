// SPDX-License-Identifier: LGPL-2.1-or-later
// Newline-delimited JSON encoding of audio blocks: one self-describing object
// per line (schema version 1, documented in docs/jsonbridge.md). No GStreamer
// types: the element maps GstBuffer/GstAudioInfo to BlockHeader and back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sample_format.h"

namespace fastaudio::json {

inline constexpr int kSchemaVersion = 1;
// An absent pts, duration or offset; written as JSON null.
inline constexpr uint64_t kNone = UINT64_MAX;
inline constexpr uint32_t kMaxChannels = 65535;
inline constexpr uint32_t kMaxRate = 2147483647;
// Bit i of a channel-mask is GStreamer's channel position i (front-left,
// front-right, front-center, lfe1, ...); there are 28 of them.
inline constexpr uint64_t kMaxChannelMask = (uint64_t(1) << 28) - 1;
// The longest line the decoder takes by default, and the longest the encoder
// writes: a buffer that would encode to more becomes several objects.
inline constexpr size_t kDefaultMaxLineLength = size_t(32) << 20;

struct BlockHeader {
  SampleFormat format = SampleFormat::F32;
  uint32_t rate = 0;
  uint32_t channels = 0;
  // kNone when absent: the default positions for the channel count. 0 means
  // unpositioned channels.
  uint64_t channel_mask = kNone;
  uint64_t pts = kNone;
  uint64_t duration = kNone;
  uint64_t offset = kNone;
  bool discont = false;
  bool gap = false;
};

// Format names as GStreamer spells them ("S16LE"); nullopt-like false if unknown.
bool format_from_name(std::string_view name, SampleFormat &format);

// Upper bound of encode()'s output for `samples` samples, newline included.
size_t max_encoded_size(SampleFormat format, size_t samples);

// The most frames of `channels` channels whose object fits in `max_line`
// bytes (newline included), at least 1.
size_t max_frames_per_line(SampleFormat format, uint32_t channels, size_t max_line);

// Writes one object and its '\n' to `out`, which must hold
// max_encoded_size(header.format, samples) bytes; returns the bytes written.
// Integers are written as integers; F32 and F64 in the shortest form that
// reads back bit-exact (std::to_chars). NaN, +Inf and -Inf, which JSON lacks,
// are written as the strings "NaN", "Infinity" and "-Infinity".
size_t encode(const BlockHeader &header, const void *samples, size_t samples_count, char *out);

// encode() into a buffer it owns and reuses.
class Encoder {
 public:
  std::string_view encode(const BlockHeader &header, const void *samples, size_t samples_count);

 private:
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
};

struct DecodeError {
  size_t offset = 0;  // byte offset of the problem within the line
  std::string message;
};

// Parses lines written by encode() (or by anyone following the schema) with
// simdjson. Every problem is reported with its byte offset in the line:
// malformed JSON, wrong types, missing or duplicate fields, unknown format,
// a sample count that is not a multiple of channels, samples out of range for
// the format or not integers for an integer format, a channel-mask that does
// not name `channels` positions, a line over the limit. A UTF-8 byte order
// mark before the object is skipped.
class Decoder {
 public:
  // Returns where decode() writes `bytes` bytes of little-endian samples, or
  // nullptr to give up (reported as an error).
  using SampleSink = void *(*)(void *ctx, const BlockHeader &header, size_t bytes);

  Decoder();
  ~Decoder();
  Decoder(const Decoder &) = delete;
  Decoder &operator=(const Decoder &) = delete;

  void set_max_line_length(size_t bytes) { max_line_length_ = bytes; }
  // Samples arrays in the encoder's layout take a fast path
  // (json_fast_array.h) that leaves anything unusual to simdjson's general
  // one; tests and the fuzzer switch it off to compare the two.
  void set_fast_path(bool on) { fast_path_ = on; }
  size_t max_line_length() const { return max_line_length_; }

  // Scratch of `bytes` bytes (plus the parser's padding) that the caller may
  // fill and then pass to decode_prepared(), saving decode()'s copy.
  char *prepare(size_t bytes);

  // One line, with or without its trailing newline. On success fills `header`
  // and `samples_count` and has written the samples through `sink`.
  bool decode(std::string_view line, BlockHeader &header, size_t &samples_count, SampleSink sink, void *ctx,
              DecodeError &error);
  bool decode_prepared(size_t bytes, BlockHeader &header, size_t &samples_count, SampleSink sink, void *ctx,
                       DecodeError &error);
  // Convenience: samples into a vector.
  bool decode(std::string_view line, BlockHeader &header, std::vector<uint8_t> &samples, DecodeError &error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t max_line_length_ = kDefaultMaxLineLength;
  bool fast_path_ = true;
};

}  // namespace fastaudio::json
