// SPDX-License-Identifier: LGPL-2.1-or-later
// fastresample: sample-rate conversion of raw audio with dsp/resample.h.
//
// Equal rates pass the buffer through. Otherwise each buffer goes through
// a streaming polyphase resampler whose filter delay is compensated: output
// sample 0 of a stream is input sample 0, timestamps come from sample counts
// since the last discontinuity, and the tail is drained (pushed) at EOS,
// SEGMENT, caps changes and DISCONT. FLUSH_STOP resets without draining.
// Every PCM format in either layout, the same out: the resampler converts
// to float as it splits the input into its history and writes the output's
// format itself (dsp/pcm_planes.h); planar buffers go through GstAudioMeta.
#include "gstfastresample.h"

#include <gst/audio/audio.h>

#include <cstring>
#include <iterator>
#include <string>

#include "audio_formats.h"
#include "audio_input.h"
#include "buffer_map.h"
#include "element_class.h"
#include "element_message.h"

#include "negotiation.h"
#include "output_pool.h"
#include "resample.h"
#include "settings.h"

GST_DEBUG_CATEGORY_STATIC(gst_fast_resample_debug);
#define GST_CAT_DEFAULT gst_fast_resample_debug

using fastaudio::PcmFormat;
using fastaudio::PcmSink;
using fastaudio::PcmSource;
using fastaudio::ResampleQuality;
using fastaudio::Resampler;

// `quality` takes audioresample's levels 0..10 as well as the preset
// names: the enum's values are the levels, each mapped onto a preset, and
// the three levels that stand for a preset carry its name as nick (so
// `quality=4`, `quality=fast` and g_object_set(..., "quality", 10, ...) all work).
constexpr int kMaxLevel = 10;
constexpr int kFastLevel = 4, kHighLevel = 8, kVeryHighLevel = 10;

static ResampleQuality preset_for_level(int level) {
  // audioresample's default (4) and below: the cheapest preset; its top two levels: the most exact.
  return level <= kFastLevel ? ResampleQuality::Fast : level <= kHighLevel ? ResampleQuality::High
                                                                           : ResampleQuality::VeryHigh;
}

#define GST_TYPE_FAST_RESAMPLE_QUALITY (gst_fast_resample_quality_get_type())
static GType gst_fast_resample_quality_get_type() {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    // Descriptions state the targets the quality test asserts (dsp/resample_design.cc's table).
    static std::string descriptions[kMaxLevel + 1], nicks[kMaxLevel + 1];
    static GEnumValue values[kMaxLevel + 2];
    for (int level = 0; level <= kMaxLevel; level++) {
      const ResampleQuality q = preset_for_level(level);
      const bool named = level == kFastLevel || level == kHighLevel || level == kVeryHighLevel;
      nicks[level] = named ? fastaudio::resample_quality_name(q) : std::to_string(level);
      descriptions[level] = named ? fastaudio::resample_quality_description(q)
                                  : "audioresample's quality " + std::to_string(level) + ": as " +
                                        fastaudio::resample_quality_name(q);
      values[level] = {level, descriptions[level].c_str(), nicks[level].c_str()};
    }
    values[kMaxLevel + 1] = {0, nullptr, nullptr};
    g_once_init_leave(&type, g_enum_register_static("GstFastResampleQuality", values));
  }
  return type;
}

enum { PROP_0, PROP_QUALITY, PROP_RATE_ADJUST };
// Largest output buffer made for one input buffer (about a second of work to fill).
constexpr gsize kMaxOutputBufferBytes = gsize(64) << 20;
constexpr int kDefaultLevel = kHighLevel;

struct FastResampleSettings {
  int level = kDefaultLevel;  // of `quality`: preset_for_level() gives the preset
  double rate_adjust_ppm = 0;  // `rate-adjust`
};

// Frames of the input passed through at equal rates kept for a rate
// adjustment that starts mid-stream (Resampler::prime_history): more than
// the longest preset's half filter at 1:1.
constexpr size_t kPassthroughTailFrames = 512;

struct GstFastResamplePrivate {
  fastaudio::SharedSettings<FastResampleSettings> settings;
  fastaudio::SharedSettings<FastResampleSettings>::Active active;  // streaming thread: the settings in force
  GstAudioInfo in_info;
  GstAudioInfo out_info;
  bool configured = false;
  Resampler resampler;
  PcmFormat format = PcmFormat::F32LE;  // of both sides
  bool planar = false;                  // non-interleaved: buffers carry a GstAudioMeta
  // Stream bookkeeping since the last discontinuity.
  bool need_discont = true;
  bool have_data = false;
  double unapplied_ppm = 0;  // a rate-adjust the chain of stages could not take, warned about once
  GstClockTime t0 = GST_CLOCK_TIME_NONE;
  guint64 in_offset0 = GST_BUFFER_OFFSET_NONE, out_offset0 = GST_BUFFER_OFFSET_NONE;
  guint64 samples_in = 0, samples_out = 0;
  // Equal rates passed through: the last input frames as F32 (see kPassthroughTailFrames).
  std::vector<float> passthrough_tail;
  fastaudio::OutputPool pool;  // output buffers unless passthrough
  fastaudio::CapsRefusalReporter refusals{
      "fastresample",
      "resample",
      {{"format", "fastresample changes only the rate: put fastconvert before or after it for another format."},
       {"channels", "fastresample changes only the rate: put fastconvert before or after it for another channel "
                    "count."},
       {"layout", "fastresample changes only the rate: put fastconvert before or after it for another layout."},
       {nullptr, "fastresample changes only the rate ({format}; {layout}; {rate}): put fastconvert before or after "
                 "it for another format, layout or channel count."}}};
};

