// SPDX-License-Identifier: LGPL-2.1-or-later
// AVX-512F block kernels for decimation: integer ratios (64 outputs per
// call from phase streams), the 2/3 stage, the cascade's half-band, and the
// stream splits they read.
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

// Window s of a block of 16 taps (x[jb + s + 16k ...], k-th vector): the
// even ones are shifted out of the block's aligned loads (valignd, the FP
// shuffle ports), the odd ones loaded unaligned (the load ports). Half and
// half keeps both kinds of port busy: 15-20 % faster than all valignd when
// one window feeds one or two FMAs. Same values either way.
template <int S>
FA_AVX512 inline __m512 tap_window(__m512i lo, __m512i hi, const float *at) {
  if constexpr (S == 0) return _mm512_castsi512_ps(lo);
  else if constexpr (S % 2 == 1) return _mm512_loadu_ps(at);
  else return _mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, S));
}

// Integer decimation, 64 consecutive outputs: out[n] = sum_m c[m] * x[n*M + m],
// with the input split into M phase streams xr[r][j] = x[j*M + r] so that the
// 16 lanes of a vector are 16 consecutive outputs and each coefficient is
// broadcast once for four vectors. The 16 shifted windows of 16 consecutive
// taps come from the block's aligned loads (tap_window: half by valignd,
// half by unaligned loads). xr[r] must be 64-byte aligned. Summed phase
// by phase: agrees with dot_scalar within rounding.
FA_AVX512 void decimate64_aligned_avx512(const float *const *xr, unsigned M, const float *c, size_t taps,
                                         float *out) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  for (unsigned r = 0; r < M; r++) {
    const float *x = xr[r];
    const size_t n = (taps > r) ? (taps - r + M - 1) / M : 0;  // taps j*M + r < taps
    for (size_t jb = 0; jb < n; jb += 16) {
      const __m512i v0 = _mm512_castps_si512(_mm512_load_ps(x + jb));
      const __m512i v1 = _mm512_castps_si512(_mm512_load_ps(x + jb + 16));
      const __m512i v2 = _mm512_castps_si512(_mm512_load_ps(x + jb + 32));
      const __m512i v3 = _mm512_castps_si512(_mm512_load_ps(x + jb + 48));
      const __m512i v4 = _mm512_castps_si512(_mm512_load_ps(x + jb + 64));
      const size_t left = n - jb;
#define FA_TAP(s)                                                                                   \
  if ((s) < left) {                                                                                 \
    const __m512 k = _mm512_set1_ps(c[(jb + (s)) * M + r]);                                        \
    a0 = _mm512_fmadd_ps(k, tap_window<(s)>(v0, v1, x + jb + (s)), a0);                        \
    a1 = _mm512_fmadd_ps(k, tap_window<(s)>(v1, v2, x + jb + (s) + 16), a1);                   \
    a2 = _mm512_fmadd_ps(k, tap_window<(s)>(v2, v3, x + jb + (s) + 32), a2);                   \
    a3 = _mm512_fmadd_ps(k, tap_window<(s)>(v3, v4, x + jb + (s) + 48), a3);                   \
  }
      FA_TAP(0) FA_TAP(1) FA_TAP(2) FA_TAP(3) FA_TAP(4) FA_TAP(5) FA_TAP(6) FA_TAP(7)
      FA_TAP(8) FA_TAP(9) FA_TAP(10) FA_TAP(11) FA_TAP(12) FA_TAP(13) FA_TAP(14) FA_TAP(15)
#undef FA_TAP
    }
  }
  _mm512_storeu_ps(out, a0);
  _mm512_storeu_ps(out + 16, a1);
  _mm512_storeu_ps(out + 32, a2);
  _mm512_storeu_ps(out + 48, a3);
}

