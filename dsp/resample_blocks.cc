// SPDX-License-Identifier: LGPL-2.1-or-later
// The AVX-512 block paths of dsp/resample.h: integer decimation and
// interpolation, the 2/3 stage and rational ratios through gathered banks,
// many outputs per kernel call. x86-64 builds only run them.
#include <algorithm>
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
  // Lanes more than kGatherMaxSpan apart (or see build_gather): spread16_avx512,
  // each group's table `len` rows long (coefficients shifted by the lane's offset).
  bool spread = false;
  size_t len = 0;
  const float *group(size_t g) const { return coef.data() + aligned + g * (spread ? len : taps) * 16; }
};

void Resampler::build_gather() {
  gather_.reset();
  if (isa_ != ResampleIsa::Avx512 || interpolate_ || wide_ || up_ % 16 != 0 || up_ == 0 ||
      uint64_t(down_) > uint64_t(up_) * 4)
    return;
  auto t = std::make_shared<GatherTable>();
  const size_t groups = up_ / 16;
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
  t->spread = widest > kGatherMaxSpan ||
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
  // down is invertible mod up (they are coprime): extended Euclid.
  int64_t a = down_ % up_, m = up_, x0 = 1, x1 = 0;
  while (m != 0) {
    const int64_t q = a / m;
    std::tie(a, m) = std::make_tuple(m, a - q * m);
    std::tie(x0, x1) = std::make_tuple(x1, x0 - q * x1);
  }
  t->inv_down = uint32_t(((x0 % int64_t(up_)) + int64_t(up_)) % int64_t(up_));
  gather_ = t;
}

