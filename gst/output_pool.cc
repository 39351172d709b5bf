// SPDX-License-Identifier: LGPL-2.1-or-later
#include "output_pool.h"

#include "buffer_recycler.h"

namespace fastaudio {

void OutputPool::drop() {
  if (recycler_) recycler_->close();
  recycler_ = nullptr;
  last_ = nullptr;
}

bool OutputPool::acquire(GstBaseTransform *trans, gsize size, GstBuffer **buffer) {
  last_ = nullptr;
  if (!recycler_ || size > recycler_->size()) {
    drop();
    GstAllocator *allocator = nullptr;
    GstAllocationParams params;
    gst_base_transform_get_allocator(trans, &allocator, &params);
    recycler_ = BufferRecycler::create(allocator, params, MAX(size, 1));
    if (allocator) gst_object_unref(allocator);
  }
  guint8 *data = nullptr;
  *buffer = recycler_->acquire(&data);
  if (!*buffer) return false;
  if (size != recycler_->size()) gst_buffer_set_size(*buffer, size);  // steady streaming: already the size
  last_ = *buffer;
  last_data_ = data;
  return true;
}

guint8 *OutputPool::take_known_data(GstBuffer *buffer) {
  guint8 *data = buffer == last_ ? last_data_ : nullptr;
  last_ = nullptr;
  return data;
}

void copy_metadata(GstBaseTransform *trans, GstBaseTransformClass *parent_class, bool gap_aware, GstBuffer *input,
                   GstBuffer *output) {
  gpointer state = nullptr;
  if (gst_buffer_iterate_meta(input, &state) != nullptr || !gst_buffer_is_writable(output)) {
    parent_class->copy_metadata(trans, input, output);
    return;
  }
  // As gst_buffer_copy_into(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS):
  // every flag but the output's own TAG_MEMORY.
  const guint keep = GST_BUFFER_FLAG_TAG_MEMORY;
  GST_MINI_OBJECT_FLAGS(output) = (GST_MINI_OBJECT_FLAGS(input) & ~keep) | (GST_MINI_OBJECT_FLAGS(output) & keep);
  GST_BUFFER_PTS(output) = GST_BUFFER_PTS(input);
  GST_BUFFER_DTS(output) = GST_BUFFER_DTS(input);
  GST_BUFFER_DURATION(output) = GST_BUFFER_DURATION(input);
  GST_BUFFER_OFFSET(output) = GST_BUFFER_OFFSET(input);
  GST_BUFFER_OFFSET_END(output) = GST_BUFFER_OFFSET_END(input);
  if (!gap_aware) GST_BUFFER_FLAG_UNSET(output, GST_BUFFER_FLAG_GAP);
}

}  // namespace fastaudio