namespace {

// Taps of rows c0 (streams 0-2) and c1 (streams 1-3) on stream st of the
// 2/3 stage: c0's tap j * 3 + st and c1's tap j * 3 + st - 1 exist for j
// below these.
struct PairTapCounts {
  size_t n0, n1;
};
inline PairTapCounts pair_tap_counts(unsigned st, size_t taps) {
  const size_t n0 = st < 3 && taps > st ? (taps - st + 2) / 3 : 0;
  const size_t n1 = st >= 1 && taps > st - 1 ? (taps - st + 3) / 3 : 0;
  return {n0, n1};
}

}  // namespace

// Ratio 2/3 as two 3:1 decimations: 80 even outputs (row c0 on streams
// 0, 1, 2) and 80 odd ones (row c1 on streams 1, 2, 3), where xr[s][j] = x[3j + s].
// Every shifted window is made once for two FMAs: streams 1 and 2 serve
// both rows, and stream 3 is stream 0 one further on, so the window of
// stream 0 at j also serves row c1's stream-3 tap at j - 1 (5 % faster than
// a pass over stream 3 of its own). 160 outputs per call: 10 ms at 16 kHz
// and its multiples are whole calls. The even outputs sum in the order
// decimate64_aligned_avx512 does (bit-identical); the odd ones add stream 3's
// taps first (the same sums, in another order).
FA_AVX512 void decimate80x2_aligned_avx512(const float *const xr[3], const float *c0, const float *c1, size_t taps,
                                           float *out0, float *out1) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
  for (unsigned st = 0; st < 3; st++) {
    const float *x = xr[st];
    const PairTapCounts counts = pair_tap_counts(st, taps);
    const size_t n0 = counts.n0;
    // On stream 0, row c1's stream-3 tap (j - 1) * 3 + 2, for 1 <= j <= taps / 3.
    const size_t n1 = st >= 1 ? counts.n1 : taps / 3 + 1;
    const size_t n = std::max(n0, n1);
    for (size_t jb = 0; jb < n; jb += 16) {
      const __m512i v0 = _mm512_castps_si512(_mm512_load_ps(x + jb));
      const __m512i v1 = _mm512_castps_si512(_mm512_load_ps(x + jb + 16));
      const __m512i v2 = _mm512_castps_si512(_mm512_load_ps(x + jb + 32));
      const __m512i v3 = _mm512_castps_si512(_mm512_load_ps(x + jb + 48));
      const __m512i v4 = _mm512_castps_si512(_mm512_load_ps(x + jb + 64));
      const __m512i v5 = _mm512_castps_si512(_mm512_load_ps(x + jb + 80));
#define FA_TAP2(s)                                                                             \
  {                                                                                            \
    const size_t j = jb + (s);                                                                 \
    const bool t0 = j < n0, t1 = j < n1 && (st > 0 || j > 0);                                  \
    if (t0 || t1) {                                                                            \
      const __m512 w0 = tap_window<(s)>(v0, v1, x + jb + (s));                                 \
      const __m512 w1 = tap_window<(s)>(v1, v2, x + jb + (s) + 16);                            \
      const __m512 w2 = tap_window<(s)>(v2, v3, x + jb + (s) + 32);                            \
      const __m512 w3 = tap_window<(s)>(v3, v4, x + jb + (s) + 48);                            \
      const __m512 w4 = tap_window<(s)>(v4, v5, x + jb + (s) + 64);                            \
      if (t0) {                                                                                \
        const __m512 k = _mm512_set1_ps(c0[j * 3 + st]);                                       \
        a0 = _mm512_fmadd_ps(k, w0, a0), a1 = _mm512_fmadd_ps(k, w1, a1);                     \
        a2 = _mm512_fmadd_ps(k, w2, a2), a3 = _mm512_fmadd_ps(k, w3, a3);                     \
        a4 = _mm512_fmadd_ps(k, w4, a4);                                                       \
      }                                                                                        \
      if (t1) {                                                                                \
        const __m512 k = _mm512_set1_ps(c1[j * 3 + st - 1]);                                   \
        b0 = _mm512_fmadd_ps(k, w0, b0), b1 = _mm512_fmadd_ps(k, w1, b1);                     \
        b2 = _mm512_fmadd_ps(k, w2, b2), b3 = _mm512_fmadd_ps(k, w3, b3);                     \
        b4 = _mm512_fmadd_ps(k, w4, b4);                                                       \
      }                                                                                        \
    }                                                                                          \
  }
      FA_TAP2(0) FA_TAP2(1) FA_TAP2(2) FA_TAP2(3) FA_TAP2(4) FA_TAP2(5) FA_TAP2(6) FA_TAP2(7)
      FA_TAP2(8) FA_TAP2(9) FA_TAP2(10) FA_TAP2(11) FA_TAP2(12) FA_TAP2(13) FA_TAP2(14) FA_TAP2(15)
#undef FA_TAP2
    }
  }
  _mm512_storeu_ps(out0, a0);
  _mm512_storeu_ps(out0 + 16, a1);
  _mm512_storeu_ps(out0 + 32, a2);
  _mm512_storeu_ps(out0 + 48, a3);
  _mm512_storeu_ps(out0 + 64, a4);
  _mm512_storeu_ps(out1, b0);
  _mm512_storeu_ps(out1 + 16, b1);
  _mm512_storeu_ps(out1 + 32, b2);
  _mm512_storeu_ps(out1 + 48, b3);
  _mm512_storeu_ps(out1 + 64, b4);
}

