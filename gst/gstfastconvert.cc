// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert: audioconvert's job (any of the 30 PCM formats, either layout,
// channels mixed by position or by a mix-matrix, dithering and noise
// shaping) with the kernels of dsp/convert_pipeline.h.
//
// Identical caps pass the buffer through; a writable buffer whose frames
// keep their size (F32 <-> S32, stereo S16 -> mono F32) converts in place;
// everything else converts into a pooled buffer. Planar (non-interleaved)
// audio converts plane by plane when both sides are planar and channels are
// not mixed, and through an interleaved copy otherwise.
#include "gstfastconvert.h"

#include <gst/audio/audio.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "audio_formats.h"
#include "audio_input.h"
#include "buffer_map.h"
#include "channel_matrix.h"
#include "convert_pipeline.h"
#include "element_class.h"
#include "element_message.h"
#include "layout.h"
#include "negotiation.h"
#include "output_pool.h"
#include "settings.h"

GST_DEBUG_CATEGORY_STATIC(gst_fast_convert_debug);
#define GST_CAT_DEFAULT gst_fast_convert_debug

using fastaudio::ConvertPipeline;
using fastaudio::PipelineSpec;

enum { PROP_0, PROP_DITHERING, PROP_NOISE_SHAPING, PROP_MIX_MATRIX, PROP_DITHERING_THRESHOLD };

// The mix-matrix property's value (a GstValueArray), copied deeply so that
// the settings holding it copy like any other.
class MatrixValue {
 public:
  MatrixValue() { g_value_init(&value_, GST_TYPE_ARRAY); }
  MatrixValue(const MatrixValue &other) : MatrixValue() { g_value_copy(&other.value_, &value_); }
  MatrixValue &operator=(const MatrixValue &other) {
    if (this != &other) g_value_copy(&other.value_, &value_);
    return *this;
  }
  ~MatrixValue() { g_value_unset(&value_); }
  const GValue *get() const { return &value_; }
  void set(const GValue *value) { g_value_copy(value, &value_); }

 private:
  GValue value_ = G_VALUE_INIT;
};

struct FastConvertSettings {
  GstAudioDitherMethod dithering = GST_AUDIO_DITHER_TPDF;
  GstAudioNoiseShapingMethod noise_shaping = GST_AUDIO_NOISE_SHAPING_NONE;
  guint dithering_threshold = 20;
  MatrixValue mix_matrix;  // empty: the default matrix
};

struct GstFastConvertPrivate {
  fastaudio::SharedSettings<FastConvertSettings> settings;
  // Streaming thread: the settings the converter was configured with.
  fastaudio::SharedSettings<FastConvertSettings>::Active active;
  GstAudioInfo in_info;
  GstAudioInfo out_info;
  ConvertPipeline converter;
  // Frames keep their size: a writable input buffer is converted in place
  // (read without the object lock).
  bool reuse_input = false;
  // What set_caps told GstBaseTransform, read without its object lock.
  bool passthrough = false;
  // Non-interleaved on either side: buffers carry a GstAudioMeta and go
  // through convert_planar().
  bool in_planar = false, out_planar = false;
  bool per_plane = false;         // both planar, channels unmixed: plane_converter on each plane
  ConvertPipeline plane_converter;  // the same conversion for one channel
  std::vector<uint8_t> interleaved_in, interleaved_out;  // scratch for layout changes
  fastaudio::OutputPool pool;  // output buffers when neither passthrough nor in place
  fastaudio::CapsRefusalReporter refusals{
      "fastconvert",
      "convert",
      {{"rate", "fastconvert converts formats, layouts and channels, never the rate: put fastresample before it."},
       {nullptr, "fastconvert converts formats, layouts and channels (mixed by position or mix-matrix), never "
                 "the rate."}}};
};

// What gst-inspect-1.0 shows of the element.
static const fastaudio::ElementMetadata kMetadata = {
    .long_name = "Fast audio converter",
    .classification = "Filter/Converter/Audio",
    .description =
        "Converts raw audio between every PCM format and layout audioconvert takes, mixes channels by "
        "position (audioconvert's default matrix) or by mix-matrix, dithers and noise-shapes as it does, "
        "with SIMD kernels: passthrough for identical caps, in place for equal frame sizes"};

