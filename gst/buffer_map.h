// SPDX-License-Identifier: LGPL-2.1-or-later
// A buffer mapped for the lifetime of a scope: unmapped on every way out,
// so no error path needs its own gst_buffer_unmap().
#pragma once

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <cstddef>
#include <memory>

namespace fastaudio {

class BufferMap {
 public:
  // A buffer of one memory (the usual case) maps that memory alone, without
  // the reference and checks gst_buffer_map() adds per call. Writing needs
  // a writable buffer, as gst_buffer_map() says; memory that cannot be
  // mapped as asked (shared, read-only) goes through gst_buffer_map(), which
  // maps a copy.
  BufferMap(GstBuffer *buffer, GstMapFlags flags) : buffer_(buffer) {
    if (buffer == nullptr || ((flags & GST_MAP_WRITE) && !gst_buffer_is_writable(buffer))) return;
    GstMemory *memory = gst_buffer_n_memory(buffer) == 1 ? gst_buffer_peek_memory(buffer, 0) : nullptr;
    if (memory && gst_memory_map(memory, &map_, flags)) {
      memory_ = memory;
      mapped_ = true;
    } else {
      mapped_ = gst_buffer_map(buffer, &map_, flags);
    }
  }
  // An output buffer whose bytes the caller already knows
  // (OutputPool::take_known_data()): those, without a map; mapped as above when
  // `known` is null.
  BufferMap(GstBuffer *buffer, GstMapFlags flags, guint8 *known) : BufferMap(known ? nullptr : buffer, flags) {
    if (!known) return;
    buffer_ = buffer;
    map_.data = known;
    map_.size = gst_buffer_n_memory(buffer) == 1 ? gst_buffer_peek_memory(buffer, 0)->size : gst_buffer_get_size(buffer);
    borrowed_ = true;
  }
  ~BufferMap() { unmap(); }
  BufferMap(const BufferMap &) = delete;
  BufferMap &operator=(const BufferMap &) = delete;

  // False when the buffer could not be mapped, or is null (then data() is
  // null).
  explicit operator bool() const { return mapped_ || borrowed_; }
  guint8 *data() const { return mapped_ || borrowed_ ? map_.data : nullptr; }
  size_t size() const { return mapped_ || borrowed_ ? map_.size : 0; }
  GstMapInfo *info() { return &map_; }
  // Unmaps before the scope ends (to resize or unref the buffer).
  void unmap() {
    if (mapped_) memory_ ? gst_memory_unmap(memory_, &map_) : gst_buffer_unmap(buffer_, &map_);
    mapped_ = borrowed_ = false;
  }

 private:
  GstBuffer *buffer_;
  GstMemory *memory_ = nullptr;  // set when the one memory is mapped directly
  GstMapInfo map_;  // filled by the map (set only when mapped_ or borrowed_)
  bool mapped_ = false;
  bool borrowed_ = false;  // known bytes, nothing to unmap
};

// The same for an audio buffer's planes (gst_audio_buffer_map()).
class AudioBufferMap {
 public:
  AudioBufferMap(const GstAudioInfo *info, GstBuffer *buffer, GstMapFlags flags)
      : mapped_(gst_audio_buffer_map(&map_, info, buffer, flags)) {}
  ~AudioBufferMap() {
    if (mapped_) gst_audio_buffer_unmap(&map_);
  }
  AudioBufferMap(const AudioBufferMap &) = delete;
  AudioBufferMap &operator=(const AudioBufferMap &) = delete;

  explicit operator bool() const { return mapped_; }
  GstAudioBuffer *get() { return &map_; }
  GstAudioBuffer *operator->() { return &map_; }

 private:
  GstAudioBuffer map_{};
  bool mapped_;
};

// A buffer reference released at the end of a scope. Declared before a
// BufferMap of the same buffer, it outlives the map: unmapped, then unreffed.
struct BufferUnref {
  void operator()(GstBuffer *buffer) const { gst_buffer_unref(buffer); }
};
using OwnedBuffer = std::unique_ptr<GstBuffer, BufferUnref>;

}  // namespace fastaudio
