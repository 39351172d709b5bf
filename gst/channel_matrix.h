// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert's channel matrix: GStreamer's default one for the two sides'
// positions, or the user's mix-matrix property checked against them.
#pragma once

// GStreamer 1.22's audio-channel-mixer.h lacks the C linkage block its
// other headers have; it must come before audio.h includes it.
#include <gst/gst.h>
extern "C" {
#include <gst/audio/audio-channel-mixer.h>
}
#include <gst/audio/audio.h>

#include <string>

#include "mix.h"

namespace fastaudio {

// The matrix GstAudioChannelMixer builds for `in` -> `out` (positions, LFE,
// normalisation), read back from the mixer itself. False with `why` when
// GStreamer builds none (unpositioned channels and different counts).
bool default_channel_matrix(const GstAudioInfo *in, const GstAudioInfo *out, MixMatrix *matrix, std::string *why);

// The mix-matrix property (a GstValueArray of rows, one per output channel,
// of in-channel floats) as a matrix. Refuses, naming the problem, a shape
// other than out x in or a value that is not a finite float.
bool matrix_from_value(const GValue *value, unsigned in_channels, unsigned out_channels, MixMatrix *matrix,
                       std::string *why);

// Why `value` cannot be a mix-matrix whatever the caps (ragged rows, empty
// rows, non-float or non-finite entries), or "".
std::string mix_matrix_problem(const GValue *value);

// The mix-matrix property's spec: rows of floats as audioconvert's, so
// launch lines may write untyped values, but with a value spec that lets
// NaN and Inf through (GObject's float spec would refuse them with a
// generic warning) for mix_matrix_problem() to name.
GParamSpec *mix_matrix_param_spec(const char *blurb, GParamFlags flags);

// Integer-to-integer mixing in audioconvert uses coefficients truncated to
// steps of 1/1024; doing the same keeps fastconvert within 1 LSB of it.
void truncate_like_integer_mixer(MixMatrix *matrix);

}  // namespace fastaudio
