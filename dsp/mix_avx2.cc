// SPDX-License-Identifier: LGPL-2.1-or-later
// Hand-written AVX2 channel-mixing kernels, kept for the layouts where they
// measure faster than the Highway ones (mix_kernels.cc registers them).
// Each output is 0 plus the products in channel order, multiplied and added
// separately as mix_reference() does: bit-identical to it, so results never
// depend on where buffers split.
#include <immintrin.h>

#include <utility>

#include "mix.h"

#define FA_AVX2 __attribute__((target("avx2")))

namespace fastaudio::simd {
namespace {

FA_AVX2 inline __m256 add_product(__m256 acc, __m256 x, __m256 m) { return _mm256_add_ps(acc, _mm256_mul_ps(x, m)); }

}  // namespace

// Stereo to mono: 8 frames = two vectors of L R pairs.
FA_AVX2 void mix_2_1_avx2(const float *m, const float *in, float *out, size_t frames, unsigned, unsigned) {
  const __m256 l = _mm256_set1_ps(m[0]), r = _mm256_set1_ps(m[1]);
  size_t f = 0;
  for (; f + 8 <= frames; f += 8) {
    const __m256 a = _mm256_loadu_ps(in + 2 * f), b = _mm256_loadu_ps(in + 2 * f + 8);
    // Lanes come out as frames 0 1 4 5 2 3 6 7; the permute puts them in order.
    const __m256 left = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 right = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 sum = add_product(add_product(_mm256_setzero_ps(), left, l), right, r);
    _mm256_storeu_ps(out + f, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(sum), 0xD8)));
  }
  mix_reference<float>(m, in + 2 * f, out + f, frames - f, 2, 1);
}

namespace {

FA_AVX2 inline __m256 row_pair(const float *low, const float *high) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(low)), _mm_loadu_ps(high), 1);
}

// x[i] = [lo_i lo_i hi_i hi_i] in each lane: channel i of two frames.
template <int... I>
FA_AVX2 inline void spread_channels(__m256 lo, __m256 hi, __m256 *x, std::integer_sequence<int, I...>) {
  ((x[I] = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(I, I, I, I))), ...);
}

// N channels (6: 5.1, 8: 7.1) to stereo, four frames per step: within each
// 128-bit lane one shuffle puts channel i of two frames as [x x y y]
// against [l r l r] coefficients, so the sums come out interleaved, in
// channel order.
}  // namespace

template <unsigned N>
FA_AVX2 void mix_n_2_avx2(const float *m, const float *in, float *out, size_t frames, unsigned, unsigned) {
  static_assert(N == 6 || N == 8);
  __m256 coef[N];
  for (unsigned i = 0; i < N; i++) coef[i] = _mm256_setr_ps(m[i], m[N + i], m[i], m[N + i], m[i], m[N + i], m[i], m[N + i]);
  size_t f = 0;
  for (; f + 4 <= frames; f += 4) {
    const float *p = in + f * N;
    // Row r: 4 floats of frames 0-1 (low lane) and of frames 2-3 (high).
    auto row = [p](size_t r) FA_AVX2 { return row_pair(p + 4 * r, p + 2 * N + 4 * r); };
    __m256 x[N];
    if constexpr (N == 6) {
      // Rows: a = c0-c3 of the first frame, b = c4 c5 of it and c0 c1 of
      // the second, c = c2-c5 of the second.
      const __m256 a = row(0), b = row(1), c = row(2);
      x[0] = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 2, 0, 0));
      x[1] = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 3, 1, 1));
      x[2] = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(0, 0, 2, 2));
      x[3] = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(1, 1, 3, 3));
      x[4] = _mm256_shuffle_ps(b, c, _MM_SHUFFLE(2, 2, 0, 0));
      x[5] = _mm256_shuffle_ps(b, c, _MM_SHUFFLE(3, 3, 1, 1));
    } else {
      // Rows: c0-c3 and c4-c7 of the first frame, then of the second.
      const __m256 a = row(0), b = row(1), c = row(2), d = row(3);
      spread_channels(a, c, x, std::make_integer_sequence<int, 4>{});
      spread_channels(b, d, x + 4, std::make_integer_sequence<int, 4>{});
    }
    __m256 acc = _mm256_setzero_ps();
    for (unsigned i = 0; i < N; i++) acc = add_product(acc, x[i], coef[i]);
    _mm256_storeu_ps(out + 2 * f, acc);
  }
  mix_reference<float>(m, in + f * N, out + 2 * f, frames - f, N, 2);
}

template void mix_n_2_avx2<6>(const float *, const float *, float *, size_t, unsigned, unsigned);
template void mix_n_2_avx2<8>(const float *, const float *, float *, size_t, unsigned, unsigned);

}  // namespace fastaudio::simd