FASTAUDIO_DEFINE_TRANSFORM_ELEMENT(GstFastConvert, gst_fast_convert, fastconvert, GST_TYPE_FAST_CONVERT);

// Rows and columns of the mix-matrix property, or 0 when it is not set.
static void matrix_shape(GstFastConvertPrivate *priv, gint *rows, gint *cols) {
  const FastConvertSettings settings = priv->settings.get();
  const GValue *m = settings.mix_matrix.get();
  *rows = gst_value_array_get_size(m);
  *cols = *rows ? gst_value_array_get_size(gst_value_array_get_value(m, 0)) : 0;
}

// For each structure: itself first (passthrough, unless a mix-matrix is
// set), then any format and layout with any channel count (the
// mix-matrix's when set). Unpositioned
// channels (channel-mask 0) keep their count unless a matrix says otherwise,
// as audioconvert does: no default matrix exists for them.
static GstCaps *gst_fast_convert_transform_caps(GstBaseTransform *trans, GstPadDirection direction,
                                                GstCaps *in_caps, GstCaps *filter) {
  // Never offer the other side a channel-mask we would refuse ourselves.
  GstCaps *caps = fastaudio::without_bad_channel_masks(in_caps);
  GstCaps *result = gst_caps_new_empty();
  gint rows = 0, cols = 0;
  matrix_shape(GST_FAST_CONVERT(trans)->priv, &rows, &cols);
  const gint other_channels = direction == GST_PAD_SINK ? rows : cols;

  for (guint i = 0; i < gst_caps_get_size(caps); i++) {
    if (gst_caps_is_any(caps)) break;
    const GstStructure *s = gst_caps_get_structure(caps, i);
    GstCapsFeatures *features = gst_caps_get_features(caps, i);
    if (!gst_caps_features_is_equal(features, GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) continue;
    if (other_channels == 0) result = gst_caps_merge_structure(result, gst_structure_copy(s));

    GstStructure *any = gst_structure_copy(s);
    gst_structure_remove_fields(any, "format", "layout", nullptr);
    guint64 mask = 1;
    gint channels = 0;
    const bool unpositioned = gst_structure_get(s, "channel-mask", GST_TYPE_BITMASK, &mask, nullptr) && mask == 0 &&
                              gst_structure_get_int(s, "channels", &channels) && channels > 1;
    if (other_channels > 0 || !unpositioned) gst_structure_remove_fields(any, "channel-mask", "channels", nullptr);
    if (other_channels > 0) gst_structure_set(any, "channels", G_TYPE_INT, other_channels, nullptr);
    result = gst_caps_merge_structure(result, any);
  }
  if (gst_caps_is_any(caps)) gst_caps_replace(&result, caps);
  gst_caps_unref(caps);

  if (filter) {
    GstCaps *filtered = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = filtered;
  }
  return result;
}

// The input format when offered; else one of the same depth (the same
// family, int or float, first), then the first deeper one (same family
// first), then the deepest (same family first): audioconvert's order.
static const gchar *pick_format(const GstAudioFormatInfo *in, const GValue *choices) {
  if (G_VALUE_HOLDS_STRING(choices)) return g_value_get_string(choices);
  const int in_depth = GST_AUDIO_FORMAT_INFO_DEPTH(in);
  const gchar *best = nullptr;
  int best_score = G_MININT;
  for (guint i = 0; i < gst_value_list_get_size(choices); i++) {
    const GValue *v = gst_value_list_get_value(choices, i);
    if (!G_VALUE_HOLDS_STRING(v)) continue;
    const gchar *name = g_value_get_string(v);
    const GstAudioFormatInfo *f = gst_audio_format_get_info(gst_audio_format_from_string(name));
    if (!f || f->format == GST_AUDIO_FORMAT_UNKNOWN) continue;
    if (f->format == in->format) return name;
    const int depth = GST_AUDIO_FORMAT_INFO_DEPTH(f);
    const int family = GST_AUDIO_FORMAT_INFO_IS_FLOAT(f) == GST_AUDIO_FORMAT_INFO_IS_FLOAT(in) ? 1 : 0;
    const int score = depth == in_depth ? 300 + family : depth > in_depth ? 200 + family : 2 * depth + family;
    if (score > best_score) best_score = score, best = name;
  }
  return best;
}

static GstCaps *gst_fast_convert_fixate_caps(GstBaseTransform *, GstPadDirection, GstCaps *caps,
                                             GstCaps *othercaps) {
  GstCaps *same = gst_caps_intersect(othercaps, caps);
  if (!gst_caps_is_empty(same)) {
    gst_caps_unref(othercaps);
    return gst_caps_fixate(same);
  }
  gst_caps_unref(same);
  // Keeping the channels and rate matters more than keeping the format or
  // layout: prefer what matches the input but for those two.
  GstCaps *loose = gst_caps_copy(caps);
  for (guint i = 0; i < gst_caps_get_size(loose); i++)
    gst_structure_remove_fields(gst_caps_get_structure(loose, i), "format", "layout", nullptr);
  GstCaps *near = gst_caps_intersect(othercaps, loose);
  gst_caps_unref(loose);
  if (!gst_caps_is_empty(near)) gst_caps_replace(&othercaps, near);
  gst_caps_unref(near);

  othercaps = gst_caps_truncate(othercaps);
  othercaps = gst_caps_make_writable(othercaps);
  GstStructure *out = gst_caps_get_structure(othercaps, 0);
  const GstStructure *in = gst_caps_get_structure(caps, 0);

  const gchar *in_format_name = gst_structure_get_string(in, "format");
  const GValue *formats = gst_structure_get_value(out, "format");
  if (in_format_name && formats && !gst_value_is_fixed(formats)) {
    GstAudioFormat in_format = gst_audio_format_from_string(in_format_name);
    if (const gchar *chosen = pick_format(gst_audio_format_get_info(in_format), formats))
      gst_structure_set(out, "format", G_TYPE_STRING, chosen, nullptr);
  }

  if (const gchar *layout = gst_structure_get_string(in, "layout"))
    gst_structure_fixate_field_string(out, "layout", layout);

  gint in_rate = 0, in_channels = 0, out_channels = 0;  // caps may lack any of these fields
  if (gst_structure_get_int(in, "rate", &in_rate))
    gst_structure_fixate_field_nearest_int(out, "rate", in_rate);
  if (gst_structure_get_int(in, "channels", &in_channels))
    gst_structure_fixate_field_nearest_int(out, "channels", in_channels);

  if (gst_structure_get_int(out, "channels", &out_channels) && out_channels > 1 &&
      !gst_structure_has_field(out, "channel-mask")) {
    guint64 mask = 0;
    if (out_channels == in_channels &&
        gst_structure_get(in, "channel-mask", GST_TYPE_BITMASK, &mask, nullptr)) {
    } else {
      mask = gst_audio_channel_get_fallback_mask(out_channels);
    }
    gst_structure_set(out, "channel-mask", GST_TYPE_BITMASK, mask, nullptr);
  }
  return gst_caps_fixate(othercaps);
}

static gboolean gst_fast_convert_get_unit_size(GstBaseTransform *, GstCaps *caps, gsize *size) {
  GstAudioInfo info;
  if (!fastaudio::audio_info_from_caps(&info, caps)) return FALSE;
  *size = GST_AUDIO_INFO_BPF(&info);
  return TRUE;
}

static gboolean gst_fast_convert_transform_size(GstBaseTransform *trans, GstPadDirection direction,
                                                GstCaps *, gsize size, GstCaps *, gsize *othersize) {
  auto self = GST_FAST_CONVERT(trans);
  const GstAudioInfo *from = direction == GST_PAD_SINK ? &self->priv->in_info : &self->priv->out_info;
  const GstAudioInfo *to = direction == GST_PAD_SINK ? &self->priv->out_info : &self->priv->in_info;
  if (GST_AUDIO_INFO_BPF(from) == 0 || size % GST_AUDIO_INFO_BPF(from) != 0) return FALSE;
  *othersize = size / GST_AUDIO_INFO_BPF(from) * GST_AUDIO_INFO_BPF(to);
  return TRUE;
}

// The matrix for in -> out: the mix-matrix property if set, else
// GStreamer's default for the positions (none when nothing moves).
static bool choose_matrix(const FastConvertSettings &settings, const GstAudioInfo *in, const GstAudioInfo *out,
                          fastaudio::MixMatrix *matrix, std::string *why) {
  const unsigned ic = GST_AUDIO_INFO_CHANNELS(in), oc = GST_AUDIO_INFO_CHANNELS(out);
  if (gst_value_array_get_size(settings.mix_matrix.get()) > 0) {
    if (!fastaudio::matrix_from_value(settings.mix_matrix.get(), ic, oc, matrix, why)) return false;
  } else if (ic != oc || memcmp(in->position, out->position, std::min(ic, 64u) * sizeof in->position[0]) != 0) {
    // (GstAudioInfo holds 64 positions; more channels are unpositioned.)
    if (!fastaudio::default_channel_matrix(in, out, matrix, why)) return false;
  }
  if (!matrix->m.empty() && matrix->is_identity()) matrix->m.clear();
  if (!matrix->m.empty() && GST_AUDIO_INFO_IS_INTEGER(in) && GST_AUDIO_INFO_IS_INTEGER(out))
    fastaudio::truncate_like_integer_mixer(matrix);
  return true;
}

// The whole conversion for these caps and the current settings.
static bool build_spec(GstFastConvertPrivate *priv, const GstAudioInfo *in, const GstAudioInfo *out,
                       PipelineSpec *spec, std::string *why) {
  auto in_format = fastaudio::pcm_format_from_gst(GST_AUDIO_INFO_FORMAT(in));
  auto out_format = fastaudio::pcm_format_from_gst(GST_AUDIO_INFO_FORMAT(out));
  if (!in_format || !out_format) {
    *why = "not a PCM sample format";
    return false;
  }
  if (GST_AUDIO_INFO_RATE(in) != GST_AUDIO_INFO_RATE(out)) {
    *why = "the rates differ";
    return false;
  }
  spec->in_format = *in_format;
  spec->out_format = *out_format;
  spec->in_channels = GST_AUDIO_INFO_CHANNELS(in);
  spec->out_channels = GST_AUDIO_INFO_CHANNELS(out);
  spec->rate = GST_AUDIO_INFO_RATE(out);
  priv->settings.refresh(priv->active);
  const FastConvertSettings &settings = priv->active.value;
  spec->dither = fastaudio::DitherMethod(settings.dithering);
  spec->shaping = fastaudio::NoiseShaping(settings.noise_shaping);
  spec->dither_threshold = settings.dithering_threshold;
  return choose_matrix(settings, in, out, &spec->matrix, why);
}

static gboolean gst_fast_convert_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps) {
  auto self = GST_FAST_CONVERT(trans);
  auto priv = self->priv;
  GstAudioInfo in, out;
  if (!priv->refusals.read_caps(trans, "Invalid audio caps", incaps, outcaps, &in, &out)) return FALSE;
  PipelineSpec spec;
  std::string why;
  if (!build_spec(priv, &in, &out, &spec, &why) || !priv->converter.configure(spec)) {
    gchar *text = g_strdup_printf("fastconvert cannot convert %s, %d Hz, %d channels to %s, %d Hz, %d channels: %s",
                                  GST_AUDIO_INFO_NAME(&in), GST_AUDIO_INFO_RATE(&in), GST_AUDIO_INFO_CHANNELS(&in),
                                  GST_AUDIO_INFO_NAME(&out), GST_AUDIO_INFO_RATE(&out),
                                  GST_AUDIO_INFO_CHANNELS(&out), why.empty() ? "unsupported" : why.c_str());
    priv->refusals.refuse(GST_ELEMENT(self), incaps, text,
                          "It converts formats, layouts and channels, never the rate: put fastresample before it.");
    g_free(text);
    return FALSE;
  }
  priv->in_info = in;
  priv->out_info = out;
  priv->in_planar = GST_AUDIO_INFO_LAYOUT(&in) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  priv->out_planar = GST_AUDIO_INFO_LAYOUT(&out) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  priv->per_plane = priv->in_planar && priv->out_planar && spec.matrix.m.empty();
  if (priv->per_plane) {
    PipelineSpec one = spec;
    one.in_channels = one.out_channels = 1;
    priv->plane_converter.configure(one);
  }

  const bool passthrough = gst_caps_is_equal(incaps, outcaps) && spec.matrix.m.empty();
  // In place keeps interleaved buffers only (and, per buffer, only those
  // without a GstAudioMeta): the meta names the format, which would be stale.
  const bool in_place = !passthrough && !priv->in_planar && !priv->out_planar && priv->converter.can_run_in_place();
  gst_base_transform_set_passthrough(trans, passthrough);
  priv->passthrough = passthrough;
  priv->reuse_input = in_place;
  GST_INFO_OBJECT(self, "%s -> %s, %u -> %u channels, %s, %s", GST_AUDIO_INFO_NAME(&in),
                  GST_AUDIO_INFO_NAME(&out), spec.in_channels, spec.out_channels,
                  passthrough ? "passthrough" : in_place ? "in place" : priv->per_plane ? "copy, per plane" : "copy",
                  priv->converter.path());
  return TRUE;
}

