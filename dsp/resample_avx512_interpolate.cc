// SPDX-License-Identifier: LGPL-2.1-or-later
// AVX-512F block kernels for integer interpolation by 2-6: one input load
// feeds L FMAs; stereo straight from and to interleaved frames.
// Built for baseline x86-64: only the functions marked with a target
// attribute use the wider instructions, and they are reached only after a
// run-time CPU check. Taps are always a multiple of 8.
#include <immintrin.h>

#include <algorithm>
#include <utility>

// GCC 12's AVX-512 headers read an intentionally undefined register in some
// intrinsics (masked loads, casts) and warn about it when they are inlined.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "resample_kernels.h"
#include "simd_avx2.h"
#include "simd_avx512.h"

#define FA_AVX2 __attribute__((target("avx2,fma")))
#define FA_AVX512 __attribute__((target("avx512f,avx2,fma")))

namespace fastaudio::resample_detail {

namespace {

// Integer interpolation by L, 32 consecutive input positions: out[q*L + p] =
// sum_m bank[p][m] * x[q + m]. One load of x feeds L FMAs.
template <unsigned L>
FA_AVX512 void interpolate32(const float *x, const float *bank, size_t taps, float *out) {
  __m512 a[L][2];
  for (unsigned p = 0; p < L; p++) a[p][0] = a[p][1] = _mm512_setzero_ps();
  for (size_t m = 0; m < taps; m++) {
    const __m512 x0 = _mm512_loadu_ps(x + m), x1 = _mm512_loadu_ps(x + m + 16);
    for (unsigned p = 0; p < L; p++) {
      const __m512 k = _mm512_set1_ps(bank[p * taps + m]);
      a[p][0] = _mm512_fmadd_ps(k, x0, a[p][0]);
      a[p][1] = _mm512_fmadd_ps(k, x1, a[p][1]);
    }
  }
  alignas(64) float tmp[L][32];
  for (unsigned p = 0; p < L; p++) {
    _mm512_store_ps(tmp[p], a[p][0]);
    _mm512_store_ps(tmp[p] + 16, a[p][1]);
  }
  for (unsigned q = 0; q < 32; q++)
    for (unsigned p = 0; p < L; p++) out[q * L + p] = tmp[p][q];
}

// 64 consecutive input positions, x 64-byte aligned: the shifted windows
// of each 16 taps come from five aligned loads by valignd (no loads that
// straddle cache lines), each coefficient broadcast feeds four FMAs. Per
// output the sum runs over m in order, exactly as interpolate32's. Taps
// are a multiple of 8: whole blocks of 16, then one of 8.
template <unsigned L, int S>
FA_AVX512 inline void interp_tap(__m512 (&a)[L][4], __m512i v0, __m512i v1, __m512i v2, __m512i v3, __m512i v4,
                                 const float *c, size_t taps) {
  const __m512 w0 = _mm512_castsi512_ps(_mm512_alignr_epi32(v1, v0, S));
  const __m512 w1 = _mm512_castsi512_ps(_mm512_alignr_epi32(v2, v1, S));
  const __m512 w2 = _mm512_castsi512_ps(_mm512_alignr_epi32(v3, v2, S));
  const __m512 w3 = _mm512_castsi512_ps(_mm512_alignr_epi32(v4, v3, S));
  for (unsigned p = 0; p < L; p++) {
    const __m512 k = _mm512_set1_ps(c[p * taps + S]);
    a[p][0] = _mm512_fmadd_ps(k, w0, a[p][0]);
    a[p][1] = _mm512_fmadd_ps(k, w1, a[p][1]);
    a[p][2] = _mm512_fmadd_ps(k, w2, a[p][2]);
    a[p][3] = _mm512_fmadd_ps(k, w3, a[p][3]);
  }
}

template <unsigned L, int... S>
FA_AVX512 inline void interp_taps(__m512 (&a)[L][4], const float *x, const float *c, size_t taps,
                                  std::integer_sequence<int, S...>) {
  const __m512i v0 = _mm512_castps_si512(_mm512_load_ps(x));
  const __m512i v1 = _mm512_castps_si512(_mm512_load_ps(x + 16));
  const __m512i v2 = _mm512_castps_si512(_mm512_load_ps(x + 32));
  const __m512i v3 = _mm512_castps_si512(_mm512_load_ps(x + 48));
  const __m512i v4 = _mm512_castps_si512(_mm512_load_ps(x + 64));
  (interp_tap<L, S>(a, v0, v1, v2, v3, v4, c, taps), ...);
}

template <unsigned L>
FA_AVX512 void interpolate64_aligned(const float *x, const float *bank, size_t taps, float *out, size_t stride) {
  __m512 a[L][4];
  for (unsigned p = 0; p < L; p++) a[p][0] = a[p][1] = a[p][2] = a[p][3] = _mm512_setzero_ps();
  size_t jb = 0;
  for (; jb + 16 <= taps; jb += 16) interp_taps<L>(a, x + jb, bank + jb, taps, std::make_integer_sequence<int, 16>());
  if (jb < taps) interp_taps<L>(a, x + jb, bank + jb, taps, std::make_integer_sequence<int, 8>());
  alignas(64) float tmp[L][64];
  for (unsigned p = 0; p < L; p++)
    for (unsigned v = 0; v < 4; v++) _mm512_store_ps(tmp[p] + 16 * v, a[p][v]);
  if (stride == 1) {
    for (unsigned q = 0; q < 64; q++)
      for (unsigned p = 0; p < L; p++) out[q * L + p] = tmp[p][q];
  } else {
    for (unsigned q = 0; q < 64; q++)
      for (unsigned p = 0; p < L; p++) out[(q * L + p) * stride] = tmp[p][q];
  }
}

}  // namespace

bool interpolate64_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out,
                                  size_t stride) {
  switch (L) {
    case 2: interpolate64_aligned<2>(x, bank, taps, out, stride); return true;
    case 3: interpolate64_aligned<3>(x, bank, taps, out, stride); return true;
    case 4: interpolate64_aligned<4>(x, bank, taps, out, stride); return true;
    default: return false;
  }
}

