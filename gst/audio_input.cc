// SPDX-License-Identifier: LGPL-2.1-or-later
#include "audio_input.h"

#include "element_message.h"

namespace fastaudio {

gsize buffer_frames(GstBuffer *buf, const GstAudioInfo *info) {
  if (GstAudioMeta *meta = gst_buffer_get_audio_meta(buf)) return meta->samples;
  return gst_buffer_get_size(buf) / GST_AUDIO_INFO_BPF(info);
}

bool check_whole_frames(GstElement *element, GstBuffer *buf, const GstAudioInfo *info) {
  const gsize size = gst_buffer_get_size(buf);
  if (size % GST_AUDIO_INFO_BPF(info) == 0) return true;
  FASTAUDIO_ELEMENT_ERROR(element, STREAM, FORMAT, ("Buffer is not a whole number of audio frames"),
                          ("%" G_GSIZE_FORMAT " bytes is not a multiple of the %d-byte frame of %s x %d", size,
                           GST_AUDIO_INFO_BPF(info), GST_AUDIO_INFO_NAME(info), GST_AUDIO_INFO_CHANNELS(info)));
  return false;
}

// Whether any sample of `buf` falls outside `segment`.
static bool needs_clipping(const GstSegment *segment, GstBuffer *buf, const GstAudioInfo *info) {
  if (segment->format == GST_FORMAT_DEFAULT) return true;
  if (segment->format != GST_FORMAT_TIME || !GST_BUFFER_PTS_IS_VALID(buf)) return false;
  const guint64 start = GST_BUFFER_PTS(buf);
  // The usual live case, an open-ended segment the buffer starts inside:
  // nothing to clip, and no need to work out where the buffer ends.
  if (!GST_CLOCK_TIME_IS_VALID(segment->stop) && start >= segment->start) return false;
  const guint64 stop =
      start + gst_util_uint64_scale_int(buffer_frames(buf, info), GST_SECOND, GST_AUDIO_INFO_RATE(info));
  guint64 clipped_start, clipped_stop;
  if (!gst_segment_clip(segment, GST_FORMAT_TIME, start, stop, &clipped_start, &clipped_stop)) return true;
  return clipped_start != start || clipped_stop != stop;
}

GstBuffer *clip_to_segment(GstBuffer *buf, const GstSegment *segment, const GstAudioInfo *info) {
  if (!needs_clipping(segment, buf, info)) return buf;
  return gst_audio_buffer_clip(buf, segment, GST_AUDIO_INFO_RATE(info), GST_AUDIO_INFO_BPF(info));
}

GstBuffer *take_input(GstElement *element, const char *name, GstBuffer *input, const GstAudioInfo *info,
                      const GstSegment *segment, GstFlowReturn *ret) {
  *ret = GST_FLOW_OK;
  if (GST_AUDIO_INFO_BPF(info) == 0) {
    gst_buffer_unref(input);
    FASTAUDIO_ELEMENT_ERROR(element, CORE, NEGOTIATION, ("%s received a buffer before any caps", name), (nullptr));
    *ret = GST_FLOW_NOT_NEGOTIATED;
    return nullptr;
  }
  // A planar buffer's GstAudioMeta gives its frame count (planes may lie apart).
  if (!gst_buffer_get_audio_meta(input) && !check_whole_frames(element, input, info)) {
    gst_buffer_unref(input);
    *ret = GST_FLOW_ERROR;
    return nullptr;
  }
  return clip_to_segment(input, segment, info);  // nullptr: entirely outside the segment
}

OwnedBuffer with_audio_meta(GstBuffer *buf, const GstAudioInfo *info) {
  if (GST_AUDIO_INFO_LAYOUT(info) != GST_AUDIO_LAYOUT_NON_INTERLEAVED || gst_buffer_get_audio_meta(buf))
    return OwnedBuffer(gst_buffer_ref(buf));
  OwnedBuffer described(gst_buffer_copy(buf));
  gst_buffer_add_audio_meta(described.get(), info, buffer_frames(buf, info), nullptr);
  return described;
}

void post_planar_map_error(GstElement *element, const GstAudioInfo *info) {
  FASTAUDIO_ELEMENT_ERROR(element, STREAM, FORMAT, ("Could not map the planar input buffer"),
                          ("its GstAudioMeta does not fit %s x %d channels or the buffer's size",
                           GST_AUDIO_INFO_NAME(info), GST_AUDIO_INFO_CHANNELS(info)));
}

}  // namespace fastaudio
