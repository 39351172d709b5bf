// SPDX-License-Identifier: LGPL-2.1-or-later
// The Gather path of dsp/resample.h (every SIMD ISA): rational ratios with
// `up` a multiple of 16 (44.1k <-> 48k, the cascade's 320/441 stage), whole
// groups of 16 outputs of a period per kernel call from a transposed bank.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <tuple>

#include "cache_line.h"
#include "resample_internal.h"

namespace fastaudio {

using namespace resample_detail;

// Output n of a period (n = 0 .. up - 1, phase n * down mod up) has its
// window at floor(n * down / up) from the period's first. Group g holds
// outputs 16g .. 16g + 15: their coefficient rows transposed (tap-major, 16
// lanes), each lane's window offset from the group's first, and how far the
// next group's window starts.
struct Resampler::GatherTable {
  size_t taps = 0;
  uint32_t inv_down = 0;            // position n of phase p is p * inv_down mod up
  std::vector<float> coef;          // groups x taps x 16, from `aligned`
  size_t aligned = 0;
  std::vector<int32_t> lanes;       // groups x 16
  std::vector<uint32_t> advance;    // groups
  // Lanes more than kGatherMaxSpan apart (or see build_gather): the Spread16 kernels,
  // each group's table `len` rows long (coefficients shifted by the lane's offset).
  bool spread = false;
  size_t len = 0;
  const float *group(size_t g) const { return coef.data() + aligned + g * (spread ? len : taps) * 16; }
};

// One produce_gather() call's groups: the first lane due in the first
// group, the outputs kept, and where the first group's windows start.
struct Resampler::GatherRun {
  size_t skip = 0, emit = 0, groups = 0, g0 = 0, off0 = 0;
  // Lanes [first, end) of group b that are due.
  std::pair<size_t, size_t> lanes(size_t b) const {
    return {b == 0 ? skip : 0, std::min<size_t>(kGatherGroup, skip + emit - b * kGatherGroup)};
  }
};

namespace {

// down is invertible mod up (they are coprime): extended Euclid.
uint32_t inverse_mod(uint32_t down, uint32_t up) {
  int64_t a = down % up, m = up, x0 = 1, x1 = 0;
  while (m != 0) {
    const int64_t q = a / m;
    std::tie(a, m) = std::make_tuple(m, a - q * m);
    std::tie(x0, x1) = std::make_tuple(x1, x0 - q * x1);
  }
  return uint32_t(((x0 % int64_t(up)) + int64_t(up)) % int64_t(up));
}

}  // namespace

// Tables only (Resampler::path_for() plans for any ISA); the kernels that
// read them come from the IsaKernels tables of isa_.
void Resampler::build_gather() {
  gather_.reset();
  if (!has_block_kernels(isa_) || interpolate_ || wide_ || up_ % kGatherGroup != 0 || up_ == 0 ||
      uint64_t(down_) > uint64_t(up_) * 4)
    return;
  auto t = std::make_shared<GatherTable>();
  const size_t groups = up_ / kGatherGroup;
  auto start = [this](uint64_t n) { return uint64_t((unsigned __int128)n * down_ / up_); };
  int64_t widest = 0;
  for (size_t g = 0; g < groups; g++) widest = std::max(widest, int64_t(start(g * 16 + 15) - start(g * 16)));
  if (widest > kSpreadMaxSpan) return;
  // The input-major kernel also where lanes are close if a 20 ms buffer
  // holds four periods and its extra (masked) taps are few: with no index
  // vectors it has the registers for four windows per coefficient load (four
  // periods of mono, two of both stereo channels), which gather16 does not
  // (high 44.1k -> 48k; not fast, 56 taps, nor the cascade's 320/441 stage).
  // Chosen whatever the channel count: channels stay bit-identical to mono.
  // Only AVX-512 has gather16 (a two-register permute per tap).
  t->spread = widest > kGatherMaxSpan || !kGather16Kernels.has(isa_) ||
              (4 * 50 * uint64_t(down_) <= uint64_t(spec_.in_rate) && taps_ >= 8 * size_t(widest));
  t->len = (taps_ + size_t(widest) + 3) / 4 * 4;
  const size_t rows = t->spread ? t->len : taps_;
  t->taps = taps_;
  t->coef.assign(groups * rows * 16 + 16, 0.f);
  t->aligned = size_t(cache_line_aligned(t->coef.data()) - t->coef.data());
  t->lanes.resize(groups * 16);
  t->advance.resize(groups);
  for (size_t g = 0; g < groups; g++) {
    float *dst = t->coef.data() + t->aligned + g * rows * 16;
    for (size_t i = 0; i < 16; i++) {
      const uint64_t n = g * 16 + i;
      const size_t span = size_t(start(n) - start(g * 16));
      t->lanes[g * 16 + i] = int32_t(span);
      const float *row = bank_->data() + size_t((n * down_) % up_) * taps_;
      const size_t shift = t->spread ? span : 0;
      for (size_t m = 0; m < taps_; m++) dst[(m + shift) * 16 + i] = row[m];
    }
    t->advance[g] = uint32_t(start(g * 16 + 16) - start(g * 16));
  }
  t->inv_down = inverse_mod(down_, up_);
  gather_ = t;
}

size_t Resampler::gather_group_rest() const {
  const uint32_t pos = uint32_t((uint64_t(next_phase_) * gather_->inv_down) % up_);
  return (kGatherGroup - pos % kGatherGroup) % kGatherGroup;
}

// Whole groups of 16 outputs of the period: a group that starts before the
// next output (the previous call ended inside it) or ends after the last one
// is computed whole and only the lanes due are kept (cheaper than the dot
// products for 4 or more). Returns outputs written.
size_t Resampler::produce_gather(float *out, size_t count) {
  const GatherTable &t = *gather_;
  const unsigned ch = spec_.channels;
  uint32_t pos = uint32_t((uint64_t(next_phase_) * t.inv_down) % up_);
  GatherRun run;
  run.skip = pos % kGatherGroup;  // lanes of the first group before the next output
  size_t done = 0;
  if (run.skip != 0 && next_index_ - base_ < uint64_t(t.lanes[pos])) {
    // Its first lanes' windows start before the kept history (just after
    // a quality switch): one by one up to the group's end.
    done = produce_generic(out, std::min(count, kGatherGroup - run.skip));
    out += done * ch;
    count -= done;
    pos = uint32_t((uint64_t(next_phase_) * t.inv_down) % up_);
    run.skip = 0;
  }
  run.groups = (run.skip + count) / kGatherGroup;
  if ((run.skip + count) % kGatherGroup >= kGatherMinLanes) run.groups++;
  run.emit = std::min(count, run.groups * kGatherGroup - run.skip * (run.groups > 0));
  if (run.groups == 0 || run.emit == 0) return done;
  run.g0 = pos / kGatherGroup;
  run.off0 = size_t(next_index_ - base_) - size_t(t.lanes[pos]);
  // The kernels read up to 24 (spread: 60) floats past lane 0's window.
  const size_t need = hist_len_ + 64;
  for (auto &h : hist_)
    if (h.size() < need) h.resize(need);
  if (ch == 2) gather_stereo(out, run);
  else gather_channels(out, run);
  advance_outputs(run.emit);
  return done + run.emit;
}

// Stereo: group by group, both channels at once, so each group's
// coefficients are loaded once for both (or, where two periods pair up, come
// from L1 for the second channel) and its 16 frames are written interleaved
// straight away: the stores overlap the arithmetic instead of a separate
// interleave pass over the whole output.
void Resampler::gather_stereo(float *out, const GatherRun &run) {
  const GatherTable &t = *gather_;
  const size_t ngroups = up_ / kGatherGroup;
  const float *h0 = hist_[0].data(), *h1 = hist_[1].data();
  const Spread16x4Fn spread16x4 = kSpread16x4Kernels.for_isa(isa_);
  const Spread16x2Fn spread16x2 = kSpread16x2Kernels.for_isa(isa_);
  const Gather16x2Fn gather16x2 = kGather16x2Kernels.for_isa(isa_);
  alignas(64) float y[16], y2[16], z[16], z2[16];
  auto put2 = [&](size_t b, const float *v0, const float *v1) {
    const auto [first, end] = run.lanes(b);
    interleave2(v0 + first, v1 + first, end - first, out + (b * 16 + first - run.skip) * 2);
  };
  size_t g = run.g0, off = run.off0;
  for (size_t b = 0; b < run.groups; b++) {
    const size_t in_period = (b / ngroups) % 2;
    const float *tb = t.group(g);
    const int32_t *r = t.lanes.data() + g * 16;
    if (in_period == 0 && b + ngroups < run.groups) {
      if (t.spread) {
        const float *x[4] = {h0 + off, h0 + off + down_, h1 + off, h1 + off + down_};
        float *const o[4] = {y, y2, z, z2};
        spread16x4(x, tb, r, taps_, o);
      } else {
        gather16x2(h0 + off, h0 + off + down_, tb, r, taps_, y, y2);
        gather16x2(h1 + off, h1 + off + down_, tb, r, taps_, z, z2);
      }
      put2(b, y, z);
      put2(b + ngroups, y2, z2);
    } else if (in_period == 0) {
      // The paired kernels sum each window as the single ones do.
      (t.spread ? spread16x2 : gather16x2)(h0 + off, h1 + off, tb, r, taps_, y, z);
      put2(b, y, z);
    }
    off += t.advance[g];
    if (++g == ngroups) g = 0;
  }
}

// Mono straight into the output; more channels with strided stores. Groups
// a period apart (same phases, input `down` frames later) go through
// together: their coefficients (from L2) are loaded once. The input-major
// kernel takes four periods at once where they are at hand (runs of four
// from a multiple of four), the rest in pairs.
void Resampler::gather_channels(float *out, const GatherRun &run) {
  const GatherTable &t = *gather_;
  const unsigned ch = spec_.channels;
  const size_t ngroups = up_ / kGatherGroup;
  const Spread16Fn spread16 = kSpread16Kernels.for_isa(isa_);
  const Spread16x2Fn spread16x2 = kSpread16x2Kernels.for_isa(isa_);
  const Spread16x4Fn spread16x4 = kSpread16x4Kernels.for_isa(isa_);
  const Gather16Fn gather16 = kGather16Kernels.for_isa(isa_);
  const Gather16x2Fn gather16x2 = kGather16x2Kernels.for_isa(isa_);
  // Lone groups two at a time where that kernel beats one at a time.
  const Spread16TwoFn spread16_two = kSpread16TwoKernels.has(isa_) ? kSpread16TwoKernels.for_isa(isa_) : nullptr;
  alignas(64) float scratch[4][16];
  // Where the kernel writes group b: mono output straight into place when
  // all its lanes are due, else scratch row k for put() to copy from.
  auto dst = [&](size_t b, size_t k) {
    const auto [first, end] = run.lanes(b);
    return ch == 1 && first == 0 && end == kGatherGroup ? out + b * 16 - run.skip : scratch[k];
  };
  auto put = [&](size_t b, unsigned c, const float *v) {
    const auto [first, end] = run.lanes(b);
    if (v == out + b * 16 - run.skip) return;
    for (size_t i = first; i < end; i++) out[(b * 16 + i - run.skip) * ch + c] = v[i];
  };
  for (unsigned c = 0; c < ch; c++) {
    const float *h = hist_[c].data();
    size_t g = run.g0, off = run.off0;
    size_t done_ahead = SIZE_MAX;  // a lone group computed with the one before
    for (size_t b = 0; b < run.groups; b++) {
      const size_t period = b / ngroups, in_run = period % 4;
      const float *tb = t.group(g);
      const int32_t *r = t.lanes.data() + g * 16;
      const size_t next_g = g + 1 == ngroups ? 0 : g + 1;
      if (b == done_ahead) {
      } else if (t.spread && b + (3 - in_run) * ngroups < run.groups) {
        if (in_run == 0) {
          const float *x[4] = {h + off, h + off + down_, h + off + 2 * size_t(down_), h + off + 3 * size_t(down_)};
          float *const o[4] = {dst(b, 0), dst(b + ngroups, 1), dst(b + 2 * ngroups, 2), dst(b + 3 * ngroups, 3)};
          spread16x4(x, tb, r, taps_, o);
          for (size_t k = 0; k < 4; k++) put(b + k * ngroups, c, o[k]);
        }
      } else if (period % 2 == 0 && b + ngroups < run.groups) {
        float *const o0 = dst(b, 0), *const o1 = dst(b + ngroups, 1);
        (t.spread ? spread16x2 : gather16x2)(h + off, h + off + down_, tb, r, taps_, o0, o1);
        put(b, c, o0);
        put(b + ngroups, c, o1);
      } else if (period % 2 == 0 && t.spread && spread16_two && b + 1 < run.groups && (b + 1) / ngroups == period) {
        float *const o0 = dst(b, 0), *const o1 = dst(b + 1, 1);
        spread16_two(h + off, tb, r, h + off + t.advance[g], t.group(next_g), t.lanes.data() + next_g * 16, taps_, o0,
                     o1);
        put(b, c, o0);
        put(b + 1, c, o1);
        done_ahead = b + 1;
      } else if (period % 2 == 0) {
        float *const o0 = dst(b, 0);
        (t.spread ? spread16 : gather16)(h + off, tb, r, taps_, o0);
        put(b, c, o0);
      }
      off += t.advance[g];
      g = next_g;
    }
  }
}

}  // namespace fastaudio
