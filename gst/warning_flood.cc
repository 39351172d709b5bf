// SPDX-License-Identifier: LGPL-2.1-or-later
#include "warning_flood.h"

namespace fastaudio {

WarningFlood::Post WarningFlood::note(int64_t now, uint64_t &count) {
  total_++;
  unreported_++;
  if (total_ > kFull && now - last_post_ < kSummaryInterval) return Post::Nothing;
  count = unreported_;
  unreported_ = 0;
  last_post_ = now;
  return total_ <= kFull ? Post::Full : Post::Summary;
}

}  // namespace fastaudio
