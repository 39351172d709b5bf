// SPDX-License-Identifier: LGPL-2.1-or-later
// AVX2 reading of packed 24-bit samples (S24LE: WAV, FLAC), which the
// compiler does not vectorise from the byte-by-byte loop of pcm_sample.h.
// Registered in pcm_planes_kernels.cc as the Avx2 (and Avx512) entry.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace fastaudio::pcm_planes_detail {

#define FA_AVX2 __attribute__((target("avx2")))

// out[i] = S24LE sample i / 2^23, exactly as the scalar reading: each
// sample is moved to the top three bytes of a 32-bit lane (x * 256, which
// a float holds exactly), converted, and scaled by 2^-31.
FA_AVX2 void s24le_to_float_avx2(const uint8_t *in, size_t samples, float *out) {
  const __m256i to_top = _mm256_setr_epi8(-1, 0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11,  //
                                          -1, 0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11);
  const __m256 scale = _mm256_set1_ps(1.0f / 2147483648.0f);
  size_t i = 0;
  // Eight samples are 24 bytes, read as two 16-byte loads 12 bytes apart:
  // the second reads 4 bytes past them, so stop while those exist.
  for (; 3 * i + 28 <= 3 * samples; i += 8) {
    const uint8_t *p = in + 3 * i;
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 12));
    const __m256i v = _mm256_shuffle_epi8(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1), to_top);
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(v), scale));
  }
  for (; i < samples; i++) {
    const uint8_t *p = in + 3 * i;
    const int32_t top = int32_t(uint32_t(p[0]) << 8 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 24);
    out[i] = float(top >> 8) * (1.0f / 8388608.0f);
  }
}

}  // namespace fastaudio::pcm_planes_detail