// What gst-inspect-1.0 shows of the element.
static const fastaudio::ElementMetadata kMetadata = {
    .long_name = "Fast audio resampler",
    .classification = "Filter/Converter/Audio",
    .description =
        "Resamples raw audio by exact rational ratios with polyphase filters (equiripple or "
        "Kaiser-windowed sinc, a half-band stage first at about 3:1; SIMD kernels chosen at run time): "
        "first output sample aligned with the first input, tail drained at EOS"};

FASTAUDIO_DEFINE_TRANSFORM_ELEMENT(GstFastResample, gst_fast_resample, fastresample, GST_TYPE_FAST_RESAMPLE);

static void reset_stream(GstFastResamplePrivate *priv) {
  if (priv->configured) priv->resampler.reset();
  priv->need_discont = true;
  priv->have_data = false;
  priv->t0 = GST_CLOCK_TIME_NONE;
  priv->in_offset0 = priv->out_offset0 = GST_BUFFER_OFFSET_NONE;
  priv->samples_in = priv->samples_out = 0;
  priv->passthrough_tail.clear();
}

static GstClockTime latency_time(GstFastResamplePrivate *priv) {
  if (!priv->configured || GST_AUDIO_INFO_RATE(&priv->in_info) <= 0) return 0;
  return gst_util_uint64_scale_int_round(priv->resampler.latency_input_frames(), GST_SECOND,
                                         GST_AUDIO_INFO_RATE(&priv->in_info));
}

// Timestamps and offsets of `frames` output frames starting at samples_out.
static void stamp_output(GstFastResamplePrivate *priv, GstBuffer *buf, guint64 frames) {
  const int rate = GST_AUDIO_INFO_RATE(&priv->out_info);
  if (GST_CLOCK_TIME_IS_VALID(priv->t0)) {
    const GstClockTime start = priv->t0 + gst_util_uint64_scale_int_round(priv->samples_out, GST_SECOND, rate);
    const GstClockTime end =
        priv->t0 + gst_util_uint64_scale_int_round(priv->samples_out + frames, GST_SECOND, rate);
    GST_BUFFER_PTS(buf) = start;
    GST_BUFFER_DURATION(buf) = end - start;
  } else {
    GST_BUFFER_PTS(buf) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION(buf) = GST_CLOCK_TIME_NONE;
  }
  GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;
  if (priv->out_offset0 != GST_BUFFER_OFFSET_NONE) {
    GST_BUFFER_OFFSET(buf) = priv->out_offset0 + priv->samples_out;
    GST_BUFFER_OFFSET_END(buf) = GST_BUFFER_OFFSET(buf) + frames;
  } else {
    GST_BUFFER_OFFSET(buf) = GST_BUFFER_OFFSET_NONE;
    GST_BUFFER_OFFSET_END(buf) = GST_BUFFER_OFFSET_NONE;
  }
  priv->samples_out += frames;
}

static PcmSink output_sink(GstFastResamplePrivate *priv, guint8 *data) {
  return PcmSink{priv->format, unsigned(GST_AUDIO_INFO_CHANNELS(&priv->out_info)), priv->planar, data};
}

// Trims `buf` to the `frames` frames written; planar ones get the
// GstAudioMeta that describes their planes (back to back, see PcmSink).
static void finish_output(GstFastResamplePrivate *priv, GstBuffer *buf, size_t frames) {
  gst_buffer_set_size(buf, frames * GST_AUDIO_INFO_BPF(&priv->out_info));
  if (!priv->planar) return;
  while (GstAudioMeta *old = gst_buffer_get_audio_meta(buf)) gst_buffer_remove_meta(buf, &old->meta);
  gst_buffer_add_audio_meta(buf, &priv->out_info, frames, nullptr);
}

// Pushes the tail of the current stream (the samples the filter still holds
// back) downstream, then resets for a new stream.
static void push_drain(GstFastResample *self) {
  auto priv = self->priv;
  auto trans = GST_BASE_TRANSFORM(self);
  // Not the passthrough flag: GstBaseTransform sets it before set_caps when
  // the new caps are the same on both sides, and the old stream's tail must
  // still leave then. `configured` is false while passing through.
  if (!priv->configured || !priv->have_data) {
    reset_stream(priv);
    return;
  }
  const size_t frames = priv->resampler.pending_output_frames();
  if (frames == 0) {
    reset_stream(priv);
    return;
  }
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, frames * GST_AUDIO_INFO_BPF(&priv->out_info), nullptr);
  size_t written;
  {
    const fastaudio::BufferMap map(buf, GST_MAP_WRITE);
    if (!map) {
      gst_buffer_unref(buf);
      reset_stream(priv);
      FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map a buffer for the drained tail"), (nullptr));
      return;
    }
    written = priv->resampler.drain(output_sink(priv, map.data()), frames);
  }
  finish_output(priv, buf, written);
  if (priv->need_discont) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
  stamp_output(priv, buf, written);
  GST_DEBUG_OBJECT(self, "draining %zu frames at %" GST_TIME_FORMAT, written, GST_TIME_ARGS(GST_BUFFER_PTS(buf)));
  reset_stream(priv);
  const GstFlowReturn ret = gst_pad_push(trans->srcpad, buf);
  if (ret != GST_FLOW_OK) GST_WARNING_OBJECT(self, "pushing the drained tail: %s", gst_flow_get_name(ret));
}

