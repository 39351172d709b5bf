// SPDX-License-Identifier: LGPL-2.1-or-later
// Conversion kernels for the hot format pairs, written once with Highway
// and compiled for each target (hwy_kernels.h), with ORC's programs as the
// Isa::Orc entries. Each gives results bit-identical to convert_reference.h:
// whole vectors here, the last partial one through the reference.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "convert_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "convert_kernels.h"
#include "convert_reference.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using F = SampleFormat;
// Every kernel steps by the lanes of a float vector.
using DF = hn::ScalableTag<float>;
using DI = hn::RebindToSigned<DF>;
using DI16 = hn::Rebind<int16_t, DF>;
using DF64 = hn::ScalableTag<double>;
using DF32Half = hn::Rebind<float, DF64>;

// Runs body(i) for each whole vector of `lanes` samples, two per step (two
// independent chains hide the conversions' latency), then converts the rest
// with the reference.
template <F In, F Out, class Body>
HWY_INLINE void each_vector(const uint8_t *in, uint8_t *out, size_t n, size_t lanes, const Body &body) {
  size_t i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) {
    body(i);
    body(i + lanes);
  }
  if (i + lanes <= n) body(i), i += lanes;
  ref::convert_samples<In, Out>(in + i * sample_bytes(In), out + i * sample_bytes(Out), n - i);
}

// x * full scale, NaN -> 0, rounded to nearest even; NearestInt saturates
// what is past the int32 range.
HWY_INLINE hn::Vec<DI> scaled_nearest(hn::Vec<DF> x, float full_scale) {
  const DF df;
  const auto v = hn::Mul(x, hn::Set(df, full_scale));
  return hn::NearestInt(hn::IfThenZeroElse(hn::IsNaN(v), v));
}

// Clamped to [-32768, 32767] first, x * 32768 rounds to nearest even by
// adding 1.5 * 2^23, whose float then holds the integer in its low bits: no
// conversion and no overflow fix-up.
void F32ToS16(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DF df;
  const DI di;
  const DI16 d16;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  const auto scale = hn::Set(df, 32768.f), lo = hn::Set(df, -32768.f), hi = hn::Set(df, 32767.f);
  const auto magic = hn::Set(df, 12582912.f);
  const auto magic_bits = hn::BitCast(di, magic);
  each_vector<F::F32, F::S16>(in, out, size_t(frames) * ic, hn::Lanes(df), [&](size_t i) HWY_ATTR {
    auto v = hn::Mul(hn::LoadU(df, src + i), scale);
    v = hn::Min(hn::Max(hn::IfThenZeroElse(hn::IsNaN(v), v), lo), hi);
    const auto rounded = hn::Sub(hn::BitCast(di, hn::Add(v, magic)), magic_bits);
    hn::StoreU(hn::DemoteTo(d16, rounded), d16, dst + i);
  });
}

void F32ToS32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DF df;
  const DI di;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int32_t *>(out);
  each_vector<F::F32, F::S32>(in, out, size_t(frames) * ic, hn::Lanes(df), [&](size_t i) HWY_ATTR {
    hn::StoreU(scaled_nearest(hn::LoadU(df, src + i), 2147483648.f), di, dst + i);
  });
}

void S16ToF32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DF df;
  const DI di;
  const DI16 d16;
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  const auto scale = hn::Set(df, 1.f / 32768.f);
  each_vector<F::S16, F::F32>(in, out, size_t(frames) * ic, hn::Lanes(df), [&](size_t i) HWY_ATTR {
    hn::StoreU(hn::Mul(hn::ConvertTo(df, hn::PromoteTo(di, hn::LoadU(d16, src + i))), scale), df, dst + i);
  });
}

void S32ToF32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DF df;
  const DI di;
  auto src = reinterpret_cast<const int32_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  const auto scale = hn::Set(df, 1.f / 2147483648.f);
  each_vector<F::S32, F::F32>(in, out, size_t(frames) * ic, hn::Lanes(df), [&](size_t i) HWY_ATTR {
    hn::StoreU(hn::Mul(hn::ConvertTo(df, hn::LoadU(di, src + i)), scale), df, dst + i);
  });
}

