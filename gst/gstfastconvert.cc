// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert: sample-format and channel-count conversion of raw audio.
//
// Identical caps pass the buffer through; a writable buffer whose frames
// keep their size (F32 <-> S32, stereo S16 -> mono F32) converts in place;
// everything else converts in one pass into a pooled buffer, with a kernel
// from dsp/convert.h picked at run time. Planar
// (non-interleaved) audio converts plane by plane when both sides are planar
// with the same channels, and through an interleaved copy otherwise.
#include "gstfastconvert.h"

#include <gst/audio/audio.h>

#include <atomic>
#include <cstdlib>
#include <vector>

#include "audio_formats.h"
#include "audio_input.h"
#include "element_message.h"
#include "convert.h"
#include "layout.h"
#include "negotiation.h"
#include "output_pool.h"

GST_DEBUG_CATEGORY_STATIC(gst_fast_convert_debug);
#define GST_CAT_DEFAULT gst_fast_convert_debug

using fastaudio::ConvertSpec;
using fastaudio::Converter;
using fastaudio::Dither;

enum GstFastConvertDithering { GST_FAST_CONVERT_DITHER_NONE, GST_FAST_CONVERT_DITHER_TPDF };

#define GST_TYPE_FAST_CONVERT_DITHERING (gst_fast_convert_dithering_get_type())
static GType gst_fast_convert_dithering_get_type() {
  static const GEnumValue values[] = {
      {GST_FAST_CONVERT_DITHER_NONE, "No dithering: round to nearest", "none"},
      {GST_FAST_CONVERT_DITHER_TPDF, "Triangular probability density dither of +-1 LSB", "tpdf"},
      {0, nullptr, nullptr},
  };
  static GType type = 0;
  if (g_once_init_enter(&type)) g_once_init_leave(&type, g_enum_register_static("GstFastConvertDithering", values));
  return type;
}

enum { PROP_0, PROP_DITHERING };

struct GstFastConvertPrivate {
  std::atomic<GstFastConvertDithering> dithering{GST_FAST_CONVERT_DITHER_NONE};
  GstAudioInfo in_info;
  GstAudioInfo out_info;
  Converter converter;
  // Frames keep their size: a writable input buffer is converted in place
  // (read without the object lock).
  bool reuse_input = false;
  // Non-interleaved on either side: buffers carry a GstAudioMeta and go
  // through convert_planar().
  bool in_planar = false, out_planar = false;
  bool per_plane = false;      // both planar, same channels: plane_converter on each plane
  Converter plane_converter;   // the same conversion for one channel
  std::vector<uint8_t> interleaved_in, interleaved_out;  // scratch for layout changes
  fastaudio::OutputPool pool;  // output buffers when neither passthrough nor in place
  fastaudio::CapsRefusalReporter refusals{
      "fastconvert",
      "convert",
      {{"rate", "fastconvert converts formats and channel counts, never the rate: put fastresample before it."},
       {"channels", "fastconvert keeps the channel count or converts mono to N and N to mono: put audioconvert "
                    "before it for other channel mixes."},
       {nullptr, "fastconvert converts formats and channel counts (equal, mono to N, N to mono), never the rate."}}};
};

struct _GstFastConvert {
  GstBaseTransform parent;
  GstFastConvertPrivate *priv;
};

G_DEFINE_TYPE(GstFastConvert, gst_fast_convert, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE(fastconvert, "fastconvert", GST_RANK_NONE, GST_TYPE_FAST_CONVERT);

#define CAPS_STR                                      \
  "audio/x-raw, format = (string) " FASTAUDIO_FORMATS \
  ", rate = (int) [ 1, MAX ], channels = (int) [ 1, MAX ], layout = (string) { interleaved, non-interleaved }"

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(CAPS_STR));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(CAPS_STR));

static Dither to_dither(GstFastConvertDithering d) {
  return d == GST_FAST_CONVERT_DITHER_TPDF ? Dither::Tpdf : Dither::None;
}

