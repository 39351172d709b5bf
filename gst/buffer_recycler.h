// SPDX-License-Identifier: LGPL-2.1-or-later
// Output buffers that come back to their element when downstream lets go
// of them, for OutputPool. Each buffer's dispose hook hands it back to the
// recycler that made it (named by the buffer's pool field), which keeps it
// on a short free list when it is intact: its one memory, unshared, where
// it was. One uncontended lock each way, where a GstBufferPool takes its
// queue's lock, a reference on the pool and its outstanding count per
// buffer. The bytes of each buffer of plain system memory are recorded
// once, so that the element writes its output without mapping it.
//
// The recycler lives as long as its owner or any buffer it made: buffers
// held downstream after close() are freed when they come back.
#pragma once

#include <gst/gst.h>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

namespace fastaudio {

class BufferRecycler {
 public:
  // Buffers of `size` bytes from `allocator` (null: system memory).
  static BufferRecycler *create(GstAllocator *allocator, const GstAllocationParams &params, gsize size);
  BufferRecycler(const BufferRecycler &) = delete;
  BufferRecycler &operator=(const BufferRecycler &) = delete;

  gsize size() const { return size_; }
  // A buffer of size() bytes, free or newly allocated (null when allocation
  // fails), and its known bytes (null: map it). Streaming thread only.
  GstBuffer *acquire(guint8 **data);
  // The owner lets go: free buffers are freed now, the rest when they come
  // back; the recycler goes with the last of them.
  void close();

 private:
  BufferRecycler(GstAllocator *allocator, const GstAllocationParams &params, gsize size);
  ~BufferRecycler();
  static gboolean dispose_buffer(GstMiniObject *object);
  static void release_reference(BufferRecycler *recycler);
  void free_buffer(GstBuffer *buffer);
  GstBuffer *allocate(guint8 **data);
  bool take_back(GstBuffer *buffer);
  size_t find(GstBuffer *buffer) const;

  // Held for a few dozen instructions, by the streaming thread and by the
  // thread that drops a buffer: a spin (yielding when it waits) costs less
  // per buffer than a mutex's lock and unlock calls.
  class SpinLock {
   public:
    void lock() {
      while (held_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
    }
    void unlock() { held_.store(false, std::memory_order_release); }

   private:
    std::atomic<bool> held_{false};
  };

  static constexpr size_t kCapacity = 32;  // buffers followed; beyond, plain buffers are made
  struct Entry {
    GstBuffer *buffer = nullptr;  // null: a free slot
    GstMemory *memory = nullptr;  // its one memory
    gsize offset = 0;             // of that memory when allocated
    guint8 *data = nullptr;       // known bytes, or null
  };

  GstBufferPool *tag_;  // what the buffers' pool field points at (see the .cc)
  GstAllocator *allocator_;
  GstAllocationParams params_;
  const gsize size_;
  GstMiniObjectDisposeFunction buffer_dispose_ = nullptr;  // GstBuffer's own
  std::atomic<int> references_{1};                          // the owner's and one per buffer made
  SpinLock lock_;                                           // guards what follows
  bool open_ = true;
  std::array<Entry, kCapacity> entries_{};
  std::array<uint8_t, kCapacity> free_{};  // slots of free buffers
  size_t n_free_ = 0;
};

}  // namespace fastaudio
