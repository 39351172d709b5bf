// SPDX-License-Identifier: LGPL-2.1-or-later
// Channel-mixing kernels written once with Highway and compiled for each
// target (hwy_kernels.h). Each output is 0 plus the products in channel
// order, multiplied and added separately as mix_reference() does (this file
// is built with -ffp-contract=off): bit-identical to it, so results never
// depend on where buffers split. Zero coefficients are multiplied too, so
// that NaN and Inf spread as in the reference.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "mix_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "mix.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

HWY_INLINE VF AddProduct(VF acc, VF x, VF m) { return hn::Add(acc, hn::Mul(x, m)); }

// Runs body(f) for each whole vector of frames from frame 0; returns the
// frames done, which leaves the rest to the reference.
template <class Body>
HWY_INLINE size_t EachVectorOfFrames(size_t frames, const Body &body) {
  const size_t lanes = hn::Lanes(DF());
  size_t f = 0;
  for (; f + lanes <= frames; f += lanes) body(f);
  return f;
}

// Stereo to mono.
void Mix2To1(const float *m, const float *in, float *out, size_t frames, unsigned, unsigned) {
  const DF df;
  const VF left = hn::Set(df, m[0]), right = hn::Set(df, m[1]);
  const size_t done = EachVectorOfFrames(frames, [&](size_t f) HWY_ATTR {
    VF l, r;
    hn::LoadInterleaved2(df, in + 2 * f, l, r);
    hn::StoreU(AddProduct(AddProduct(hn::Zero(df), l, left), r, right), df, out + f);
  });
  mix_reference<float>(m, in + 2 * done, out + done, frames - done, 2, 1);
}

// Mono to stereo: each sample times the two coefficients, interleaved.
void Mix1To2(const float *m, const float *in, float *out, size_t frames, unsigned, unsigned) {
  const DF df;
  const VF left = hn::Set(df, m[0]), right = hn::Set(df, m[1]);
  const size_t done = EachVectorOfFrames(frames, [&](size_t f) HWY_ATTR {
    const VF x = hn::LoadU(df, in + f);
    hn::StoreInterleaved2(AddProduct(hn::Zero(df), x, left), AddProduct(hn::Zero(df), x, right), df, out + 2 * f);
  });
  mix_reference<float>(m, in + done, out + 2 * done, frames - done, 1, 2);
}

// Any N -> M (N >= 3): each input channel of `lanes` frames is one gather;
// stereo outputs are stored interleaved, others scattered.
void MixAny(const float *m, const float *in, float *out, size_t frames, unsigned ic, unsigned oc) {
  const DF df;
  const hn::RebindToSigned<DF> di;
  const auto in_stride = hn::Mul(hn::Iota(di, 0), hn::Set(di, int32_t(ic)));
  const auto out_stride = hn::Mul(hn::Iota(di, 0), hn::Set(di, int32_t(oc)));
  const size_t lanes = hn::Lanes(df);
  size_t f = 0;
  for (; f + lanes <= frames; f += lanes) {
    const float *base = in + f * ic;
    if (oc == 2) {
      VF left = hn::Zero(df), right = hn::Zero(df);
      for (unsigned i = 0; i < ic; i++) {
        const VF x = hn::GatherIndex(df, base + i, in_stride);
        left = AddProduct(left, x, hn::Set(df, m[i]));
        right = AddProduct(right, x, hn::Set(df, m[ic + i]));
      }
      hn::StoreInterleaved2(left, right, df, out + 2 * f);
      continue;
    }
    for (unsigned o = 0; o < oc; o++) {
      VF acc = hn::Zero(df);
      for (unsigned i = 0; i < ic; i++)
        acc = AddProduct(acc, hn::GatherIndex(df, base + i, in_stride), hn::Set(df, m[o * ic + i]));
      hn::ScatterIndex(acc, df, out + f * oc + o, out_stride);
    }
  }
  mix_reference<float>(m, in + f * ic, out + f * oc, frames - f, ic, oc);
}

}  // namespace fastaudio::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy_kernels.h"
#include "mix_x86.h"  // declarations only: safe on every architecture

namespace fastaudio {

namespace {

// A shape's Highway kernel with the reference as Isa::Scalar.
#define FASTAUDIO_MIX_KERNELS(fn) IsaKernels<MixKernel<float>> FASTAUDIO_HWY_KERNELS(fn, mix_reference<float>)

constexpr MixKernelRow kRows[] = {
    {2, 1, FASTAUDIO_MIX_KERNELS(Mix2To1) FASTAUDIO_X86_KERNEL(Avx2, simd::mix_2_1_avx2)},
    {1, 2, FASTAUDIO_MIX_KERNELS(Mix1To2)},
    {6, 2, FASTAUDIO_MIX_KERNELS(MixAny) FASTAUDIO_X86_KERNEL(Avx2, simd::mix_n_2_avx2<6>) FASTAUDIO_X86_KERNEL(Avx512, nullptr)},
    {8, 2, FASTAUDIO_MIX_KERNELS(MixAny) FASTAUDIO_X86_KERNEL(Avx2, simd::mix_n_2_avx2<8>) FASTAUDIO_X86_KERNEL(Avx512, nullptr)},
    {kAnyChannels, kAnyChannels, FASTAUDIO_MIX_KERNELS(MixAny)},
};

#undef FASTAUDIO_MIX_KERNELS

}  // namespace

std::span<const MixKernelRow> mix_kernel_rows() { return kRows; }

}  // namespace fastaudio
#endif