// For each structure: itself first (passthrough), then any format and sample
// layout at the same channel layout, then the channel counts we can mix to
// (N <-> mono).
static GstCaps *gst_fast_convert_transform_caps(GstBaseTransform *, GstPadDirection,
                                                GstCaps *in_caps, GstCaps *filter) {
  // Never offer the other side a channel-mask we would refuse ourselves.
  GstCaps *caps = fastaudio::without_bad_channel_masks(in_caps);
  GstCaps *result = gst_caps_new_empty();
  GValue formats = G_VALUE_INIT, layouts = G_VALUE_INIT;
  gst_value_deserialize(&(g_value_init(&formats, GST_TYPE_LIST), formats), FASTAUDIO_FORMATS);
  gst_value_deserialize(&(g_value_init(&layouts, GST_TYPE_LIST), layouts), "{ interleaved, non-interleaved }");

  for (guint i = 0; i < gst_caps_get_size(caps); i++) {
    if (gst_caps_is_any(caps)) break;
    const GstStructure *s = gst_caps_get_structure(caps, i);
    GstCapsFeatures *features = gst_caps_get_features(caps, i);
    if (!gst_caps_features_is_equal(features, GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) continue;

    result = gst_caps_merge_structure(result, gst_structure_copy(s));

    GstStructure *any_format = gst_structure_copy(s);
    gst_structure_set_value(any_format, "format", &formats);
    gst_structure_set_value(any_format, "layout", &layouts);
    result = gst_caps_merge_structure(result, gst_structure_copy(any_format));

    gint channels;
    gst_structure_remove_field(any_format, "channel-mask");
    if (gst_structure_get_int(s, "channels", &channels) && channels > 1)
      gst_structure_set(any_format, "channels", G_TYPE_INT, 1, nullptr);
    else
      gst_structure_set(any_format, "channels", GST_TYPE_INT_RANGE, 1, G_MAXINT, nullptr);
    result = gst_caps_merge_structure(result, any_format);
  }
  g_value_unset(&formats);
  g_value_unset(&layouts);
  if (gst_caps_is_any(caps)) gst_caps_replace(&result, caps);
  gst_caps_unref(caps);

  if (filter) {
    GstCaps *filtered = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = filtered;
  }
  return result;
}

// Closest format to `in` among `choices`: one that loses no precision first,
// then the same family (int/float), then the nearest depth.
static const gchar *pick_format(const GstAudioFormatInfo *in, const GValue *choices) {
  const gchar *best = nullptr;
  int best_score = G_MININT;
  auto consider = [&](const gchar *name) {
    const GstAudioFormatInfo *f = gst_audio_format_get_info(gst_audio_format_from_string(name));
    if (!f || f->format == GST_AUDIO_FORMAT_UNKNOWN) return;
    const int depth = GST_AUDIO_FORMAT_INFO_DEPTH(f), in_depth = GST_AUDIO_FORMAT_INFO_DEPTH(in);
    int score = depth >= in_depth ? 1000 : 0;
    if (GST_AUDIO_FORMAT_INFO_IS_FLOAT(f) == GST_AUDIO_FORMAT_INFO_IS_FLOAT(in)) score += 500;
    score -= std::abs(depth - in_depth);
    if (score > best_score) best_score = score, best = name;
  };
  if (G_VALUE_HOLDS_STRING(choices)) return g_value_get_string(choices);
  for (guint i = 0; i < gst_value_list_get_size(choices); i++) {
    const GValue *v = gst_value_list_get_value(choices, i);
    if (G_VALUE_HOLDS_STRING(v)) consider(g_value_get_string(v));
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

static gboolean gst_fast_convert_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps) {
  auto self = GST_FAST_CONVERT(trans);
  auto priv = self->priv;
  GstAudioInfo in, out;
  if (!priv->refusals.read_caps(trans, "Invalid audio caps", incaps, outcaps, &in, &out)) return FALSE;
  auto in_format = fastaudio::sample_format_from_gst(GST_AUDIO_INFO_FORMAT(&in));
  auto out_format = fastaudio::sample_format_from_gst(GST_AUDIO_INFO_FORMAT(&out));
  ConvertSpec spec;
  spec.in_channels = GST_AUDIO_INFO_CHANNELS(&in);
  spec.out_channels = GST_AUDIO_INFO_CHANNELS(&out);
  spec.dither = to_dither(priv->dithering.load());
  if (in_format) spec.in_format = *in_format;
  if (out_format) spec.out_format = *out_format;
  if (!in_format || !out_format || GST_AUDIO_INFO_RATE(&in) != GST_AUDIO_INFO_RATE(&out) ||
      !priv->converter.configure(spec)) {
    gchar *text = g_strdup_printf("fastconvert cannot convert %s, %d Hz, %d channels to %s, %d Hz, %d channels",
                                  GST_AUDIO_INFO_NAME(&in), GST_AUDIO_INFO_RATE(&in), GST_AUDIO_INFO_CHANNELS(&in),
                                  GST_AUDIO_INFO_NAME(&out), GST_AUDIO_INFO_RATE(&out),
                                  GST_AUDIO_INFO_CHANNELS(&out));
    priv->refusals.refuse(GST_ELEMENT(self), incaps, text,
                          "It converts formats and channel counts (equal, mono to N, N to mono), never the rate.");
    g_free(text);
    return FALSE;
  }
  priv->in_info = in;
  priv->out_info = out;
  priv->in_planar = GST_AUDIO_INFO_LAYOUT(&in) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  priv->out_planar = GST_AUDIO_INFO_LAYOUT(&out) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  priv->per_plane = priv->in_planar && priv->out_planar && spec.in_channels == spec.out_channels;
  if (priv->per_plane) {
    ConvertSpec one = spec;
    one.in_channels = one.out_channels = 1;
    priv->plane_converter.configure(one);
  }

  const bool passthrough = gst_caps_is_equal(incaps, outcaps);
  // In place keeps interleaved buffers only (and, per buffer, only those
  // without a GstAudioMeta): the meta names the format, which would be stale.
  const bool in_place = !passthrough && !priv->in_planar && !priv->out_planar && priv->converter.can_run_in_place();
  gst_base_transform_set_passthrough(trans, passthrough);
  priv->reuse_input = in_place;
  GST_INFO_OBJECT(self, "%s -> %s, %u -> %u channels, %s%s", GST_AUDIO_INFO_NAME(&in),
                  GST_AUDIO_INFO_NAME(&out), spec.in_channels, spec.out_channels,
                  passthrough ? "passthrough" : in_place ? "in place" : priv->per_plane ? "copy, per plane" : "copy",
                  priv->converter.uses_simd() ? " (simd)" : "");
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
  if (GST_AUDIO_INFO_BPF(info) == 0) {
    gst_buffer_unref(input);
    FASTAUDIO_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("fastconvert received a buffer before any caps"), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  // A planar buffer's GstAudioMeta gives its frame count (planes may lie apart).
  if (!gst_buffer_get_audio_meta(input) && !fastaudio::check_whole_frames(GST_ELEMENT(self), input, info)) {
    gst_buffer_unref(input);
    return GST_FLOW_ERROR;
  }
  input = fastaudio::clip_to_segment(input, &trans->segment, info);
  if (!input) return GST_FLOW_OK;  // entirely outside the segment
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
  if (gst_base_transform_is_passthrough(trans))
    return GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class)->prepare_output_buffer(trans, input, outbuf);
  if (priv->reuse_input && gst_buffer_is_writable(input) && gst_buffer_is_all_memory_writable(input) &&
      !gst_buffer_get_audio_meta(input)) {
    *outbuf = input;
    return GST_FLOW_OK;
  }

  const gsize out_size = fastaudio::buffer_frames(input, &priv->in_info) * GST_AUDIO_INFO_BPF(&priv->out_info);
  if (!priv->pool.acquire(trans, &priv->out_info, out_size, outbuf)) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, NO_SPACE_LEFT,
                            ("Could not allocate an output buffer of %" G_GSIZE_FORMAT " bytes", out_size), (nullptr));
    return GST_FLOW_ERROR;
  }
  GST_BASE_TRANSFORM_CLASS(gst_fast_convert_parent_class)->copy_metadata(trans, input, *outbuf);
  return GST_FLOW_OK;
}

