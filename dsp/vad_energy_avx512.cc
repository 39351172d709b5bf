// AVX-512 band energy at decimation 4, the 16 kHz recogniser rate: the AVX2
// grouped kernel (vad_energy_avx2.cc) with two of its four partial results
// in each zmm, [t0 | t1] and [t2 | t3]. The operations are the same; half
// as many instructions keep the FP pipes busier, where the AVX2 kernel
// leaves a third of their slots idle behind its shuffle chains. Masked
// loads take the last blocks, so every length runs the same code.
#include <immintrin.h>

// GCC 12 warns about the undefined vectors inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "simd_avx2.h"
#include "vad_energy.h"

#define FA_AVX512 __attribute__((target("avx512f,fma")))

namespace fastaudio::simd {
namespace {

constexpr size_t kDecim = 4;
constexpr ptrdiff_t kBlockFloats = kDecim * kBandBlock;  // 32
constexpr ptrdiff_t kFourBlockFloats = 4 * kBlockFloats;  // 128

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
  const __mmask16 k = left >= 16 ? __mmask16(0xFFFF) : left <= 0 ? __mmask16(0) : __mmask16((1u << left) - 1);
  return _mm512_maskz_loadu_ps(k, p);
}

// Four blocks from p (floats at or past p + left are zero with MASKED): adds
// their squared sums to the lanes of sq and returns w * their squared block
// sums spread over lanes, lanes j and j + 4 standing for block j.
template <bool MASKED>
FA_AVX512 inline __m256 four_blocks(const float *p, ptrdiff_t left, __m256 w, __m512 &sq) {
  // Block j's first 16 floats are its pairs 0 and 1, the next 16 pairs 2 and 3.
  const __m512 t01 = half_sums(load16<MASKED>(p, left), load16<MASKED>(p + 32, left - 32),
                               load16<MASKED>(p + 64, left - 64), load16<MASKED>(p + 96, left - 96));
  const __m512 t23 = half_sums(load16<MASKED>(p + 16, left - 16), load16<MASKED>(p + 48, left - 48),
                               load16<MASKED>(p + 80, left - 80), load16<MASKED>(p + 112, left - 112));
  sq = _mm512_fmadd_ps(t23, t23, _mm512_fmadd_ps(t01, t01, sq));
  // Block j's sum is e_j + e_{j+4}; the lanes of e * (e + swap(e)) add up to
  // the sum over j of its square.
  const __m256 e = halves_added(_mm512_add_ps(t01, t23));
  const __m256 both = _mm256_add_ps(e, _mm256_permute2f128_ps(e, e, 0x01));
  return _mm256_mul_ps(_mm256_mul_ps(e, w), both);
}

}  // namespace

FA_AVX512 double band_energy4_avx512(const float *x, size_t n, size_t) {
  const size_t m = n / kDecim, short_len = m % kBandBlock;
  const ptrdiff_t used = ptrdiff_t(m * kDecim);
  const __m256 eighth = _mm256_set1_ps(1.f / kBandBlock);
  __m512 sq = _mm512_setzero_ps();
  __m256 block_sq = _mm256_setzero_ps();
  ptrdiff_t i = 0;
  for (; i + kFourBlockFloats <= used; i += kFourBlockFloats)
    block_sq = _mm256_add_ps(block_sq, four_blocks<false>(x + i, 0, eighth, sq));
  if (i < used) {
    // The last 1-3 whole blocks, then a short block of short_len sums whose
    // squared sum is weighted by 1 / short_len (lanes `whole` and whole + 4).
    __m256 w = eighth;
    if (short_len > 0) {
      const int whole = int((used - i) / kBlockFloats);
      const __m256i lane_block = _mm256_setr_epi32(0, 1, 2, 3, 0, 1, 2, 3);
      const __m256 is_short = _mm256_castsi256_ps(_mm256_cmpeq_epi32(lane_block, _mm256_set1_epi32(whole)));
      w = _mm256_blendv_ps(eighth, _mm256_set1_ps(1.f / float(short_len)), is_short);
    }
    block_sq = _mm256_add_ps(block_sq, four_blocks<true>(x + i, used - i, w, sq));
  }
  const double band = double(simd_avx2::hsum(_mm256_sub_ps(halves_added(sq), block_sq))) * (1.0 / double(kDecim));
  return band > 0 ? band : (band == band ? 0.0 : band);
}

}  // namespace fastaudio::simd