static gboolean gst_fast_convert_accept_caps(GstBaseTransform *trans, GstPadDirection direction,
                                             GstCaps *caps) {
  return GST_FAST_CONVERT(trans)->priv->refusals.accept_caps(
      trans, GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class), direction, caps);
}

// Caps that pass accept_caps but match nothing downstream (3 channels when
// it wants 2, another rate) fail in GstBaseTransform without a word, and the
// source reports a bare "not-negotiated": say what could not be converted.
static gboolean gst_fast_convert_sink_event(GstBaseTransform *trans, GstEvent *event) {
  return GST_FAST_CONVERT(trans)->priv->refusals.sink_event(
      trans, GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class), event);
}

// Rejects partial frames and clips to the segment before any work is done.
static GstFlowReturn gst_fast_convert_submit_input_buffer(GstBaseTransform *trans, gboolean is_discont,
                                                          GstBuffer *input) {
  auto self = GST_FAST_CONVERT(trans);
  const GstAudioInfo *info = &self->priv->in_info;
  GstFlowReturn ret;
  input = fastaudio::take_input(GST_ELEMENT(self), "fastconvert", input, info, &trans->segment, &ret);
  if (!input) return ret;
  return self->priv->refusals.submit_input_buffer(trans, GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class),
                                                  is_discont, input);
}

