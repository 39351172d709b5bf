// SPDX-License-Identifier: LGPL-2.1-or-later
// The integer-ratio block paths of dsp/resample.h (every SIMD ISA, kernels
// from the IsaKernels tables): many outputs per kernel call, sharing
// coefficient or input loads. Decimate:
// integer decimation, 64 outputs per call; TwoThirds: ratio 2/3 (the
// cascade's second stage), 160 outputs per block; Interpolate: integer
// interpolation up to 6, blocks of 32-64 input positions.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "cache_line.h"
#include "resample_internal.h"

namespace fastaudio {

using namespace resample_detail;

namespace {

constexpr size_t kDecimateBlock = 64;    // outputs per decimate64 call
constexpr size_t kTwoThirdsBlock = 160;  // 80 even + 80 odd: 10 ms at 16 kHz
constexpr size_t kTwoThirdsHalf = kTwoThirdsBlock / 2;
constexpr size_t kTwoThirdsSmall = 64;   // a last block this short: the 32 + 32 kernel
// Below this many outputs the generic kernel is cheaper than a whole block.
constexpr size_t kTwoThirdsMinOutputs = 32;

// Stereo interpolation's widest kernel on each ISA (order of the Isa enum):
// Highway's of 48 positions (whole blocks of three AVX2 vectors of sums per
// phase) except on AVX-512, whose hand-written kernel of 40 (five vectors)
// measures faster than Highway's of 48 there.
struct StereoBlock {
  size_t positions;
  const IsaKernels<InterpolateStereoFn> *kernels;
};
constexpr StereoBlock kWideStereoBlocks[kIsaCount] = {
    {48, &kInterpolate48x2Kernels}, {48, &kInterpolate48x2Kernels}, {48, &kInterpolate48x2Kernels},
    {48, &kInterpolate48x2Kernels}, {40, &kInterpolate40x2Kernels}};
constexpr size_t kWidestStereoBlock = 48;

// `floats` at a cache-line aligned address in `v`, grown as needed.
float *aligned_block(std::vector<float> &v, size_t floats) {
  if (v.size() < floats + kCacheLineFloats) v.resize(floats + kCacheLineFloats);
  return cache_line_aligned(v.data());
}

}  // namespace

// Integer decimation by M: the input split into M phase streams, then 64
// outputs per kernel call. Returns outputs written.
size_t Resampler::produce_decimate(float *out, size_t count) {
  const unsigned ch = spec_.channels;
  const size_t blocks = count / kDecimateBlock;
  if (blocks == 0) return 0;
  const unsigned M = down_;
  const size_t off0 = size_t(next_index_ - base_);
  // Rows of J floats, J a multiple of 16 and the first row 64-byte aligned,
  // with room for the aligned kernel's reads 16 floats past a window.
  const size_t J = (blocks * kDecimateBlock + (taps_ + M - 1) / M + 16 + 15) / 16 * 16;
  float *streams = aligned_block(phase_streams_, J * M);
  if (block_out_.size() < kDecimateBlock) block_out_.resize(kDecimateBlock);
  if (phase_ptrs_.size() < M) phase_ptrs_.resize(M);
  const float **xr = phase_ptrs_.data();
  const Split3Fn split3 = kSplit3Kernels.for_isa(isa_);
  const Decimate64Fn decimate64 = kDecimate64Kernels.for_isa(isa_);
  for (unsigned c = 0; c < ch; c++) {
    const float *h = hist_[c].data();
    size_t done = 0;  // leading j already split (vectorised for M = 3)
    if (M == 3 && hist_len_ > off0) {
      const size_t vecs = std::min(J / 16, (hist_len_ - off0) / 48);
      split3(h + off0, vecs, streams, streams + J, streams + 2 * J);
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
      for (unsigned r = 0; r < M; r++) xr[r] = streams + r * J + b * kDecimateBlock;
      decimate64(xr, M, bank_->data(), taps_, block_out_.data());
      for (size_t q = 0; q < kDecimateBlock; q++) out[(b * kDecimateBlock + q) * ch + c] = block_out_[q];
    }
  }
  next_index_ += uint64_t(blocks) * kDecimateBlock * M;
  out_total_ += blocks * kDecimateBlock;
  return blocks * kDecimateBlock;
}

// Ratio 2/3: even outputs are a 3:1 decimation with row 0, odd ones a 3:1
// decimation with row 1 one frame later; both through one kernel on four
// phase streams (x[3j], x[3j+1], x[3j+2], x[3j+3]), in blocks of 160
// outputs. From 32 outputs on, all of them come from the block kernels, so
// that every channel count agrees bit for bit with mono; a last partial
// block is computed whole and only its first outputs kept. The kernels start
// on phase 0: from another, one generic output gets there first.
size_t Resampler::produce_two_thirds(float *out, size_t count) {
  size_t lead = 0;
  if (next_phase_ != 0) {
    if (count <= 128) return 0;
    lead = produce_generic(out, 1);
    out += lead * spec_.channels;
    count -= lead;
  }
  const size_t emit = count >= kTwoThirdsMinOutputs ? count : 0;
  const size_t blocks = (emit + kTwoThirdsBlock - 1) / kTwoThirdsBlock;
  if (blocks == 0) return lead;
  const size_t J = (blocks * kTwoThirdsHalf + (taps_ + 2) / 3 + 1 + 16 + 15) / 16 * 16;
  // Stereo keeps both channels' streams, so that each block's outputs of
  // both channels are at hand to be written interleaved at once.
  const size_t sets = spec_.channels == 2 ? 2 : 1;
  float *streams = aligned_block(phase_streams_, sets * J * 4);
  if (block_out_.size() < 2 * kTwoThirdsBlock) block_out_.resize(2 * kTwoThirdsBlock);  // stereo: 4 x 80
  if (spec_.channels == 2) two_thirds_stereo(out, streams, J, blocks, emit);
  else two_thirds_channels(out, streams, J, blocks, emit);
  next_index_ += uint64_t(emit) * 3 / 2;
  next_phase_ = uint32_t(emit % 2);
  out_total_ += emit;
  return lead + emit;
}

// The four phase streams of channel c into st[0 .. 4J).
void Resampler::split_two_thirds_streams(unsigned c, float *st, size_t J) const {
  const size_t off0 = size_t(next_index_ - base_);
  const float *h = hist_[c].data();
  size_t done = 0;
  if (hist_len_ > off0) {
    const size_t vecs = std::min(J / 16, (hist_len_ - off0) / 48);
    kSplit3Kernels.for_isa(isa_)(h + off0, vecs, st, st + J, st + 2 * J);
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
}

// Left even / odd outputs of a block to y, y + 80, right ones to y + 160,
// y + 240, then interleaved into frames at once.
void Resampler::two_thirds_stereo(float *out, float *streams, size_t J, size_t blocks, size_t emit) {
  constexpr size_t half = kTwoThirdsHalf;
  const float *row0 = bank_->data(), *row1 = bank_->data() + taps_;
  float *y = block_out_.data();
  const DecimatePairFn pair = kDecimatePairKernels.for_isa(isa_);
  const Interleave4Fn interleave4 = kInterleave4Kernels.for_isa(isa_);
  split_two_thirds_streams(0, streams, J);
  split_two_thirds_streams(1, streams + 4 * J, J);
  for (size_t b = 0; b < blocks; b++) {
    const size_t n = std::min(kTwoThirdsBlock, emit - b * kTwoThirdsBlock);
    const float *l = streams + b * half, *r = streams + 4 * J + b * half;
    const float *xl[4] = {l, l + J, l + 2 * J, l + 3 * J}, *xr[4] = {r, r + J, r + 2 * J, r + 3 * J};
    const size_t outputs = n <= kTwoThirdsSmall ? kTwoThirdsSmall / 2 : half;
    pair(xl, row0, row1, taps_, y, y + half, outputs);
    pair(xr, row0, row1, taps_, y + 2 * half, y + 3 * half, outputs);
    // Frame 2i is (left even i, right even i), frame 2i + 1 the odd ones.
    float *o = out + b * 2 * kTwoThirdsBlock;
    interleave4(y, y + 2 * half, y + half, y + 3 * half, n / 2, o);
    if (n % 2) o[2 * (n - 1)] = y[n / 2], o[2 * (n - 1) + 1] = y[2 * half + n / 2];
  }
}

// One channel at a time: 80 even outputs of a block to y, 80 odd ones to
// y + 80 (a last block of at most 64 outputs needs only the 32 + 32 kernel).
void Resampler::two_thirds_channels(float *out, float *streams, size_t J, size_t blocks, size_t emit) {
  constexpr size_t half = kTwoThirdsHalf;
  const unsigned ch = spec_.channels;
  const float *row0 = bank_->data(), *row1 = bank_->data() + taps_;
  float *y = block_out_.data();
  for (unsigned c = 0; c < ch; c++) {
    split_two_thirds_streams(c, streams, J);
    for (size_t b = 0; b < blocks; b++) {
      const size_t n = std::min(kTwoThirdsBlock, emit - b * kTwoThirdsBlock);
      const float *xs[4] = {streams + b * half, streams + J + b * half, streams + 2 * J + b * half,
                            streams + 3 * J + b * half};
      kDecimatePairKernels.for_isa(isa_)(xs, row0, row1, taps_, y, y + half,
                                         n <= kTwoThirdsSmall ? kTwoThirdsSmall / 2 : half);
      float *o = out + b * kTwoThirdsBlock * ch + c;
      if (ch == 1) {
        interleave2(y, y + half, n / 2, o);
        if (n % 2) o[n - 1] = y[n / 2];
      } else {
        for (size_t q = 0; q < n; q++) o[q * ch] = y[(q & 1) * half + q / 2];
      }
    }
  }
}

// Integer interpolation by L: stereo in blocks of 48, 40 or 32 input
// positions of both channels, otherwise blocks of 64 positions (L <= 4)
// and of 32. The kernels start on phase 0. Returns outputs written.
size_t Resampler::produce_interpolate(float *out, size_t count) {
  if (next_phase_ != 0) return 0;
  if (spec_.channels == 2 && up_ <= kMaxBlock64Interpolation && count >= 32 * size_t(up_))
    return interpolate_stereo(out, count);
  size_t written = 0;
  if (up_ <= kMaxBlock64Interpolation && count >= 64 * size_t(up_)) written = interpolate_channels(out, count, 64);
  return written + interpolate_channels(out + written * spec_.channels, count - written, 32);
}

// From an aligned interleaved copy of the history (zero-padded past it),
// straight to interleaved output (see interpolate32x2_aligned_avx512).
size_t Resampler::interpolate_stereo(float *out, size_t count) {
  const size_t per_block = 32 * size_t(up_);
  const size_t blocks = count / per_block;
  const size_t off0 = size_t(next_index_ - base_);
  const size_t span = (blocks * 32 + taps_ + kWidestStereoBlock + 15) / 16 * 16;  // frames
  float *x = aligned_block(phase_streams_, 2 * span);
  const size_t valid = std::min(span, hist_len_ - off0);
  interleave2(hist_[0].data() + off0, hist_[1].data() + off0, valid, x);
  std::fill(x + 2 * valid, x + 2 * span, 0.f);
  // The ISA's wide kernel where it tiles (whole groups of lcm(wide, 32)
  // positions), then blocks of 32.
  const StereoBlock wide = kWideStereoBlocks[size_t(isa_)];
  const size_t group = std::lcm(wide.positions, size_t(32));
  const size_t wide_end = blocks * 32 / group * group;
  const InterpolateStereoFn wide_kernel = wide.kernels->for_isa(isa_);
  const InterpolateStereoFn kernel32 = kInterpolate32x2Kernels.for_isa(isa_);
  size_t pos = 0;
  for (; pos < wide_end; pos += wide.positions) wide_kernel(x + 2 * pos, bank_->data(), taps_, up_, out + pos * up_ * 2);
  for (; pos < blocks * 32; pos += 32) kernel32(x + 2 * pos, bank_->data(), taps_, up_, out + pos * up_ * 2);
  advance_outputs(blocks * per_block);
  return blocks * per_block;
}

// One channel at a time from an aligned copy of its history (zero-padded
// past it): blocks of 64 input positions (L <= 4) straight to the
// interleaved output, or of 32 (any L) through block_out_.
size_t Resampler::interpolate_channels(float *out, size_t count, size_t positions) {
  const unsigned ch = spec_.channels;
  const size_t per_block = positions * up_;
  const size_t blocks = count / per_block;
  if (blocks == 0) return 0;
  const size_t off0 = size_t(next_index_ - base_);
  const size_t span = (blocks * positions + (taps_ + 15) / 16 * 16 + 80 + 15) / 16 * 16;
  float *x = aligned_block(phase_streams_, span);
  const size_t valid = std::min(span, hist_len_ - off0);
  if (block_out_.size() < per_block) block_out_.resize(per_block);
  const Interpolate64Fn kernel64 = kInterpolate64Kernels.for_isa(isa_);
  const Interpolate32Fn kernel32 = kInterpolate32Kernels.for_isa(isa_);
  for (unsigned c = 0; c < ch; c++) {
    std::memcpy(x, hist_[c].data() + off0, valid * sizeof(float));
    std::fill(x + valid, x + span, 0.f);
    for (size_t b = 0; b < blocks; b++) {
      float *o = out + b * per_block * ch + c;
      if (positions == 64) {
        kernel64(x + b * 64, bank_->data(), taps_, up_, o, ch);
        continue;
      }
      kernel32(x + b * 32, bank_->data(), taps_, up_, block_out_.data());
      for (size_t q = 0; q < per_block; q++) o[q * ch] = block_out_[q];
    }
  }
  advance_outputs(blocks * per_block);
  return blocks * per_block;
}

}  // namespace fastaudio
