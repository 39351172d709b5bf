// SPDX-License-Identifier: LGPL-2.1-or-later
#include "audio_formats.h"

namespace fastaudio {

GstStaticPadTemplate *all_raw_audio_template(GstPadDirection direction) {
  static GstStaticPadTemplate sink =
      GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(FASTAUDIO_ALL_RAW_AUDIO_CAPS));
  static GstStaticPadTemplate src =
      GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(FASTAUDIO_ALL_RAW_AUDIO_CAPS));
  return direction == GST_PAD_SINK ? &sink : &src;
}

std::optional<SampleFormat> sample_format_from_gst(GstAudioFormat format) {
  switch (format) {
    case GST_AUDIO_FORMAT_U8: return SampleFormat::U8;
    case GST_AUDIO_FORMAT_S8: return SampleFormat::S8;
    case GST_AUDIO_FORMAT_S16LE: return SampleFormat::S16;
    case GST_AUDIO_FORMAT_S24LE: return SampleFormat::S24;
    case GST_AUDIO_FORMAT_S24_32LE: return SampleFormat::S24_32;
    case GST_AUDIO_FORMAT_S32LE: return SampleFormat::S32;
    case GST_AUDIO_FORMAT_F32LE: return SampleFormat::F32;
    case GST_AUDIO_FORMAT_F64LE: return SampleFormat::F64;
    default: return std::nullopt;
  }
}

// GstAudioFormat lists the PCM formats in PcmFormat's order from S8.
std::optional<PcmFormat> pcm_format_from_gst(GstAudioFormat format) {
  static_assert(GST_AUDIO_FORMAT_F64BE - GST_AUDIO_FORMAT_S8 + 1 == int(kPcmFormatCount));
  if (format < GST_AUDIO_FORMAT_S8 || format > GST_AUDIO_FORMAT_F64BE) return std::nullopt;
  return PcmFormat(format - GST_AUDIO_FORMAT_S8);
}

GstAudioFormat sample_format_to_gst(SampleFormat format) {
  switch (format) {
    case SampleFormat::U8: return GST_AUDIO_FORMAT_U8;
    case SampleFormat::S8: return GST_AUDIO_FORMAT_S8;
    case SampleFormat::S16: return GST_AUDIO_FORMAT_S16LE;
    case SampleFormat::S24: return GST_AUDIO_FORMAT_S24LE;
    case SampleFormat::S24_32: return GST_AUDIO_FORMAT_S24_32LE;
    case SampleFormat::S32: return GST_AUDIO_FORMAT_S32LE;
    case SampleFormat::F32: return GST_AUDIO_FORMAT_F32LE;
    case SampleFormat::F64: return GST_AUDIO_FORMAT_F64LE;
  }
  return GST_AUDIO_FORMAT_UNKNOWN;
}

std::string channel_mask_problem(const GstStructure *s) {
  guint64 mask = 0;
  gint channels = 0;
  if (!gst_structure_get(s, "channel-mask", GST_TYPE_BITMASK, &mask, nullptr) || mask == 0 ||
      !gst_structure_get_int(s, "channels", &channels))
    return "";
  GstAudioChannelPosition position[64];
  gchar text[128];
  if (channels > 64 || __builtin_popcountll(mask) != channels) {
    g_snprintf(text, sizeof text, "channel-mask 0x%" G_GINT64_MODIFIER "x names %d channel positions, not %d",
               mask, __builtin_popcountll(mask), channels);
    return text;
  }
  if (!gst_audio_channel_positions_from_mask(channels, mask, position) ||
      !gst_audio_check_valid_channel_positions(position, channels, FALSE)) {
    g_snprintf(text, sizeof text, "channel-mask 0x%" G_GINT64_MODIFIER "x has bits that are no channel position",
               mask);
    return text;
  }
  return "";
}

