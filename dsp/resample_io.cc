// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's input split and output write (dsp/resample.h): input of
// any PCM format and layout is converted to float as it is split into the
// planar history rows (or the cascade's even and odd rows); output leaves
// the kernels as interleaved F32, written as it is or through a PcmWriter.
#include <algorithm>
#include <cstring>

#include "resample_cascade.h"

namespace fastaudio {

using namespace resample_detail;

namespace {

// Grows each row to hold `len + frames` frames, geometrically.
void grow_rows(std::vector<std::vector<float>> &rows, size_t len, size_t frames) {
  for (auto &r : rows)
    if (r.size() < len + frames) r.resize(std::max(len + frames, r.size() * 3 / 2));
}

// Interleaved F32, the kernels' own format: the split the resampler had
// before other formats (bit for bit, and the AVX-512 pair split).
void split_f32(const float *in, size_t frames, std::vector<std::vector<float>> &rows, size_t len) {
  const size_t ch = rows.size();
  if (ch == 1) {
    std::memcpy(rows[0].data() + len, in, frames * sizeof(float));
  } else if (ch == 2) {
    split_pairs(in, frames, rows[0].data() + len, rows[1].data() + len);  // both channels in one pass
  } else {
    for (size_t c = 0; c < ch; c++) {
      float *d = rows[c].data() + len;
      for (size_t i = 0; i < frames; i++) d[i] = in[i * ch + c];
    }
  }
}

}  // namespace

void Resampler::append(const PcmSource &in, size_t frames) {
  grow_rows(hist_, hist_len_, frames);
  const unsigned ch = spec_.channels;
  if (frames > 0) {
    if (in.format == PcmFormat::F32LE && !in.planar) {
      split_f32(reinterpret_cast<const float *>(in.planes[0]), frames, hist_, hist_len_);
    } else if (!in.planar) {
      row_ptrs_.resize(ch);
      for (unsigned c = 0; c < ch; c++) row_ptrs_[c] = hist_[c].data() + hist_len_;
      unpack_streams(in.format, in.at(0, 0), ch, frames, row_ptrs_.data());
    } else {
      for (unsigned c = 0; c < ch; c++) {
        float *row = hist_[c].data() + hist_len_;
        unpack_streams(in.format, in.at(0, c), 1, frames, &row);
      }
    }
  }
  hist_len_ += frames;
  in_total_ += frames;
  trailing_zeros_ = 0;
}

void Resampler::append_zeros(size_t frames) {
  grow_rows(hist_, hist_len_, frames);
  for (auto &h : hist_) std::fill(h.data() + hist_len_, h.data() + hist_len_ + frames, 0.f);
  hist_len_ += frames;
  trailing_zeros_ += frames;
}

void Resampler::Cascade::append(const PcmSource *in, size_t frames) {
  const size_t room = (frames + 2) / 2;
  for (auto *rows : {&ev, &od})
    for (auto &r : *rows)
      if (r.size() < ev_len + room) r.resize(std::max(ev_len + room, r.size() * 3 / 2));
  // Frame i of channel c alone into `dst` (the halves of a pair split across calls).
  auto one = [&](size_t i, unsigned c, float *dst) {
    if (!in) *dst = 0.f;
    else unpack_streams(in->format, in->at(i, c), 1, 1, &dst);
  };
  size_t i = 0;
  if (raw_total % 2 == 1 && frames > 0) {  // the odd frame of the pending pair
    for (unsigned c = 0; c < ch; c++) one(0, c, od[c].data() + od_len);
    od_len++;
    i = 1;
  }
  const size_t pairs = (frames - i) / 2;
  if (!in) {
    for (unsigned c = 0; c < ch; c++) {
      std::fill_n(ev[c].data() + ev_len, pairs, 0.f);
      std::fill_n(od[c].data() + od_len, pairs, 0.f);
    }
  } else if (pairs > 0) {
    split_pairs_of(*in, i, pairs);
  }
  ev_len += pairs;
  od_len += pairs;
  i += 2 * pairs;
  if (i < frames) {  // an even frame that starts the next pair
    for (unsigned c = 0; c < ch; c++) one(i, c, ev[c].data() + ev_len);
    ev_len++;
  }
  raw_total += frames;
}

// Frames first, first + 1, ... as `pairs` pairs: even ones to ev, odd ones to od.
void Resampler::Cascade::split_pairs_of(const PcmSource &in, size_t first, size_t pairs) {
  if (in.format == PcmFormat::F32LE && !in.planar && ch <= 2) {
    const float *x = reinterpret_cast<const float *>(in.at(first, 0));
    if (ch == 1) return split_pairs(x, pairs, ev[0].data() + ev_len, od[0].data() + od_len);
    // Frame 2m is (L, R), frame 2m + 1 the next: four streams in one pass.
    return deinterleave4(x, pairs, ev[0].data() + ev_len, ev[1].data() + ev_len, od[0].data() + od_len,
                         od[1].data() + od_len);
  }
  if (!in.planar) {
    // A pair of interleaved frames is 2 x ch streams: ev rows, then od rows.
    row_ptrs.resize(2 * ch);
    for (unsigned c = 0; c < ch; c++) row_ptrs[c] = ev[c].data() + ev_len, row_ptrs[ch + c] = od[c].data() + od_len;
    return unpack_streams(in.format, in.at(first, 0), 2 * ch, pairs, row_ptrs.data());
  }
  for (unsigned c = 0; c < ch; c++) {
    float *rows[2] = {ev[c].data() + ev_len, od[c].data() + od_len};
    unpack_streams(in.format, in.at(first, c), 2, pairs, rows);
  }
}

size_t Resampler::process(const float *in, size_t in_frames, float *out, size_t out_capacity) {
  const uint8_t *plane = reinterpret_cast<const uint8_t *>(in);
  const PcmSource source{PcmFormat::F32LE, spec_.channels, false, &plane};
  return process_float(&source, in_frames, out, out_capacity);
}

size_t Resampler::process_float(const PcmSource *in, size_t in_frames, float *out, size_t out_capacity) {
  if (stages_) return stages_process(in, in_frames, f32_sink(out), out_capacity);
  if (cascade_) {
    // The cascade's own copy of the input is the history meanwhile.
    in_total_ += in_frames;
    return cascade_process(in, in_frames, out, out_capacity);
  }
  compact();
  append(*in, in_frames);
  return produce(out, out_capacity, outputs_ready());
}

// The kernels' interleaved F32 block for `frames` outputs, reused across calls.
float *Resampler::output_block(size_t frames) {
  if (out_block_.size() < frames * spec_.channels) out_block_.resize(frames * spec_.channels);
  return out_block_.data();
}

size_t Resampler::process(const PcmSource &in, size_t in_frames, const PcmSink &out, size_t out_capacity) {
  if (stages_) return stages_process(&in, in_frames, out, out_capacity);
  if (out.is_interleaved_f32())
    return process_float(&in, in_frames, reinterpret_cast<float *>(out.data), out_capacity);
  // Right after a quality switch the cascade holds outputs already made (its stash).
  if (!cascade_ || (cascade_->stash_frames == 0 && cascade_->skip == 0))
    return process_fused(in, in_frames, out, out_capacity);
  const size_t capacity = std::min(out_capacity, max_output_frames(in_frames));
  float *block = output_block(capacity);
  const size_t written = process_float(&in, in_frames, block, capacity);
  writer_.write(block, written, out);
  return written;
}

size_t Resampler::process_fused(const PcmSource &in, size_t in_frames, const PcmSink &out, size_t out_capacity) {
  // The input first: `out.data` may be `in`'s memory.
  size_t count;
  if (cascade_) {
    in_total_ += in_frames;
    cascade_append(&in, in_frames);
    cascade_->halfband();
    // Outputs past the capacity stay in the second stage for the next call.
    count = std::min(out_capacity, cascade_->inner.outputs_ready());
  } else {
    compact();
    append(in, in_frames);
    count = std::min(out_capacity, outputs_ready());
  }
  produce_written(out, count);
  if (cascade_) advance_outputs(count);
  return count;
}

size_t Resampler::outputs_to_block_start() const {
  switch (path_) {
    case ResamplePath::TwoThirds: return next_phase_;  // blocks start at an even output
    case ResamplePath::Gather: return gather_group_rest();
    default: return 0;
  }
}

// Blocks of kOutputBlockFrames (plus what leads to a block path's start),
// the last one taking what remains below two: the outputs one call would
// make, bit for bit (the block paths leave short runs and parts of their
// units to the generic one, whose sums round differently).
void Resampler::produce_written(const PcmSink &out, size_t count) {
  Resampler &maker = cascade_ ? cascade_->inner : *this;
  float *block = output_block(std::min(count, 2 * kOutputBlockFrames + kOutputBlockLead));
  for (size_t done = 0; done < count;) {
    const size_t n = count - done < 2 * kOutputBlockFrames + kOutputBlockLead
                         ? count - done
                         : kOutputBlockFrames + maker.outputs_to_block_start();
    maker.produce(block, n, n);
    writer_.write(block, n, out, done, count);
    done += n;
  }
}

size_t Resampler::process_silence(size_t frames, const PcmSink &out, size_t out_capacity) {
  if (stages_) return stages_process(nullptr, frames, out, out_capacity);
  if (out.is_interleaved_f32()) return process_silence(frames, reinterpret_cast<float *>(out.data), out_capacity);
  const size_t capacity = std::min(out_capacity, max_output_frames(frames));
  float *block = output_block(capacity);
  const size_t written = process_silence(frames, block, capacity);
  writer_.write(block, written, out);
  return written;
}

size_t Resampler::drain(const PcmSink &out, size_t out_capacity) {
  if (stages_) return stages_drain(out, out_capacity);
  if (out.is_interleaved_f32()) return drain(reinterpret_cast<float *>(out.data), out_capacity);
  const size_t capacity = std::min(out_capacity, pending_output_frames());
  float *block = output_block(capacity);
  const size_t written = drain(block, capacity);
  writer_.write(block, written, out);
  return written;
}

}  // namespace fastaudio
