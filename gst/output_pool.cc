// SPDX-License-Identifier: LGPL-2.1-or-later
#include "output_pool.h"

// A GstBufferPool whose reset_buffer does only what this element's buffers
// need: the default one resizes every buffer (its memory's padding counts as
// a size change) and walks the metas, which costs a third of converting a
// 10 ms buffer.
struct FastaudioOutputBufferPool {
  GstBufferPool parent;
  gsize size;  // of every buffer, as configured
};
struct FastaudioOutputBufferPoolClass {
  GstBufferPoolClass parent_class;
};
G_DEFINE_TYPE(FastaudioOutputBufferPool, fastaudio_output_buffer_pool, GST_TYPE_BUFFER_POOL)

static void fastaudio_output_buffer_pool_reset_buffer(GstBufferPool *pool, GstBuffer *buffer) {
  gpointer state = nullptr;
  if (gst_buffer_iterate_meta(buffer, &state) != nullptr || GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_TAG_MEMORY)) {
    GST_BUFFER_POOL_CLASS(fastaudio_output_buffer_pool_parent_class)->reset_buffer(pool, buffer);
    return;
  }
  GST_BUFFER_FLAGS(buffer) = 0;
  GST_BUFFER_PTS(buffer) = GST_BUFFER_DTS(buffer) = GST_BUFFER_DURATION(buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_OFFSET(buffer) = GST_BUFFER_OFFSET_END(buffer) = GST_BUFFER_OFFSET_NONE;
  const gsize size = reinterpret_cast<FastaudioOutputBufferPool *>(pool)->size;
  if (gst_buffer_get_size(buffer) != size) gst_buffer_set_size(buffer, size);
}

static gboolean fastaudio_output_buffer_pool_set_config(GstBufferPool *pool, GstStructure *config) {
  guint size = 0;
  if (!gst_buffer_pool_config_get_params(config, nullptr, &size, nullptr, nullptr)) return FALSE;
  reinterpret_cast<FastaudioOutputBufferPool *>(pool)->size = size;
  return GST_BUFFER_POOL_CLASS(fastaudio_output_buffer_pool_parent_class)->set_config(pool, config);
}

static void fastaudio_output_buffer_pool_class_init(FastaudioOutputBufferPoolClass *klass) {
  klass->parent_class.reset_buffer = fastaudio_output_buffer_pool_reset_buffer;
  klass->parent_class.set_config = fastaudio_output_buffer_pool_set_config;
}

static void fastaudio_output_buffer_pool_init(FastaudioOutputBufferPool *) {}

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
  auto pool = GST_BUFFER_POOL(g_object_new(fastaudio_output_buffer_pool_get_type(), nullptr));
  gst_object_ref_sink(pool);
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
  if (size != buffer_size_) gst_buffer_set_size(*buffer, size);  // steady streaming: already the size
  return true;
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