// Each structure as it is (passthrough first), then with any rate.
static GstCaps *gst_fast_resample_transform_caps(GstBaseTransform *, GstPadDirection, GstCaps *in_caps,
                                                 GstCaps *filter) {
  GstCaps *caps = fastaudio::without_bad_channel_masks(in_caps);
  GstCaps *res = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); i++) {
    const GstStructure *in = gst_caps_get_structure(caps, i);
    if (i > 0 && gst_caps_is_subset_structure(res, in)) continue;
    GstStructure *s = gst_structure_copy(in);
    const GValue *rate = gst_structure_get_value(s, "rate");
    if (rate && !GST_VALUE_HOLDS_INT_RANGE(rate)) gst_caps_append_structure(res, gst_structure_copy(s));
    gst_structure_set(s, "rate", GST_TYPE_INT_RANGE, 1, fastaudio::kMaxResampleRate, nullptr);
    gst_caps_append_structure(res, s);
  }
  gst_caps_unref(caps);
  if (filter) {
    GstCaps *filtered = gst_caps_intersect_full(filter, res, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(res);
    res = filtered;
  }
  return res;
}

// The allowed rate nearest to the other side's (the same rate when allowed).
static GstCaps *gst_fast_resample_fixate_caps(GstBaseTransform *, GstPadDirection, GstCaps *caps,
                                              GstCaps *othercaps) {
  const GstStructure *in = gst_caps_get_structure(caps, 0);
  gint rate;
  othercaps = gst_caps_truncate(othercaps);
  othercaps = gst_caps_make_writable(othercaps);
  GstStructure *out = gst_caps_get_structure(othercaps, 0);
  if (gst_structure_get_int(in, "rate", &rate)) gst_structure_fixate_field_nearest_int(out, "rate", rate);
  return gst_caps_fixate(othercaps);
}

static gboolean gst_fast_resample_get_unit_size(GstBaseTransform *, GstCaps *caps, gsize *size) {
  GstAudioInfo info;
  if (!gst_audio_info_from_caps(&info, caps)) return FALSE;
  *size = GST_AUDIO_INFO_BPF(&info);
  return TRUE;
}

static gboolean gst_fast_resample_transform_size(GstBaseTransform *trans, GstPadDirection direction, GstCaps *,
                                                 gsize size, GstCaps *, gsize *othersize) {
  auto priv = GST_FAST_RESAMPLE(trans)->priv;
  if (!priv->configured) return FALSE;
  const gsize in_bpf = GST_AUDIO_INFO_BPF(&priv->in_info), out_bpf = GST_AUDIO_INFO_BPF(&priv->out_info);
  if (direction == GST_PAD_SINK) {
    *othersize = priv->resampler.max_output_frames(size / in_bpf) * out_bpf;
  } else {
    const guint64 out_frames = size / out_bpf;
    *othersize = (gst_util_uint64_scale_int_ceil(out_frames, GST_AUDIO_INFO_RATE(&priv->in_info),
                                                 GST_AUDIO_INFO_RATE(&priv->out_info)) +
                  priv->resampler.latency_input_frames()) *
                 in_bpf;
  }
  return TRUE;
}

