// SPDX-License-Identifier: LGPL-2.1-or-later
#include "buffer_recycler.h"

// What a recycled buffer's `pool` field points at: a GstBufferPool that is
// never configured or activated, naming the recycler the buffer returns to.
// The buffer's dispose hook reads it without a lock (qdata would take
// GStreamer's process-wide qdata lock per buffer); code downstream that
// looks at the field finds a valid pool.
struct FastaudioRecyclerTag {
  GstBufferPool parent;
  fastaudio::BufferRecycler *recycler;
};
struct FastaudioRecyclerTagClass {
  GstBufferPoolClass parent_class;
};
G_DEFINE_TYPE(FastaudioRecyclerTag, fastaudio_recycler_tag, GST_TYPE_BUFFER_POOL)
static void fastaudio_recycler_tag_class_init(FastaudioRecyclerTagClass *) {}
static void fastaudio_recycler_tag_init(FastaudioRecyclerTag *self) { self->recycler = nullptr; }

namespace fastaudio {

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

// Every meta a buffer gathered downstream goes (GstBufferPool does the same
// to the metas it did not add itself; this one adds none).
static gboolean drop_meta(GstBuffer *, GstMeta **meta, gpointer) {
  GST_META_FLAGS(*meta) = GstMetaFlags(GST_META_FLAGS(*meta) & ~GST_META_FLAG_LOCKED);
  *meta = nullptr;
  return TRUE;
}

BufferRecycler *BufferRecycler::create(GstAllocator *allocator, const GstAllocationParams &params, gsize size) {
  return new BufferRecycler(allocator, params, size);
}

BufferRecycler::BufferRecycler(GstAllocator *allocator, const GstAllocationParams &params, gsize size)
    : allocator_(allocator ? GST_ALLOCATOR(gst_object_ref(allocator)) : nullptr), params_(params), size_(size) {
  auto tag = static_cast<FastaudioRecyclerTag *>(g_object_new(fastaudio_recycler_tag_get_type(), nullptr));
  gst_object_ref_sink(tag);
  tag->recycler = this;
  tag_ = GST_BUFFER_POOL(tag);
}

BufferRecycler::~BufferRecycler() {
  gst_object_unref(tag_);
  if (allocator_) gst_object_unref(allocator_);
}

void BufferRecycler::release_reference(BufferRecycler *recycler) {
  if (recycler->references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete recycler;
}

size_t BufferRecycler::find(GstBuffer *buffer) const {
  for (size_t i = 0; i < kCapacity; i++)
    if (entries_[i].buffer == buffer) return i;
  return kCapacity;
}

GstBuffer *BufferRecycler::acquire(guint8 **data) {
  {
    std::lock_guard<SpinLock> guard(lock_);
    if (n_free_ > 0) {
      const Entry &e = entries_[free_[--n_free_]];
      *data = e.data;
      return e.buffer;
    }
  }
  return allocate(data);
}

// A new buffer, followed from now on when a slot is free (else a plain
// buffer, freed after use).
GstBuffer *BufferRecycler::allocate(guint8 **data) {
  *data = nullptr;
  GstBuffer *buffer = gst_buffer_new_allocate(allocator_, size_, &params_);
  if (!buffer || gst_buffer_n_memory(buffer) != 1) return buffer;
  Entry e{buffer, gst_buffer_peek_memory(buffer, 0), 0, nullptr};
  e.offset = e.memory->offset;
  e.data = plain_bytes(e.memory);
  *data = e.data;
  {
    std::lock_guard<SpinLock> guard(lock_);
    const size_t slot = find(nullptr);
    if (slot == kCapacity) return buffer;
    entries_[slot] = e;
  }
  references_.fetch_add(1, std::memory_order_relaxed);  // dropped when the buffer is freed
  buffer->pool = tag_;
  GstMiniObject *object = GST_MINI_OBJECT_CAST(buffer);
  // Written before the first buffer leaves this thread; the same for all.
  if (!buffer_dispose_) buffer_dispose_ = object->dispose;
  object->dispose = dispose_buffer;
  return buffer;
}

// A followed buffer's last reference went: back on the free list, or freed.
gboolean BufferRecycler::dispose_buffer(GstMiniObject *object) {
  GstBuffer *buffer = GST_BUFFER_CAST(object);
  BufferRecycler *self = reinterpret_cast<FastaudioRecyclerTag *>(buffer->pool)->recycler;
  gst_buffer_ref(buffer);  // alive again (and writable, for the reset)
  if (self->take_back(buffer)) return FALSE;
  self->free_buffer(buffer);
  return FALSE;
}

// A followed buffer that is not kept: freed, with the reference it held.
void BufferRecycler::free_buffer(GstBuffer *buffer) {
  buffer->pool = nullptr;
  GST_MINI_OBJECT_CAST(buffer)->dispose = buffer_dispose_;
  gst_buffer_unref(buffer);
  release_reference(this);  // (this may be gone after)
}

// Resets a returned buffer and keeps it if the recycler is open and the
// buffer intact: the one memory it was made with, unshared, where it was.
bool BufferRecycler::take_back(GstBuffer *buffer) {
  GstMemory *memory = nullptr;
  if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_TAG_MEMORY) && gst_buffer_n_memory(buffer) == 1)
    memory = gst_buffer_peek_memory(buffer, 0);
  // One reference: no other buffer or sub-memory shares it (those hold one
  // too), which gst_memory_is_writable() would also require.
  const bool unshared = memory && GST_MINI_OBJECT_REFCOUNT_VALUE(memory) == 1 &&
                        !GST_MEMORY_FLAG_IS_SET(memory, GST_MEMORY_FLAG_READONLY);
  if (unshared && memory->offset + size_ <= memory->maxsize) {
    GST_BUFFER_FLAGS(buffer) = 0;
    GST_BUFFER_PTS(buffer) = GST_BUFFER_DTS(buffer) = GST_BUFFER_DURATION(buffer) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_OFFSET(buffer) = GST_BUFFER_OFFSET_END(buffer) = GST_BUFFER_OFFSET_NONE;
    gpointer state = nullptr;
    if (gst_buffer_iterate_meta(buffer, &state)) gst_buffer_foreach_meta(buffer, drop_meta, nullptr);
    if (memory->size != size_) gst_buffer_set_size(buffer, size_);
  } else {
    memory = nullptr;
  }
  std::lock_guard<SpinLock> guard(lock_);
  const size_t slot = find(buffer);
  if (slot == kCapacity) return false;
  if (!open_ || !memory || entries_[slot].memory != memory || memory->offset != entries_[slot].offset) {
    entries_[slot] = Entry{};
    return false;
  }
  free_[n_free_++] = uint8_t(slot);
  return true;
}

void BufferRecycler::close() {
  std::array<GstBuffer *, kCapacity> free_buffers;
  size_t n = 0;
  {
    std::lock_guard<SpinLock> guard(lock_);
    open_ = false;
    for (; n < n_free_; n++) {
      free_buffers[n] = entries_[free_[n]].buffer;
      entries_[free_[n]] = Entry{};
    }
    n_free_ = 0;
  }
  for (size_t i = 0; i < n; i++) free_buffer(free_buffers[i]);  // each drops its own reference
  release_reference(this);                                        // the owner's
}

}  // namespace fastaudio
