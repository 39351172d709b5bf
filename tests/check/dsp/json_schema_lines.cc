// SPDX-License-Identifier: LGPL-2.1-or-later
// Prints encoder output for every format (edge values, non-finite floats,
// absent timestamps) for tests/check/json_schema_check.py to validate
// against docs/jsonbridge.schema.json.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "json_codec.h"

using namespace fastaudio;
using namespace fastaudio::json;

int main() {
  for (SampleFormat f : kAllSampleFormats) {
    std::vector<uint8_t> samples(sample_bytes(f) * 8, 0);
    for (size_t i = 0; i < samples.size(); i++) samples[i] = uint8_t(i * 37 + 0x80);
    if (f == SampleFormat::S24_32)
      for (size_t i = 0; i < 8; i++) samples[i * 4 + 3] = (samples[i * 4 + 2] & 0x80) ? 0xff : 0;
    if (f == SampleFormat::F32) {
      const float v[8] = {0.5f, -0.0f, std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(),
                          NAN, INFINITY, -INFINITY, -1.0f};
      std::memcpy(samples.data(), v, sizeof v);
    }
    if (f == SampleFormat::F64) {
      const double v[8] = {0.1, -0.0, std::numeric_limits<double>::max(), 5e-324, NAN, INFINITY, -INFINITY, 1e300};
      std::memcpy(samples.data(), v, sizeof v);
    }
    for (int variant = 0; variant < 2; variant++) {
      BlockHeader h;
      h.format = f;
      h.rate = 48000;
      h.channels = 2;
      if (variant == 1) {
        h.pts = 20000000;
        h.duration = UINT64_MAX - 1;
        h.offset = 960;
        h.channel_mask = 0x3;
        h.discont = h.gap = true;
      }
      Encoder e;
      const std::string_view line = e.encode(h, samples.data(), 8);
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
  }
  return 0;
}