static const char *layout_name(const GstAudioInfo *info) {
  return GST_AUDIO_INFO_LAYOUT(info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED ? "non-interleaved" : "interleaved";
}

static gboolean gst_fast_resample_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps) {
  auto self = GST_FAST_RESAMPLE(trans);
  auto priv = self->priv;
  GstAudioInfo in, out;
  if (!priv->refusals.read_caps(trans, "fastresample got invalid audio caps", incaps, outcaps, &in, &out))
    return FALSE;
  if (GST_AUDIO_INFO_FORMAT(&in) != GST_AUDIO_INFO_FORMAT(&out) ||
      GST_AUDIO_INFO_CHANNELS(&in) != GST_AUDIO_INFO_CHANNELS(&out) ||
      GST_AUDIO_INFO_LAYOUT(&in) != GST_AUDIO_INFO_LAYOUT(&out)) {
    gchar *text = g_strdup_printf("fastresample changes only the rate, not %s x %d %s to %s x %d %s",
                                  GST_AUDIO_INFO_NAME(&in), GST_AUDIO_INFO_CHANNELS(&in), layout_name(&in),
                                  GST_AUDIO_INFO_NAME(&out), GST_AUDIO_INFO_CHANNELS(&out), layout_name(&out));
    priv->refusals.refuse(GST_ELEMENT(self), incaps, text, "put fastconvert before or after it");
    g_free(text);
    return FALSE;
  }
  const int in_rate = GST_AUDIO_INFO_RATE(&in), out_rate = GST_AUDIO_INFO_RATE(&out);
  if (const char *why = fastaudio::resample_rates_problem(in_rate, out_rate)) {
    gchar *text = g_strdup_printf("fastresample cannot resample %d Hz to %d Hz: %s", in_rate, out_rate, why);
    gchar *supported = g_strdup_printf("supported: 1 to %d Hz, any downsampling, upsampling up to 1:%" G_GINT64_FORMAT,
                                       fastaudio::kMaxResampleRate, gint64(fastaudio::kMaxUpsampling));
    priv->refusals.refuse(GST_ELEMENT(self), incaps, text, supported);
    g_free(supported);
    g_free(text);
    return FALSE;
  }

  // The same caps again (a reconfiguration that changed nothing): keep the
  // stream and its history.
  // (GstBaseTransform has just set passthrough for equal caps: a rate
  // adjustment in force keeps resampling.)
  if (GST_AUDIO_INFO_IS_VALID(&priv->in_info) && gst_audio_info_is_equal(&in, &priv->in_info) &&
      gst_audio_info_is_equal(&out, &priv->out_info)) {
    gst_base_transform_set_passthrough(trans, !priv->configured);
    return TRUE;
  }

  // A format change ends the stream in the old format: push its tail first.
  if (priv->configured && (!gst_audio_info_is_equal(&in, &priv->in_info) ||
                           !gst_audio_info_is_equal(&out, &priv->out_info)))
    push_drain(self);

  const GstClockTime old_latency = latency_time(priv);
  const auto format = fastaudio::pcm_format_from_gst(GST_AUDIO_INFO_FORMAT(&in));
  const unsigned channels = GST_AUDIO_INFO_CHANNELS(&in);
  priv->settings.refresh(priv->active);
  fastaudio::ResampleSpec spec{in_rate, out_rate, channels, preset_for_level(priv->active.value.level)};
  spec.rate_adjust_ppm = priv->active.value.rate_adjust_ppm;
  const bool passthrough = in_rate == out_rate && spec.rate_adjust_ppm == 0;
  if (!format || (!passthrough && !priv->resampler.configure(spec))) {
    priv->configured = false;
    priv->refusals.refuse(GST_ELEMENT(self), incaps, "fastresample cannot handle these caps", "");
    return FALSE;
  }
  priv->format = *format;
  priv->planar = GST_AUDIO_INFO_LAYOUT(&in) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  priv->in_info = in;
  priv->out_info = out;
  priv->configured = !passthrough;
  reset_stream(priv);
  gst_base_transform_set_passthrough(trans, passthrough);
  if (passthrough)
    GST_INFO_OBJECT(self, "%d -> %d Hz, %s x %u: passthrough", in_rate, out_rate, GST_AUDIO_INFO_NAME(&in), channels);
  else
    GST_INFO_OBJECT(self, "%d -> %d Hz, %s x %u: %s path on %s", in_rate, out_rate, GST_AUDIO_INFO_NAME(&in),
                    channels, fastaudio::resample_path_name(priv->resampler.path()),
                    fastaudio::isa_name(priv->resampler.isa()));
  if (latency_time(priv) != old_latency)
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
  return TRUE;
}

static gboolean gst_fast_resample_accept_caps(GstBaseTransform *trans, GstPadDirection direction, GstCaps *caps) {
  return GST_FAST_RESAMPLE(trans)->priv->refusals.accept_caps(
      trans, GST_BASE_TRANSFORM_CLASS(gst_fast_resample_parent_class), direction, caps);
}

// A DISCONT flag, or a timestamp more than 1/32 s away from where the sample
// count says the stream is, starts a new stream.
static bool stream_breaks(GstFastResamplePrivate *priv, GstBuffer *buf) {
  if (GST_BUFFER_IS_DISCONT(buf)) return true;
  if (!GST_BUFFER_PTS_IS_VALID(buf) || !GST_CLOCK_TIME_IS_VALID(priv->t0)) return false;
  const int rate = GST_AUDIO_INFO_RATE(&priv->in_info);
  const gint64 at = GST_BUFFER_PTS(buf) >= priv->t0
                        ? gint64(gst_util_uint64_scale_int_round(GST_BUFFER_PTS(buf) - priv->t0, rate, GST_SECOND))
                        : -gint64(gst_util_uint64_scale_int_round(priv->t0 - GST_BUFFER_PTS(buf), rate, GST_SECOND));
  return std::llabs(at - gint64(priv->samples_in)) > rate / 32;
}

