// SPDX-License-Identifier: LGPL-2.1-or-later
// The two-stage path of dsp/resample.h: a half-band 2:1 decimator, then a
// shorter rational stage (`high` and `very-high` at 2.7..3:1 decimation,
// e.g. 48k -> 16k).
#include <algorithm>
#include <cstring>

#include "resample_cascade.h"

namespace fastaudio {

using namespace resample_detail;

void Resampler::Cascade::reset() {
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

size_t Resampler::Cascade::halfband() {
  // Output k needs input frames up to 2k + 2K - 1.
  const uint64_t avail = raw_total;  // frames 0 .. raw_total-1 exist
  if (avail < 2 * K) return 0;
  const uint64_t last = (avail - 2 * K) / 2;  // largest k with 2k + 2K - 1 < avail
  if (last + 1 <= next_k) return 0;
  const size_t count = size_t(last + 1 - next_k);
  // Straight into the 2/3 stage's planar history (what its process() would copy there).
  inner.reserve_history(count);
  // Output q's centre is even pair next_k + q; its odd window starts at pair next_k + q - K.
  const size_t e0 = size_t(int64_t(next_k) - first_pair), o0 = e0 - K;
  for (unsigned c = 0; c < ch; c++) {
    if (h_wide)
      halfband_block_wide(inner.isa(), ev[c].data() + e0, od[c].data() + o0, h_wide, K, count, inner.history_end(c));
    else
      run_halfband(inner.isa(), ev[c].data() + e0, od[c].data() + o0, h, K, count, inner.history_end(c));
  }
  inner.history_appended(count);
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

size_t Resampler::Cascade::emit(const float *y, size_t n, float *out, size_t cap) {
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

size_t Resampler::Cascade::run(const PcmSource *in, size_t frames, float *out, size_t cap) {
  append(in, frames);
  return run_appended(out, cap);
}

size_t Resampler::Cascade::run_appended(float *out, size_t cap) {
  if (halfband() == 0) return 0;
  const size_t need = inner.outputs_ready();
  if (skip == 0 && need <= cap) return inner.produce(out, need, need);
  if (tmp.size() < need * ch) tmp.resize(need * ch);
  const size_t n = inner.produce(tmp.data(), need, need);
  return emit(tmp.data(), n, out, cap);
}

bool Resampler::cascade_wanted(ResampleQuality q) const {
  // 3:1 (48k -> 16k) and the ratios just below it (44.1k -> 16k is 2.76:1):
  // after the half-band, the second stage (2/3, or 320/441) needs about half
  // the taps of the single stage. Closer to 2:1 the half-band's transition
  // band would vanish.
  return !fractional_equiripple_ && !variable_ && resample_preset(q).design.two_stage && spec_.in_rate % 2 == 0 &&
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

void Resampler::cascade_append(const PcmSource *in, size_t frames) {
  // What a quality switch needs (as compact() keeps for the single stage).
  const uint64_t need = keep_history_ + taps_ / 2;
  cascade_->hold = next_index_ > cascade_->origin + need ? next_index_ - cascade_->origin - need : 0;
  cascade_->append(in, frames);
}

size_t Resampler::cascade_process(const PcmSource *in, size_t frames, float *out, size_t out_capacity) {
  // The input first: `out` may be `in` (see process()), and stashed outputs go out before new ones.
  cascade_append(in, frames);
  size_t n = cascade_take(out, out_capacity);
  n += cascade_->run_appended(out + n * spec_.channels, out_capacity - n);
  // Keep the single-stage bookkeeping in step (used by set_quality and compact).
  advance_outputs(n);
  return n;
}

// Builds the cascade and brings it to the stream's current position: it
// reruns the kept input from far enough back that every output from
// out_total_ on is exact, and drops what was already emitted.
void Resampler::start_cascade(ResampleQuality q) {
  auto k = std::make_shared<Cascade>();
  k->ch = spec_.channels;
  k->ev.assign(spec_.channels, {});
  k->od.assign(spec_.channels, {});
  k->inner.any_isa_ = any_isa_;
  if (!k->inner.configure_second_stage({spec_.in_rate / 2, spec_.out_rate, spec_.channels, q}, isa_)) return;
  const HalfbandDesign &hb = halfband_design(q, up_ == 1 && down_ == 3);
  k->K = hb.K;
  k->h = halfband_taps(hb).data();
  if (resample_preset(q).design.wide_accumulator) k->h_wide = halfband_taps_wide(hb).data();
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
    const uint8_t *plane = reinterpret_cast<const uint8_t *>(frames.data());
    const PcmSource kept{PcmFormat::F32LE, spec_.channels, false, &plane};
    k->run(&kept, len, nullptr, 0);
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

// Zeros until every half-band output of the input is out, then the 2/3
// stage's own drain; its total can exceed the exact one by a frame.
size_t Resampler::cascade_drain(float *out, size_t cap) {
  Cascade &k = *cascade_;
  const unsigned ch = spec_.channels;
  size_t written = cascade_take(out, cap);
  const uint64_t halves = (k.raw_total + 1) / 2;
  const uint64_t need = halves ? 2 * (halves - 1) + 2 * k.K : 0;
  if (need > k.raw_total) written += k.run(nullptr, size_t(need - k.raw_total), out + written * ch, cap - written);
  const size_t tail = k.inner.pending_output_frames();
  if (k.tmp.size() < tail * ch) k.tmp.resize(tail * ch);
  const size_t got = k.inner.drain(k.tmp.data(), tail);
  return written + k.emit(k.tmp.data(), got, out + written * ch, cap - written);
}

}  // namespace fastaudio