namespace {

// Tap jb + S of one stream of the 32 + 32 kernel below, for C channels:
// its two windows per channel (stream x[c] at jb + S and 16 on) into row
// c0's sums a (while the tap exists for it) and row c1's sums b.
template <size_t C, int S>
FA_AVX512 inline void tap32x2(const __m512i (&v)[C][3], const float *const (&x)[C], size_t jb, unsigned st,
                              PairTapCounts n, const float *c0, const float *c1, __m512 (&a)[C][2],
                              __m512 (&b)[C][2]) {
  const size_t j = jb + S;
  const bool t0 = j < n.n0, t1 = j < n.n1;
  if (!t0 && !t1) return;
  __m512 w[C][2];
#pragma GCC unroll 2
  for (size_t c = 0; c < C; c++) {
    w[c][0] = tap_window<S>(v[c][0], v[c][1], x[c] + jb + S);
    w[c][1] = tap_window<S>(v[c][1], v[c][2], x[c] + jb + S + 16);
  }
  if (t0) {
    const __m512 k = _mm512_set1_ps(c0[j * 3 + st]);
#pragma GCC unroll 2
    for (size_t c = 0; c < C; c++) {
      a[c][0] = _mm512_fmadd_ps(k, w[c][0], a[c][0]);
      a[c][1] = _mm512_fmadd_ps(k, w[c][1], a[c][1]);
    }
  }
  if (t1) {
    const __m512 k = _mm512_set1_ps(c1[j * 3 + st - 1]);
#pragma GCC unroll 2
    for (size_t c = 0; c < C; c++) {
      b[c][0] = _mm512_fmadd_ps(k, w[c][0], b[c][0]);
      b[c][1] = _mm512_fmadd_ps(k, w[c][1], b[c][1]);
    }
  }
}

template <size_t C, int... S>
FA_AVX512 inline void taps32x2(const __m512i (&v)[C][3], const float *const (&x)[C], size_t jb, unsigned st,
                               PairTapCounts n, const float *c0, const float *c1, __m512 (&a)[C][2],
                               __m512 (&b)[C][2], std::integer_sequence<int, S...>) {
  (tap32x2<C, S>(v, x, jb, st, n, c0, c1, a, b), ...);
}

// 32 even and 32 odd outputs (a buffer's last partial block of at most 64
// outputs) for C channels at once, streams[c] holding channel c's four
// phase streams: over all four streams in the single-phase kernel's order,
// so each channel is bit-identical to decimate64_aligned_avx512 on it. With
// C = 2 each coefficient broadcast feeds four FMAs instead of two. Inlined
// into each entry point, as spread16 is.
template <size_t C>
FA_AVX512 __attribute__((always_inline)) inline void decimate32x2(const float *const *const (&streams)[C],
                                                                  const float *c0, const float *c1, size_t taps,
                                                                  float *const (&out0)[C], float *const (&out1)[C]) {
  __m512 a[C][2], b[C][2];
#pragma GCC unroll 2
  for (size_t c = 0; c < C; c++) a[c][0] = a[c][1] = b[c][0] = b[c][1] = _mm512_setzero_ps();
  for (unsigned st = 0; st < 4; st++) {
    const float *x[C];
#pragma GCC unroll 2
    for (size_t c = 0; c < C; c++) x[c] = streams[c][st];
    const PairTapCounts n = pair_tap_counts(st, taps);
    for (size_t jb = 0; jb < std::max(n.n0, n.n1); jb += 16) {
      __m512i v[C][3];
#pragma GCC unroll 2
      for (size_t c = 0; c < C; c++)
#pragma GCC unroll 3
        for (size_t k = 0; k < 3; k++) v[c][k] = _mm512_castps_si512(_mm512_load_ps(x[c] + jb + 16 * k));
      taps32x2<C>(v, x, jb, st, n, c0, c1, a, b, std::make_integer_sequence<int, 16>());
    }
  }
#pragma GCC unroll 2
  for (size_t c = 0; c < C; c++) {
    _mm512_storeu_ps(out0[c], a[c][0]);
    _mm512_storeu_ps(out0[c] + 16, a[c][1]);
    _mm512_storeu_ps(out1[c], b[c][0]);
    _mm512_storeu_ps(out1[c] + 16, b[c][1]);
  }
}

}  // namespace