// Equal rates passed through: keeps the last kPassthroughTailFrames input
// frames (as interleaved F32, whatever the format and layout; zeros for a
// GAP) for a rate adjustment that may start.
static void keep_passthrough_tail(GstFastResamplePrivate *priv, GstBuffer *input) {
  const unsigned channels = GST_AUDIO_INFO_CHANNELS(&priv->in_info);
  const size_t frames = fastaudio::buffer_frames(input, &priv->in_info);
  const size_t n = std::min(frames, kPassthroughTailFrames);
  std::vector<float> &tail = priv->passthrough_tail;
  const size_t keep = std::min(tail.size() / channels, kPassthroughTailFrames - n);
  tail.erase(tail.begin(), tail.end() - long(keep * channels));
  tail.resize((keep + n) * channels, 0.f);
  if (n == 0 || GST_BUFFER_FLAG_IS_SET(input, GST_BUFFER_FLAG_GAP)) return;
  fastaudio::AudioBufferMap map(&priv->in_info, input, GST_MAP_READ);
  if (!map) return;
  std::vector<float> planes(n * channels);
  std::vector<float *> rows(channels);
  for (unsigned c = 0; c < channels; c++) rows[c] = planes.data() + c * n;
  const size_t width = fastaudio::pcm_info(priv->format).width;
  if (map->n_planes == 1) {
    fastaudio::unpack_streams(priv->format, static_cast<const guint8 *>(map->planes[0]) + (frames - n) * channels * width,
                              channels, n, rows.data());
  } else {
    for (unsigned c = 0; c < channels; c++)
      fastaudio::unpack_streams(priv->format, static_cast<const guint8 *>(map->planes[c]) + (frames - n) * width, 1,
                                n, &rows[c]);
  }
  float *dst = tail.data() + keep * channels;
  for (size_t f = 0; f < n; f++)
    for (unsigned c = 0; c < channels; c++) dst[f * channels + c] = rows[c][f];
}

// A rate adjustment at equal rates: resampling starts with this buffer,
// its history the input passed through just before, its timestamps and
// offsets continuing those (no DISCONT unless the buffer has one).
static void leave_passthrough(GstFastResample *self, GstBuffer *input, double ppm) {
  auto priv = self->priv;
  const int rate = GST_AUDIO_INFO_RATE(&priv->in_info);
  fastaudio::ResampleSpec spec{rate, rate, unsigned(GST_AUDIO_INFO_CHANNELS(&priv->in_info)),
                               preset_for_level(priv->active.value.level)};
  spec.rate_adjust_ppm = ppm;
  if (!priv->resampler.configure(spec)) return;
  const bool continues = !GST_BUFFER_IS_DISCONT(input) && !priv->passthrough_tail.empty();
  std::vector<float> tail = std::move(priv->passthrough_tail);
  reset_stream(priv);
  priv->configured = true;
  if (continues) {
    priv->resampler.prime_history(tail.data(), tail.size() / spec.channels);
    priv->need_discont = false;
    priv->t0 = GST_BUFFER_PTS(input);
    if (GST_BUFFER_OFFSET_IS_VALID(input)) priv->in_offset0 = priv->out_offset0 = GST_BUFFER_OFFSET(input);
  }
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
  GST_INFO_OBJECT(self, "rate-adjust %g ppm: resampling %d Hz on the %s path", ppm, rate,
                  fastaudio::resample_path_name(priv->resampler.path()));
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
}

// A new rate adjustment while resampling: the step changes from the next
// output on (the first one moves the resampler onto its variable path).
static void apply_rate_adjust(GstFastResample *self, double ppm) {
  auto priv = self->priv;
  const GstClockTime before = latency_time(priv);
  if (!priv->resampler.set_rate_adjust(ppm)) {
    if (priv->resampler.path() == fastaudio::ResamplePath::Stages && ppm != priv->unapplied_ppm) {
      priv->unapplied_ppm = ppm;
      FASTAUDIO_ELEMENT_WARNING(self, STREAM, NOT_IMPLEMENTED,
                                ("rate-adjust %g ppm is not applied at %d Hz -> %d Hz", ppm,
                                 GST_AUDIO_INFO_RATE(&priv->in_info), GST_AUDIO_INFO_RATE(&priv->out_info)),
                                ("a ratio beyond one stage's limits (%d:1 down, 1:%d up) runs through a chain of "
                                 "stages, which keeps the exact ratio",
                                 int(fastaudio::kMaxStageDownsampling), int(fastaudio::kMaxStageUpsampling)));
    }
    return;
  }
  GST_DEBUG_OBJECT(self, "rate-adjust %g ppm (%s path)", ppm, fastaudio::resample_path_name(priv->resampler.path()));
  if (latency_time(priv) != before) gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
}

static GstFlowReturn gst_fast_resample_submit_input_buffer(GstBaseTransform *trans, gboolean is_discont,
                                                           GstBuffer *input) {
  auto self = GST_FAST_RESAMPLE(trans);
  auto priv = self->priv;
  const GstAudioInfo *info = &priv->in_info;
  GstFlowReturn ret;
  input = fastaudio::take_input(GST_ELEMENT(self), "fastresample", input, info, &trans->segment, &ret);
  if (!input) return ret;
  // Property changes take effect here, before the output size is computed.
  priv->settings.refresh(priv->active);
  const double ppm = priv->active.value.rate_adjust_ppm;
  if (!priv->configured && GST_AUDIO_INFO_RATE(info) == GST_AUDIO_INFO_RATE(&priv->out_info)) {
    if (ppm != 0) leave_passthrough(self, input, ppm);
    else keep_passthrough_tail(priv, input);
  }
  if (priv->configured) {
    if (ppm != priv->resampler.rate_adjust()) apply_rate_adjust(self, ppm);
    const ResampleQuality q = preset_for_level(priv->active.value.level);
    if (q != priv->resampler.spec().quality) {
      const GstClockTime before = latency_time(priv);
      priv->resampler.set_quality(q);
      GST_INFO_OBJECT(self, "quality now %s, latency %" GST_TIME_FORMAT, fastaudio::resample_quality_name(q),
                      GST_TIME_ARGS(latency_time(priv)));
      if (latency_time(priv) != before)
        gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
    }
    if (priv->have_data && stream_breaks(priv, input)) push_drain(self);
  }
  return self->priv->refusals.submit_input_buffer(trans, GST_BASE_TRANSFORM_CLASS(gst_fast_resample_parent_class),
                                                  is_discont, input);
}

