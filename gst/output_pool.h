// SPDX-License-Identifier: LGPL-2.1-or-later
// Output buffers for audio transforms whose buffer sizes vary from buffer to
// buffer, which GstBaseTransform's own pool handling does not allow for:
// buffers sized for the largest buffer seen, each trimmed to its size (and
// restored when it comes back), so that steady streaming allocates
// nothing. They come back through a BufferRecycler (buffer_recycler.h),
// cheaper per buffer than a GstBufferPool, and the bytes of each are known,
// so that the element writes its output without mapping it.
#pragma once

#include <gst/audio/audio.h>
#include <gst/base/gstbasetransform.h>

#include "buffer_recycler.h"

namespace fastaudio {

class OutputPool {
 public:
  OutputPool() = default;
  OutputPool(const OutputPool &) = delete;
  OutputPool &operator=(const OutputPool &) = delete;
  ~OutputPool() { drop(); }

  // A buffer of `size` bytes (at least 1 allocated) from the allocator
  // GstBaseTransform negotiated; false when none can be had. Streaming
  // thread only.
  bool acquire(GstBaseTransform *trans, gsize size, GstBuffer **buffer);
  // The bytes of `buffer` when it is the buffer acquire() handed out last
  // and its one memory is plain system memory, to be written without a map
  // (see BufferMap); null otherwise (the input converted in place, another
  // allocator's memory). Once per acquire(): a second call returns null.
  guint8 *take_known_data(GstBuffer *buffer);
  // Lets the buffers go (at stop): those held downstream are freed when
  // they come back.
  void drop();

 private:
  BufferRecycler *recycler_ = nullptr;
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
