// SPDX-License-Identifier: LGPL-2.1-or-later
#include "rmsvad_messages.h"

namespace fastaudio {

GstMessage *voice_activity_message(GstObject *src, GstClockTime stream_time, bool has_voice) {
  GstStructure *s = gst_structure_new("voice-activity", "stream-time", G_TYPE_UINT64, guint64(stream_time),
                                      "stream-has-voice", G_TYPE_BOOLEAN, gboolean(has_voice), nullptr);
  return gst_message_new_element(src, s);
}

}  // namespace fastaudio