namespace {

// Stereo: 8 V input positions of both channels from interleaved frames
// (x[2j + c], 64-byte aligned), lanes are frames (64-bit: both channels of a
// position), windows shifted by valignq. Each coefficient broadcast feeds V
// FMAs (V = 4 as in interpolate64_aligned; V = 5 still fits in registers at
// L = 3 and is about 6 % faster), and per output the sum runs over m in
// order, so each channel is bit-identical to interpolate32 on it alone. The
// accumulators are permuted into output order (frame q * L + p) and stored
// interleaved: no separate transpose or interleave pass.
template <unsigned L, unsigned V, int S>
FA_AVX512 inline void interp2_tap(__m512d (&a)[L][V], const __m512i (&v)[V + 1], const float *c, size_t taps) {
  // The loops are unrolled so that a and w live in registers at any -O level.
  __m512d w[V];
#pragma GCC unroll 8
  for (unsigned k = 0; k < V; k++) w[k] = _mm512_castsi512_pd(_mm512_alignr_epi64(v[k + 1], v[k], S));
#pragma GCC unroll 8
  for (unsigned p = 0; p < L; p++) {
    const __m512 kc = _mm512_set1_ps(c[p * taps + S]);
#pragma GCC unroll 8
    for (unsigned k = 0; k < V; k++)
      a[p][k] = _mm512_castps_pd(_mm512_fmadd_ps(kc, _mm512_castpd_ps(w[k]), _mm512_castpd_ps(a[p][k])));
  }
}

template <unsigned L, unsigned V, int... S>
FA_AVX512 inline void interp2_taps(__m512d (&a)[L][V], const float *x, const float *c, size_t taps,
                                   std::integer_sequence<int, S...>) {
  __m512i v[V + 1];
#pragma GCC unroll 8
  for (unsigned k = 0; k <= V; k++) v[k] = _mm512_load_si512(x + 16 * k);
  (interp2_tap<L, V, S>(a, v, c, taps), ...);
}

// 8 * V positions (V vectors of 8 frames per phase).
template <unsigned L, unsigned V>
FA_AVX512 void interpolate_x2_aligned(const float *x, const float *bank, size_t taps, float *out) {
  __m512d a[L][V];
#pragma GCC unroll 8
  for (unsigned p = 0; p < L; p++)
#pragma GCC unroll 8
    for (unsigned k = 0; k < V; k++) a[p][k] = _mm512_setzero_pd();
  for (size_t jb = 0; jb < taps; jb += 8)
    interp2_taps<L, V>(a, x + 2 * jb, bank + jb, taps, std::make_integer_sequence<int, 8>());
  // Output frame i = q * L + p of 8 positions (L vectors of 8 frames per
  // accumulator column k): lane e of vector t is position (8t + e) / L of
  // phase (8t + e) % L, gathered with one masked permute per phase.
  alignas(64) int64_t idx[L][8];
  __mmask8 from[L][L] = {};
  for (unsigned t = 0; t < L; t++)
    for (unsigned e = 0; e < 8; e++) {
      idx[t][e] = int64_t((8 * t + e) / L);
      from[t][(8 * t + e) % L] |= __mmask8(1u << e);
    }
#pragma GCC unroll 8
  for (unsigned t = 0; t < L; t++) {
    const __m512i ix = _mm512_load_si512(idx[t]);
#pragma GCC unroll 8
    for (unsigned k = 0; k < V; k++) {
      __m512d r = _mm512_permutexvar_pd(ix, a[0][k]);
#pragma GCC unroll 8
      for (unsigned p = 1; p < L; p++) r = _mm512_mask_permutexvar_pd(r, from[t][p], ix, a[p][k]);
      _mm512_storeu_pd(reinterpret_cast<double *>(out + 2 * (8 * L * k + 8 * t)), r);
    }
  }
}

}  // namespace

bool interpolate40x2_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
  switch (L) {
    case 2: interpolate_x2_aligned<2, 5>(x, bank, taps, out); return true;
    case 3: interpolate_x2_aligned<3, 5>(x, bank, taps, out); return true;
    case 4: interpolate_x2_aligned<4, 5>(x, bank, taps, out); return true;
    default: return false;
  }
}

bool interpolate32x2_aligned_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
  switch (L) {
    case 2: interpolate_x2_aligned<2, 4>(x, bank, taps, out); return true;
    case 3: interpolate_x2_aligned<3, 4>(x, bank, taps, out); return true;
    case 4: interpolate_x2_aligned<4, 4>(x, bank, taps, out); return true;
    default: return false;
  }
}

bool interpolate32_avx512(const float *x, const float *bank, size_t taps, unsigned L, float *out) {
  switch (L) {
    case 2: interpolate32<2>(x, bank, taps, out); return true;
    case 3: interpolate32<3>(x, bank, taps, out); return true;
    case 4: interpolate32<4>(x, bank, taps, out); return true;
    case 5: interpolate32<5>(x, bank, taps, out); return true;
    case 6: interpolate32<6>(x, bank, taps, out); return true;
    default: return false;
  }
}

}  // namespace fastaudio::resample_detail
