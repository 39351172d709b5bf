// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written AVX-512 band energy at decimations 4 and 8 (16-64 kHz), kept
// where it measures faster than the Highway and the AVX2 kernels: the AVX2
// grouped kernel (vad_energy_avx2.cc) with two of its four partial results
// in each zmm, [t0 | t1] and [t2 | t3]. The operations are the same; half
// as many instructions keep the FP pipes busier, where the AVX2 kernel
// leaves a third of their slots idle behind its shuffle chains. Groups of
// 8 samples are folded into 128-bit lanes with lane-crossing shuffles
// (vshuff32x4), which run beside the in-lane ones. Masked loads take the
// last blocks, so every length runs the same code. At decimations 16 and 32
// the AVX2 kernel measures faster.
#include <immintrin.h>

// GCC 12 warns about the undefined vectors inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "simd_avx2.h"
#include "simd_avx512.h"
#include "vad_energy.h"

#define FA_AVX512 __attribute__((target("avx512f,fma")))

namespace fastaudio::simd {
namespace {

// simd_avx2::pair_sums in each 256-bit half.
FA_AVX512 inline __m512 pair_sums(__m512 a, __m512 b) {
  return _mm512_add_ps(_mm512_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), _mm512_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

// The AVX2 kernel's half_sums in each 256-bit half: there, lane j (j < 4) is
// the sum of the low 128 bits of input j, lane j + 4 that of its high 128.
FA_AVX512 inline __m512 half_sums(__m512 a, __m512 b, __m512 c, __m512 d) {
  const __m512 ab = _mm512_add_ps(_mm512_mask_blend_ps(0xCCCC, a, b), _mm512_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m512 cd = _mm512_add_ps(_mm512_mask_blend_ps(0xCCCC, c, d), _mm512_shuffle_ps(c, d, _MM_SHUFFLE(1, 0, 3, 2)));
  return pair_sums(ab, cd);
}

FA_AVX512 inline __m256 halves_added(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

// 16 floats from p; with MASKED, those at or past p + left read as zero (and
// are not touched).
template <bool MASKED>
FA_AVX512 inline __m512 load16(const float *p, ptrdiff_t left) {
  if constexpr (!MASKED) return _mm512_loadu_ps(p);
  return _mm512_maskz_loadu_ps(left <= 0 ? __mmask16(0) : simd_avx512::tail_mask(size_t(left)), p);
}

// [a0 + a1, a2 + a3, b0 + b1, b2 + b3] in 128-bit lanes.
FA_AVX512 inline __m512 fold(__m512 a, __m512 b) {
  return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(2, 0, 2, 0)), _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

// Four consecutive groups of D samples from g (pairs 2h and 2h + 1 of a
// block), each folded into one 128-bit lane whose four lanes add up to the
// group's sum; floats at or past g + left are zero with MASKED.
template <size_t D, bool MASKED>
FA_AVX512 inline __m512 four_groups(const float *g, ptrdiff_t left) {
  static_assert(D == 4 || D == 8);
  if constexpr (D == 4) return load16<MASKED>(g, left);
  else return fold(load16<MASKED>(g, left), load16<MASKED>(g + 16, left - 16));
}

// Four blocks from p (floats at or past p + left are zero with MASKED): adds
// their squared sums to the lanes of sq and returns w * their squared block
// sums spread over lanes, lanes j and j + 4 standing for block j.
template <size_t D, bool MASKED>
FA_AVX512 inline __m256 four_blocks(const float *p, ptrdiff_t left, __m256 w, __m512 &sq) {
  constexpr ptrdiff_t kBlock = D * kBandBlock, kHalf = kBlock / 2;  // floats
  // [t0 | t1] from the first half of each block (its pairs 0 and 1), [t2 | t3]
  // from the second.
  const __m512 t01 = half_sums(four_groups<D, MASKED>(p, left), four_groups<D, MASKED>(p + kBlock, left - kBlock),
                               four_groups<D, MASKED>(p + 2 * kBlock, left - 2 * kBlock),
                               four_groups<D, MASKED>(p + 3 * kBlock, left - 3 * kBlock));
  const __m512 t23 = half_sums(four_groups<D, MASKED>(p + kHalf, left - kHalf),
                               four_groups<D, MASKED>(p + kBlock + kHalf, left - kBlock - kHalf),
                               four_groups<D, MASKED>(p + 2 * kBlock + kHalf, left - 2 * kBlock - kHalf),
                               four_groups<D, MASKED>(p + 3 * kBlock + kHalf, left - 3 * kBlock - kHalf));
  sq = _mm512_fmadd_ps(t23, t23, _mm512_fmadd_ps(t01, t01, sq));
  // Block j's sum is e_j + e_{j+4}; the lanes of e * (e + swap(e)) add up to
  // the sum over j of its square.
  const __m256 e = halves_added(_mm512_add_ps(t01, t23));
  const __m256 both = _mm256_add_ps(e, _mm256_permute2f128_ps(e, e, 0x01));
  return _mm256_mul_ps(_mm256_mul_ps(e, w), both);
}

}  // namespace

// One kernel per decimation (the argument is ignored).
template <size_t D>
FA_AVX512 double band_energy_avx512(const float *x, size_t n, size_t) {
  constexpr ptrdiff_t kBlock = D * kBandBlock, kFourBlocks = 4 * kBlock;  // floats
  const size_t m = n / D, short_len = m % kBandBlock;
  const ptrdiff_t used = ptrdiff_t(m * D);
  const __m256 eighth = _mm256_set1_ps(1.f / kBandBlock);
  __m512 sq = _mm512_setzero_ps();
  __m256 block_sq = _mm256_setzero_ps();
  ptrdiff_t i = 0;
  for (; i + kFourBlocks <= used; i += kFourBlocks)
    block_sq = _mm256_add_ps(block_sq, four_blocks<D, false>(x + i, 0, eighth, sq));
  if (i < used) {
    // Up to three whole blocks, then a short block of short_len sums (if
    // any) whose squared sum is weighted by 1 / short_len (lanes `whole` and
    // whole + 4).
    __m256 w = eighth;
    if (short_len > 0) {
      const int whole = int((used - i) / kBlock);
      const __m256i lane_block = _mm256_setr_epi32(0, 1, 2, 3, 0, 1, 2, 3);
      const __m256 is_short = _mm256_castsi256_ps(_mm256_cmpeq_epi32(lane_block, _mm256_set1_epi32(whole)));
      w = _mm256_blendv_ps(eighth, _mm256_set1_ps(1.f / float(short_len)), is_short);
    }
    block_sq = _mm256_add_ps(block_sq, four_blocks<D, true>(x + i, used - i, w, sq));
  }
  const double band = double(simd_avx2::hsum(_mm256_sub_ps(halves_added(sq), block_sq))) * (1.0 / double(D));
  return band > 0 ? band : (band == band ? 0.0 : band);
}

template double band_energy_avx512<4>(const float *, size_t, size_t);
template double band_energy_avx512<8>(const float *, size_t, size_t);

}  // namespace fastaudio::simd
