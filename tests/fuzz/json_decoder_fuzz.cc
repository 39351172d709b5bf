// SPDX-License-Identifier: LGPL-2.1-or-later
// libFuzzer target for json::Decoder: any bytes as one line. It must never
// crash, hang or read out of bounds; errors must carry a message and an
// offset inside the line and be valid UTF-8; accepted objects must survive encode -> decode
// unchanged (bit-exact); the decoder's fast path must agree with its general
// path on every input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "json_codec.h"
#include "utf8_text.h"

using namespace fastaudio;
using namespace fastaudio::json;

static void check(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Decoder decoder;
  static Decoder general;  // without the fast path: both must agree
  static Decoder again;
  decoder.set_max_line_length(1 << 16);
  general.set_max_line_length(1 << 16);
  general.set_fast_path(false);
  const std::string_view line(reinterpret_cast<const char *>(data), size);
  BlockHeader h, hg;
  std::vector<uint8_t> samples, samples_general;
  DecodeError err, err_general;
  const bool ok = decoder.decode(line, h, samples, err);
  const bool ok_general = general.decode(line, hg, samples_general, err_general);
  check(ok == ok_general, "fast and general paths disagree on accepting");
  if (ok) check(samples == samples_general, "fast and general paths decode different samples");
  else check(err.message == err_general.message && err.offset == err_general.offset, "different errors");
  if (!ok) {
    check(!err.message.empty(), "an error without a message");
    check(escape_bytes(err.message) == err.message, "an error text that is not clean UTF-8");
    check(err.offset <= size, "an error offset past the line");
    return 0;
  }
  check(h.channels >= 1 && h.rate >= 1, "accepted a header without rate or channels");
  check(samples.size() % sample_bytes(h.format) == 0, "partial sample");
  const size_t n = samples.size() / sample_bytes(h.format);
  check(n % h.channels == 0, "partial frame");

  Encoder encoder;
  const std::string_view text = encoder.encode(h, samples.data(), n);
  BlockHeader h2;
  std::vector<uint8_t> samples2;
  DecodeError err2;
  check(again.decode(text, h2, samples2, err2), "our own output was refused");
  check(samples2 == samples, "samples changed in encode -> decode");
  check(h2.format == h.format && h2.rate == h.rate && h2.channels == h.channels &&
            h2.channel_mask == h.channel_mask && h2.pts == h.pts &&
            h2.duration == h.duration && h2.offset == h.offset && h2.discont == h.discont && h2.gap == h.gap,
        "header changed in encode -> decode");
  return 0;
}