// The input itself when it is writable and its frames keep their size (no
// copy at all); otherwise a buffer from the element's own pool (see
// output_pool.h), so that an input someone else still holds (after a tee) is
// read, never copied first. GstBaseTransform's own in-place mode would copy
// such a buffer before converting it.
static GstFlowReturn gst_fast_convert_prepare_output_buffer(GstBaseTransform *trans, GstBuffer *input,
                                                            GstBuffer **outbuf) {
  auto self = GST_FAST_CONVERT(trans);
  auto priv = self->priv;
  if (priv->passthrough)
    return GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class)->prepare_output_buffer(trans, input, outbuf);
  if (priv->reuse_input && gst_buffer_is_writable(input) && gst_buffer_is_all_memory_writable(input) &&
      !gst_buffer_get_audio_meta(input)) {
    *outbuf = input;
    return GST_FLOW_OK;
  }

  const gsize out_size = fastaudio::buffer_frames(input, &priv->in_info) * GST_AUDIO_INFO_BPF(&priv->out_info);
  if (!priv->pool.acquire(trans, out_size, outbuf)) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, NO_SPACE_LEFT,
                            ("Could not allocate an output buffer of %" G_GSIZE_FORMAT " bytes", out_size), (nullptr));
    return GST_FLOW_ERROR;
  }
  fastaudio::copy_metadata(trans, GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class), false, input, *outbuf);
  return GST_FLOW_OK;
}

