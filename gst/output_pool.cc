// SPDX-License-Identifier: LGPL-2.1-or-later
#include "output_pool.h"

#include <array>
#include <mutex>

namespace {

// The buffers a pool handed out and the free ones among them. Buffers come
// back from any thread (downstream's) and leave from the streaming thread;
// one lock guards both, held for a few instructions.
class FreeList {
 public:
  // A free buffer and its known bytes (null: to be mapped); false when none.
  bool pop(GstBuffer **buffer, guint8 **data) {
    std::lock_guard<std::mutex> guard(lock_);
    if (n_free_ == 0) return false;
    const Entry &e = entries_[free_[--n_free_]];
    *buffer = e.buffer;
    *data = e.data;
    return true;
  }

  // Starts following `buffer`, just allocated by the pool (or taken from its
  // own queue); its known bytes. Beyond kCapacity buffers in flight the rest
  // go round GstBufferPool's queue.
  guint8 *track(GstBuffer *buffer) {
    Entry e{buffer, nullptr, 0, nullptr};
    if (gst_buffer_n_memory(buffer) == 1) {
      e.memory = gst_buffer_peek_memory(buffer, 0);
      e.offset = e.memory->offset;
      e.data = plain_bytes(e.memory);
    }
    std::lock_guard<std::mutex> guard(lock_);
    size_t slot = find(buffer);
    if (slot == kCapacity) slot = find(nullptr);
    if (slot == kCapacity) return e.data;
    entries_[slot] = e;
    return e.data;
  }

  // Takes back a released buffer (already reset to `size` bytes) when it is
  // one of ours and intact: its one memory, unshared, where it was. False:
  // the caller hands it to GstBufferPool, which keeps or frees it.
  bool put_back(GstBuffer *buffer, gsize size) {
    GstMemory *memory = nullptr;
    if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_TAG_MEMORY) && gst_buffer_n_memory(buffer) == 1)
      memory = gst_buffer_peek_memory(buffer, 0);
    const bool intact = memory && memory->size == size && gst_memory_is_writable(memory);
    std::lock_guard<std::mutex> guard(lock_);
    const size_t slot = find(buffer);
    if (slot == kCapacity) return false;
    if (!intact || entries_[slot].memory != memory || memory->offset != entries_[slot].offset) {
      entries_[slot] = Entry{};
      return false;
    }
    free_[n_free_++] = uint8_t(slot);
    return true;
  }

  // A free buffer, no longer followed (to hand to GstBufferPool at stop), or null.
  GstBuffer *take_free() {
    std::lock_guard<std::mutex> guard(lock_);
    if (n_free_ == 0) return nullptr;
    Entry &e = entries_[free_[--n_free_]];
    GstBuffer *buffer = e.buffer;
    e = Entry{};
    return buffer;
  }

  // Stops following a buffer the pool frees.
  void forget(GstBuffer *buffer) {
    std::lock_guard<std::mutex> guard(lock_);
    const size_t slot = find(buffer);
    if (slot != kCapacity) entries_[slot] = Entry{};
  }

 private:
  static constexpr size_t kCapacity = 32;
  struct Entry {
    GstBuffer *buffer = nullptr;  // null: a free slot
    GstMemory *memory = nullptr;  // its one memory
    gsize offset = 0;             // of that memory when allocated
    guint8 *data = nullptr;       // known bytes, or null
  };

  // The bytes of system memory, stable for its lifetime: mapped once here
  // rather than for every buffer. Null for any other allocator's memory.
  static guint8 *plain_bytes(GstMemory *memory) {
    if (!memory->allocator || g_strcmp0(memory->allocator->mem_type, GST_ALLOCATOR_SYSMEM) != 0) return nullptr;
    GstMapInfo map;
    if (!gst_memory_map(memory, &map, GST_MAP_WRITE)) return nullptr;
    guint8 *data = map.data;
    gst_memory_unmap(memory, &map);
    return data;
  }

  size_t find(GstBuffer *buffer) const {
    for (size_t i = 0; i < kCapacity; i++)
      if (entries_[i].buffer == buffer) return i;
    return kCapacity;
  }

  std::mutex lock_;
  std::array<Entry, kCapacity> entries_{};
  std::array<uint8_t, kCapacity> free_{};  // slots of free buffers
  size_t n_free_ = 0;
};

}  // namespace

// A GstBufferPool whose buffers go round the FreeList above; GstBufferPool
// still counts them, keeps the pool alive while any is out and frees them
// when it stops. Its reset_buffer does only what these buffers need: the
// default one resizes every buffer (its memory's padding counts as a size
// change) and walks the metas.
struct FastaudioOutputBufferPool {
  GstBufferPool parent;
  gsize size;           // of every buffer, as configured
  FreeList *free_list;  // owned
  guint8 *last_data;    // known bytes of the buffer acquired last (streaming thread)
};
struct FastaudioOutputBufferPoolClass {
  GstBufferPoolClass parent_class;
};
G_DEFINE_TYPE(FastaudioOutputBufferPool, fastaudio_output_buffer_pool, GST_TYPE_BUFFER_POOL)