FA_AVX512 void decimate32x2_aligned_avx512(const float *const xr[4], const float *c0, const float *c1, size_t taps,
                                           float *out0, float *out1) {
  decimate32x2<1>({xr}, c0, c1, taps, {out0}, {out1});
}

// e[m] = x[2m], o[m] = x[2m + 1]: 64 pairs per iteration (eight loads in
// flight). Splitting a stereo buffer that comes from memory, the compiler's
// one-vector loop (deinterleave2) takes about 1.4x memcpy's time for the same
// bytes; this one about memcpy's.
FA_AVX512 void deinterleave2_avx512(const float *x, size_t pairs, float *e, float *o) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  size_t m = 0;
  for (; m + 64 <= pairs; m += 64) {
    __m512 a[4], b[4];
    for (int v = 0; v < 4; v++) a[v] = _mm512_loadu_ps(x + 2 * m + 32 * v), b[v] = _mm512_loadu_ps(x + 2 * m + 32 * v + 16);
    for (int v = 0; v < 4; v++) {
      _mm512_storeu_ps(e + m + 16 * v, _mm512_permutex2var_ps(a[v], ie, b[v]));
      _mm512_storeu_ps(o + m + 16 * v, _mm512_permutex2var_ps(a[v], io, b[v]));
    }
  }
  for (; m + 16 <= pairs; m += 16) {
    const __m512 a = _mm512_loadu_ps(x + 2 * m), b = _mm512_loadu_ps(x + 2 * m + 16);
    _mm512_storeu_ps(e + m, _mm512_permutex2var_ps(a, ie, b));
    _mm512_storeu_ps(o + m, _mm512_permutex2var_ps(a, io, b));
  }
  for (; m < pairs; m++) e[m] = x[2 * m], o[m] = x[2 * m + 1];
}

// x[2m] = e[m], x[2m + 1] = o[m]: 16 pairs per two permutes (Highway's
// StoreInterleaved2 takes about twice as long).
FA_AVX512 void interleave2_avx512(const float *e, const float *o, size_t pairs, float *x) {
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  size_t m = 0;
  for (; m + 16 <= pairs; m += 16) {
    const __m512 ve = _mm512_loadu_ps(e + m), vo = _mm512_loadu_ps(o + m);
    _mm512_storeu_ps(x + 2 * m, _mm512_permutex2var_ps(ve, lo, vo));
    _mm512_storeu_ps(x + 2 * m + 16, _mm512_permutex2var_ps(ve, hi, vo));
  }
  for (; m < pairs; m++) x[2 * m] = e[m], x[2 * m + 1] = o[m];
}

