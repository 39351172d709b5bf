// SPDX-License-Identifier: LGPL-2.1-or-later
// Inputs shared by the resampler's test suites.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "cache_line.h"
#include "resample.h"

namespace fastaudio::test {

inline std::vector<float> noise(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto &x : v) x = d(rng);
  return v;
}

// n floats of noise at a 64-byte aligned address (the aligned kernels'
// input), then zeros up to `room` floats.
struct AlignedNoise {
  std::vector<float> storage;
  float *data;
  AlignedNoise(size_t n, uint32_t seed, size_t room = 0) : storage(std::max(n, room) + kCacheLineFloats, 0.f) {
    data = cache_line_aligned(storage.data());
    const auto v = noise(n, seed);
    std::copy(v.begin(), v.end(), data);
  }
};

// Resamples interleaved `in` in chunks of the given sizes (cycled), then drains.
inline std::vector<float> run_chunked(Resampler &r, const std::vector<float> &in, const std::vector<size_t> &chunks) {
  const unsigned ch = r.spec().channels;
  const size_t frames = in.size() / ch;
  std::vector<float> out((r.max_output_frames(frames) + r.pending_output_frames() + frames * r.up() / r.down() +
                          r.taps() + 16) * ch);
  size_t n = 0, i = 0, k = 0;
  while (i < frames) {
    const size_t len = std::min(chunks[k++ % chunks.size()], frames - i);
    n += r.process(in.data() + i * ch, len, out.data() + n * ch, out.size() / ch - n);
    i += len;
  }
  n += r.drain(out.data() + n * ch, out.size() / ch - n);
  out.resize(n * ch);
  return out;
}

}  // namespace fastaudio::test
