// SPDX-License-Identifier: LGPL-2.1-or-later
// The dither kernel written once with Highway and compiled for each target
// (hwy_kernels.h): the eight generators of DitherLanes in one or two
// vectors, the same arithmetic as Quantizer::quantize_one() in float (this
// file is built with -ffp-contract=off), so the same bits
// (tests/check/dsp/quantize.cc compares).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "quantize_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "quantize.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// At most eight lanes: generator k serves lane k % 8 of every eight samples.
using DU = hn::CappedTag<uint32_t, 8>;
using DI = hn::RebindToSigned<DU>;
using DF = hn::RebindToFloat<DU>;
using VU = hn::Vec<DU>;
using VF = hn::Vec<DF>;
constexpr size_t kLanes = hn::MaxLanes(DU());
constexpr size_t kParts = 8 / kLanes;  // vectors per eight samples

HWY_INLINE VU Xorshift(VU x) {
  x = hn::Xor(x, hn::ShiftLeft<13>(x));
  x = hn::Xor(x, hn::ShiftRight<17>(x));
  return hn::Xor(x, hn::ShiftLeft<5>(x));
}

// [-0.5, 0.5) from each generator's 32 bits, as the scalar loop converts them.
HWY_INLINE VF Uniform(VU x) {
  return hn::Mul(hn::ConvertTo(DF(), hn::BitCast(DI(), x)), hn::Set(DF(), 0x1p-32f));
}

// x -> floor(clamp(x * full + dither + 0.5)) / full for n samples (a
// multiple of 8, the stream at generator 0), rpdf or tpdf dither.
void QuantizeDither(float *x, size_t n, float full, DitherMethod dither, DitherLanes *lanes) {
  const DU du;
  const DF df;
  VU state[kParts];
  for (size_t p = 0; p < kParts; p++) state[p] = hn::LoadU(du, lanes->state.data() + p * kLanes);
  const VF scale = hn::Set(df, full), inverse = hn::Set(df, 1.0f / full), bias = hn::Set(df, 0.5f);
  const VF lo = hn::Set(df, -full), hi = hn::Set(df, full - 1);
  const bool triangular = dither == DitherMethod::Tpdf;
  for (size_t i = 0; i < n; i += 8) {
    for (size_t p = 0; p < kParts; p++) {
      float *at = x + i + p * kLanes;
      VF s = hn::Mul(hn::LoadU(df, at), scale);
      s = hn::IfThenZeroElse(hn::IsNaN(s), s);
      state[p] = Xorshift(state[p]);
      VF d = Uniform(state[p]);
      if (triangular) {
        state[p] = Xorshift(state[p]);
        d = hn::Add(d, Uniform(state[p]));
      } else {
        d = hn::Add(d, d);
      }
      const VF t = hn::Min(hn::Max(hn::Add(hn::Add(s, d), bias), lo), hi);
      hn::StoreU(hn::Mul(hn::Floor(t), inverse), df, at);
    }
  }
  for (size_t p = 0; p < kParts; p++) hn::StoreU(state[p], du, lanes->state.data() + p * kLanes);
}

}  // namespace fastaudio::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy_kernels.h"

namespace fastaudio {

// Isa::Scalar has no entry: there Quantizer's per-sample loop is the
// reference.
const IsaKernels<QuantizeDitherKernel> kQuantizeDitherKernels = FASTAUDIO_HWY_KERNELS_NO_SCALAR(QuantizeDither);

}  // namespace fastaudio
#endif