// Whether a sample is silence: the format's silence, or a float -0.
static bool sample_silent(const GstAudioInfo *info, const guint8 *p, size_t width) {
  if (std::memcmp(p, info->finfo->silence, width) == 0) return true;
  if (!GST_AUDIO_INFO_IS_FLOAT(info)) return false;
  const size_t sign_byte = GST_AUDIO_INFO_ENDIANNESS(info) == G_BIG_ENDIAN ? 0 : width - 1;
  for (size_t k = 0; k < width; k++)
    if (p[k] != (k == sign_byte ? 0x80 : 0)) return false;
  return true;
}

static bool all_silence(const GstAudioInfo *info, const guint8 *data, size_t bytes) {
  const size_t width = size_t(GST_AUDIO_INFO_WIDTH(info)) / 8;
  for (size_t i = 0; i < bytes; i += width)
    if (!sample_silent(info, data + i, width)) return false;
  return true;
}

// What one transform() call did: frames in and out, and whether the output is all silence.
struct Resampled {
  size_t in_frames = 0, produced = 0;
  bool silent = false;
};

// `src` through the resampler into `out_data` (a GAP input as silence,
// without work once the filter holds only zeros).
static Resampled resample_into(GstFastResamplePrivate *priv, GstBuffer *inbuf, const PcmSource &src,
                               size_t in_frames, guint8 *out_data, size_t capacity) {
  Resampled r;
  r.in_frames = in_frames;
  const PcmSink sink = output_sink(priv, out_data);
  const bool gap = GST_BUFFER_FLAG_IS_SET(inbuf, GST_BUFFER_FLAG_GAP);
  r.produced = gap ? priv->resampler.process_silence(in_frames, sink, capacity)
                   : priv->resampler.process(src, in_frames, sink, capacity);
  // GAP only when no ringing of earlier signal is in this output.
  r.silent = gap && all_silence(&priv->out_info, out_data, r.produced * GST_AUDIO_INFO_BPF(&priv->out_info));
  return r;
}

// Interleaved: in place (see prepare_output_buffer) with one mapping for
// both; unmapped before the output's size is set.
static bool transform_interleaved(GstFastResample *self, GstBuffer *inbuf, GstBuffer *outbuf, Resampled *r) {
  auto priv = self->priv;
  const bool in_place = inbuf == outbuf;
  const fastaudio::BufferMap in(inbuf, in_place ? GST_MAP_READWRITE : GST_MAP_READ);
  const fastaudio::BufferMap out(in_place ? nullptr : outbuf, GST_MAP_WRITE,
                                 in_place ? nullptr : priv->pool.take_known_data(outbuf));
  if (!in || (!in_place && !out)) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map %s buffer", in ? "output" : "input"), (nullptr));
    return false;
  }
  const fastaudio::BufferMap &written = in_place ? in : out;
  const guint8 *plane = in.data();
  const PcmSource src{priv->format, unsigned(GST_AUDIO_INFO_CHANNELS(&priv->in_info)), false, &plane};
  *r = resample_into(priv, inbuf, src, in.size() / GST_AUDIO_INFO_BPF(&priv->in_info), written.data(),
                     written.size() / GST_AUDIO_INFO_BPF(&priv->out_info));
  return true;
}

// Planar: the planes where the input's GstAudioMeta says (one without a
// meta is read as contiguous planes, through a shallow copy that has one);
// the output's planes back to back, described by a meta in finish_output().
static bool transform_planar(GstFastResample *self, GstBuffer *inbuf, GstBuffer *outbuf, Resampled *r) {
  auto priv = self->priv;
  const fastaudio::OwnedBuffer described = fastaudio::with_audio_meta(inbuf, &priv->in_info);
  fastaudio::AudioBufferMap in(&priv->in_info, described.get(), GST_MAP_READ);
  if (!in) {
    fastaudio::post_planar_map_error(GST_ELEMENT(self), &priv->in_info);
    return false;
  }
  const fastaudio::BufferMap out(outbuf, GST_MAP_WRITE, priv->pool.take_known_data(outbuf));
  if (!out) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map output buffer"), (nullptr));
    return false;
  }
  const PcmSource src{priv->format, unsigned(in->n_planes), true, reinterpret_cast<const guint8 *const *>(in->planes)};
  *r = resample_into(priv, inbuf, src, in->n_samples, out.data(), out.size() / GST_AUDIO_INFO_BPF(&priv->out_info));
  return true;
}