static FastaudioOutputBufferPool *output_pool_cast(GstBufferPool *pool) {
  return reinterpret_cast<FastaudioOutputBufferPool *>(pool);
}
#define OUTPUT_POOL_PARENT GST_BUFFER_POOL_CLASS(fastaudio_output_buffer_pool_parent_class)

static GstFlowReturn fastaudio_output_buffer_pool_acquire_buffer(GstBufferPool *pool, GstBuffer **buffer,
                                                                 GstBufferPoolAcquireParams *params) {
  auto self = output_pool_cast(pool);
  if (GST_BUFFER_POOL_IS_FLUSHING(pool)) return GST_FLOW_FLUSHING;
  if (self->free_list->pop(buffer, &self->last_data)) return GST_FLOW_OK;
  const GstFlowReturn ret = OUTPUT_POOL_PARENT->acquire_buffer(pool, buffer, params);
  self->last_data = ret == GST_FLOW_OK ? self->free_list->track(*buffer) : nullptr;
  return ret;
}

static void fastaudio_output_buffer_pool_release_buffer(GstBufferPool *pool, GstBuffer *buffer) {
  auto self = output_pool_cast(pool);
  if (!self->free_list->put_back(buffer, self->size)) OUTPUT_POOL_PARENT->release_buffer(pool, buffer);
}

static void fastaudio_output_buffer_pool_free_buffer(GstBufferPool *pool, GstBuffer *buffer) {
  output_pool_cast(pool)->free_list->forget(buffer);
  OUTPUT_POOL_PARENT->free_buffer(pool, buffer);
}

// The free buffers go to GstBufferPool's queue, which its stop frees.
static gboolean fastaudio_output_buffer_pool_stop(GstBufferPool *pool) {
  while (GstBuffer *buffer = output_pool_cast(pool)->free_list->take_free())
    OUTPUT_POOL_PARENT->release_buffer(pool, buffer);
  return OUTPUT_POOL_PARENT->stop(pool);
}

static void fastaudio_output_buffer_pool_reset_buffer(GstBufferPool *pool, GstBuffer *buffer) {
  gpointer state = nullptr;
  if (gst_buffer_iterate_meta(buffer, &state) != nullptr || GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_TAG_MEMORY) ||
      gst_buffer_n_memory(buffer) != 1) {
    OUTPUT_POOL_PARENT->reset_buffer(pool, buffer);
    return;
  }
  GST_BUFFER_FLAGS(buffer) = 0;
  GST_BUFFER_PTS(buffer) = GST_BUFFER_DTS(buffer) = GST_BUFFER_DURATION(buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_OFFSET(buffer) = GST_BUFFER_OFFSET_END(buffer) = GST_BUFFER_OFFSET_NONE;
  const GstMemory *memory = gst_buffer_peek_memory(buffer, 0);
  const gsize size = output_pool_cast(pool)->size;
  // (A buffer moved where the size no longer fits is left as it is: release refuses it.)
  if (memory->size != size && memory->offset + size <= memory->maxsize) gst_buffer_set_size(buffer, size);
}

static gboolean fastaudio_output_buffer_pool_set_config(GstBufferPool *pool, GstStructure *config) {
  guint size = 0;
  if (!gst_buffer_pool_config_get_params(config, nullptr, &size, nullptr, nullptr)) return FALSE;
  output_pool_cast(pool)->size = size;
  return OUTPUT_POOL_PARENT->set_config(pool, config);
}

static void fastaudio_output_buffer_pool_finalize(GObject *object) {
  delete output_pool_cast(GST_BUFFER_POOL(object))->free_list;
  G_OBJECT_CLASS(fastaudio_output_buffer_pool_parent_class)->finalize(object);
}

static void fastaudio_output_buffer_pool_class_init(FastaudioOutputBufferPoolClass *klass) {
  G_OBJECT_CLASS(klass)->finalize = fastaudio_output_buffer_pool_finalize;
  klass->parent_class.acquire_buffer = fastaudio_output_buffer_pool_acquire_buffer;
  klass->parent_class.release_buffer = fastaudio_output_buffer_pool_release_buffer;
  klass->parent_class.free_buffer = fastaudio_output_buffer_pool_free_buffer;
  klass->parent_class.stop = fastaudio_output_buffer_pool_stop;
  klass->parent_class.reset_buffer = fastaudio_output_buffer_pool_reset_buffer;
  klass->parent_class.set_config = fastaudio_output_buffer_pool_set_config;
}

static void fastaudio_output_buffer_pool_init(FastaudioOutputBufferPool *self) {
  self->free_list = new FreeList();
  self->last_data = nullptr;
}

namespace fastaudio {

void OutputPool::drop() {
  if (!pool_) return;
  gst_buffer_pool_set_active(pool_, FALSE);
  gst_clear_object(&pool_);
  buffer_size_ = 0;
  last_ = nullptr;
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
  last_ = nullptr;
  if (!ensure(trans, info, MAX(size, 1)) || gst_buffer_pool_acquire_buffer(pool_, buffer, nullptr) != GST_FLOW_OK)
    return false;
  if (size != buffer_size_) gst_buffer_set_size(*buffer, size);  // steady streaming: already the size
  last_ = *buffer;
  last_data_ = output_pool_cast(pool_)->last_data;
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