// out[4i .. 4i + 3] = a[i], b[i], c[i], d[i] for i < n: 16 quads per four
// permute pairs and four stores.
FA_AVX512 void interleave4_avx512(const float *a, const float *b, const float *c, const float *d, size_t n,
                                  float *out) {
  // ab / cd: pairs of lanes 0-7 (lo) and 8-15 (hi); then pairs of pairs.
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512i lo2 = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i hi2 = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 va = _mm512_loadu_ps(a + i), vb = _mm512_loadu_ps(b + i);
    const __m512 vc = _mm512_loadu_ps(c + i), vd = _mm512_loadu_ps(d + i);
    const __m512d ab0 = _mm512_castps_pd(_mm512_permutex2var_ps(va, lo, vb));
    const __m512d ab1 = _mm512_castps_pd(_mm512_permutex2var_ps(va, hi, vb));
    const __m512d cd0 = _mm512_castps_pd(_mm512_permutex2var_ps(vc, lo, vd));
    const __m512d cd1 = _mm512_castps_pd(_mm512_permutex2var_ps(vc, hi, vd));
    double *o = reinterpret_cast<double *>(out + 4 * i);
    _mm512_storeu_pd(o, _mm512_permutex2var_pd(ab0, lo2, cd0));
    _mm512_storeu_pd(o + 8, _mm512_permutex2var_pd(ab0, hi2, cd0));
    _mm512_storeu_pd(o + 16, _mm512_permutex2var_pd(ab1, lo2, cd1));
    _mm512_storeu_pd(o + 24, _mm512_permutex2var_pd(ab1, hi2, cd1));
  }
  for (; i < n; i++) out[4 * i] = a[i], out[4 * i + 1] = b[i], out[4 * i + 2] = c[i], out[4 * i + 3] = d[i];
}

// Splits 48 * vecs interleaved floats into 3 phase streams (x[3j + r]):
// two permutes per output vector instead of 48 scalar copies.
FA_AVX512 void split3_avx512(const float *src, size_t vecs, float *d0, float *d1, float *d2) {
  float *dst[3] = {d0, d1, d2};
  __m512i from_ab[3], from_tc[3];
  for (int r = 0; r < 3; r++) {
    alignas(64) int32_t ab[16], tc[16];
    for (int q = 0; q < 16; q++) {
      const int i = 3 * q + r;
      ab[q] = i < 32 ? i : 0;
      tc[q] = i < 32 ? q : 16 + (i - 32);
    }
    from_ab[r] = _mm512_load_si512(ab);
    from_tc[r] = _mm512_load_si512(tc);
  }
  for (size_t v = 0; v < vecs; v++) {
    const __m512 a = _mm512_loadu_ps(src + 48 * v), b = _mm512_loadu_ps(src + 48 * v + 16),
                 c = _mm512_loadu_ps(src + 48 * v + 32);
    for (int r = 0; r < 3; r++) {
      const __m512 t = _mm512_permutex2var_ps(a, from_ab[r], b);
      _mm512_storeu_ps(dst[r] + 16 * v, _mm512_permutex2var_ps(t, from_tc[r], c));
    }
  }
}

