// SPDX-License-Identifier: LGPL-2.1-or-later
// ORC kernels behind the ConvertKernel signature: the portable SIMD path.
#include <climits>

#include "convert-orc.h"
#include "convert_simd.h"

namespace fastaudio::simd {
namespace {

// ORC counts in int: split huge spans.
template <typename In, typename Out, void (*Fn)(Out *, const In *, int)>
void run_orc(const uint8_t *in, uint8_t *out, size_t n) {
  auto src = reinterpret_cast<const In *>(in);
  auto dst = reinterpret_cast<Out *>(out);
  while (n > 0) {
    const int chunk = n > size_t(INT_MAX / 2) ? INT_MAX / 2 : int(n);
    Fn(dst, src, chunk);
    src += chunk, dst += chunk, n -= size_t(chunk);
  }
}

template <typename In, typename Out, void (*Fn)(Out *, const In *, int)>
void per_sample(const uint8_t *in, uint8_t *out, size_t frames, unsigned ic, unsigned) {
  run_orc<In, Out, Fn>(in, out, frames * ic);
}

template <typename In, typename Out, void (*Fn)(Out *, const In *, int)>
void per_frame(const uint8_t *in, uint8_t *out, size_t frames, unsigned, unsigned) {
  run_orc<In, Out, Fn>(in, out, frames);
}

using F = SampleFormat;

const KernelEntry kKernels[] = {
#if !defined(__aarch64__)
    // ORC 0.4.33's ARM64 code for this program keeps lane 0 of each vector
    // only (the other three come out 0; seen under qemu-aarch64, the backup
    // C code is right): there the NEON kernel converts this pair.
    {F::F32, F::S16, false, per_sample<float, int16_t, fastaudio_orc_f32_to_s16>},
#endif
    {F::S16, F::F32, false, per_sample<int16_t, float, fastaudio_orc_s16_to_f32>},
    {F::S32, F::F32, false, per_sample<int32_t, float, fastaudio_orc_s32_to_f32>},
    {F::S16, F::S32, false, per_sample<int16_t, int32_t, fastaudio_orc_s16_to_s32>},
    {F::S32, F::S16, false, per_sample<int32_t, int16_t, fastaudio_orc_s32_to_s16>},
    {F::S16, F::F32, true, per_frame<int32_t, float, fastaudio_orc_stereo_s16_to_mono_f32>},
};

}  // namespace

ConvertKernel find_orc_kernel(SampleFormat in, SampleFormat out, unsigned in_channels, unsigned out_channels) {
  return find_in_table(kKernels, in, out, in_channels, out_channels);
}

}  // namespace fastaudio::simd
