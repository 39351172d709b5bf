// SPDX-License-Identifier: LGPL-2.1-or-later
// The variable path's kernel (resample_variable_kernels.h) written once with
// Highway and compiled for each target (hwy_kernels.h). Outputs that share
// their rows are summed together: each row load serves several windows,
// and their sums keep enough FMA chains in flight.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "resample_variable_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "resample_variable_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::resample_detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Outputs that share the four rows at a time: AVX2's 16 registers hold
// the sums of two, AVX-512's and NEON's 32 those of four.
constexpr size_t kGroup = HWY_TARGET == HWY_AVX2 ? 2 : 4;

// G outputs, each as variable_dot_scalar() but for the order of its F32
// sums: one accumulator per row, a vector of taps at a time, a span's
// remainder through a masked load (only where a vector is wider than
// kVariableTapAlign: AVX-512, whose masked loads leave the lanes masked
// off unread). Every output's arithmetic is the same whatever G, so
// grouping outputs does not change them.
template <size_t G>
void DotRows(const float *const *x, const float *rows, size_t taps, size_t centre_from, size_t centre_to,
             const double *const *w, float *out) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const size_t n = hn::Lanes(d);
  const float *r[4] = {rows, rows + taps, rows + 2 * taps, rows + 3 * taps};
  V a[G][4];
  for (size_t g = 0; g < G; g++)
    for (int q = 0; q < 4; q++) a[g][q] = hn::Zero(d);
  const auto f32_span = [&](size_t i, size_t end) {
    for (; i + n <= end; i += n) {
      V xv[G];
      for (size_t g = 0; g < G; g++) xv[g] = hn::LoadU(d, x[g] + i);
      for (int q = 0; q < 4; q++) {
        const V c = hn::LoadU(d, r[q] + i);
        for (size_t g = 0; g < G; g++) a[g][q] = hn::MulAdd(xv[g], c, a[g][q]);
      }
    }
    if (i < end) {
      const auto m = hn::FirstN(d, end - i);
      V xv[G];
      for (size_t g = 0; g < G; g++) xv[g] = hn::MaskedLoad(m, d, x[g] + i);
      for (int q = 0; q < 4; q++) {
        const V c = hn::MaskedLoad(m, d, r[q] + i);
        for (size_t g = 0; g < G; g++) a[g][q] = hn::MulAdd(xv[g], c, a[g][q]);
      }
    }
  };
  f32_span(0, centre_from);
  f32_span(centre_to, taps);
  double s[G][4];
  for (size_t g = 0; g < G; g++)
    for (int q = 0; q < 4; q++) s[g][q] = double(hn::GetLane(hn::SumOfLanes(d, a[g][q])));
  if (centre_to > centre_from) {
    const hn::ScalableTag<double> dd;
    const hn::Rebind<float, decltype(dd)> dh;  // half a float vector
    const size_t nd = hn::Lanes(dd);
    hn::Vec<decltype(dd)> b[G][4];
    for (size_t g = 0; g < G; g++)
      for (int q = 0; q < 4; q++) b[g][q] = hn::Zero(dd);
    size_t i = centre_from;
    for (; i + nd <= centre_to; i += nd) {
      hn::Vec<decltype(dd)> xv[G];
      for (size_t g = 0; g < G; g++) xv[g] = hn::PromoteTo(dd, hn::LoadU(dh, x[g] + i));
      for (int q = 0; q < 4; q++) {
        const auto c = hn::PromoteTo(dd, hn::LoadU(dh, r[q] + i));
        for (size_t g = 0; g < G; g++) b[g][q] = hn::MulAdd(xv[g], c, b[g][q]);
      }
    }
    for (size_t g = 0; g < G; g++)
      for (int q = 0; q < 4; q++) {
        s[g][q] += hn::GetLane(hn::SumOfLanes(dd, b[g][q]));
        for (size_t t = i; t < centre_to; t++) s[g][q] += double(x[g][t]) * double(r[q][t]);
      }
  }
  for (size_t g = 0; g < G; g++)
    out[g] = float(w[g][0] * s[g][0] + w[g][1] * s[g][1] + w[g][2] * s[g][2] + w[g][3] * s[g][3]);
}

float VariableDot(const float *x, const float *rows, size_t taps, size_t centre_from, size_t centre_to,
                  const double w[4]) {
  float out;
  DotRows<1>(&x, rows, taps, centre_from, centre_to, &w, &out);
  return out;
}

void VariableDot4(const float *const x[4], const float *rows, size_t taps, size_t centre_from, size_t centre_to,
                  const double *const w[4], float out[4]) {
  for (size_t g = 0; g < 4; g += kGroup) DotRows<kGroup>(x + g, rows, taps, centre_from, centre_to, w + g, out + g);
}

}  // namespace fastaudio::resample_detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy_kernels.h"

namespace fastaudio::resample_detail {

float variable_dot_scalar(const float *x, const float *rows, size_t taps, size_t centre_from, size_t centre_to,
                          const double w[4]) {
  double sum = 0;
  for (int q = 0; q < 4; q++) {
    const float *r = rows + size_t(q) * taps;
    float outer = 0;
    double centre = 0;
    for (size_t m = 0; m < taps; m++) {
      if (m >= centre_from && m < centre_to) centre += double(x[m]) * double(r[m]);
      else outer += x[m] * r[m];
    }
    sum += w[q] * (double(outer) + centre);
  }
  return float(sum);
}

void variable_dot4_scalar(const float *const x[4], const float *rows, size_t taps, size_t centre_from,
                          size_t centre_to, const double *const w[4], float out[4]) {
  for (size_t g = 0; g < 4; g++) out[g] = variable_dot_scalar(x[g], rows, taps, centre_from, centre_to, w[g]);
}

const IsaKernels<VariableDotFn> kVariableDotKernels = FASTAUDIO_HWY_KERNELS(VariableDot, variable_dot_scalar);
const IsaKernels<VariableDot4Fn> kVariableDot4Kernels = FASTAUDIO_HWY_KERNELS(VariableDot4, variable_dot4_scalar);

}  // namespace fastaudio::resample_detail
#endif
