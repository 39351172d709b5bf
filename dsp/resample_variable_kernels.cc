// SPDX-License-Identifier: LGPL-2.1-or-later
// The variable path's kernel (resample_variable_kernels.h) written once with
// Highway and compiled for each target (hwy_kernels.h). One window load
// serves the four rows; two accumulators per row keep eight FMA chains in
// flight, so the loop is bound by the rows' loads.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "resample_variable_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "resample_variable_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::resample_detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

float VariableDot(const float *x, const float *rows, size_t taps, size_t centre_from, size_t centre_to,
                  const double w[4]) {
  const hn::ScalableTag<float> d;
  // Spans are multiples of kVariableTapAlign, which may be less than a
  // vector: their ends run through vectors of at most that many lanes.
  const hn::CappedTag<float, kVariableTapAlign> d8;
  const size_t n = hn::Lanes(d), n8 = hn::Lanes(d8);
  const float *r[4] = {rows, rows + taps, rows + 2 * taps, rows + 3 * taps};
  hn::Vec<decltype(d)> a[4][2];
  hn::Vec<decltype(d8)> e[4];
  for (int q = 0; q < 4; q++) a[q][0] = a[q][1] = hn::Zero(d), e[q] = hn::Zero(d8);
  const auto f32_span = [&](size_t i, size_t end) {
    for (; i + 2 * n <= end; i += 2 * n) {
      const auto x0 = hn::LoadU(d, x + i), x1 = hn::LoadU(d, x + i + n);
      for (int q = 0; q < 4; q++) {
        a[q][0] = hn::MulAdd(x0, hn::LoadU(d, r[q] + i), a[q][0]);
        a[q][1] = hn::MulAdd(x1, hn::LoadU(d, r[q] + i + n), a[q][1]);
      }
    }
    for (; i + n8 <= end; i += n8) {
      const auto x0 = hn::LoadU(d8, x + i);
      for (int q = 0; q < 4; q++) e[q] = hn::MulAdd(x0, hn::LoadU(d8, r[q] + i), e[q]);
    }
  };
  f32_span(0, centre_from);
  f32_span(centre_to, taps);
  double s[4];
  for (int q = 0; q < 4; q++)
    s[q] = double(hn::GetLane(hn::SumOfLanes(d, hn::Add(a[q][0], a[q][1])))) +
           double(hn::GetLane(hn::SumOfLanes(d8, e[q])));
  if (centre_to > centre_from) {
    const hn::ScalableTag<double> dd;
    const hn::Rebind<float, decltype(dd)> dh;  // half a float vector
    const size_t nd = hn::Lanes(dd);
    hn::Vec<decltype(dd)> b[4];
    for (int q = 0; q < 4; q++) b[q] = hn::Zero(dd);
    size_t i = centre_from;
    for (; i + nd <= centre_to; i += nd) {
      const auto xv = hn::PromoteTo(dd, hn::LoadU(dh, x + i));
      for (int q = 0; q < 4; q++) b[q] = hn::MulAdd(xv, hn::PromoteTo(dd, hn::LoadU(dh, r[q] + i)), b[q]);
    }
    for (int q = 0; q < 4; q++) {
      s[q] += hn::GetLane(hn::SumOfLanes(dd, b[q]));
      for (size_t t = i; t < centre_to; t++) s[q] += double(x[t]) * double(r[q][t]);
    }
  }
  return float(w[0] * s[0] + w[1] * s[1] + w[2] * s[2] + w[3] * s[3]);
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

const IsaKernels<VariableDotFn> kVariableDotKernels = FASTAUDIO_HWY_KERNELS(VariableDot, variable_dot_scalar);

}  // namespace fastaudio::resample_detail
#endif
