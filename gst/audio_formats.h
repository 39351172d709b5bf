// Mapping between GStreamer's raw audio formats and the dsp layer's, and the
// caps text every element's pad templates are built from.
#pragma once

#include <gst/audio/audio.h>

#include <optional>
#include <string>

#include "sample_format.h"

namespace fastaudio {

#define FASTAUDIO_FORMATS "{ U8, S8, S16LE, S24LE, S24_32LE, S32LE, F32LE, F64LE }"

std::optional<SampleFormat> sample_format_from_gst(GstAudioFormat format);
GstAudioFormat sample_format_to_gst(SampleFormat format);

// Why `caps` do not fit `template_caps`, in words a user can act on
// ("format S24BE is not supported (supported: ...)").
std::string explain_caps_mismatch(GstCaps *caps, GstCaps *template_caps);

}  // namespace fastaudio
