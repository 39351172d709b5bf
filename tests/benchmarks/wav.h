// SPDX-License-Identifier: LGPL-2.1-or-later
// Minimal reader for the PCM WAV fixtures the benchmarks use.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace bench {

struct Wav {
  int rate = 0, channels = 0, bits = 0;
  std::vector<uint8_t> data;  // interleaved little-endian PCM
};

inline bool read_wav(const std::string &path, Wav *out) {
  FILE *f = fopen(path.c_str(), "rb");
  if (!f) return false;
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  fclose(f);
  if (bytes.size() < 12 || memcmp(bytes.data(), "RIFF", 4) || memcmp(bytes.data() + 8, "WAVE", 4)) return false;
  auto u32 = [&](size_t at) { uint32_t v; memcpy(&v, &bytes[at], 4); return v; };
  auto u16 = [&](size_t at) { uint16_t v; memcpy(&v, &bytes[at], 2); return v; };
  for (size_t at = 12; at + 8 <= bytes.size();) {
    const uint32_t size = u32(at + 4);
    if (!memcmp(&bytes[at], "fmt ", 4) && at + 24 <= bytes.size()) {
      out->channels = u16(at + 10);
      out->rate = int(u32(at + 12));
      out->bits = u16(at + 22);
    } else if (!memcmp(&bytes[at], "data", 4)) {
      const size_t end = std::min(bytes.size(), at + 8 + size_t(size));
      out->data.assign(bytes.begin() + at + 8, bytes.begin() + end);
      return out->rate > 0 && out->channels > 0;
    }
    at += 8 + size + (size & 1);
  }
  return false;
}

}  // namespace bench
