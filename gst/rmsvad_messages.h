// SPDX-License-Identifier: LGPL-2.1-or-later
// Element messages rmsvad posts for applications written for other elements.
#pragma once

#include <gst/gst.h>

namespace fastaudio {

// webrtcdsp's (voice-detection=true) "voice-activity" message: the stream
// has voice from `stream_time` on, or no longer has it. Same name, fields
// and types as webrtcdsp, so its applications need no change.
GstMessage *voice_activity_message(GstObject *src, GstClockTime stream_time, bool has_voice);

}  // namespace fastaudio