namespace {

// Tap i of the half-band for `Blocks` groups of 16 outputs from q: the
// window of o at K + i is loaded, the one at K - 1 - i (within the first 16
// frames of the group's o) is shifted out of two registers (valignd needs
// the shift as an immediate, hence the template). Loads and shuffles run on
// different ports, so this is about 1.7x faster than two loads per tap.
template <size_t K, size_t Blocks, int I>
FA_AVX512 inline void halfband_tap_regs(const float *o, const __m512 *hk, size_t q, const __m512i *v, __m512 *acc) {
  constexpr int t = int(K) - 1 - I;  // 0 .. K-1 <= 15
  const __m512 k = hk[I];
  for (size_t b = 0; b < Blocks; b++) {
    __m512 back;
    if constexpr (t == 0) back = _mm512_castsi512_ps(v[b]);
    else back = _mm512_castsi512_ps(_mm512_alignr_epi32(v[b + 1], v[b], t));
    acc[b] = _mm512_fmadd_ps(k, _mm512_add_ps(_mm512_loadu_ps(o + q + 16 * b + K + I), back), acc[b]);
  }
}

template <size_t K, size_t Blocks, int... I>
FA_AVX512 inline void halfband_taps_regs(const float *o, const __m512 *hk, size_t q, const __m512i *v, __m512 *acc,
                                         std::integer_sequence<int, I...>) {
  (halfband_tap_regs<K, Blocks, I>(o, hk, q, v, acc), ...);
}

// hk[i]: tap i's coefficient in every lane, broadcast once per call (the
// kernel is bound by its loads: a broadcast per tap and group was a third of them).
template <size_t K, size_t Blocks>
FA_AVX512 inline void halfband_group_regs(const float *e, const float *o, const __m512 *hk, size_t q, float *y) {
  __m512i v[Blocks + 1];
  for (size_t b = 0; b <= Blocks; b++) v[b] = _mm512_castps_si512(_mm512_loadu_ps(o + q + 16 * b));
  __m512 acc[Blocks];
  for (size_t b = 0; b < Blocks; b++) acc[b] = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_loadu_ps(e + q + 16 * b));
  halfband_taps_regs<K, Blocks>(o, hk, q, v, acc, std::make_integer_sequence<int, int(K)>{});
  for (size_t b = 0; b < Blocks; b++) _mm512_storeu_ps(y + q + 16 * b, acc[b]);
}

// The last 1-15 outputs (or all of them for a K without a register
// version): two masked loads per tap.
FA_AVX512 void halfband_tail(const float *e, const float *o, const float *h, size_t K, size_t q, size_t count,
                             float *y) {
  const __m512 half = _mm512_set1_ps(0.5f);
  for (; q < count; q += 16) {
    const __mmask16 m = simd_avx512::tail_mask(count - q);
    __m512 a0 = _mm512_mul_ps(half, _mm512_maskz_loadu_ps(m, e + q));
    for (size_t i = 0; i < K; i++) {
      const float *a = o + K + i + q, *b = o + K - 1 - i + q;
      a0 = _mm512_fmadd_ps(_mm512_set1_ps(h[i]),
                           _mm512_add_ps(_mm512_maskz_loadu_ps(m, a), _mm512_maskz_loadu_ps(m, b)), a0);
    }
    _mm512_mask_storeu_ps(y + q, m, a0);
  }
}

template <size_t K>
FA_AVX512 void halfband_regs(const float *e, const float *o, const float *h, size_t count, float *y) {
  // Backward windows lie in the group's first 16 frames (K <= 16); the
  // registers read o up to 15 frames past the group, inside the 2K - 1
  // frames the forward windows read anyway (K >= 9).
  static_assert(K >= 9 && K <= 16);
  __m512 hk[K];
  for (size_t i = 0; i < K; i++) hk[i] = _mm512_set1_ps(h[i]);
  size_t q = 0;
  for (; q + 32 <= count; q += 32) halfband_group_regs<K, 2>(e, o, hk, q, y);
  for (; q + 16 <= count; q += 16) halfband_group_regs<K, 1>(e, o, hk, q, y);
  halfband_tail(e, o, h, K, q, count, y);
}

}  // namespace

// halfband_block with the sums kept in registers across the taps (the
// portable version adds each tap into memory). Same order of sums per
// output: e / 2, then h[i] * (o[q + K + i] + o[q + K - 1 - i]) for i = 0..K-1.
FA_AVX512 void halfband_block_avx512(const float *e, const float *o, const float *h, size_t K, size_t count,
                                     float *y) {
  switch (K) {
    case 14: return halfband_regs<14>(e, o, h, count, y);  // 3:1 (48k -> 16k)
    case 16: return halfband_regs<16>(e, o, h, count, y);  // narrower ratios (44.1k -> 16k)
    default: return halfband_tail(e, o, h, K, 0, count, y);
  }
}

}  // namespace fastaudio::resample_detail