static gboolean gst_fast_convert_stop(GstBaseTransform *trans) {
  GST_FAST_CONVERT(trans)->priv->pool.drop();
  return TRUE;
}

// Dithering, noise shaping and the threshold may change while streaming:
// the next buffer is converted with them.
static void follow_settings(GstFastConvert *self) {
  auto priv = self->priv;
  if (!priv->settings.changed(priv->active)) return;
  PipelineSpec spec;
  std::string why;
  if (!build_spec(priv, &priv->in_info, &priv->out_info, &spec, &why)) return;  // a new matrix renegotiates
  priv->converter.configure(spec);
  if (priv->per_plane) {
    spec.in_channels = spec.out_channels = 1;
    priv->plane_converter.configure(spec);
  }
}

static GstFlowReturn convert_mapped(GstFastConvert *self, GstBuffer *inbuf, GstBuffer *outbuf, const guint8 *in,
                                    guint8 *out, gsize in_size, gsize out_size) {
  auto priv = self->priv;
  if (GST_BUFFER_FLAG_IS_SET(inbuf, GST_BUFFER_FLAG_GAP)) {
    gst_audio_format_info_fill_silence(priv->out_info.finfo, out, out_size);
    GST_BUFFER_FLAG_SET(outbuf, GST_BUFFER_FLAG_GAP);
    return GST_FLOW_OK;
  }
  follow_settings(self);
  priv->converter.process(in, out, in_size / GST_AUDIO_INFO_BPF(&priv->in_info));
  return GST_FLOW_OK;
}