// Rational ratios on AVX-512 through gather16_avx512, whole groups of 16
// outputs of the period: a group that starts before the next output (the
// previous call ended inside it) or ends after the last one is computed whole
// and only the lanes due are kept (cheaper than the dot products for 4 or
// more). Returns outputs written.
size_t Resampler::produce_gather(float *out, size_t count) {
#if !defined(__x86_64__)
  (void)out, (void)count;
  return 0;  // build_gather() makes no table off x86-64
#else
  const GatherTable &t = *gather_;
  const unsigned ch = spec_.channels;
  const size_t ngroups = up_ / 16;
  uint32_t pos = uint32_t((uint64_t(next_phase_) * t.inv_down) % up_);
  size_t skip = pos % 16;  // lanes of the first group before the next output
  size_t done = 0;
  if (skip != 0 && next_index_ - base_ < uint64_t(t.lanes[pos])) {
    // Its first lanes' windows start before the kept history (just after
    // a quality switch): one by one up to the group's end.
    done = produce_generic(out, std::min(count, 16 - skip));
    out += done * ch;
    count -= done;
    pos = uint32_t((uint64_t(next_phase_) * t.inv_down) % up_);
    skip = 0;
  }
  size_t groups = (skip + count) / 16;
  if ((skip + count) % 16 >= 4) groups++;
  const size_t emit = std::min(count, groups * 16 - skip * (groups > 0));
  if (groups == 0 || emit == 0) return done;
  const size_t g0 = pos / 16;
  const size_t off0 = size_t(next_index_ - base_) - size_t(t.lanes[pos]);
  // The kernels read up to 24 (spread: 60) floats past lane 0's window.
  const size_t need = hist_len_ + 64;
  for (auto &h : hist_)
    if (h.size() < need) h.resize(need);
  alignas(64) float y[16], y2[16];
  auto lanes = [&](size_t b) {
    return std::make_pair(b == 0 ? skip : 0, std::min<size_t>(16, skip + emit - b * 16));
  };
  if (ch == 2) {
    // Stereo: group by group, both channels at once, so each group's
    // coefficients are loaded once for both (or, where two periods pair
    // up, come from L1 for the second channel) and its 16 frames are written
    // interleaved straight away: the stores overlap the arithmetic instead
    // of a separate interleave pass over the whole output.
    const float *h0 = hist_[0].data(), *h1 = hist_[1].data();
    alignas(64) float z[16], z2[16];
    auto put2 = [&](size_t b, const float *v0, const float *v1) {
      const auto [first, end] = lanes(b);
      interleave2(v0 + first, v1 + first, end - first, out + (b * 16 + first - skip) * 2);
    };
    size_t g = g0, off = off0;
    for (size_t b = 0; b < groups; b++) {
      const size_t in_period = (b / ngroups) % 2;
      const float *tb = t.group(g);
      const int32_t *r = t.lanes.data() + g * 16;
      if (in_period == 0 && b + ngroups < groups) {
        if (t.spread) {
          const float *x[4] = {h0 + off, h0 + off + down_, h1 + off, h1 + off + down_};
          float *const o[4] = {y, y2, z, z2};
          spread16x4_avx512(x, tb, r, taps_, o);
        } else {
          gather16x2_avx512(h0 + off, h0 + off + down_, tb, r, taps_, y, y2);
          gather16x2_avx512(h1 + off, h1 + off + down_, tb, r, taps_, z, z2);
        }
        put2(b, y, z);
        put2(b + ngroups, y2, z2);
      } else if (in_period == 0) {
        // The paired kernels sum each window as the single ones do.
        (t.spread ? spread16x2_avx512 : gather16x2_avx512)(h0 + off, h1 + off, tb, r, taps_, y, z);
        put2(b, y, z);
      }
      off += t.advance[g];
      if (++g == ngroups) g = 0;
    }
    advance_outputs(emit);
    return done + emit;
  }
  alignas(64) float y3[16], y4[16];
  // Mono: straight into the output; more channels: strided stores.
  auto put = [&](size_t b, unsigned c, const float *v) {
    const auto [first, end] = lanes(b);
    if (ch == 1) {
      std::memcpy(out + b * 16 + first - skip, v + first, (end - first) * sizeof(float));
      return;
    }
    for (size_t i = first; i < end; i++) out[(b * 16 + i - skip) * ch + c] = v[i];
  };
  for (unsigned c = 0; c < ch; c++) {
    const float *h = hist_[c].data();
    size_t g = g0, off = off0;
    for (size_t b = 0; b < groups; b++) {
      // Groups a period apart (same phases, input `down` frames later) go
      // through together: their coefficients (from L2) are loaded once.
      // The input-major kernel takes four periods at once where they are at
      // hand (runs of four from a multiple of four), the rest in pairs.
      const size_t period = b / ngroups, in_run = period % 4;
      if (t.spread && b + (3 - in_run) * ngroups < groups) {
        if (in_run == 0) {
          const float *x[4] = {h + off, h + off + down_, h + off + 2 * size_t(down_), h + off + 3 * size_t(down_)};
          float *const o[4] = {y, y2, y3, y4};
          spread16x4_avx512(x, t.group(g), t.lanes.data() + g * 16, taps_, o);
          put(b, c, y);
          put(b + ngroups, c, y2);
          put(b + 2 * ngroups, c, y3);
          put(b + 3 * ngroups, c, y4);
        }
        off += t.advance[g];
        if (++g == ngroups) g = 0;
        continue;
      }
      const size_t in_period = period % 2;
      if (in_period == 0 && b + ngroups < groups) {
        if (t.spread)
          spread16x2_avx512(h + off, h + off + down_, t.group(g), t.lanes.data() + g * 16, taps_, y, y2);
        else
          gather16x2_avx512(h + off, h + off + down_, t.group(g), t.lanes.data() + g * 16, taps_, y, y2);
        put(b, c, y);
        put(b + ngroups, c, y2);
      } else if (in_period == 0) {
        if (t.spread)
          spread16_avx512(h + off, t.group(g), t.lanes.data() + g * 16, taps_, y);
        else
          gather16_avx512(h + off, t.group(g), t.lanes.data() + g * 16, taps_, y);
        put(b, c, y);
      }
      off += t.advance[g];
      if (++g == ngroups) g = 0;
    }
  }
  advance_outputs(emit);
  return done + emit;
#endif
}

