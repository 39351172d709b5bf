// SPDX-License-Identifier: LGPL-2.1-or-later
// Checks and trims every element makes on an input audio buffer before any
// work: whole frames only, and only the samples inside the segment.
#pragma once

#include <gst/audio/audio.h>

#include "buffer_map.h"

namespace fastaudio {

// Frames in a buffer: its GstAudioMeta says for planar audio, whose planes
// may have gaps between them; otherwise size / frame size.
gsize buffer_frames(GstBuffer *buf, const GstAudioInfo *info);

// False, after posting "Buffer is not a whole number of audio frames" on
// `element`, when `buf` holds a partial frame of `info`.
bool check_whole_frames(GstElement *element, GstBuffer *buf, const GstAudioInfo *info);

// `buf` clipped to `segment` (gst_audio_buffer_clip(), which takes the
// reference): the same buffer when all of it lies inside, since the clip
// would copy it just to fill in a missing duration; nullptr when none does.
GstBuffer *clip_to_segment(GstBuffer *buf, const GstSegment *segment, const GstAudioInfo *info);

// The checks and trims above, in order, for a transform's input buffer
// (which this takes): caps negotiated (else an error that `name` received a
// buffer before any caps, GST_FLOW_NOT_NEGOTIATED), whole frames where no
// GstAudioMeta gives them (else GST_FLOW_ERROR), clipped to `segment`.
// The buffer to work on, or nullptr with `*ret` set (GST_FLOW_OK when the
// buffer lies wholly outside the segment).
GstBuffer *take_input(GstElement *element, const char *name, GstBuffer *input, const GstAudioInfo *info,
                      const GstSegment *segment, GstFlowReturn *ret);

// A reference to planar `buf` with the GstAudioMeta gst_audio_buffer_map()
// needs: `buf` itself when it has one (or `info` is interleaved), else a
// shallow copy (shared memory) whose meta says the planes are contiguous.
OwnedBuffer with_audio_meta(GstBuffer *buf, const GstAudioInfo *info);

// Posts the error for planar input whose GstAudioMeta does not fit `info`.
void post_planar_map_error(GstElement *element, const GstAudioInfo *info);

}  // namespace fastaudio
