// SPDX-License-Identifier: LGPL-2.1-or-later
#include "channel_matrix.h"

#include <cmath>
#include <vector>

namespace fastaudio {

bool default_channel_matrix(const GstAudioInfo *in, const GstAudioInfo *out, MixMatrix *matrix, std::string *why) {
  const int ic = GST_AUDIO_INFO_CHANNELS(in), oc = GST_AUDIO_INFO_CHANNELS(out);
  int flags = 0;
  if (GST_AUDIO_INFO_IS_UNPOSITIONED(in)) flags |= GST_AUDIO_CHANNEL_MIXER_FLAGS_UNPOSITIONED_IN;
  if (GST_AUDIO_INFO_IS_UNPOSITIONED(out)) flags |= GST_AUDIO_CHANNEL_MIXER_FLAGS_UNPOSITIONED_OUT;
  if (ic != oc && flags != 0) {
    *why = "unpositioned channels (channel-mask=0) can only be mixed to another count with a mix-matrix";
    return false;
  }
  GstAudioChannelMixer *mixer =
      gst_audio_channel_mixer_new(GstAudioChannelMixerFlags(flags), GST_AUDIO_FORMAT_F32, ic,
                                  const_cast<GstAudioChannelPosition *>(in->position), oc,
                                  const_cast<GstAudioChannelPosition *>(out->position));
  if (!mixer) {
    *why = "GStreamer has no channel mix for these positions";
    return false;
  }
  // Frame i holds 1 in channel i: the mixer's output frame i is the
  // matrix's column i, exactly (0 + 1 * m).
  std::vector<float> impulses(size_t(ic) * ic, 0.0f), columns(size_t(ic) * oc, 0.0f);
  for (int i = 0; i < ic; i++) impulses[size_t(i) * ic + i] = 1.0f;
  gpointer in_planes[1] = {impulses.data()}, out_planes[1] = {columns.data()};
  gst_audio_channel_mixer_samples(mixer, in_planes, out_planes, ic);
  gst_audio_channel_mixer_free(mixer);
  matrix->in_channels = ic;
  matrix->out_channels = oc;
  matrix->m.assign(size_t(ic) * oc, 0.0f);
  for (int i = 0; i < ic; i++)
    for (int o = 0; o < oc; o++) matrix->m[size_t(o) * ic + i] = columns[size_t(i) * oc + o];
  return true;
}

std::string mix_matrix_problem(const GValue *value) {
  if (!GST_VALUE_HOLDS_ARRAY(value)) return "mix-matrix is not an array of rows";
  const guint rows = gst_value_array_get_size(value);
  guint width = 0;
  for (guint r = 0; r < rows; r++) {
    const GValue *row = gst_value_array_get_value(value, r);
    if (!GST_VALUE_HOLDS_ARRAY(row)) return "mix-matrix row " + std::to_string(r) + " is not an array";
    const guint n = gst_value_array_get_size(row);
    if (n == 0) return "mix-matrix row " + std::to_string(r) + " is empty";
    if (r == 0) width = n;
    if (n != width)
      return "mix-matrix rows differ in length: row 0 has " + std::to_string(width) + " values, row " +
             std::to_string(r) + " has " + std::to_string(n);
    for (guint i = 0; i < n; i++) {
      const GValue *v = gst_value_array_get_value(row, i);
      if (!G_VALUE_HOLDS_FLOAT(v))
        return "mix-matrix value [" + std::to_string(r) + "][" + std::to_string(i) + "] is a " +
               G_VALUE_TYPE_NAME(v) + ", not a float";
      if (!std::isfinite(g_value_get_float(v)))
        return "mix-matrix value [" + std::to_string(r) + "][" + std::to_string(i) + "] is not finite";
    }
  }
  if (rows > 64 || width > 64) return "mix-matrix is larger than 64 x 64 channels";
  return "";
}

// A float param spec type whose check accepts every value.
static GType any_float_param_type() {
  static const GType type = [] {
    GParamSpecTypeInfo info{};
    info.instance_size = sizeof(GParamSpec);
    info.value_type = G_TYPE_FLOAT;
    info.value_validate = [](GParamSpec *, GValue *) -> gboolean { return FALSE; };
    info.values_cmp = [](GParamSpec *, const GValue *a, const GValue *b) -> gint {
      const float x = g_value_get_float(a), y = g_value_get_float(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    return g_param_type_register_static("FastaudioParamAnyFloat", &info);
  }();
  return type;
}

GParamSpec *mix_matrix_param_spec(const char *blurb, GParamFlags flags) {
  auto value = static_cast<GParamSpec *>(g_param_spec_internal(any_float_param_type(), "matrix-cols", "cols",
                                                              "a float: NaN and Inf are refused by the element", flags));
  return gst_param_spec_array("mix-matrix", "Input/output channel matrix", blurb,
                              gst_param_spec_array("matrix-rows", "rows", "rows", value, flags), flags);
}

bool matrix_from_value(const GValue *value, unsigned in_channels, unsigned out_channels, MixMatrix *matrix,
                       std::string *why) {
  *why = mix_matrix_problem(value);
  if (!why->empty()) return false;
  const guint rows = gst_value_array_get_size(value);
  const guint width = rows ? gst_value_array_get_size(gst_value_array_get_value(value, 0)) : 0;
  if (rows != out_channels || width != in_channels) {
    *why = "mix-matrix has " + std::to_string(rows) + " rows of " + std::to_string(width) + " values; " +
           std::to_string(in_channels) + " -> " + std::to_string(out_channels) + " channels need " +
           std::to_string(out_channels) + " rows of " + std::to_string(in_channels);
    return false;
  }
  matrix->in_channels = in_channels;
  matrix->out_channels = out_channels;
  matrix->m.resize(size_t(rows) * width);
  for (guint r = 0; r < rows; r++) {
    const GValue *row = gst_value_array_get_value(value, r);
    for (guint i = 0; i < width; i++) matrix->m[size_t(r) * width + i] = g_value_get_float(gst_value_array_get_value(row, i));
  }
  return true;
}

void truncate_like_integer_mixer(MixMatrix *matrix) {
  for (float &x : matrix->m) x = std::trunc(x * 1024.0f) / 1024.0f;
}

}  // namespace fastaudio