// Planar audio on either side. The kernels read and write interleaved
// frames: both sides planar with the same channels convert plane by plane;
// otherwise planar input is interleaved into scratch first and planar output
// split from scratch after.
static void convert_planar(GstFastConvert *self, GstAudioBuffer *in, GstAudioBuffer *out) {
  auto priv = self->priv;
  const gsize frames = in->n_samples;
  follow_settings(self);
  if (priv->per_plane) {
    for (gint c = 0; c < in->n_planes; c++)
      priv->plane_converter.process(static_cast<const uint8_t *>(in->planes[c]), static_cast<uint8_t *>(out->planes[c]),
                                    frames);
    return;
  }
  const uint8_t *src = static_cast<const uint8_t *>(in->planes[0]);
  if (in->n_planes > 1) {
    priv->interleaved_in.resize(frames * GST_AUDIO_INFO_BPF(&priv->in_info));
    fastaudio::interleave(reinterpret_cast<const uint8_t *const *>(in->planes), in->n_planes, frames,
                          GST_AUDIO_INFO_WIDTH(&priv->in_info) / 8, priv->interleaved_in.data());
    src = priv->interleaved_in.data();
  }
  uint8_t *dst = static_cast<uint8_t *>(out->planes[0]);
  if (out->n_planes > 1) {
    priv->interleaved_out.resize(frames * GST_AUDIO_INFO_BPF(&priv->out_info));
    dst = priv->interleaved_out.data();
  }
  priv->converter.process(src, dst, frames);
  if (out->n_planes > 1)
    fastaudio::deinterleave(dst, out->n_planes, frames, GST_AUDIO_INFO_WIDTH(&priv->out_info) / 8,
                            reinterpret_cast<uint8_t *const *>(out->planes));
}

