// SPDX-License-Identifier: LGPL-2.1-or-later
#include "pcm_planes.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "convert.h"
#include "layout.h"
#include "pcm_planes_kernels.h"

namespace fastaudio {

namespace {

using pcm_planes_detail::unpack_plain;

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

// The kernel of the ISA in use for the common formats, else the plain loop.
UnpackStreamsFn find_unpack(PcmFormat f, unsigned streams) {
  if (const IsaKernels<UnpackStreamsFn> *k = unpack_kernels(f, streams)) return k->for_isa(best_isa());
  static constexpr auto table = plain_table(std::make_index_sequence<kPcmFormatCount>{});
  return table[size_t(f)][variant_of(streams)];
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