static GstFlowReturn gst_fast_resample_transform(GstBaseTransform *trans, GstBuffer *inbuf, GstBuffer *outbuf) {
  auto self = GST_FAST_RESAMPLE(trans);
  auto priv = self->priv;
  if (priv->need_discont) {
    priv->t0 = GST_BUFFER_PTS(inbuf);
    if (GST_BUFFER_OFFSET_IS_VALID(inbuf)) {
      priv->in_offset0 = GST_BUFFER_OFFSET(inbuf);
      priv->out_offset0 = gst_util_uint64_scale_int_round(priv->in_offset0, GST_AUDIO_INFO_RATE(&priv->out_info),
                                                          GST_AUDIO_INFO_RATE(&priv->in_info));
    }
    GST_BUFFER_FLAG_SET(outbuf, GST_BUFFER_FLAG_DISCONT);
    priv->need_discont = false;
  }
  Resampled r;
  if (!(priv->planar ? transform_planar : transform_interleaved)(self, inbuf, outbuf, &r)) return GST_FLOW_ERROR;
  priv->have_data = true;
  priv->samples_in += r.in_frames;
  finish_output(priv, outbuf, r.produced);
  stamp_output(priv, outbuf, r.produced);
  if (r.silent) GST_BUFFER_FLAG_SET(outbuf, GST_BUFFER_FLAG_GAP);
  else GST_BUFFER_FLAG_UNSET(outbuf, GST_BUFFER_FLAG_GAP);
  return r.produced == 0 ? GST_BASE_TRANSFORM_FLOW_DROPPED : GST_FLOW_OK;
}

static gboolean gst_fast_resample_sink_event(GstBaseTransform *trans, GstEvent *event) {
  auto self = GST_FAST_RESAMPLE(trans);
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_FLUSH_STOP:
      reset_stream(self->priv);
      break;
    case GST_EVENT_STREAM_START:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_EOS:
      push_drain(self);
      break;
    default: break;
  }
  // Caps refused without a word by GstBaseTransform get an error there.
  return self->priv->refusals.sink_event(trans, GST_BASE_TRANSFORM_CLASS(gst_fast_resample_parent_class), event);
}

static gboolean gst_fast_resample_src_query(GstBaseTransform *trans, GstPadDirection direction, GstQuery *query) {
  auto self = GST_FAST_RESAMPLE(trans);
  if (direction == GST_PAD_SRC && GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    if (!gst_pad_peer_query(trans->sinkpad, query)) return FALSE;
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency(query, &live, &min, &max);
    const GstClockTime ours = gst_base_transform_is_passthrough(trans) ? 0 : latency_time(self->priv);
    GST_DEBUG_OBJECT(self, "our latency %" GST_TIME_FORMAT, GST_TIME_ARGS(ours));
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID(max)) max += ours;
    gst_query_set_latency(query, live, min, max);
    return TRUE;
  }
  return GST_BASE_TRANSFORM_CLASS(gst_fast_resample_parent_class)->query(trans, direction, query);
}

static gboolean gst_fast_resample_start(GstBaseTransform *trans) {
  reset_stream(GST_FAST_RESAMPLE(trans)->priv);
  return TRUE;
}

static gboolean gst_fast_resample_stop(GstBaseTransform *trans) {
  GST_FAST_RESAMPLE(trans)->priv->pool.drop();
  return TRUE;
}

// Where the output goes, sized for the most this input can produce;
// transform() trims it to what it did. Downsampling writes into the input
// buffer itself when that is writable, big enough and carries no meta (the
// resampler takes its input into its history before writing any output):
// no allocation, and the output lands in memory that is already in cache.
// Otherwise a buffer from the element's own pool (see output_pool.h).
static GstFlowReturn gst_fast_resample_prepare_output_buffer(GstBaseTransform *trans, GstBuffer *input,
                                                             GstBuffer **outbuf) {
  auto self = GST_FAST_RESAMPLE(trans);
  auto priv = self->priv;
  if (gst_base_transform_is_passthrough(trans) || !priv->configured)
    return GST_BASE_TRANSFORM_CLASS(gst_fast_resample_parent_class)->prepare_output_buffer(trans, input, outbuf);
  gsize out_size = 0;
  const gsize in_size = fastaudio::buffer_frames(input, &priv->in_info) * GST_AUDIO_INFO_BPF(&priv->in_info);
  gst_fast_resample_transform_size(trans, GST_PAD_SINK, nullptr, in_size, nullptr, &out_size);
  gpointer meta_state = nullptr;
  if (!priv->planar && out_size <= in_size && gst_buffer_is_writable(input) && gst_buffer_is_all_memory_writable(input) &&
      !gst_buffer_iterate_meta(input, &meta_state)) {
    *outbuf = input;
    return GST_FLOW_OK;
  }
  // Upsampling up to 1:16777216, one input buffer can ask for gigabytes: refused, not attempted.
  if (out_size > kMaxOutputBufferBytes) {
    FASTAUDIO_ELEMENT_ERROR(self, STREAM, FAILED,
                            ("An input buffer of %" G_GSIZE_FORMAT " bytes would make an output buffer of %"
                             G_GSIZE_FORMAT " bytes at %d Hz -> %d Hz (at most %" G_GSIZE_FORMAT "): send smaller "
                             "buffers", in_size, out_size, GST_AUDIO_INFO_RATE(&priv->in_info),
                             GST_AUDIO_INFO_RATE(&priv->out_info), kMaxOutputBufferBytes), (nullptr));
    return GST_FLOW_ERROR;
  }
  if (!priv->pool.acquire(trans, out_size, outbuf)) {
    FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, NO_SPACE_LEFT,
                            ("Could not allocate an output buffer of %" G_GSIZE_FORMAT " bytes", out_size), (nullptr));
    return GST_FLOW_ERROR;
  }
  GST_BASE_TRANSFORM_CLASS(gst_fast_resample_parent_class)->copy_metadata(trans, input, *outbuf);
  return GST_FLOW_OK;
}

