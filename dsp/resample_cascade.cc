// SPDX-License-Identifier: LGPL-2.1-or-later
// The two-stage path of dsp/resample.h: a half-band 2:1 decimator, then a
// shorter rational stage (`high` at 2.7..3:1 decimation, e.g. 48k -> 16k).
#include <algorithm>
#include <cstring>

#include "resample_cascade.h"

namespace fastaudio {

using namespace resample_detail;

bool Resampler::cascade_wanted(ResampleQuality q) const {
  // 3:1 (48k -> 16k) and the ratios just below it (44.1k -> 16k is 2.76:1):
  // after the half-band, the second stage (2/3, or 320/441) needs about half
  // the taps of the single stage. Closer to 2:1 the half-band's transition
  // band would vanish.
  return !spec_.design && !fractional_equiripple_ && q == ResampleQuality::High && spec_.in_rate % 2 == 0 &&
         down_ <= 3 * uint64_t(up_) && 100 * uint64_t(down_) >= 270 * uint64_t(up_);
}

// Stash first (outputs computed while switching quality), then new ones.
size_t Resampler::cascade_take(float *out, size_t out_capacity) {
  Cascade &k = *cascade_;
  const unsigned ch = spec_.channels;
  const size_t n = std::min(k.stash_frames, out_capacity);
  if (n == 0) return 0;
  std::memcpy(out, k.stash.data(), n * ch * sizeof(float));
  std::memmove(k.stash.data(), k.stash.data() + n * ch, (k.stash_frames - n) * ch * sizeof(float));
  k.stash_frames -= n;
  return n;
}

size_t Resampler::cascade_process(const float *in, size_t frames, float *out, size_t out_capacity) {
  // What a quality switch needs (as compact() keeps for the single stage).
  const uint64_t need = keep_history_ + taps_ / 2;
  cascade_->hold = next_index_ > cascade_->origin + need ? next_index_ - cascade_->origin - need : 0;
  // The input first: `out` may be `in` (see process()), and stashed outputs go out before new ones.
  cascade_->append(in, frames, in == nullptr);
  size_t n = cascade_take(out, out_capacity);
  n += cascade_->run_appended(out + n * spec_.channels, out_capacity - n);
  // Keep the single-stage bookkeeping in step (used by set_quality and compact).
  advance_outputs(n);
  return n;
}

// Builds the cascade and brings it to the stream's current position: it
// reruns the kept input from far enough back that every output from
// out_total_ on is exact, and drops what was already emitted.
void Resampler::start_cascade() {
  auto k = std::make_shared<Cascade>();
  k->ch = spec_.channels;
  k->ev.assign(spec_.channels, {});
  k->od.assign(spec_.channels, {});
  k->inner.fractional_equiripple_ = true;
  if (!k->inner.configure({spec_.in_rate / 2, spec_.out_rate, spec_.channels, ResampleQuality::High}, isa_)) return;
  const HalfbandDesign &hb = (up_ == 1 && down_ == 3) ? kHalfband3 : kHalfbandNarrow;
  k->K = hb.K;
  k->h = halfband_taps(hb).data();
  k->reset();
  // Restart at input frame S, a multiple of 2 x the inner down factor so the
  // phases line up, early enough for the first output still due.
  const uint64_t step = 2 * uint64_t(k->inner.down());
  const uint64_t due = uint64_t(((unsigned __int128)out_total_ * down_) / up_);
  const uint64_t back = k->latency() + step;
  const int64_t hist_start = int64_t(base_) - int64_t(taps_ / 2 - 1);  // input frame of hist_[.][0]
  // Back as far as a later switch will need (keep_history_ + taps / 2 before
  // the next output), or as the history goes: the cascade's input copy then
  // holds it (see sync_history).
  const uint64_t latest = due > back ? (due - back) / step * step : 0;
  const uint64_t reach = (keep_history_ + taps_ + step - 1) / step * step;
  const uint64_t earliest = std::max<int64_t>(hist_start, 0) / step * step;
  const uint64_t S = std::min(latest, std::max(earliest, latest > reach ? latest - reach : 0));
  k->origin = S;
  k->slack = std::max(kCompactSlack, 4 * keep_history_);
  const uint64_t end = uint64_t(hist_start + int64_t(hist_len_));
  k->skip = out_total_ - uint64_t(((unsigned __int128)S * up_) / down_);
  cascade_ = k;
  if (end > S) {
    const size_t len = size_t(end - S);
    std::vector<float> frames(len * spec_.channels);
    for (unsigned c = 0; c < spec_.channels; c++)
      for (size_t j = 0; j < len; j++) {
        const int64_t f = int64_t(S + j) - hist_start;
        frames[j * spec_.channels + c] = f < 0 ? 0.f : hist_[c][size_t(f)];
      }
    // Nothing is emitted here: every output goes to the stash.
    k->run(frames.data(), len, false, nullptr, 0);
  }
}

// While the cascade runs, the single-stage history is not kept up to date:
// rebuild it from the cascade's input copy before leaving or restarting it.
void Resampler::sync_history() {
  const Cascade &k = *cascade_;
  const int64_t first = int64_t(k.origin) + 2 * k.first_pair;  // input frame of ev[.][0]
  const int64_t lead = int64_t(taps_ / 2 - 1);
  // hist_[c][j] is input frame base_ + j - lead, base_ >= 0.
  const size_t skip = first + lead < 0 ? size_t(-(first + lead)) : 0;
  base_ = uint64_t(first + lead + int64_t(skip));
  hist_len_ = k.held() > skip ? k.held() - skip : 0;
  for (unsigned c = 0; c < spec_.channels; c++) {
    if (hist_[c].size() < hist_len_) hist_[c].resize(hist_len_);
    // Kept frame f (from ev[.][0]) is ev[c][f / 2] or od[c][f / 2]; only on a quality switch.
    for (size_t j = 0; j < hist_len_; j++) {
      const size_t f = skip + j;
      hist_[c][j] = (f % 2 ? k.od[c] : k.ev[c])[f / 2];
    }
  }
  trailing_zeros_ = 0;
}

}  // namespace fastaudio
