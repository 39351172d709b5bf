// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written AVX2 band-energy kernels, kept because they measure faster
// than the Highway ones (vad_energy_kernels.cc registers them): float
// accumulators in lanes, combined in double.
#include <immintrin.h>

#include "vad_energy.h"

#include "simd_avx2.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))

namespace fastaudio::simd {

namespace {

// Lane k of the result = sum of the 8 lanes of w[k]: eight horizontal sums
// at once (lane order is permuted; callers only sum over the lanes).
FA_AVX2 inline __m256 hsum8(const __m256 *w) {
  const __m256 q0 = simd_avx2::pair_sums(simd_avx2::pair_sums(w[0], w[1]), simd_avx2::pair_sums(w[2], w[3]));
  const __m256 q1 = simd_avx2::pair_sums(simd_avx2::pair_sums(w[4], w[5]), simd_avx2::pair_sums(w[6], w[7]));
  return _mm256_add_ps(_mm256_permute2f128_ps(q0, q1, 0x20), _mm256_permute2f128_ps(q0, q1, 0x31));
}

// One block: 8 sums of D (1 or 2) consecutive samples from p, in some lane
// order (callers only sum over lanes).
template <size_t D>
FA_AVX2 inline __m256 decimate_block(const float *p) {
  static_assert(D == 1 || D == 2);
  if constexpr (D == 1) return _mm256_loadu_ps(p);
  else return simd_avx2::pair_sums(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8));
}

// D = 1 and 2: one block (8 sums) per register, eight blocks' sums at once
// through hsum8.
template <size_t D>
FA_AVX2 double band_energy_d(const float *x, size_t n) {
  const size_t blocks = n / (D * kBandBlock);
  __m256 sq0 = _mm256_setzero_ps(), sq1 = sq0, means = sq0;
  __m256 d[8];
  size_t b = 0;
  for (; b + 8 <= blocks; b += 8) {
    for (int k = 0; k < 8; k += 2) {
      d[k] = decimate_block<D>(x + (b + k) * D * kBandBlock);
      sq0 = _mm256_fmadd_ps(d[k], d[k], sq0);
      d[k + 1] = decimate_block<D>(x + (b + k + 1) * D * kBandBlock);
      sq1 = _mm256_fmadd_ps(d[k + 1], d[k + 1], sq1);
    }
    const __m256 s = hsum8(d);  // eight block sums
    means = _mm256_fmadd_ps(s, s, means);
  }
  if (b < blocks) {
    // The last 1-7 blocks, zero-padded; a constant trip count keeps d[] in
    // registers.
    const size_t rem = blocks - b;
    for (size_t k = 0; k < 8; k++) {
      if (k < rem) {
        d[k] = decimate_block<D>(x + (b + k) * D * kBandBlock);
        sq0 = _mm256_fmadd_ps(d[k], d[k], sq0);
      } else {
        d[k] = _mm256_setzero_ps();
      }
    }
    const __m256 s = hsum8(d);
    means = _mm256_fmadd_ps(s, s, means);
  }
  double sq = simd_avx2::hsum(_mm256_add_ps(sq0, sq1)), mean_sq = simd_avx2::hsum(means) / double(kBandBlock);
  // A short last block of sums.
  const size_t m = n / D;
  double tail_sum = 0;
  size_t tail_len = 0;
  for (size_t j = blocks * kBandBlock; j < m; j++, tail_len++) {
    double s = 0;
    for (size_t k = 0; k < D; k++) s += x[j * D + k];
    tail_sum += s;
    sq += s * s;
  }
  if (tail_len) mean_sq += tail_sum * tail_sum / double(tail_len);
  const double band = (sq - mean_sq) / double(D);
  return band > 0 ? band : (band == band ? 0.0 : band);
}

// D >= 4: a group (the samples of one sum) fills a 128-bit half or more, so
// four blocks are processed together with their lanes transposed: lanes j
// and j + 4 of every partial result belong to block j (j < 4). Block sums
// then come from vertical adds, with no horizontal sum per block (the hsum8
// per eight blocks above costs six pair_sums, twelve shuffles).

// Lane j (j < 4) = sum of the low half of input j; lane j + 4 = sum of its
// high half: a 4x4 transpose inside each half with the adds in between.
// The first level pairs lanes (0, 2) and (1, 3) of a with a blend and one
// vshufps ([a0 a1 b2 b3] + [a2 a3 b0 b1]) rather than two unpacks: blends
// run on all four FP pipes, shuffles on three shared with the adds (3-5 %
// faster per frame here, with the same sums).
FA_AVX2 inline __m256 half_sums(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 ab = _mm256_add_ps(_mm256_blend_ps(a, b, 0xCC), _mm256_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m256 cd = _mm256_add_ps(_mm256_blend_ps(c, d, 0xCC), _mm256_shuffle_ps(c, d, _MM_SHUFFLE(1, 0, 3, 2)));
  return simd_avx2::pair_sums(ab, cd);  // [a b c d | a b c d]
}

// The D samples of one group folded into 8 lanes with the same sum.
template <size_t D>
FA_AVX2 inline __m256 fold_group(const float *g) {
  __m256 a = _mm256_loadu_ps(g);
  for (size_t i = 8; i < D; i += 8) a = _mm256_add_ps(a, _mm256_loadu_ps(g + i));
  return a;
}

// Groups a and b as two 128-bit halves: [lo a + hi a | lo b + hi b].
FA_AVX2 inline __m256 pair_halves(__m256 a, __m256 b) {
  return _mm256_add_ps(_mm256_blend_ps(a, b, 0xF0), _mm256_permute2f128_ps(a, b, 0x21));
}

// Pair k (0..3) of a block: groups 2k and 2k + 1, each as a 128-bit half
// whose four lanes add up to the group's sum.
template <size_t D>
FA_AVX2 inline __m256 block_pair(const float *block, size_t k) {
  if constexpr (D == 4) {
    return _mm256_loadu_ps(block + 8 * k);
  } else {
    const float *g = block + 2 * k * D;
    return pair_halves(fold_group<D>(g), fold_group<D>(g + D));
  }
}

// The same for a short block of `len` (1..7) groups; absent groups are zero.
template <size_t D>
FA_AVX2 inline __m256 short_block_pair(const float *block, size_t k, size_t len) {
  const __m256 z = _mm256_setzero_ps();
  if (2 * k >= len) return z;
  const bool both = 2 * k + 1 < len;
  if constexpr (D == 4) {
    return both ? _mm256_loadu_ps(block + 8 * k) : _mm256_set_m128(_mm_setzero_ps(), _mm_loadu_ps(block + 8 * k));
  } else {
    const float *g = block + 2 * k * D;
    return pair_halves(fold_group<D>(g), both ? fold_group<D>(g + D) : z);
  }
}

// Four blocks' part of (sum of squared sums) - w * (squared block sums), per
// lane; pair(j, k) is pair k of block j (zero for an absent block) and lanes
// j and j + 4 of w weight block j (1/8, or 1/len for a short block).
template <class Pair>
FA_AVX2 inline __m256 four_blocks(const Pair &pair, __m256 w) {
  const __m256 t0 = half_sums(pair(0, 0), pair(1, 0), pair(2, 0), pair(3, 0));
  const __m256 t1 = half_sums(pair(0, 1), pair(1, 1), pair(2, 1), pair(3, 1));
  const __m256 t2 = half_sums(pair(0, 2), pair(1, 2), pair(2, 2), pair(3, 2));
  const __m256 t3 = half_sums(pair(0, 3), pair(1, 3), pair(2, 3), pair(3, 3));
  const __m256 sq = _mm256_add_ps(_mm256_fmadd_ps(t1, t1, _mm256_mul_ps(t0, t0)),
                                  _mm256_fmadd_ps(t3, t3, _mm256_mul_ps(t2, t2)));
  // Block j's sum is e_j + e_{j+4}; the lanes of e * (e + swap(e)) add up to
  // the sum over j of its square.
  const __m256 e = _mm256_add_ps(_mm256_add_ps(t0, t1), _mm256_add_ps(t2, t3));
  const __m256 both = _mm256_add_ps(e, _mm256_permute2f128_ps(e, e, 0x01));
  return _mm256_fnmadd_ps(_mm256_mul_ps(e, w), both, sq);
}

// Pair loaders for four_blocks: four whole blocks from p; or W (0..3) whole
// blocks, then a short block of short_len groups if SHORT, then zeros.
template <size_t D>
struct WholeBlocks {
  const float *p;
  FA_AVX2 __m256 operator()(size_t j, size_t k) const { return block_pair<D>(p + j * D * kBandBlock, k); }
};
template <size_t D, size_t W, bool SHORT>
struct LastBlocks {
  const float *p;
  size_t short_len;
  FA_AVX2 __m256 operator()(size_t j, size_t k) const {
    if (j < W) return block_pair<D>(p + j * D * kBandBlock, k);
    if (SHORT && j == W) return short_block_pair<D>(p + j * D * kBandBlock, k, short_len);
    return _mm256_setzero_ps();
  }
};

// The last 1-4 blocks (W whole ones, then the short one if SHORT), whose
// squared sum is weighted by 1/short_len instead of 1/8.
template <size_t D, size_t W, bool SHORT>
FA_AVX2 inline __m256 last_blocks(const float *p, size_t short_len, __m256 eighth) {
  __m256 w = eighth;
  if constexpr (SHORT) w = _mm256_blend_ps(eighth, _mm256_set1_ps(1.f / float(short_len)), (0x11 << W) & 0xFF);
  return four_blocks(LastBlocks<D, W, SHORT>{p, short_len}, w);
}

template <size_t D>
FA_AVX2 double band_energy_grouped(const float *x, size_t n) {
  constexpr size_t kFloats = D * kBandBlock;  // per block
  const size_t m = n / D, blocks = m / kBandBlock, short_len = m % kBandBlock;
  const __m256 eighth = _mm256_set1_ps(1.f / kBandBlock);
  __m256 acc = _mm256_setzero_ps();
  size_t b = 0;
  for (; b + 4 <= blocks; b += 4) acc = _mm256_add_ps(acc, four_blocks(WholeBlocks<D>{x + b * kFloats}, eighth));
  const float *p = x + b * kFloats;
  // A switch on what is left keeps each case straight-line code.
  switch ((blocks - b) * 2 + (short_len > 0)) {
    case 1: acc = _mm256_add_ps(acc, last_blocks<D, 0, true>(p, short_len, eighth)); break;
    case 2: acc = _mm256_add_ps(acc, last_blocks<D, 1, false>(p, short_len, eighth)); break;
    case 3: acc = _mm256_add_ps(acc, last_blocks<D, 1, true>(p, short_len, eighth)); break;
    case 4: acc = _mm256_add_ps(acc, last_blocks<D, 2, false>(p, short_len, eighth)); break;
    case 5: acc = _mm256_add_ps(acc, last_blocks<D, 2, true>(p, short_len, eighth)); break;
    case 6: acc = _mm256_add_ps(acc, last_blocks<D, 3, false>(p, short_len, eighth)); break;
    case 7: acc = _mm256_add_ps(acc, last_blocks<D, 3, true>(p, short_len, eighth)); break;
    default: break;  // nothing left
  }
  const double band = double(simd_avx2::hsum(acc)) * (1.0 / double(D));
  return band > 0 ? band : (band == band ? 0.0 : band);
}

}  // namespace

// One kernel per decimation (the argument is ignored): what the detector
// holds, with no dispatch per call.
template <size_t D>
FA_AVX2 double band_energy_avx2(const float *x, size_t n, size_t) {
  if constexpr (D <= 2) return band_energy_d<D>(x, n);
  else return band_energy_grouped<D>(x, n);
}

template double band_energy_avx2<1>(const float *, size_t, size_t);
template double band_energy_avx2<2>(const float *, size_t, size_t);
template double band_energy_avx2<4>(const float *, size_t, size_t);
template double band_energy_avx2<8>(const float *, size_t, size_t);
template double band_energy_avx2<16>(const float *, size_t, size_t);
template double band_energy_avx2<32>(const float *, size_t, size_t);

}  // namespace fastaudio::simd