static void gst_fast_resample_set_property(GObject *object, guint prop_id, const GValue *value,
                                           GParamSpec *pspec) {
  auto self = GST_FAST_RESAMPLE(object);
  switch (prop_id) {
    case PROP_QUALITY: {
      const int level = g_value_get_enum(value);
      self->priv->settings.update([level](FastResampleSettings &s) { s.level = level; });
      break;
    }
    case PROP_RATE_ADJUST: {
      const double ppm = g_value_get_double(value);  // GLib refuses NaN and values out of range
      self->priv->settings.update([ppm](FastResampleSettings &s) { s.rate_adjust_ppm = ppm; });
      break;
    }
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_fast_resample_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto self = GST_FAST_RESAMPLE(object);
  switch (prop_id) {
    case PROP_QUALITY: g_value_set_enum(value, self->priv->settings.get().level); break;
    case PROP_RATE_ADJUST: g_value_set_double(value, self->priv->settings.get().rate_adjust_ppm); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_fast_resample_finalize(GObject *object) {
  delete GST_FAST_RESAMPLE(object)->priv;
  G_OBJECT_CLASS(gst_fast_resample_parent_class)->finalize(object);
}

static void gst_fast_resample_class_init(GstFastResampleClass *klass) {
  auto gobject_class = G_OBJECT_CLASS(klass);
  auto trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  fastaudio::init_element_class(
      klass, {.set_property = gst_fast_resample_set_property,
              .get_property = gst_fast_resample_get_property,
              .finalize = gst_fast_resample_finalize,
              .metadata = kMetadata});

  g_object_class_install_property(
      gobject_class, PROP_QUALITY,
      g_param_spec_enum("quality", "Quality",
                        "Filter preset: fast, high or very-high, each with the figures its value states "
                        "(at every ratio, but for fast's THD+N where it upsamples or decimates by less than "
                        "2.5; docs/fastresample.md has them measured), or audioresample's "
                        "quality 0-10: 0-4 is fast (4 = fast), 5-8 high (8 = high), 9-10 very-high "
                        "(10 = very-high); reads back as set. "
                        "Can change while playing: the stream stays continuous and a latency message is posted",
                        GST_TYPE_FAST_RESAMPLE_QUALITY, kDefaultLevel,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));

  g_object_class_install_property(
      gobject_class, PROP_RATE_ADJUST,
      g_param_spec_double(
          "rate-adjust", "Rate adjust",
          "Nudges the output rate by this many parts per million (positive: more output frames per second of "
          "input), e.g. to follow a sender's clock drift. Can change while playing: the step changes from the "
          "next buffer on, continuously (no click, no renegotiation); timestamps and offsets follow the frames "
          "produced. Equal rates pass through at 0 and are resampled otherwise, until the caps change",
          -fastaudio::kMaxRateAdjustPpm, fastaudio::kMaxRateAdjustPpm, 0.0,
          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));


  trans_class->start = gst_fast_resample_start;
  trans_class->stop = gst_fast_resample_stop;
  trans_class->prepare_output_buffer = gst_fast_resample_prepare_output_buffer;
  trans_class->transform_caps = gst_fast_resample_transform_caps;
  trans_class->fixate_caps = gst_fast_resample_fixate_caps;
  trans_class->get_unit_size = gst_fast_resample_get_unit_size;
  trans_class->transform_size = gst_fast_resample_transform_size;
  trans_class->set_caps = gst_fast_resample_set_caps;
  trans_class->accept_caps = gst_fast_resample_accept_caps;
  trans_class->submit_input_buffer = gst_fast_resample_submit_input_buffer;
  trans_class->transform = gst_fast_resample_transform;
  trans_class->sink_event = gst_fast_resample_sink_event;
  trans_class->query = gst_fast_resample_src_query;
  trans_class->passthrough_on_same_caps = TRUE;

  gst_type_mark_as_plugin_api(GST_TYPE_FAST_RESAMPLE_QUALITY, GstPluginAPIFlags(0));
  GST_DEBUG_CATEGORY_INIT(gst_fast_resample_debug, "fastresample", 0, "fastaudio resampler");
}

static void gst_fast_resample_init(GstFastResample *self) {
  self->priv = new GstFastResamplePrivate();
  gst_audio_info_init(&self->priv->in_info);
  gst_audio_info_init(&self->priv->out_info);
  gst_base_transform_set_gap_aware(GST_BASE_TRANSFORM(self), TRUE);
}