void S16ToS32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DI di;
  const DI16 d16;
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<int32_t *>(out);
  each_vector<F::S16, F::S32>(in, out, size_t(frames) * ic, hn::Lanes(di), [&](size_t i) HWY_ATTR {
    hn::StoreU(hn::ShiftLeft<16>(hn::PromoteTo(di, hn::LoadU(d16, src + i))), di, dst + i);
  });
}

// Rounds half up as floor((floor(x / 2^15) + 1) / 2), which cannot overflow;
// the saturating narrowing then clamps INT32_MAX's 32768 to 32767.
void S32ToS16(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DI di;
  const DI16 d16;
  auto src = reinterpret_cast<const int32_t *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  const auto one = hn::Set(di, 1);
  each_vector<F::S32, F::S16>(in, out, size_t(frames) * ic, hn::Lanes(di), [&](size_t i) HWY_ATTR {
    const auto halves = hn::ShiftRight<15>(hn::LoadU(di, src + i));
    hn::StoreU(hn::DemoteTo(d16, hn::ShiftRight<1>(hn::Add(halves, one))), d16, dst + i);
  });
}

void F32ToF64(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DF64 d64;
  const DF32Half d32;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<double *>(out);
  each_vector<F::F32, F::F64>(in, out, size_t(frames) * ic, hn::Lanes(d64), [&](size_t i) HWY_ATTR {
    hn::StoreU(hn::PromoteTo(d64, hn::LoadU(d32, src + i)), d64, dst + i);
  });
}

void F64ToF32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const DF64 d64;
  const DF32Half d32;
  auto src = reinterpret_cast<const double *>(in);
  auto dst = reinterpret_cast<float *>(out);
  each_vector<F::F64, F::F32>(in, out, size_t(frames) * ic, hn::Lanes(d64), [&](size_t i) HWY_ATTR {
    hn::StoreU(hn::DemoteTo(d32, hn::LoadU(d64, src + i)), d32, dst + i);
  });
}

// Stereo S16 -> mono F32: each L R pair read as one int32 lane, L + R exact
// in int32 (arithmetic shifts take the halves apart), then one exact scaling.
void StereoS16ToMonoF32(const uint8_t *in, uint8_t *out, size_t frames, unsigned, unsigned) {
  size_t i = 0;
#if HWY_TARGET != HWY_SCALAR  // one lane has no int16 pair to split
  const DF df;
  const DI di;
  const hn::Repartition<int16_t, DI> d16;
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  const auto scale = hn::Set(df, 1.f / 65536.f);
  for (const size_t lanes = hn::Lanes(df); i + lanes <= frames; i += lanes) {
    const auto pairs = hn::BitCast(di, hn::LoadU(d16, src + 2 * i));
    const auto sum = hn::Add(hn::ShiftRight<16>(hn::ShiftLeft<16>(pairs)), hn::ShiftRight<16>(pairs));
    hn::StoreU(hn::Mul(hn::ConvertTo(df, sum), scale), df, dst + i);
  }
#endif
  ref::downmix<F::S16, F::F32>(in + 4 * i, out + 4 * i, frames - i, 2);
}

// Stereo F32 -> mono F32: (0 + L + R) * 0.5 in float, in the reference's
// order (so -0 + -0 gives +0 as there).
void StereoF32ToMonoF32(const uint8_t *in, uint8_t *out, size_t frames, unsigned, unsigned) {
  const DF df;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<float *>(out);
  const auto half = hn::Set(df, 0.5f);
  const size_t lanes = hn::Lanes(df);
  size_t i = 0;
  for (; i + lanes <= frames; i += lanes) {
    hn::Vec<DF> left, right;
    hn::LoadInterleaved2(df, src + 2 * i, left, right);
    hn::StoreU(hn::Mul(hn::Add(hn::Add(hn::Zero(df), left), right), half), df, dst + i);
  }
  ref::downmix<F::F32, F::F32>(in + 8 * i, out + 4 * i, frames - i, 2);
}

}  // namespace fastaudio::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "convert_orc.h"
#include "hwy_kernels.h"
#include "convert_x86.h"  // declarations only: safe on every architecture