static GstFlowReturn transform_planar(GstFastConvert *self, GstBuffer *inbuf, GstBuffer *outbuf) {
  auto priv = self->priv;
  const fastaudio::OwnedBuffer described = fastaudio::with_audio_meta(inbuf, &priv->in_info);
  fastaudio::AudioBufferMap in(&priv->in_info, described.get(), GST_MAP_READ);
  if (!in) {
    fastaudio::post_planar_map_error(GST_ELEMENT(self), &priv->in_info);
    return GST_FLOW_ERROR;
  }
  if (priv->out_planar) gst_buffer_add_audio_meta(outbuf, &priv->out_info, in->n_samples, nullptr);
  fastaudio::AudioBufferMap out(&priv->out_info, outbuf, GST_MAP_WRITE);
  if (!out) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map the output buffer"), (nullptr));
    return GST_FLOW_ERROR;
  }
  if (GST_BUFFER_FLAG_IS_SET(inbuf, GST_BUFFER_FLAG_GAP)) {
    const gsize plane_bytes = gsize(out->n_samples) * GST_AUDIO_INFO_BPF(&priv->out_info) / out->n_planes;
    for (gint c = 0; c < out->n_planes; c++)
      gst_audio_format_info_fill_silence(priv->out_info.finfo, out->planes[c], plane_bytes);
    GST_BUFFER_FLAG_SET(outbuf, GST_BUFFER_FLAG_GAP);
  } else {
    convert_planar(self, in.get(), out.get());
  }
  return GST_FLOW_OK;
}

static GstFlowReturn gst_fast_convert_transform(GstBaseTransform *trans, GstBuffer *inbuf, GstBuffer *outbuf) {
  auto self = GST_FAST_CONVERT(trans);
  if (self->priv->in_planar || self->priv->out_planar) return transform_planar(self, inbuf, outbuf);
  // In place: one mapping for both.
  const bool in_place = inbuf == outbuf;
  const fastaudio::BufferMap in(inbuf, in_place ? GST_MAP_READWRITE : GST_MAP_READ);
  const fastaudio::BufferMap out(in_place ? nullptr : outbuf, GST_MAP_WRITE,
                                 in_place ? nullptr : self->priv->pool.take_known_data(outbuf));
  if (!in || (!in_place && !out)) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map buffer"), (nullptr));
    return GST_FLOW_ERROR;
  }
  const fastaudio::BufferMap &written = in_place ? in : out;
  return convert_mapped(self, inbuf, outbuf, in.data(), written.data(), in.size(), written.size());
}

// A mix-matrix that cannot be one whatever the caps (ragged, NaN) is refused
// here, keeping the previous one; its shape against the channels is checked
// at negotiation, as audioconvert does.
static void set_mix_matrix(GstFastConvert *self, const GValue *value) {
  auto priv = self->priv;
  const std::string problem = gst_value_array_get_size(value) ? fastaudio::mix_matrix_problem(value) : "";
  if (!problem.empty()) {
    FASTAUDIO_ELEMENT_WARNING(self, LIBRARY, SETTINGS, ("fastconvert refused the mix-matrix: %s", problem.c_str()),
                              ("the previous mix-matrix stays in use"));
    // Set before the element is in a pipeline (a launch line), the message
    // has no bus to reach: say it where gst-launch-1.0 users look.
    if (GstBus *bus = gst_element_get_bus(GST_ELEMENT(self))) gst_object_unref(bus);
    else g_warning("fastconvert refused the mix-matrix: %s; the previous one stays in use", problem.c_str());
    return;
  }
  priv->settings.update([value](FastConvertSettings &settings) { settings.mix_matrix.set(value); });
  gst_base_transform_reconfigure_sink(GST_BASE_TRANSFORM(self));
}

static void gst_fast_convert_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto self = GST_FAST_CONVERT(object);
  auto priv = self->priv;
  if (prop_id == PROP_MIX_MATRIX) return set_mix_matrix(self, value);
  priv->settings.update([&](FastConvertSettings &settings) {
    switch (prop_id) {
      case PROP_DITHERING: settings.dithering = GstAudioDitherMethod(g_value_get_enum(value)); break;
      case PROP_NOISE_SHAPING: settings.noise_shaping = GstAudioNoiseShapingMethod(g_value_get_enum(value)); break;
      case PROP_DITHERING_THRESHOLD: settings.dithering_threshold = g_value_get_uint(value); break;
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
  });
}

