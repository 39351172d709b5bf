// SPDX-License-Identifier: LGPL-2.1-or-later
// Element properties as GStreamer's Rust plugins keep them: one Settings
// struct under a mutex, written by set_property; the streaming thread works
// on its own copy, taken under the lock when something changed (one atomic
// load per buffer otherwise), never reading fields one by one. Every
// element of the plugin keeps its properties this way.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

namespace fastaudio {

template <typename Settings>
class SharedSettings {
 public:
  // set_property: `change(settings)` under the lock; the streaming thread
  // sees it at its next refresh().
  template <typename Change>
  void update(Change &&change) {
    std::lock_guard<std::mutex> guard(lock_);
    change(settings_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  // get_property, and queries from other threads: a consistent copy.
  Settings get() const {
    std::lock_guard<std::mutex> guard(lock_);
    return settings_;
  }

  // The streaming thread's copy.
  struct Active {
    Settings value;
    uint64_t generation = 0;  // of the copy; 0: never taken
  };
  // Whether the settings changed since `active` was taken (one atomic load).
  bool changed(const Active &active) const {
    return generation_.load(std::memory_order_acquire) != active.generation;
  }
  // Copies the settings into `active` if they changed since it was taken;
  // true when it did.
  bool refresh(Active &active) const {
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (generation == active.generation) return false;
    std::lock_guard<std::mutex> guard(lock_);
    active.value = settings_;
    active.generation = generation_.load(std::memory_order_relaxed);
    return true;
  }

 private:
  mutable std::mutex lock_;
  Settings settings_;
  std::atomic<uint64_t> generation_{1};
};

}  // namespace fastaudio
