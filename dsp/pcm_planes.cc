// SPDX-License-Identifier: LGPL-2.1-or-later
#include "pcm_planes.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "convert.h"
#include "layout.h"
#include "pcm_sample.h"

namespace fastaudio {

#if defined(__x86_64__)
namespace pcm_planes_detail {
void s24le_to_float_avx2(const uint8_t *in, size_t samples, float *out);
}  // namespace pcm_planes_detail
#endif

namespace {

using pcm_sample::load_real;
using UnpackStreamsFn = void (*)(const uint8_t *in, unsigned streams, size_t frames, float *const *rows);

// S streams known at compile time (so the compiler vectorises the split),
// or 0 for any count (one stream at a time, strided).
template <PcmFormat F, unsigned S>
__attribute__((always_inline)) inline void unpack_body(const uint8_t *__restrict in, unsigned streams, size_t frames,
                                                       float *const *rows) {
  constexpr size_t w = pcm_info(F).width;
  if constexpr (S == 1) {
    float *__restrict r = rows[0];
    for (size_t i = 0; i < frames; i++) r[i] = load_real<F, float>(in + i * w);
  } else if constexpr (S == 2) {
    float *__restrict r0 = rows[0], *__restrict r1 = rows[1];
    for (size_t i = 0; i < frames; i++) {
      r0[i] = load_real<F, float>(in + (2 * i) * w);
      r1[i] = load_real<F, float>(in + (2 * i + 1) * w);
    }
  } else if constexpr (S == 4) {
    float *__restrict r0 = rows[0], *__restrict r1 = rows[1], *__restrict r2 = rows[2], *__restrict r3 = rows[3];
    for (size_t i = 0; i < frames; i++) {
      r0[i] = load_real<F, float>(in + (4 * i) * w);
      r1[i] = load_real<F, float>(in + (4 * i + 1) * w);
      r2[i] = load_real<F, float>(in + (4 * i + 2) * w);
      r3[i] = load_real<F, float>(in + (4 * i + 3) * w);
    }
  } else {
    for (unsigned s = 0; s < streams; s++) {
      float *__restrict r = rows[s];
      const uint8_t *p = in + s * w;
      for (size_t i = 0; i < frames; i++) r[i] = load_real<F, float>(p + i * streams * w);
    }
  }
}

template <PcmFormat F, unsigned S>
void unpack_plain(const uint8_t *in, unsigned streams, size_t frames, float *const *rows) {
  unpack_body<F, S>(in, streams, frames, rows);
}

// The formats audio files and capture devices deliver most, at the stream
// counts of mono and stereo (interleaved, or a plane split in two for the
// resampler's half-band cascade): clones of the same loop for each x86-64
// ISA, picked by the loader; ARM64's baseline NEON vectorises the plain one.
#if defined(__x86_64__)
#define FA_PCM_CLONES __attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#else
#define FA_PCM_CLONES
#endif

#define FA_PCM_UNPACK_CLONE(F, S)                                                               \
  FA_PCM_CLONES void unpack_##F##_##S(const uint8_t *in, unsigned streams, size_t frames,        \
                                      float *const *rows) {                                     \
    unpack_body<PcmFormat::F, S>(in, streams, frames, rows);                                    \
  }
FA_PCM_UNPACK_CLONE(S16LE, 1)
FA_PCM_UNPACK_CLONE(S16LE, 2)
FA_PCM_UNPACK_CLONE(S16LE, 4)
FA_PCM_UNPACK_CLONE(S24LE, 1)
FA_PCM_UNPACK_CLONE(S24LE, 2)
FA_PCM_UNPACK_CLONE(S24LE, 4)
FA_PCM_UNPACK_CLONE(S32LE, 1)
FA_PCM_UNPACK_CLONE(S32LE, 2)
FA_PCM_UNPACK_CLONE(S32LE, 4)
FA_PCM_UNPACK_CLONE(F32LE, 1)
FA_PCM_UNPACK_CLONE(F32LE, 2)
FA_PCM_UNPACK_CLONE(F32LE, 4)
#undef FA_PCM_UNPACK_CLONE

// Index of a stream count in a format's row of the table: 1, 2, 4, any.
constexpr size_t kStreamVariants = 4;
constexpr size_t variant_of(unsigned streams) {
  return streams == 1 ? 0 : streams == 2 ? 1 : streams == 4 ? 2 : 3;
}

template <size_t... I>
constexpr auto plain_table(std::index_sequence<I...>) {
  return std::array<std::array<UnpackStreamsFn, kStreamVariants>, sizeof...(I)>{
      {{&unpack_plain<PcmFormat(I), 1>, &unpack_plain<PcmFormat(I), 2>, &unpack_plain<PcmFormat(I), 4>,
        &unpack_plain<PcmFormat(I), 0>}...}};
}

#if defined(__x86_64__)
// S24LE on AVX2: a block of samples converted in order, then split into
// the streams by the F32 split above (the block stays in L1).
void unpack_s24le_avx2(const uint8_t *in, unsigned streams, size_t frames, float *const *rows) {
  if (streams == 1) return pcm_planes_detail::s24le_to_float_avx2(in, frames, rows[0]);
  constexpr size_t kBlockSamples = 1024;
  alignas(32) float block[kBlockSamples];
  const size_t step = kBlockSamples / streams;
  const UnpackStreamsFn split = streams == 2 ? unpack_F32LE_2 : unpack_F32LE_4;
  for (size_t f = 0; f < frames; f += step) {
    const size_t n = std::min(step, frames - f);
    pcm_planes_detail::s24le_to_float_avx2(in + f * streams * 3, n * streams, block);
    float *at[4];
    for (unsigned s = 0; s < streams; s++) at[s] = rows[s] + f;
    split(reinterpret_cast<const uint8_t *>(block), streams, n, at);
  }
}
#endif

UnpackStreamsFn find_unpack(PcmFormat f, unsigned streams) {
  const size_t v = variant_of(streams);
  constexpr UnpackStreamsFn s16[] = {unpack_S16LE_1, unpack_S16LE_2, unpack_S16LE_4};
  constexpr UnpackStreamsFn s24[] = {unpack_S24LE_1, unpack_S24LE_2, unpack_S24LE_4};
  constexpr UnpackStreamsFn s32[] = {unpack_S32LE_1, unpack_S32LE_2, unpack_S32LE_4};
  constexpr UnpackStreamsFn f32[] = {unpack_F32LE_1, unpack_F32LE_2, unpack_F32LE_4};
#if defined(__x86_64__)
  static const bool avx2 = best_isa() >= Isa::Avx2;
  if (f == PcmFormat::S24LE && v < 3 && avx2) return unpack_s24le_avx2;
#endif
  if (v < 3) {
    switch (f) {
      case PcmFormat::S16LE: return s16[v];
      case PcmFormat::S24LE: return s24[v];
      case PcmFormat::S32LE: return s32[v];
      case PcmFormat::F32LE: return f32[v];
      default: break;
    }
  }
  static constexpr auto table = plain_table(std::make_index_sequence<kPcmFormatCount>{});
  return table[size_t(f)][v];
}

}  // namespace

