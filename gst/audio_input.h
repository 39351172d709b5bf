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

// A reference to planar `buf` with the GstAudioMeta gst_audio_buffer_map()
// needs: `buf` itself when it has one (or `info` is interleaved), else a
// shallow copy (shared memory) whose meta says the planes are contiguous.
OwnedBuffer with_audio_meta(GstBuffer *buf, const GstAudioInfo *info);

// Posts the error for planar input whose GstAudioMeta does not fit `info`.
void post_planar_map_error(GstElement *element, const GstAudioInfo *info);

}  // namespace fastaudio
