// SPDX-License-Identifier: LGPL-2.1-or-later
// `very-high`'s second stage in the two-stage path: F32 sums round at the
// magnitude of their partial sums, which around a row's centre taps is the
// output's own (THD+N -130 to -141 dB with 250 taps in F32). The F32 paths
// of `high` sum the bank with those taps zeroed, whose partial sums stay
// small, and the centre taps are added here with the F64 kernels: most of
// the multiplies at F32 speed, THD+N within a few dB of F64 throughout.
#include <algorithm>
#include <numeric>

#include "resample_internal.h"

namespace fastaudio {

using namespace resample_detail;

// Moves the centre taps of every row out of the bank into centre_rows_, and
// lays them out for groups of kCentreGroup outputs (centre_groups_).
void Resampler::split_centre() {
  // Row r, tap m is the prototype at r / phases + taps / 2 - 1 - m input
  // periods: the centre is about tap taps / 2 - 1 in every row.
  centre_from_ = taps_ / 2 - kCentreTaps / 2;
  auto tails = std::make_shared<std::vector<float>>(*bank_);
  centre_rows_.assign(phases_ * kCentreTaps, 0.f);
  for (size_t r = 0; r < phases_; r++) {
    float *row = tails->data() + r * taps_ + centre_from_;
    std::copy(row, row + kCentreTaps, centre_rows_.begin() + long(r * kCentreTaps));
    std::fill(row, row + kCentreTaps, 0.f);
  }
  bank_ = tails;
  build_centre_groups();
}

// Groups start at outputs n that are multiples of kCentreGroup: output n has
// phase n * down mod up and window start n * down / up, so a group's phases
// and window offsets depend only on n mod up, one of up / gcd(up, group)
// patterns. Pattern k's table holds, for input frame t of the group's span
// (the last output's window end, so every frame read is in the history),
// the tap each output applies to it (zero outside its window).
void Resampler::build_centre_groups() {
  centre_groups_.clear();
  centre_spans_.clear();
  const uint32_t step = std::gcd(up_, uint32_t(kCentreGroup));
  const size_t patterns = up_ / step;
  if (patterns > kMaxCentrePatterns) return;
  auto start = [this](uint64_t n) { return n * down_ / up_; };
  centre_stride_ = 0;
  for (size_t k = 0; k < patterns; k++) {
    const uint64_t r = k * step;
    centre_spans_.push_back(kCentreTaps + size_t(start(r + kCentreGroup - 1) - start(r)));
    centre_stride_ = std::max(centre_stride_, centre_spans_.back() * kCentreGroup);
  }
  centre_groups_.assign(patterns * centre_stride_, 0.0);
  for (size_t k = 0; k < patterns; k++) {
    const uint64_t r = k * step;
    double *table = centre_groups_.data() + k * centre_stride_;
    for (size_t l = 0; l < kCentreGroup; l++) {
      const size_t phase = size_t((r + l) * down_ % up_), offset = size_t(start(r + l) - start(r));
      for (size_t m = 0; m < kCentreTaps; m++)
        table[(offset + m) * kCentreGroup + l] = double(centre_rows_[phase * kCentreTaps + m]);
    }
  }
}

// Adds the centre taps' sums to `count` outputs in `out`, the first of
// which is output number `n` with window start `index` and phase `phase`.
void Resampler::add_centre(float *out, size_t count, uint64_t n, uint64_t index, uint32_t phase) const {
  const unsigned ch = spec_.channels;
  size_t j = 0;
  if (!centre_groups_.empty()) {
    const size_t head = std::min(count, size_t((kCentreGroup - n % kCentreGroup) % kCentreGroup));
    add_centre_singles(out, head, index, phase);
    const unsigned __int128 pos = (unsigned __int128)head * down_ + phase;
    index += uint64_t(pos / up_);
    phase = uint32_t(pos % up_);
    j = head;
    // Stepping a group on: its first output's window start, and n mod up.
    const uint64_t group_index = uint64_t(kCentreGroup) * down_ / up_;
    const uint32_t group_phase = uint32_t(uint64_t(kCentreGroup) * down_ % up_);
    const uint32_t step = std::gcd(up_, uint32_t(kCentreGroup));
    uint32_t r = uint32_t((n + j) % up_);
    for (; j + kCentreGroup <= count; j += kCentreGroup) {
      const size_t k = r / step;
      const double *table = centre_groups_.data() + k * centre_stride_;
      for (unsigned c = 0; c < ch; c++)
        centre_group_wide(isa_, hist_[c].data() + size_t(index - base_) + centre_from_, table, centre_spans_[k],
                          out + j * ch + c, ch);
      index += group_index;
      phase += group_phase;
      if (phase >= up_) phase -= up_, index++;
      for (r += uint32_t(kCentreGroup); r >= up_;) r -= up_;
    }
  }
  add_centre_singles(out + j * ch, count - j, index, phase);
}

// The same one output at a time, four per wide-kernel call.
void Resampler::add_centre_singles(float *out, size_t count, uint64_t index, uint32_t phase) const {
  const Kernels k = kernels_for(isa_, true);
  const unsigned ch = spec_.channels;
  const uint32_t step_phase = down_ % up_, step_index = down_ / up_;
  for (size_t j = 0; j < count; j += 4) {
    size_t offset[4];
    const float *row[4];
    // The last 1-3 repeat the last output.
    for (size_t q = 0; q < 4; q++) {
      offset[q] = size_t(index - base_) + centre_from_;
      row[q] = centre_rows_.data() + size_t(phase) * kCentreTaps;
      if (j + q + 1 < count) {
        phase += step_phase;
        index += step_index;
        if (phase >= up_) phase -= up_, index++;
      }
    }
    for (unsigned c = 0; c < ch; c++) {
      const float *h = hist_[c].data();
      const float *x[4] = {h + offset[0], h + offset[1], h + offset[2], h + offset[3]};
      float y[4];
      k.dot4(x, row, kCentreTaps, y);
      for (size_t q = 0; q < 4 && j + q < count; q++) {
        float &o = out[(j + q) * ch + c];
        o = float(double(o) + double(y[q]));
      }
    }
  }
}

}  // namespace fastaudio
