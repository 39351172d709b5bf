// SPDX-License-Identifier: LGPL-2.1-or-later
// Output buffers for audio transforms whose buffer sizes vary from buffer to
// buffer, which GstBaseTransform's own pool handling does not allow for: a
// GstBufferPool sized for the largest buffer seen, each buffer trimmed to its
// size (the pool restores it on release), so that steady streaming
// allocates nothing. Its buffers go round a short free list of its own (one
// uncontended lock per acquire and per release) instead of GstBufferPool's
// queue, and the bytes of each buffer of plain system memory are known, so
// that the element writes its output without mapping it.
#pragma once

#include <gst/audio/audio.h>
#include <gst/base/gstbasetransform.h>

namespace fastaudio {

class OutputPool {
 public:
  OutputPool() = default;
  OutputPool(const OutputPool &) = delete;
  OutputPool &operator=(const OutputPool &) = delete;
  ~OutputPool() { drop(); }

  // A buffer of `size` bytes (at least 1) for `trans`'s output `info`, from
  // the allocator GstBaseTransform negotiated; false when none can be had.
  bool acquire(GstBaseTransform *trans, const GstAudioInfo *info, gsize size, GstBuffer **buffer);
  // The bytes of `buffer` when it is the buffer acquire() handed out last,
  // still out of this pool, and its one memory is plain system memory: to be
  // written without a map (see BufferMap). Null otherwise (the input buffer
  // converted in place, another allocator's memory). Streaming thread only.
  guint8 *known_data(GstBuffer *buffer) const {
    return buffer == last_ && buffer->pool == pool_ ? last_data_ : nullptr;
  }
  // Frees the pool (at stop, or when the caps change what a buffer holds).
  void drop();

 private:
  bool ensure(GstBaseTransform *trans, const GstAudioInfo *info, gsize size);
  GstBufferPool *pool_ = nullptr;
  gsize buffer_size_ = 0;
  GstBuffer *last_ = nullptr;  // compared only, never dereferenced
  guint8 *last_data_ = nullptr;
};

// GstBaseTransform's copy_metadata for an output buffer from acquire():
// flags and timestamps copied directly when the input carries no metas (the
// usual case, where the generic copy costs as much as converting a 10 ms
// buffer), else the parent class's, which transforms each meta. `gap_aware`
// as given to gst_base_transform_set_gap_aware() (false: GAP is cleared).
void copy_metadata(GstBaseTransform *trans, GstBaseTransformClass *parent_class, bool gap_aware, GstBuffer *input,
                   GstBuffer *output);

}  // namespace fastaudio