std::string raw_caps_problem(const GstStructure *s) {
  std::string problem = channel_mask_problem(s);
  if (!problem.empty()) return problem;
  gint channels = 0;
  if (!gst_structure_get_int(s, "channels", &channels)) return "";
  gchar text[160];
  if (channels > 2 && !gst_structure_has_field(s, "channel-mask")) {
    g_snprintf(text, sizeof text,
               "channels=%d needs a channel-mask (channel-mask=(bitmask)0x0 for unpositioned channels)", channels);
    return text;
  }
  const gchar *format = gst_structure_get_string(s, "format");
  const GstAudioFormatInfo *finfo =
      format ? gst_audio_format_get_info(gst_audio_format_from_string(format)) : nullptr;
  if (finfo && GST_AUDIO_FORMAT_INFO_FORMAT(finfo) != GST_AUDIO_FORMAT_UNKNOWN && channels > 0) {
    const gint64 frame = gint64(GST_AUDIO_FORMAT_INFO_WIDTH(finfo) / 8) * channels;
    if (frame > G_MAXINT) {
      g_snprintf(text, sizeof text, "channels=%d makes a frame of %" G_GINT64_FORMAT " bytes (at most %d)", channels,
                 frame, G_MAXINT);
      return text;
    }
  }
  return "";
}

bool audio_info_from_caps(GstAudioInfo *info, GstCaps *caps, std::string *why) {
  if (!gst_caps_is_fixed(caps)) {
    if (why) *why = "caps are not fixed";
    return false;
  }
  const GstStructure *s = gst_caps_get_structure(caps, 0);
  std::string problem = raw_caps_problem(s);
  for (const char *field : {"format", "layout", "rate", "channels"}) {
    if (problem.empty() && !gst_structure_has_field(s, field)) problem = std::string("caps lack the ") + field + " field";
  }
  if (problem.empty() && !gst_audio_info_from_caps(info, caps)) problem = "not valid raw audio caps";
  if (why) *why = problem;
  return problem.empty();
}

std::string explain_caps_mismatch(GstCaps *caps, GstCaps *template_caps) {
  if (gst_caps_is_empty(caps) || gst_caps_is_any(caps)) return "caps are empty or ANY";
  const GstStructure *have = gst_caps_get_structure(caps, 0);
  const GstStructure *want = gst_caps_get_structure(template_caps, 0);
  if (!gst_structure_has_name(have, gst_structure_get_name(want))) {
    return std::string("media type ") + gst_structure_get_name(have) + " is not supported (expected " +
           gst_structure_get_name(want) + ")";
  }
  for (int i = 0; i < gst_structure_n_fields(want); i++) {
    const char *field = gst_structure_nth_field_name(want, i);
    const GValue *allowed = gst_structure_get_value(want, field);
    const GValue *value = gst_structure_get_value(have, field);
    if (!value) continue;  // a missing field is a matter for fixation, not a mismatch
    if (!gst_value_intersect(nullptr, value, allowed)) {
      gchar *v = gst_value_serialize(value);
      gchar *a = gst_value_serialize(allowed);
      std::string why = std::string(field) + " " + (v ? v : "?") + " is not supported (supported: " +
                        (a ? a : "?") + ")";
      g_free(v);
      g_free(a);
      return why;
    }
  }
  gchar *s = gst_caps_to_string(caps);
  std::string why = std::string("caps ") + s + " are not supported";
  g_free(s);
  return why;
}

GstCaps *audio_caps_with_positions(GstAudioFormat format, int rate, int channels, std::optional<guint64> mask) {
  GstAudioInfo info;
  gst_audio_info_set_format(&info, format, rate, channels, nullptr);  // mono, stereo or unpositioned
  GstCaps *caps = gst_audio_info_to_caps(&info);
  if (channels > 1 || mask) {
    const guint64 positions = mask.value_or(gst_audio_channel_get_fallback_mask(channels));
    gst_caps_set_simple(caps, "channel-mask", GST_TYPE_BITMASK, positions, nullptr);
  }
  return caps;
}

std::optional<guint64> channel_mask_of(const GstAudioInfo *info) {
  const gint channels = GST_AUDIO_INFO_CHANNELS(info);
  if (channels == 1 && GST_AUDIO_INFO_POSITION(info, 0) == GST_AUDIO_CHANNEL_POSITION_MONO) return std::nullopt;
  guint64 mask = 0;
  if (GST_AUDIO_INFO_IS_UNPOSITIONED(info) ||
      !gst_audio_channel_positions_to_mask(info->position, channels, FALSE, &mask))
    return 0;
  return mask;
}

}  // namespace fastaudio