static gboolean gst_fast_convert_stop(GstBaseTransform *trans) {
  GST_FAST_CONVERT(trans)->priv->pool.drop();
  return TRUE;
}

// The dithering property may change while streaming.
static void follow_dithering(GstFastConvertPrivate *priv) {
  const Dither dither = to_dither(priv->dithering.load(std::memory_order_relaxed));
  for (Converter *c : {&priv->converter, &priv->plane_converter}) {
    if (c == &priv->plane_converter && !priv->per_plane) continue;
    if (c->spec().dither == dither) continue;
    ConvertSpec spec = c->spec();
    spec.dither = dither;
    c->configure(spec);
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
  follow_dithering(priv);
  priv->converter.process(in, out, in_size / GST_AUDIO_INFO_BPF(&priv->in_info));
  return GST_FLOW_OK;
}

// Planar audio on either side. The kernels read and write interleaved
// frames: both sides planar with the same channels convert plane by plane;
// otherwise planar input is interleaved into scratch first and planar output
// split from scratch after.
static void convert_planar(GstFastConvertPrivate *priv, GstAudioBuffer *in, GstAudioBuffer *out) {
  const gsize frames = in->n_samples;
  follow_dithering(priv);
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
                          GST_AUDIO_INFO_BPS(&priv->in_info), priv->interleaved_in.data());
    src = priv->interleaved_in.data();
  }
  uint8_t *dst = static_cast<uint8_t *>(out->planes[0]);
  if (out->n_planes > 1) {
    priv->interleaved_out.resize(frames * GST_AUDIO_INFO_BPF(&priv->out_info));
    dst = priv->interleaved_out.data();
  }
  priv->converter.process(src, dst, frames);
  if (out->n_planes > 1)
    fastaudio::deinterleave(dst, out->n_planes, frames, GST_AUDIO_INFO_BPS(&priv->out_info),
                            reinterpret_cast<uint8_t *const *>(out->planes));
}

