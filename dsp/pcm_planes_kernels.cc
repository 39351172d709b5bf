// SPDX-License-Identifier: LGPL-2.1-or-later
// The common formats' reading loops (pcm_planes_kernels.h) compiled once
// per Highway target (hwy_kernels.h): the plain loop, vectorised by the
// compiler for each target, registered with the plain loop as Isa::Scalar
// and, for S24LE on x86-64, the hand-written AVX2 reading.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "pcm_planes_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "pcm_planes_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::HWY_NAMESPACE {

#define FASTAUDIO_UNPACK_KERNEL(F, S)                                                                 \
  void Unpack_##F##_##S(const uint8_t *in, unsigned streams, size_t frames, float *const *rows) {    \
    pcm_planes_detail::unpack_body<PcmFormat::F, S>(in, streams, frames, rows);                       \
  }
FASTAUDIO_UNPACK_KERNEL(S16LE, 1)
FASTAUDIO_UNPACK_KERNEL(S16LE, 2)
FASTAUDIO_UNPACK_KERNEL(S16LE, 4)
FASTAUDIO_UNPACK_KERNEL(S24LE, 1)
FASTAUDIO_UNPACK_KERNEL(S24LE, 2)
FASTAUDIO_UNPACK_KERNEL(S24LE, 4)
FASTAUDIO_UNPACK_KERNEL(S32LE, 1)
FASTAUDIO_UNPACK_KERNEL(S32LE, 2)
FASTAUDIO_UNPACK_KERNEL(S32LE, 4)
FASTAUDIO_UNPACK_KERNEL(F32LE, 1)
FASTAUDIO_UNPACK_KERNEL(F32LE, 2)
FASTAUDIO_UNPACK_KERNEL(F32LE, 4)
#undef FASTAUDIO_UNPACK_KERNEL

}  // namespace fastaudio::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>

#include "hwy_kernels.h"

namespace fastaudio {

#if defined(__x86_64__)
namespace pcm_planes_detail {
void s24le_to_float_avx2(const uint8_t *in, size_t samples, float *out);

// S24LE on AVX2 (and AVX-512): a block of samples converted in order by
// the hand-written reading, then split into the streams by the AVX2 F32
// split (the block stays in L1).
void unpack_s24le_avx2(const uint8_t *in, unsigned streams, size_t frames, float *const *rows) {
  if (streams == 1) return s24le_to_float_avx2(in, frames, rows[0]);
  constexpr size_t kBlockSamples = 1024;
  alignas(32) float block[kBlockSamples];
  const size_t step = kBlockSamples / streams;
  const UnpackStreamsFn split = streams == 2 ? N_AVX2::Unpack_F32LE_2 : N_AVX2::Unpack_F32LE_4;
  for (size_t f = 0; f < frames; f += step) {
    const size_t n = std::min(step, frames - f);
    s24le_to_float_avx2(in + f * streams * 3, n * streams, block);
    float *at[4];
    for (unsigned s = 0; s < streams; s++) at[s] = rows[s] + f;
    split(reinterpret_cast<const uint8_t *>(block), streams, n, at);
  }
}
}  // namespace pcm_planes_detail
#define FASTAUDIO_S24_AVX2 FASTAUDIO_X86_KERNEL(Avx2, pcm_planes_detail::unpack_s24le_avx2) \
  FASTAUDIO_X86_KERNEL(Avx512, nullptr)
#else
#define FASTAUDIO_S24_AVX2
#endif

namespace {

using pcm_planes_detail::unpack_plain;

#define FASTAUDIO_UNPACK_ROW(F, extra)                                                                         \
  {IsaKernels<UnpackStreamsFn> FASTAUDIO_HWY_KERNELS(Unpack_##F##_1, (unpack_plain<PcmFormat::F, 1>)) extra, \
   IsaKernels<UnpackStreamsFn> FASTAUDIO_HWY_KERNELS(Unpack_##F##_2, (unpack_plain<PcmFormat::F, 2>)) extra, \
   IsaKernels<UnpackStreamsFn> FASTAUDIO_HWY_KERNELS(Unpack_##F##_4, (unpack_plain<PcmFormat::F, 4>)) extra}

struct UnpackRow {
  PcmFormat format;
  IsaKernels<UnpackStreamsFn> by_streams[3];  // 1, 2, 4 streams
};

const UnpackRow kRows[] = {
    {PcmFormat::S16LE, FASTAUDIO_UNPACK_ROW(S16LE, )},
    {PcmFormat::S24LE, FASTAUDIO_UNPACK_ROW(S24LE, FASTAUDIO_S24_AVX2)},
    {PcmFormat::S32LE, FASTAUDIO_UNPACK_ROW(S32LE, )},
    {PcmFormat::F32LE, FASTAUDIO_UNPACK_ROW(F32LE, )},
};

#undef FASTAUDIO_UNPACK_ROW
#undef FASTAUDIO_S24_AVX2

}  // namespace

const IsaKernels<UnpackStreamsFn> *unpack_kernels(PcmFormat f, unsigned streams) {
  const int column = streams == 1 ? 0 : streams == 2 ? 1 : streams == 4 ? 2 : -1;
  if (column < 0) return nullptr;
  for (const UnpackRow &row : kRows)
    if (row.format == f) return &row.by_streams[column];
  return nullptr;
}

}  // namespace fastaudio
#endif