static void gst_fast_convert_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto priv = GST_FAST_CONVERT(object)->priv;
  const FastConvertSettings settings = priv->settings.get();
  switch (prop_id) {
    case PROP_DITHERING: g_value_set_enum(value, settings.dithering); break;
    case PROP_NOISE_SHAPING: g_value_set_enum(value, settings.noise_shaping); break;
    case PROP_DITHERING_THRESHOLD: g_value_set_uint(value, settings.dithering_threshold); break;
    case PROP_MIX_MATRIX: g_value_copy(settings.mix_matrix.get(), value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_fast_convert_finalize(GObject *object) {
  delete GST_FAST_CONVERT(object)->priv;
  G_OBJECT_CLASS(gst_fast_convert_parent_class)->finalize(object);
}

static void install_properties(GObjectClass *gobject_class) {
  const auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  const auto readwrite = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      gobject_class, PROP_DITHERING,
      g_param_spec_enum("dithering", "Dithering",
                        "Dither added before rounding to an integer output of at most dithering-threshold bits "
                        "that loses precision: none, rpdf (+-1 LSB uniform), tpdf (+-1 LSB triangular), tpdf-hf "
                        "(triangular, high-passed)",
                        GST_TYPE_AUDIO_DITHER_METHOD, GST_AUDIO_DITHER_TPDF, flags));
  g_object_class_install_property(
      gobject_class, PROP_NOISE_SHAPING,
      g_param_spec_enum("noise-shaping", "Noise shaping",
                        "Moves rounding noise up in frequency where dithering applies: none, error-feedback, "
                        "simple, medium, high (below 32 kHz the last three act as error-feedback)",
                        GST_TYPE_AUDIO_NOISE_SHAPING_METHOD, GST_AUDIO_NOISE_SHAPING_NONE, flags));
  g_object_class_install_property(
      gobject_class, PROP_DITHERING_THRESHOLD,
      g_param_spec_uint("dithering-threshold", "Dithering threshold",
                        "Dithering and noise shaping apply to integer outputs of at most this many bits", 0, 32, 20,
                        flags));
  g_object_class_install_property(
      gobject_class, PROP_MIX_MATRIX,
      fastaudio::mix_matrix_param_spec("One row per output channel of one float per input channel: out[o] = sum of "
                                       "m[o][i] * in[i]. Empty: the default matrix for the channel positions",
                                       readwrite));
}

static void gst_fast_convert_class_init(GstFastConvertClass *klass) {
  auto gobject_class = G_OBJECT_CLASS(klass);
  auto trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  fastaudio::init_element_class(
      klass, {.set_property = gst_fast_convert_set_property,
              .get_property = gst_fast_convert_get_property,
              .finalize = gst_fast_convert_finalize,
              .metadata = kMetadata});

  install_properties(gobject_class);

  trans_class->transform_caps = gst_fast_convert_transform_caps;
  trans_class->fixate_caps = gst_fast_convert_fixate_caps;
  trans_class->get_unit_size = gst_fast_convert_get_unit_size;
  trans_class->transform_size = gst_fast_convert_transform_size;
  trans_class->set_caps = gst_fast_convert_set_caps;
  trans_class->accept_caps = gst_fast_convert_accept_caps;
  trans_class->sink_event = gst_fast_convert_sink_event;
  trans_class->submit_input_buffer = gst_fast_convert_submit_input_buffer;
  trans_class->prepare_output_buffer = gst_fast_convert_prepare_output_buffer;
  trans_class->stop = gst_fast_convert_stop;
  trans_class->transform = gst_fast_convert_transform;
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = FALSE;

  GST_DEBUG_CATEGORY_INIT(gst_fast_convert_debug, "fastconvert", 0, "fastaudio format converter");
}

static void gst_fast_convert_init(GstFastConvert *self) {
  self->priv = new GstFastConvertPrivate();
  gst_audio_info_init(&self->priv->in_info);
  gst_audio_info_init(&self->priv->out_info);
}