static GstFlowReturn transform_planar(GstFastConvert *self, GstBuffer *inbuf, GstBuffer *outbuf) {
  auto priv = self->priv;
  // GStreamer wants a GstAudioMeta on planar buffers; one without is read as
  // contiguous planes, through a shallow copy (shared memory) that has one.
  GstBuffer *described = gst_buffer_ref(inbuf);
  if (priv->in_planar && !gst_buffer_get_audio_meta(inbuf)) {
    gst_buffer_unref(described);
    described = gst_buffer_copy(inbuf);
    gst_buffer_add_audio_meta(described, &priv->in_info, fastaudio::buffer_frames(inbuf, &priv->in_info), nullptr);
  }
  GstAudioBuffer in, out;
  if (!gst_audio_buffer_map(&in, &priv->in_info, described, GST_MAP_READ)) {
    gst_buffer_unref(described);
    FASTAUDIO_ELEMENT_ERROR(self, STREAM, FORMAT, ("Could not map the planar input buffer"),
                            ("its GstAudioMeta does not fit %s x %d channels or the buffer's size",
                             GST_AUDIO_INFO_NAME(&priv->in_info), GST_AUDIO_INFO_CHANNELS(&priv->in_info)));
    return GST_FLOW_ERROR;
  }
  if (priv->out_planar) gst_buffer_add_audio_meta(outbuf, &priv->out_info, in.n_samples, nullptr);
  if (!gst_audio_buffer_map(&out, &priv->out_info, outbuf, GST_MAP_WRITE)) {
    gst_audio_buffer_unmap(&in);
    gst_buffer_unref(described);
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map the output buffer"), (nullptr));
    return GST_FLOW_ERROR;
  }
  if (GST_BUFFER_FLAG_IS_SET(inbuf, GST_BUFFER_FLAG_GAP)) {
    const gsize plane_bytes = gsize(out.n_samples) * GST_AUDIO_INFO_BPF(&priv->out_info) / out.n_planes;
    for (gint c = 0; c < out.n_planes; c++)
      gst_audio_format_info_fill_silence(priv->out_info.finfo, out.planes[c], plane_bytes);
    GST_BUFFER_FLAG_SET(outbuf, GST_BUFFER_FLAG_GAP);
  } else {
    convert_planar(priv, &in, &out);
  }
  gst_audio_buffer_unmap(&out);
  gst_audio_buffer_unmap(&in);
  gst_buffer_unref(described);
  return GST_FLOW_OK;
}

