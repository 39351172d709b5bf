// SPDX-License-Identifier: LGPL-2.1-or-later
// NEON conversion kernels for ARM64, where Advanced SIMD is baseline. The
// rounding conversions saturate and send NaN to 0 in hardware (FCVTNS,
// SQXTN, SQRSHRN), which is exactly the reference's rule.
#include <arm_neon.h>

#include "convert_reference.h"
#include "convert_simd.h"

namespace fastaudio::simd {
namespace {

using F = SampleFormat;

template <F In, F Out>
inline void scalar_tail(const uint8_t *in, uint8_t *out, size_t from, size_t to) {
  ref::convert_samples<In, Out>(in + from * sample_bytes(In), out + from * sample_bytes(Out), to - from);
}

void f32_to_s16(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int32x4_t a = vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(src + i), 32768.f));
    const int32x4_t b = vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(src + i + 4), 32768.f));
    vst1q_s16(dst + i, vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)));
  }
  scalar_tail<F::F32, F::S16>(in, out, i, n);
}

void s16_to_f32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t v = vld1q_s16(src + i);
    vst1q_f32(dst + i, vmulq_n_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(v))), 1.f / 32768.f));
    vst1q_f32(dst + i + 4, vmulq_n_f32(vcvtq_f32_s32(vmovl_high_s16(v)), 1.f / 32768.f));
  }
  scalar_tail<F::S16, F::F32>(in, out, i, n);
}

void f32_to_s32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<int32_t *>(out);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_s32(dst + i, vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(src + i), 2147483648.f)));
  scalar_tail<F::F32, F::S32>(in, out, i, n);
}

void s32_to_f32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const int32_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vmulq_n_f32(vcvtq_f32_s32(vld1q_s32(src + i)), 1.f / 2147483648.f));
  scalar_tail<F::S32, F::F32>(in, out, i, n);
}

void s16_to_s32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<int32_t *>(out);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t v = vld1q_s16(src + i);
    vst1q_s32(dst + i, vshll_n_s16(vget_low_s16(v), 16));
    vst1q_s32(dst + i + 4, vshll_high_n_s16(v, 16));
  }
  scalar_tail<F::S16, F::S32>(in, out, i, n);
}

// Rounds half up and saturates, as ref::narrow_int: the rounding add is done
// at full precision, so INT32_MAX does not wrap.
void s32_to_s16(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const int32_t *>(in);
  auto dst = reinterpret_cast<int16_t *>(out);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    vst1q_s16(dst + i, vcombine_s16(vqrshrn_n_s32(vld1q_s32(src + i), 16), vqrshrn_n_s32(vld1q_s32(src + i + 4), 16)));
  scalar_tail<F::S32, F::S16>(in, out, i, n);
}

void f32_to_f64(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<double *>(out);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(src + i);
    vst1q_f64(dst + i, vcvt_f64_f32(vget_low_f32(v)));
    vst1q_f64(dst + i + 2, vcvt_high_f64_f32(v));
  }
  scalar_tail<F::F32, F::F64>(in, out, i, n);
}

void f64_to_f32(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  const size_t n = frames * ic;
  auto src = reinterpret_cast<const double *>(in);
  auto dst = reinterpret_cast<float *>(out);
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    vst1q_f32(dst + i, vcvt_high_f32_f64(vcvt_f32_f64(vld1q_f64(src + i)), vld1q_f64(src + i + 2)));
  scalar_tail<F::F64, F::F32>(in, out, i, n);
}

// Stereo S16 -> mono F32: L + R is exact in int32, then one exact scaling.
void stereo_s16_to_mono_f32(const uint8_t *in, uint8_t *out, size_t frames, unsigned, unsigned) {
  auto src = reinterpret_cast<const int16_t *>(in);
  auto dst = reinterpret_cast<float *>(out);
  size_t i = 0;
  for (; i + 8 <= frames; i += 8) {
    const int16x8x2_t lr = vld2q_s16(src + 2 * i);
    const int32x4_t lo = vaddl_s16(vget_low_s16(lr.val[0]), vget_low_s16(lr.val[1]));
    const int32x4_t hi = vaddl_high_s16(lr.val[0], lr.val[1]);
    vst1q_f32(dst + i, vmulq_n_f32(vcvtq_f32_s32(lo), 1.f / 65536.f));
    vst1q_f32(dst + i + 4, vmulq_n_f32(vcvtq_f32_s32(hi), 1.f / 65536.f));
  }
  ref::downmix<F::S16, F::F32>(in + 4 * i, out + 4 * i, frames - i, 2);
}

// Stereo F32 -> mono F32: (L + R) * 0.5 in float, as the reference sums.
void stereo_f32_to_mono_f32(const uint8_t *in, uint8_t *out, size_t frames, unsigned, unsigned) {
  auto src = reinterpret_cast<const float *>(in);
  auto dst = reinterpret_cast<float *>(out);
  size_t i = 0;
  for (; i + 4 <= frames; i += 4) {
    const float32x4x2_t lr = vld2q_f32(src + 2 * i);
    vst1q_f32(dst + i, vmulq_n_f32(vaddq_f32(lr.val[0], lr.val[1]), 0.5f));
  }
  ref::downmix<F::F32, F::F32>(in + 8 * i, out + 4 * i, frames - i, 2);
}

constexpr KernelEntry kKernels[] = {
    {F::F32, F::S16, false, f32_to_s16},
    {F::S16, F::F32, false, s16_to_f32},
    {F::F32, F::S32, false, f32_to_s32},
    {F::S32, F::F32, false, s32_to_f32},
    {F::S16, F::S32, false, s16_to_s32},
    {F::S32, F::S16, false, s32_to_s16},
    {F::F32, F::F64, false, f32_to_f64},
    {F::F64, F::F32, false, f64_to_f32},
    {F::S16, F::F32, true, stereo_s16_to_mono_f32},
    {F::F32, F::F32, true, stereo_f32_to_mono_f32},
};

}  // namespace

ConvertKernel find_neon_kernel(SampleFormat in, SampleFormat out, unsigned in_channels,
                               unsigned out_channels) {
  return find_in_table(kKernels, in, out, in_channels, out_channels);
}

}  // namespace fastaudio::simd
