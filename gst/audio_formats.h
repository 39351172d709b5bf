// SPDX-License-Identifier: LGPL-2.1-or-later
// Mapping between GStreamer's raw audio formats and the dsp layer's, and the
// caps text every element's pad templates are built from.
#pragma once

#include <gst/audio/audio.h>

#include <optional>
#include <string>

#include "pcm_format.h"
#include "sample_format.h"

namespace fastaudio {

#define FASTAUDIO_FORMATS "{ U8, S8, S16LE, S24LE, S24_32LE, S32LE, F32LE, F64LE }"
// Every raw audio caps audioconvert and audioresample take: fastconvert's
// and fastresample's pad templates.
#define FASTAUDIO_ALL_RAW_AUDIO_CAPS                      \
  "audio/x-raw, format = (string) " GST_AUDIO_FORMATS_ALL \
  ", rate = (int) [ 1, MAX ], channels = (int) [ 1, MAX ], layout = (string) { interleaved, non-interleaved }"

// The pad template of either direction with FASTAUDIO_ALL_RAW_AUDIO_CAPS,
// the same for every element that takes all raw audio.
GstStaticPadTemplate *all_raw_audio_template(GstPadDirection direction);

std::optional<SampleFormat> sample_format_from_gst(GstAudioFormat format);
// Any of GStreamer's 30 PCM formats (GST_AUDIO_FORMATS_ALL).
std::optional<PcmFormat> pcm_format_from_gst(GstAudioFormat format);
GstAudioFormat sample_format_to_gst(SampleFormat format);

// Why `caps` do not fit `template_caps`, in words a user can act on
// ("format S24BE is not supported (supported: ...)").
std::string explain_caps_mismatch(GstCaps *caps, GstCaps *template_caps);

// gst_audio_info_from_caps() plus the check GStreamer 1.22 leaves to a
// g_warning(): a channel-mask must name exactly `channels` valid positions
// (channels=2, channel-mask=0x1 otherwise warns "Invalid channel positions",
// fatal under G_DEBUG=fatal-warnings). On failure `why` says what is wrong.
bool audio_info_from_caps(GstAudioInfo *info, GstCaps *caps, std::string *why = nullptr);

// Raw audio caps whose channel positions are `mask` (GStreamer's
// channel-mask, 0 for unpositioned channels), or without one GStreamer's
// default positions for the channel count: mono, stereo, 2.1 to 7.1 up to 8
// channels, unpositioned above.
GstCaps *audio_caps_with_positions(GstAudioFormat format, int rate, int channels, std::optional<guint64> mask);

// The channel-mask of `info`'s positions: nullopt for mono, 0 for
// unpositioned channels.
std::optional<guint64> channel_mask_of(const GstAudioInfo *info);

// Why the channel-mask of `s` cannot describe its channels, or "" if it can.
std::string channel_mask_problem(const GstStructure *s);

// Why fixed raw audio caps `s` cannot be used although the pad template
// allows them, or "": a bad channel-mask, more than 2 channels without one
// (gst_audio_info_from_caps() refuses that without saying why), or a frame
// size that overflows (gst_audio_info_from_caps() accepts F64LE with
// 2^29 channels and computes a frame of 0 bytes).
std::string raw_caps_problem(const GstStructure *s);

}  // namespace fastaudio