// Integer ratios on AVX-512: many outputs per pass share coefficient or input
// loads (see decimate64_aligned_avx512 / interpolate32_avx512). Returns outputs written.
size_t Resampler::produce_blocks(float *out, size_t count) {
#if !defined(__x86_64__)
  (void)out, (void)count;
  return 0;  // the block kernels are x86-64's (resample_simd.cc)
#else
  if (isa_ != ResampleIsa::Avx512 || interpolate_ || wide_) return 0;
  if (gather_) return produce_gather(out, count);
  const unsigned ch = spec_.channels;
  if (up_ == 1 && down_ >= 2) {
    const size_t blocks = count / 64;
    if (blocks == 0) return 0;
    const unsigned M = down_;
    const size_t off0 = size_t(next_index_ - base_);
    // Rows of J floats, J a multiple of 16 and the first row 64-byte aligned,
    // with room for the aligned kernel's reads 16 floats past a window.
    const size_t J = (blocks * 64 + (taps_ + M - 1) / M + 16 + 15) / 16 * 16;
    if (phase_streams_.size() < J * M + 16) phase_streams_.resize(J * M + 16);
    float *streams = cache_line_aligned(phase_streams_.data());
    if (block_out_.size() < 64) block_out_.resize(64);
    if (phase_ptrs_.size() < M) phase_ptrs_.resize(M);
    const float **xr = phase_ptrs_.data();
    for (unsigned c = 0; c < ch; c++) {
      const float *h = hist_[c].data();
      size_t done = 0;  // leading j already split (vectorised for M = 3)
      if (M == 3 && hist_len_ > off0) {
        const size_t vecs = std::min(J / 16, (hist_len_ - off0) / 48);
        split3_avx512(h + off0, vecs, streams, streams + J, streams + 2 * J);
        done = vecs * 16;
      }
      for (unsigned r = 0; r < M; r++) {
        float *dst = streams + r * J;
        // Frames past the history only meet zero coefficients: pad with zeros.
        const size_t first = off0 + r;
        const size_t valid = hist_len_ > first ? std::min(J, (hist_len_ - first + M - 1) / M) : 0;
        const float *src = h + first;
        for (size_t j = done; j < valid; j++) dst[j] = src[j * M];
        std::fill(dst + std::max(valid, done), dst + J, 0.f);
      }
      for (size_t b = 0; b < blocks; b++) {
        for (unsigned r = 0; r < M; r++) xr[r] = streams + r * J + b * 64;
        decimate64_aligned_avx512(xr, M, bank_->data(), taps_, block_out_.data());
        for (size_t q = 0; q < 64; q++) out[(b * 64 + q) * ch + c] = block_out_[q];
      }
    }
    next_index_ += uint64_t(blocks) * 64 * M;
    out_total_ += blocks * 64;
    return blocks * 64;
  }
  if (up_ == 2 && down_ == 3 && next_phase_ == 0) {
    // Ratio 2/3 (the cascade's second stage): even outputs are a 3:1
    // decimation with row 0, odd ones a 3:1 decimation with row 1 one frame
    // later; both through one kernel on four phase streams
    // (x[3j], x[3j+1], x[3j+2], x[3j+3]), in blocks of 160 outputs (80 +
    // 80: 10 ms at 16 kHz and its multiples are whole blocks).
    // From 32 outputs on, all of them come from the block kernels, so that
    // every channel count agrees bit for bit with mono; a last partial block
    // is computed whole and only its first outputs kept (the generic kernel
    // is cheaper only below about 32).
    constexpr size_t per_block = 160, half = per_block / 2;
    const size_t emit = count >= 32 ? count : 0;
    const size_t blocks = (emit + per_block - 1) / per_block;
    if (blocks == 0) return 0;
    const size_t off0 = size_t(next_index_ - base_);
    const size_t J = (blocks * half + (taps_ + 2) / 3 + 1 + 16 + 15) / 16 * 16;
    // Stereo keeps both channels' streams, so that each block's outputs of
    // both channels are at hand to be written interleaved at once.
    const size_t sets = ch == 2 ? 2 : 1;
    if (phase_streams_.size() < sets * J * 4 + 16) phase_streams_.resize(sets * J * 4 + 16);
    float *streams = cache_line_aligned(phase_streams_.data());
    if (block_out_.size() < 2 * per_block) block_out_.resize(2 * per_block);  // stereo: 4 x 80
    const float *row0 = bank_->data(), *row1 = bank_->data() + taps_;
    // The four phase streams of channel c into st[0 .. 4J).
    auto split = [&](unsigned c, float *st) {
      const float *h = hist_[c].data();
      size_t done = 0;
      if (hist_len_ > off0) {
        const size_t vecs = std::min(J / 16, (hist_len_ - off0) / 48);
        split3_avx512(h + off0, vecs, st, st + J, st + 2 * J);
        done = vecs * 16;
      }
      for (unsigned r = 0; r < 4; r++) {
        float *dst = st + r * J;
        const size_t first = off0 + r;
        const size_t valid = hist_len_ > first ? std::min(J, (hist_len_ - first + 2) / 3) : 0;
        const float *src = h + first;
        // Stream 3 is stream 0 one further on: copy what the split made.
        size_t from = r < 3 ? done : 0;
        if (r == 3 && done > 1) {
          std::memcpy(dst, st + 1, (done - 1) * sizeof(float));
          from = done - 1;
        }
        for (size_t j = from; j < valid; j++) dst[j] = src[j * 3];
        std::fill(dst + std::max(valid, from), dst + J, 0.f);
      }
    };
    float *y = block_out_.data();
    if (ch == 2) {
      split(0, streams);
      split(1, streams + 4 * J);
      for (size_t b = 0; b < blocks; b++) {
        const size_t n = std::min(per_block, emit - b * per_block);
        const float *l = streams + b * half, *r = streams + 4 * J + b * half;
        const float *xl[4] = {l, l + J, l + 2 * J, l + 3 * J}, *xr[4] = {r, r + J, r + 2 * J, r + 3 * J};
        // Left even / odd outputs to y, y + 80, right ones to y + 160, y + 240.
        if (n <= 64) {
          // Both channels in one call: each coefficient broadcast feeds both
          // (the 32-output kernel alone has too few FMAs per broadcast).
          decimate32x2_stereo_aligned_avx512(xl, xr, row0, row1, taps_, y, y + half, y + 2 * half, y + 3 * half);
        } else {
          decimate80x2_aligned_avx512(xl, row0, row1, taps_, y, y + half);
          decimate80x2_aligned_avx512(xr, row0, row1, taps_, y + 2 * half, y + 3 * half);
        }
        // Frame 2i is (left even i, right even i), frame 2i + 1 the odd ones.
        float *o = out + b * 2 * per_block;
        interleave4_avx512(y, y + 2 * half, y + half, y + 3 * half, n / 2, o);
        if (n % 2) o[2 * (n - 1)] = y[n / 2], o[2 * (n - 1) + 1] = y[2 * half + n / 2];
      }
    } else {
      for (unsigned c = 0; c < ch; c++) {
        split(c, streams);
        for (size_t b = 0; b < blocks; b++) {
          const size_t n = std::min(per_block, emit - b * per_block);
          // Block b: 80 even outputs to y, 80 odd ones to y + 80 (a last
          // block of at most 64 outputs needs only the 32 + 32 kernel).
          const float *xs[4] = {streams + b * half, streams + J + b * half, streams + 2 * J + b * half,
                                streams + 3 * J + b * half};
          (n <= 64 ? decimate32x2_aligned_avx512 : decimate80x2_aligned_avx512)(xs, row0, row1, taps_, y, y + half);
          float *o = out + b * per_block * ch + c;
          if (ch == 1) {
            interleave2(y, y + half, n / 2, o);
            if (n % 2) o[n - 1] = y[n / 2];
          } else {
            for (size_t q = 0; q < n; q++) o[q * ch] = y[(q & 1) * half + q / 2];
          }
        }
      }
    }
    next_index_ += uint64_t(emit) * 3 / 2;
    next_phase_ = uint32_t(emit % 2);
    out_total_ += emit;
    return emit;
  }
  if (down_ == 1 && up_ >= 2 && up_ <= kMaxBlockInterpolation && next_phase_ == 0) {
    size_t written = 0;
    if (ch == 2 && up_ <= kMaxBlock64Interpolation && count >= 32 * size_t(up_)) {
      // Stereo: blocks of 40 or 32 input positions of both channels from an
      // aligned interleaved copy of the history (zero-padded past it),
      // straight to interleaved output (see interpolate32x2_aligned_avx512).
      const size_t per_block = 32 * size_t(up_);
      const size_t blocks = count / per_block;
      const size_t off0 = size_t(next_index_ - base_);
      const size_t span = (blocks * 32 + taps_ + 32 + 15) / 16 * 16;  // frames
      if (phase_streams_.size() < 2 * span + 16) phase_streams_.resize(2 * span + 16);
      float *x = cache_line_aligned(phase_streams_.data());
      const size_t valid = std::min(span, hist_len_ - off0);
      interleave2(hist_[0].data() + off0, hist_[1].data() + off0, valid, x);
      std::fill(x + 2 * valid, x + 2 * span, 0.f);
      // The 40-position kernel (five FMAs per broadcast) where it tiles:
      // 32 B positions = 40 a + 32 b with a = 4 (B / 5), b = B - 5 (B / 5).
      const size_t wide = 4 * (blocks / 5) * 40;
      size_t pos = 0;
      for (; pos < wide; pos += 40)
        interpolate40x2_aligned_avx512(x + 2 * pos, bank_->data(), taps_, up_, out + pos * up_ * 2);
      for (; pos < blocks * 32; pos += 32)
        interpolate32x2_aligned_avx512(x + 2 * pos, bank_->data(), taps_, up_, out + pos * up_ * 2);
      next_index_ += uint64_t(blocks) * 32;
      out_total_ += blocks * per_block;
      return blocks * per_block;
    }
    if (up_ <= kMaxBlock64Interpolation && count >= 64 * size_t(up_)) {
      // Blocks of 64 input positions from an aligned copy of the input (the
      // history rows are not aligned), zero-padded past the history.
      const size_t per_block = 64 * size_t(up_);
      const size_t blocks = count / per_block;
      const size_t off0 = size_t(next_index_ - base_);
      const size_t span = (blocks * 64 + (taps_ + 15) / 16 * 16 + 80 + 15) / 16 * 16;
      if (phase_streams_.size() < span + 16) phase_streams_.resize(span + 16);
      float *x = cache_line_aligned(phase_streams_.data());
      const size_t valid = std::min(span, hist_len_ - off0);
      for (unsigned c = 0; c < ch; c++) {
        std::memcpy(x, hist_[c].data() + off0, valid * sizeof(float));
        std::fill(x + valid, x + span, 0.f);
        for (size_t b = 0; b < blocks; b++)
          interpolate64_aligned_avx512(x + b * 64, bank_->data(), taps_, up_, out + b * per_block * ch + c, ch);
      }
      next_index_ += uint64_t(blocks) * 64;
      out_total_ += blocks * per_block;
      written = blocks * per_block;
      out += written * ch;
      count -= written;
    }
    const size_t per_block = 32 * size_t(up_);
    const size_t blocks = count / per_block;
    if (blocks == 0) return written;
    const size_t off0 = size_t(next_index_ - base_);
    if (block_out_.size() < per_block) block_out_.resize(per_block);
    for (unsigned c = 0; c < ch; c++) {
      const float *h = hist_[c].data();
      for (size_t b = 0; b < blocks; b++) {
        interpolate32_avx512(h + off0 + b * 32, bank_->data(), taps_, up_, block_out_.data());
        for (size_t q = 0; q < per_block; q++) out[(b * per_block + q) * ch + c] = block_out_[q];
      }
    }
    next_index_ += uint64_t(blocks) * 32;
    out_total_ += blocks * per_block;
    return written + blocks * per_block;
  }
  return 0;
#endif
}

}  // namespace fastaudio
