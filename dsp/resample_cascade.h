// SPDX-License-Identifier: LGPL-2.1-or-later
// The two-stage path's state (dsp/resample_cascade.cc): the input split
// into even and odd frames, the half-band decimator over them, and the
// shorter rational stage it feeds.
#pragma once

#include <cstring>
#include <vector>

#include "resample_internal.h"

namespace fastaudio {

struct Resampler::Cascade {
  unsigned ch = 1;
  size_t K = resample_detail::kHalfband3.K;
  const float *h = nullptr;  // halfband_taps() of the design in use
  const double *h_wide = nullptr;  // halfband_taps_wide() where the sums are in F64, else null
  // The input split on arrival into even and odd frames, planar: ev[c][j]
  // and od[c][j] are cascade frames 2(first_pair + j) and 2(first_pair + j)
  // + 1 (cascade frame 0 is input frame `origin`; frames before it are
  // zeros). The half-band reads both rows in place. While the cascade runs
  // they are the only copy of the input (see sync_history): frames from
  // `hold` on are kept. od is one frame shorter while a pair is incomplete.
  std::vector<std::vector<float>> ev, od;
  size_t ev_len = 0, od_len = 0;
  int64_t first_pair = 0;
  uint64_t raw_total = 0, next_k = 0;
  uint64_t origin = 0;  // input frame of the cascade's frame 0 (where it was started)
  uint64_t hold = 0;    // cascade frames from here on are kept (for a quality switch)
  size_t slack = resample_detail::kCompactSlack;
  Resampler inner;
  std::vector<float> tmp;
  uint64_t skip = 0;          // inner outputs to discard (already emitted before a switch)
  std::vector<float> stash;   // outputs computed during a switch, not yet emitted
  size_t stash_frames = 0;

  void reset();
  // Frames held (from cascade frame 2 first_pair on).
  size_t held() const { return ev_len + od_len; }
  // Input frame i of `in` (interleaved), channel c; zero when `in` is null.
  float frame(const float *in, size_t i, unsigned c) const { return in ? in[i * ch + c] : 0.f; }
  void append(const float *in, size_t frames, bool zeros);
  // Half-band outputs whose window is complete, appended to the 2/3 stage's history.
  size_t halfband();
  // Writes inner outputs past `skip` to out; extra ones go to the stash.
  size_t emit(const float *y, size_t n, float *out, size_t cap);
  size_t run(const float *in, size_t frames, bool zeros, float *out, size_t cap);
  // Outputs of what append() took in.
  size_t run_appended(float *out, size_t cap);
  // The half-band's look-ahead (output k, at input frame 2k, needs frames up
  // to 2k + 2K - 1), then the second stage's at half the rate.
  size_t latency() const { return 2 * K - 1 + 2 * inner.latency_input_frames(); }
};

}  // namespace fastaudio
