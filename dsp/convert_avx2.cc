// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written AVX2 conversion kernels, kept where they measure faster than
// the Highway kernel of the same pair (convert_kernels.cc registers them).
// Built for baseline x86-64: only functions marked FA_AVX2 use AVX2, and
// they are only reached after a run-time CPU check.
#include <immintrin.h>

#include "convert_reference.h"
#include "convert_x86.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))

namespace fastaudio::simd {

using F = SampleFormat;

// Converts n samples 16 at a time: two vectors of 8 int32 in (from In),
// which pack() turns into 16 outputs, then the reference for the rest.
template <F In, F Out, class Load, class Store>
static FA_AVX2 inline void each_16(const uint8_t *in, uint8_t *out, size_t n, const Load &load,
                                   const Store &store) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) store(i, load(i), load(i + 8));
  ref::convert_samples<In, Out>(in + i * sample_bytes(In), out + i * sample_bytes(Out), n - i);
}

// 16 int32 lanes saturated to int16 and stored in order.
static FA_AVX2 inline void store_s16(int16_t *dst, __m256i a, __m256i b) {
  _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst), _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8));
}

FA_AVX2 void f32_to_s16_avx2(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  const __m256 scale = _mm256_set1_ps(32768.f), lo = _mm256_set1_ps(-32768.f), hi = _mm256_set1_ps(32767.f);
  // x * 32768, NaN -> 0, clamped: cvtps then rounds to nearest even.
  auto load = [&](size_t i) FA_AVX2 {
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(src + i), scale);
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    return _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(v, lo), hi));
  };
  each_16<F::F32, F::S16>(in, out, frames * ic, load, [&](size_t i, __m256i a, __m256i b) FA_AVX2 {
    store_s16(dst + i, a, b);
  });
}

// 2^31 is not representable as int32: cvtps gives INT32_MIN for it and above,
// which the xor with the ">= 2^31" mask turns into INT32_MAX.
FA_AVX2 void f32_to_s32_avx2(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int32_t *>(out);
  const __m256 scale = _mm256_set1_ps(2147483648.f);
  auto load = [&](size_t i) FA_AVX2 {
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(src + i), scale);
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    const __m256i overflow = _mm256_castps_si256(_mm256_cmp_ps(v, scale, _CMP_GE_OQ));
    return _mm256_xor_si256(_mm256_cvtps_epi32(v), overflow);
  };
  each_16<F::F32, F::S32>(in, out, frames * ic, load, [&](size_t i, __m256i a, __m256i b) FA_AVX2 {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst + i), a);
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst + i + 8), b);
  });
}

// Rounds half up as floor((floor(x / 2^15) + 1) / 2), which cannot overflow.
FA_AVX2 void s32_to_s16_avx2(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  auto src = reinterpret_cast<const int32_t *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  auto load = [&](size_t i) FA_AVX2 {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(src + i));
    return _mm256_srai_epi32(_mm256_add_epi32(_mm256_srai_epi32(x, 15), _mm256_set1_epi32(1)), 1);
  };
  each_16<F::S32, F::S16>(in, out, frames * ic, load, [&](size_t i, __m256i a, __m256i b) FA_AVX2 {
    store_s16(dst + i, a, b);
  });
}

// Stereo S16 -> mono F32: madd with ones sums each L/R pair exactly in int32.
FA_AVX2 void stereo_s16_to_mono_f32_avx2(const uint8_t *in, uint8_t *out, size_t frames, unsigned,
                                         unsigned) {
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256 scale = _mm256_set1_ps(1.f / 65536.f);
  size_t i = 0;
  for (; i + 16 <= frames; i += 16) {
    __m256i a = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(src + 2 * i)), ones);
    __m256i b = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(src + 2 * i + 16)), ones);
    _mm256_storeu_ps(dst + i, _mm256_mul_ps(_mm256_cvtepi32_ps(a), scale));
    _mm256_storeu_ps(dst + i + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(b), scale));
  }
  ref::downmix<F::S16, F::F32>(in + 4 * i, out + 4 * i, frames - i, 2);
}

// Stereo F32 -> mono F32: (0 + L + R) * 0.5 in the reference's order (so
// -0 + -0 gives +0 as there); the shuffles split pairs within 128-bit lanes
// and the permute restores the frame order.
FA_AVX2 void stereo_f32_to_mono_f32_avx2(const uint8_t *in, uint8_t *out, size_t frames, unsigned,
                                         unsigned) {
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<float *>(out);
  const __m256 half = _mm256_set1_ps(0.5f);
  size_t i = 0;
  for (; i + 8 <= frames; i += 8) {
    const __m256 a = _mm256_loadu_ps(src + 2 * i), b = _mm256_loadu_ps(src + 2 * i + 8);
    const __m256 left = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 right = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    __m256 sums = _mm256_add_ps(_mm256_add_ps(_mm256_setzero_ps(), left), right);
    sums = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(sums), 0xD8));
    _mm256_storeu_ps(dst + i, _mm256_mul_ps(sums, half));
  }
  ref::downmix<F::F32, F::F32>(in + 8 * i, out + 4 * i, frames - i, 2);
}

}  // namespace fastaudio::simd