namespace fastaudio {

namespace {

using F = SampleFormat;

// A pair's Highway kernels with its reference as the Isa::Scalar entry.
#define FASTAUDIO_CONVERT_KERNELS(fn, in, out) \
  IsaKernels<ConvertKernel> FASTAUDIO_HWY_KERNELS(fn, (ref::convert_kernel<F::in, F::out>))

// ORC 0.4.33's ARM64 code for F32 -> S16 keeps lane 0 of each vector only
// (the other three come out 0; seen under qemu-aarch64, the backup C code is
// right): there the NEON kernel converts that pair.
#if defined(__aarch64__)
#define FASTAUDIO_ORC_F32_TO_S16 nullptr
#else
#define FASTAUDIO_ORC_F32_TO_S16 (orc::per_sample<float, int16_t, fastaudio_orc_f32_to_s16>)
#endif

constexpr ConvertKernelRow kRows[] = {
    {F::F32, F::S16, false,
     FASTAUDIO_CONVERT_KERNELS(F32ToS16, F32, S16).with(Isa::Orc, FASTAUDIO_ORC_F32_TO_S16)
         FASTAUDIO_X86_KERNEL(Avx2, simd::f32_to_s16_avx2) FASTAUDIO_X86_KERNEL(Avx512, simd::f32_to_s16_avx512)},
    {F::S16, F::F32, false,
     FASTAUDIO_CONVERT_KERNELS(S16ToF32, S16, F32).with(Isa::Orc, orc::per_sample<int16_t, float, fastaudio_orc_s16_to_f32>)},
    {F::F32, F::S32, false,
     FASTAUDIO_CONVERT_KERNELS(F32ToS32, F32, S32)
         FASTAUDIO_X86_KERNEL(Avx2, simd::f32_to_s32_avx2) FASTAUDIO_X86_KERNEL(Avx512, simd::f32_to_s32_avx512)},
    {F::S32, F::F32, false,
     FASTAUDIO_CONVERT_KERNELS(S32ToF32, S32, F32).with(Isa::Orc, orc::per_sample<int32_t, float, fastaudio_orc_s32_to_f32>)},
    {F::S16, F::S32, false,
     FASTAUDIO_CONVERT_KERNELS(S16ToS32, S16, S32)
         .with(Isa::Orc, orc::per_sample<int16_t, int32_t, fastaudio_orc_s16_to_s32>)},
    {F::S32, F::S16, false,
     FASTAUDIO_CONVERT_KERNELS(S32ToS16, S32, S16)
         .with(Isa::Orc, orc::per_sample<int32_t, int16_t, fastaudio_orc_s32_to_s16>)
             FASTAUDIO_X86_KERNEL(Avx2, simd::s32_to_s16_avx2)},
    {F::F32, F::F64, false, FASTAUDIO_CONVERT_KERNELS(F32ToF64, F32, F64)},
    {F::F64, F::F32, false, FASTAUDIO_CONVERT_KERNELS(F64ToF32, F64, F32)},
    {F::S16, F::F32, true,
     FASTAUDIO_CONVERT_KERNELS(StereoS16ToMonoF32, S16, F32)
         .with(Isa::Orc, orc::per_frame<int32_t, float, fastaudio_orc_stereo_s16_to_mono_f32>)
             FASTAUDIO_X86_KERNEL(Avx2, simd::stereo_s16_to_mono_f32_avx2) FASTAUDIO_X86_KERNEL(Avx512, nullptr)},
    {F::F32, F::F32, true,
     FASTAUDIO_CONVERT_KERNELS(StereoF32ToMonoF32, F32, F32) FASTAUDIO_X86_KERNEL(Avx2, simd::stereo_f32_to_mono_f32_avx2)},
};

#undef FASTAUDIO_ORC_F32_TO_S16
#undef FASTAUDIO_CONVERT_KERNELS

}  // namespace

std::span<const ConvertKernelRow> convert_kernel_rows() { return kRows; }

}  // namespace fastaudio
#endif
