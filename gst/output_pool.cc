// SPDX-License-Identifier: LGPL-2.1-or-later
#include "output_pool.h"

namespace fastaudio {

void OutputPool::drop() {
  if (!pool_) return;
  gst_buffer_pool_set_active(pool_, FALSE);
  gst_clear_object(&pool_);
  buffer_size_ = 0;
}

bool OutputPool::ensure(GstBaseTransform *trans, const GstAudioInfo *info, gsize size) {
  if (pool_ && size <= buffer_size_) return true;
  drop();
  GstAllocator *allocator = nullptr;
  GstAllocationParams params;
  gst_base_transform_get_allocator(trans, &allocator, &params);
  GstBufferPool *pool = gst_buffer_pool_new();
  GstStructure *config = gst_buffer_pool_get_config(pool);
  GstCaps *caps = gst_audio_info_to_caps(info);
  gst_buffer_pool_config_set_params(config, caps, size, 0, 0);
  gst_buffer_pool_config_set_allocator(config, allocator, &params);
  gst_caps_unref(caps);
  if (allocator) gst_object_unref(allocator);
  if (!gst_buffer_pool_set_config(pool, config) || !gst_buffer_pool_set_active(pool, TRUE)) {
    gst_object_unref(pool);
    return false;
  }
  pool_ = pool;
  buffer_size_ = size;
  return true;
}

bool OutputPool::acquire(GstBaseTransform *trans, const GstAudioInfo *info, gsize size, GstBuffer **buffer) {
  if (!ensure(trans, info, MAX(size, 1)) || gst_buffer_pool_acquire_buffer(pool_, buffer, nullptr) != GST_FLOW_OK)
    return false;
  gst_buffer_set_size(*buffer, size);
  return true;
}

}  // namespace fastaudio
