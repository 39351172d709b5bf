// SPDX-License-Identifier: LGPL-2.1-or-later
// `very-high`'s second stage in the two-stage path: F32 sums round at the
// magnitude of their partial sums, which around a row's centre taps is the
// output's own (THD+N -130 to -141 dB with 250 taps in F32). The F32 paths
// of `high` sum the bank with those taps zeroed, whose partial sums stay
// small, and the centre taps are added here with the F64 kernels: most of
// the multiplies at F32 speed, THD+N within a few dB of F64 throughout.
#include <algorithm>

#include "resample_internal.h"

namespace fastaudio {

using namespace resample_detail;

// Moves the centre taps of every row out of the bank into centre_rows_.
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
}

// Adds the centre taps' sums to `count` outputs in `out` whose first has
// window start `index` and phase `phase`.
void Resampler::add_centre(float *out, size_t count, uint64_t index, uint32_t phase) const {
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
