// SPDX-License-Identifier: LGPL-2.1-or-later
// VAD energy kernels written once with Highway and compiled for each target
// (hwy_kernels.h): float accumulators in lanes, combined in double.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "vad_energy_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "vad_energy.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

double SumSquares(const float *x, size_t n) {
  const hn::ScalableTag<float> d;
  const size_t L = hn::Lanes(d);
  auto a0 = hn::Zero(d), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    const auto v0 = hn::LoadU(d, x + i), v1 = hn::LoadU(d, x + i + L);
    const auto v2 = hn::LoadU(d, x + i + 2 * L), v3 = hn::LoadU(d, x + i + 3 * L);
    a0 = hn::MulAdd(v0, v0, a0);
    a1 = hn::MulAdd(v1, v1, a1);
    a2 = hn::MulAdd(v2, v2, a2);
    a3 = hn::MulAdd(v3, v3, a3);
  }
  for (; i + L <= n; i += L) {
    const auto v = hn::LoadU(d, x + i);
    a0 = hn::MulAdd(v, v, a0);
  }
  double acc = hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3))));
  for (; i < n; i++) acc += double(x[i]) * double(x[i]);
  return acc;
}

}  // namespace fastaudio::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy_kernels.h"
#include "vad_energy_reference.h"

namespace fastaudio {

const IsaKernels<SumSquaresKernel> kSumSquaresKernels = FASTAUDIO_HWY_KERNELS(SumSquares, ref::sum_squares);

}  // namespace fastaudio
#endif