static GstFlowReturn convert_in_place(GstFastConvert *self, GstBuffer *buf) {
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READWRITE)) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map buffer"), (nullptr));
    return GST_FLOW_ERROR;
  }
  GstFlowReturn ret = convert_mapped(self, buf, buf, map.data, map.data, map.size, map.size);
  gst_buffer_unmap(buf, &map);
  return ret;
}

static GstFlowReturn gst_fast_convert_transform(GstBaseTransform *trans, GstBuffer *inbuf, GstBuffer *outbuf) {
  auto self = GST_FAST_CONVERT(trans);
  if (self->priv->in_planar || self->priv->out_planar) return transform_planar(self, inbuf, outbuf);
  if (inbuf == outbuf) return convert_in_place(self, inbuf);
  GstMapInfo in, out;
  if (!gst_buffer_map(inbuf, &in, GST_MAP_READ)) goto map_failed;
  if (!gst_buffer_map(outbuf, &out, GST_MAP_WRITE)) {
    gst_buffer_unmap(inbuf, &in);
    goto map_failed;
  }
  {
    GstFlowReturn ret = convert_mapped(self, inbuf, outbuf, in.data, out.data, in.size, out.size);
    gst_buffer_unmap(outbuf, &out);
    gst_buffer_unmap(inbuf, &in);
    return ret;
  }
map_failed:
  FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map buffer"), (nullptr));
  return GST_FLOW_ERROR;
}

static void gst_fast_convert_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto self = GST_FAST_CONVERT(object);
  switch (prop_id) {
    case PROP_DITHERING:
      self->priv->dithering = GstFastConvertDithering(g_value_get_enum(value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_fast_convert_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto self = GST_FAST_CONVERT(object);
  switch (prop_id) {
    case PROP_DITHERING: g_value_set_enum(value, self->priv->dithering.load()); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_fast_convert_finalize(GObject *object) {
  delete GST_FAST_CONVERT(object)->priv;
  G_OBJECT_CLASS(gst_fast_convert_parent_class)->finalize(object);
}

static void gst_fast_convert_class_init(GstFastConvertClass *klass) {
  auto gobject_class = G_OBJECT_CLASS(klass);
  auto element_class = GST_ELEMENT_CLASS(klass);
  auto trans_class = GST_BASE_TRANSFORM_CLASS(klass);

  gobject_class->set_property = gst_fast_convert_set_property;
  gobject_class->get_property = gst_fast_convert_get_property;
  gobject_class->finalize = gst_fast_convert_finalize;

  g_object_class_install_property(
      gobject_class, PROP_DITHERING,
      g_param_spec_enum("dithering", "Dithering",
                        "Dither added before reducing precision (float to int, or to a narrower int). "
                        "none rounds to nearest; tpdf adds +-1 LSB triangular noise",
                        GST_TYPE_FAST_CONVERT_DITHERING, GST_FAST_CONVERT_DITHER_NONE,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "Fast audio converter", "Filter/Converter/Audio",
      "Converts raw audio between sample formats (U8, S8, S16, S24, S24_32, S32, F32, F64) and "
      "channel counts (mono to N, N to mono) with SIMD kernels: passthrough for identical caps, "
      "in place for equal sample widths",
      "fastaudio developers");

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

  gst_type_mark_as_plugin_api(GST_TYPE_FAST_CONVERT_DITHERING, GstPluginAPIFlags(0));
  GST_DEBUG_CATEGORY_INIT(gst_fast_convert_debug, "fastconvert", 0, "fastaudio format converter");
}

static void gst_fast_convert_init(GstFastConvert *self) {
  self->priv = new GstFastConvertPrivate();
  gst_audio_info_init(&self->priv->in_info);
  gst_audio_info_init(&self->priv->out_info);
}
