// SPDX-License-Identifier: LGPL-2.1-or-later
// VAD energy kernels written once with Highway and compiled for each target
// (hwy_kernels.h): float accumulators in lanes, combined in double. The
// band energy has one kernel per decimation, so the detector holds one with
// no dispatch per call.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "vad_energy_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>

#include "vad_energy.h"
#include "vad_energy_reference.h"

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

#if HWY_TARGET != HWY_SCALAR  // one lane has no pairs to sum
using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;
constexpr size_t kLanes = hn::MaxLanes(DF());

// [lo0 + lo1, lo2 + lo3, ..., hi0 + hi1, ...]: one step of a reduction that
// keeps neighbours together.
HWY_INLINE VF PairSums(VF lo, VF hi) {
  const DF df;
  return hn::Add(hn::ConcatEven(df, hi, lo), hn::ConcatOdd(df, hi, lo));
}

// K vectors (K a power of two) to one whose lane j is the sum of elements
// jK .. jK + K - 1 of their concatenation; v is overwritten.
template <size_t K>
HWY_INLINE VF TreeSums(VF *v) {
  for (size_t width = K; width > 1; width /= 2)
    for (size_t i = 0; i < width / 2; i++) v[i] = PairSums(v[2 * i], v[2 * i + 1]);
  return v[0];
}

// kLanes decimated sums (each of D consecutive samples) from kLanes * D
// samples at p. Wide groups are first folded with vertical adds to one
// vector each, whose lanes add up to the group's sum.
template <size_t D>
HWY_INLINE VF DecimatedSums(const float *p) {
  const DF df;
  if constexpr (D == 1) {
    return hn::LoadU(df, p);
  } else if constexpr (D <= kLanes) {
    VF v[D];
    for (size_t k = 0; k < D; k++) v[k] = hn::LoadU(df, p + k * kLanes);
    return TreeSums<D>(v);
  } else {
    constexpr size_t kPerGroup = D / kLanes;
    VF folded[kLanes];
    for (size_t g = 0; g < kLanes; g++) {
      const float *group = p + g * D;
      folded[g] = hn::LoadU(df, group);
      for (size_t k = 1; k < kPerGroup; k++) folded[g] = hn::Add(folded[g], hn::LoadU(df, group + k * kLanes));
    }
    return TreeSums<kLanes>(folded);
  }
}

// The samples of kLanes whole blocks of kBandBlock sums.
template <size_t D>
constexpr size_t kBatchSamples = kBandBlock * kLanes * D;

// One batch: each block's energy about its mean, sum of squared sums minus
// the squared block sum / kBandBlock, in float, then added in double. Every
// block takes the same operations whatever its lane, so the energy of a
// frame is the sum of its blocks' (the detector's sub-frames add up to the
// whole frame's level).
template <size_t D>
HWY_INLINE double Batch(const float *p) {
  const DF df;
  VF sums[kBandBlock], squares[kBandBlock];
  for (size_t k = 0; k < kBandBlock; k++) {
    sums[k] = DecimatedSums<D>(p + k * kLanes * D);
    squares[k] = hn::Mul(sums[k], sums[k]);
  }
  const VF block_sq = TreeSums<kBandBlock>(squares), block_sums = TreeSums<kBandBlock>(sums);
  const VF energy = hn::Sub(block_sq, hn::Mul(hn::Mul(block_sums, block_sums), hn::Set(df, 1.f / kBandBlock)));
  HWY_ALIGN float lanes[kLanes];
  hn::Store(energy, df, lanes);
  double sum = 0;
  for (float e : lanes) sum += double(e);
  return sum;
}

// Band energy at decimation D (the argument is ignored): whole batches in
// place, the rest of the whole blocks from a zero-padded copy (zero blocks
// add nothing), then the short last block as the reference sums it.
template <size_t D>
double BandEnergy(const float *x, size_t n, size_t) {
  const size_t m = n / D, whole_samples = m / kBandBlock * kBandBlock * D;
  double band = 0;
  size_t i = 0;
  for (; i + kBatchSamples<D> <= whole_samples; i += kBatchSamples<D>) band += Batch<D>(x + i);
  if (i < whole_samples) {
    HWY_ALIGN float padded[kBatchSamples<D>] = {};
    std::copy(x + i, x + whole_samples, padded);
    band += Batch<D>(padded);
  }
  double tail_sum = 0, tail_sq = 0;
  for (size_t j = whole_samples / D; j < m; j++) {
    double s = 0;
    for (size_t k = 0; k < D; k++) s += x[j * D + k];
    tail_sum += s;
    tail_sq += s * s;
  }
  if (m * D > whole_samples) band += tail_sq - tail_sum * tail_sum / double(m - whole_samples / D);
  band /= double(D);
  return band > 0 ? band : (band == band ? 0.0 : band);
}
#else
template <size_t D>
double BandEnergy(const float *x, size_t n, size_t) {
  return ref::band_energy(x, n, D);
}
#endif

}  // namespace fastaudio::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy_kernels.h"
#include "vad_energy_x86.h"  // declarations only: safe on every architecture

namespace fastaudio {

const IsaKernels<SumSquaresKernel> kSumSquaresKernels = FASTAUDIO_HWY_KERNELS(SumSquares, ref::sum_squares);

namespace {

// A decimation's Highway kernels with the reference as Isa::Scalar.
#define FASTAUDIO_BAND_KERNELS(d) IsaKernels<BandEnergyKernel> FASTAUDIO_HWY_KERNELS(BandEnergy<d>, ref::band_energy)
}  // namespace

const IsaKernels<BandEnergyKernel> kBandEnergyKernels[kBandDecimations] = {
    FASTAUDIO_BAND_KERNELS(1) FASTAUDIO_X86_KERNEL(Avx2, simd::band_energy_avx2<1>) FASTAUDIO_X86_KERNEL(Avx512, nullptr),
    FASTAUDIO_BAND_KERNELS(2) FASTAUDIO_X86_KERNEL(Avx2, simd::band_energy_avx2<2>) FASTAUDIO_X86_KERNEL(Avx512, nullptr),
    FASTAUDIO_BAND_KERNELS(4) FASTAUDIO_X86_KERNEL(Avx2, simd::band_energy_avx2<4>)
        FASTAUDIO_X86_KERNEL(Avx512, simd::band_energy_avx512<4>),
    FASTAUDIO_BAND_KERNELS(8) FASTAUDIO_X86_KERNEL(Avx2, simd::band_energy_avx2<8>)
        FASTAUDIO_X86_KERNEL(Avx512, simd::band_energy_avx512<8>),
    FASTAUDIO_BAND_KERNELS(16) FASTAUDIO_X86_KERNEL(Avx2, simd::band_energy_avx2<16>) FASTAUDIO_X86_KERNEL(Avx512, nullptr),
    FASTAUDIO_BAND_KERNELS(32) FASTAUDIO_X86_KERNEL(Avx2, simd::band_energy_avx2<32>) FASTAUDIO_X86_KERNEL(Avx512, nullptr),
};

#undef FASTAUDIO_BAND_KERNELS

}  // namespace fastaudio
#endif