void unpack_streams(PcmFormat f, const uint8_t *in, unsigned streams, size_t frames, float *const *rows) {
  if (frames > 0) find_unpack(f, streams)(in, streams, frames, rows);
}

void PcmWriter::write(const float *in, size_t frames, const PcmSink &sink, size_t at, size_t sink_frames) {
  if (frames == 0) return;
  const size_t width = pcm_info(sink.format).width;
  std::vector<uint8_t *> &planes = planes_;
  planes.clear();
  if (sink.planar && sink.channels > 1)
    for (unsigned c = 0; c < sink.channels; c++) planes.push_back(sink.data + (c * sink_frames + at) * width);
  uint8_t *const data = sink.data + at * sink.channels * width;  // interleaved
  if (sink.format == PcmFormat::F32LE) {
    if (planes.empty()) std::memcpy(data, in, frames * sink.channels * sizeof(float));
    else deinterleave(reinterpret_cast<const uint8_t *>(in), sink.channels, frames, width, planes.data());
    return;
  }
  if (!configured_ || format_ != sink.format || channels_ != sink.channels) {
    PipelineSpec spec;
    spec.in_format = PcmFormat::F32LE;
    spec.out_format = sink.format;
    spec.in_channels = spec.out_channels = sink.channels;
    configured_ = pipeline_.configure(spec);
    format_ = sink.format;
    channels_ = sink.channels;
  }
  if (planes.empty()) return pipeline_.process(in, data, frames);
  interleaved_.resize(frames * sink.channels * width);
  pipeline_.process(in, interleaved_.data(), frames);
  deinterleave(interleaved_.data(), sink.channels, frames, width, planes.data());
}

}  // namespace fastaudio
