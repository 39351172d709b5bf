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

  void reset() {
    // Output k's window starts at pair k - K: K pairs of zeros before the stream.
    ev_len = od_len = K;
    first_pair = -int64_t(K);
    for (auto *rows : {&ev, &od})
      for (auto &r : *rows) {
        if (r.size() < K) r.resize(K);
        std::fill(r.begin(), r.begin() + long(K), 0.f);
      }
    raw_total = next_k = 0;
    origin = hold = 0;
    skip = 0;
    stash_frames = 0;
    inner.reset();
  }
  // Frames held (from cascade frame 2 first_pair on).
  size_t held() const { return ev_len + od_len; }
  // Input frame i of `in` (interleaved), channel c; zero when `in` is null.
  float frame(const float *in, size_t i, unsigned c) const { return in ? in[i * ch + c] : 0.f; }
  void append(const float *in, size_t frames, bool zeros) {
    if (zeros) in = nullptr;
    const size_t room = (frames + 2) / 2;
    for (auto *rows : {&ev, &od})
      for (auto &r : *rows)
        if (r.size() < ev_len + room) r.resize(std::max(ev_len + room, r.size() * 3 / 2));
    size_t i = 0;
    if (raw_total % 2 == 1 && frames > 0) {  // the odd frame of the pending pair
      for (unsigned c = 0; c < ch; c++) od[c][od_len] = frame(in, 0, c);
      od_len++;
      i = 1;
    }
    const size_t pairs = (frames - i) / 2;
    if (!in) {
      for (unsigned c = 0; c < ch; c++) {
        std::fill_n(ev[c].data() + ev_len, pairs, 0.f);
        std::fill_n(od[c].data() + od_len, pairs, 0.f);
      }
    } else if (ch == 1) {
      resample_detail::split_pairs(in + i, pairs, ev[0].data() + ev_len, od[0].data() + od_len);
    } else if (ch == 2) {
      // Frame 2m is (L, R), frame 2m + 1 the next: four streams in one pass.
      resample_detail::deinterleave4(in + 2 * i, pairs, ev[0].data() + ev_len, ev[1].data() + ev_len, od[0].data() + od_len,
                    od[1].data() + od_len);
    } else {
      for (unsigned c = 0; c < ch; c++)
        for (size_t m = 0; m < pairs; m++) {
          ev[c][ev_len + m] = in[(i + 2 * m) * ch + c];
          od[c][od_len + m] = in[(i + 2 * m + 1) * ch + c];
        }
    }
    ev_len += pairs;
    od_len += pairs;
    i += 2 * pairs;
    if (i < frames) {  // an even frame that starts the next pair
      for (unsigned c = 0; c < ch; c++) ev[c][ev_len] = frame(in, i, c);
      ev_len++;
    }
    raw_total += frames;
  }
  // Half-band outputs whose window is complete, appended to the 2/3 stage's history.
  size_t halfband() {
    // Output k needs input frames up to 2k + 2K - 1.
    const uint64_t avail = raw_total;  // frames 0 .. raw_total-1 exist
    if (avail < 2 * K) return 0;
    const uint64_t last = (avail - 2 * K) / 2;  // largest k with 2k + 2K - 1 < avail
    if (last + 1 <= next_k) return 0;
    const size_t count = size_t(last + 1 - next_k);
    // Straight into the 2/3 stage's planar history (what its process() would copy there).
    inner.compact();
    for (auto &r : inner.hist_)
      if (r.size() < inner.hist_len_ + count) r.resize(std::max(inner.hist_len_ + count, r.size() * 3 / 2));
    // Output q's centre is even pair next_k + q; its odd window starts at pair next_k + q - K.
    const size_t e0 = size_t(int64_t(next_k) - first_pair), o0 = e0 - K;
    for (unsigned c = 0; c < ch; c++)
      resample_detail::run_halfband(inner.isa_, ev[c].data() + e0, od[c].data() + o0, h, K, count, inner.hist_[c].data() + inner.hist_len_);
    inner.hist_len_ += count;
    inner.in_total_ += count;
    inner.trailing_zeros_ = 0;
    next_k += count;
    // Keep pairs from next_k - K on (the next half-band reads from there)
    // and the frames from `hold` on.
    const int64_t keep_pair = std::min(int64_t(next_k) - int64_t(K), int64_t(hold / 2));
    if (keep_pair > first_pair + int64_t(slack / 2)) {
      const size_t drop = size_t(keep_pair - first_pair);
      for (unsigned c = 0; c < ch; c++) {
        std::memmove(ev[c].data(), ev[c].data() + drop, (ev_len - drop) * sizeof(float));
        std::memmove(od[c].data(), od[c].data() + drop, (od_len - drop) * sizeof(float));
      }
      ev_len -= drop;
      od_len -= drop;
      first_pair += int64_t(drop);
    }
    return count;
  }
  // Writes inner outputs past `skip` to out; extra ones go to the stash.
  size_t emit(const float *y, size_t n, float *out, size_t cap) {
    const size_t skipped = size_t(std::min<uint64_t>(skip, n));
    skip -= skipped;
    y += skipped * ch;
    n -= skipped;
    const size_t direct = std::min(n, cap);
    if (direct > 0 && out) std::memcpy(out, y, direct * ch * sizeof(float));  // out is null when cap is 0
    if (n > direct) {
      if (stash.size() < (stash_frames + n - direct) * ch) stash.resize((stash_frames + n - direct) * ch);
      std::memcpy(stash.data() + stash_frames * ch, y + direct * ch, (n - direct) * ch * sizeof(float));
      stash_frames += n - direct;
    }
    return direct;
  }
  size_t run(const float *in, size_t frames, bool zeros, float *out, size_t cap) {
    append(in, frames, zeros);
    return run_appended(out, cap);
  }
  // Outputs of what append() took in.
  size_t run_appended(float *out, size_t cap) {
    if (halfband() == 0) return 0;
    const size_t need = resample_detail::outputs_before(inner.next_index_, inner.next_phase_, inner.up_, inner.down_, inner.taps_,
                                       inner.base_ + inner.hist_len_);
    if (skip == 0 && need <= cap) return inner.produce(out, need, need);
    if (tmp.size() < need * ch) tmp.resize(need * ch);
    const size_t n = inner.produce(tmp.data(), need, need);
    return emit(tmp.data(), n, out, cap);
  }
  // The K zero pairs before the stream, then the 2/3 stage's delay at half the rate.
  size_t latency() const { return 2 * K + 2 * inner.latency_input_frames(); }
};

}  // namespace fastaudio
