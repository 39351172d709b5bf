// SPDX-License-Identifier: LGPL-2.1-or-later
// A flood of warnings of one kind (on-error=skip over a stream of bad
// objects) as a few messages: the first kFull in full, then at most one
// summary per second counting what it stands for, and a final count at the
// end of the stream. A warning per bad line cost seconds and hundreds of MB
// of queued bus messages.
#pragma once

#include <cstdint>

namespace fastaudio {

class WarningFlood {
 public:
  static constexpr uint64_t kFull = 5;
  static constexpr int64_t kSummaryInterval = 1000000;  // microseconds

  enum class Post { Full, Summary, Nothing };

  // One more occurrence at `now` (monotonic microseconds): what to post.
  // `count` is how many occurrences the message stands for, this one
  // included (1 for Full).
  Post note(int64_t now, uint64_t &count);
  uint64_t total() const { return total_; }
  // Whether the end of the stream needs a final count (some were summarised).
  bool needs_final_count() const { return total_ > kFull; }
  void reset() { *this = WarningFlood(); }

 private:
  uint64_t total_ = 0;
  uint64_t unreported_ = 0;  // occurrences since the last message
  int64_t last_post_ = 0;
};

}  // namespace fastaudio
