// SPDX-License-Identifier: LGPL-2.1-or-later
// Scalar references of the resampler's block kernels (resample_kernels.h):
// what each kernel computes, one output at a time with plain sums in tap
// order. The kernel tests compare every ISA's kernel against these.
#include "resample_kernels.h"

namespace fastaudio::resample_detail::ref {

namespace {

// sum_m c[m * stride_c] * x[m * stride_x] for m < n.
float strided_dot(const float *x, size_t stride_x, const float *c, size_t stride_c, size_t n) {
  float acc = 0;
  for (size_t m = 0; m < n; m++) acc += x[m * stride_x] * c[m * stride_c];
  return acc;
}

// Output n of a decimation by M from phase streams xr (tap j M + r on stream r).
float decimated(const float *const *xr, unsigned M, const float *c, size_t taps, size_t n) {
  float acc = 0;
  for (size_t m = 0; m < taps; m++) acc += c[m] * xr[m % M][n + m / M];
  return acc;
}

}  // namespace

void decimate64(const float *const *xr, unsigned M, const float *c, size_t taps, float *out) {
  for (size_t n = 0; n < 64; n++) out[n] = decimated(xr, M, c, taps, n);
}

// Even outputs: row c0 from stream 0 (x[3j]); odd ones: row c1 from stream
// 1 (x[3j + 1]), as a 3:1 decimation of each.
void decimate_pair(const float *const xr[4], const float *c0, const float *c1, size_t taps, float *out0,
                   float *out1, size_t n) {
  const float *odd[3] = {xr[1], xr[2], xr[3]};
  for (size_t i = 0; i < n; i++) {
    out0[i] = decimated(xr, 3, c0, taps, i);
    out1[i] = decimated(odd, 3, c1, taps, i);
  }
}

void deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *d) {
  for (size_t m = 0; m < n; m++) a[m] = x[4 * m], b[m] = x[4 * m + 1], c[m] = x[4 * m + 2], d[m] = x[4 * m + 3];
}

void deinterleave2(const float *x, size_t pairs, float *e, float *o) {
  for (size_t m = 0; m < pairs; m++) e[m] = x[2 * m], o[m] = x[2 * m + 1];
}

void interleave2(const float *e, const float *o, size_t pairs, float *x) {
  for (size_t m = 0; m < pairs; m++) x[2 * m] = e[m], x[2 * m + 1] = o[m];
}

void split3(const float *src, size_t vecs, float *d0, float *d1, float *d2) {
  for (size_t j = 0; j < 16 * vecs; j++) d0[j] = src[3 * j], d1[j] = src[3 * j + 1], d2[j] = src[3 * j + 2];
}

void interleave4(const float *a, const float *b, const float *c, const float *d, size_t n, float *out) {
  for (size_t i = 0; i < n; i++) out[4 * i] = a[i], out[4 * i + 1] = b[i], out[4 * i + 2] = c[i], out[4 * i + 3] = d[i];
}

bool interpolate_any(const float *x, size_t step, const float *bank, size_t taps, unsigned L, size_t positions,
                     float *out, size_t stride) {
  if (L < 2 || L > kMaxBlockInterpolation) return false;
  for (size_t q = 0; q < positions; q++)
    for (unsigned p = 0; p < L; p++)
      for (size_t ch = 0; ch < step; ch++)
        out[(q * L + p) * stride + ch] = strided_dot(x + q * step + ch, step, bank + p * taps, 1, taps);
  return true;
}

// Lane i: its window x + r[i] against its row, tb[(r[i] + m) * 16 + i].
void spread16(const float *x, const float *tb, const int32_t *r, size_t taps, float *out) {
  for (size_t i = 0; i < 16; i++) out[i] = strided_dot(x + r[i], 1, tb + size_t(r[i]) * 16 + i, 16, taps);
}

void spread16x2(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps, float *out0,
                float *out1) {
  spread16(x0, tb, r, taps, out0);
  spread16(x1, tb, r, taps, out1);
}

void spread16x4(const float *const x[4], const float *tb, const int32_t *r, size_t taps, float *const out[4]) {
  for (int n = 0; n < 4; n++) spread16(x[n], tb, r, taps, out[n]);
}

void spread16_two(const float *x0, const float *tb0, const int32_t *r0, const float *x1, const float *tb1,
                  const int32_t *r1, size_t taps, float *out0, float *out1) {
  spread16(x0, tb0, r0, taps, out0);
  spread16(x1, tb1, r1, taps, out1);
}

}  // namespace fastaudio::resample_detail::ref
