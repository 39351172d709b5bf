// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad: energy voice activity detection on raw audio (dsp/vad.h).
//
// Analysis only: buffers leave as they came (passthrough, same memory),
// optionally with a GstAudioLevelMeta, and speech-start / speech-stop
// element messages tell the application. With silence-action=gap or drop
// the element holds buffers until their speech/silence decision is final
// (pre-roll, min-speech and min-silence need that look-ahead) and reports
// that as its latency; with pass (default) it holds nothing: latency 0.
#include "gstrmsvad.h"

#include <gst/audio/audio.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "audio_formats.h"
#include "audio_input.h"
#include "buffer_map.h"
#include "element_class.h"
#include "element_message.h"
#include "negotiation.h"
#include "rmsvad_messages.h"
#include "settings.h"
#include "vad.h"

GST_DEBUG_CATEGORY_STATIC(gst_rms_vad_debug);
#define GST_CAT_DEFAULT gst_rms_vad_debug

using fastaudio::VadEvent;
using fastaudio::VadParams;
using fastaudio::VoiceDetector;

enum GstRmsVadSilenceAction { SILENCE_PASS, SILENCE_GAP, SILENCE_DROP };

#define GST_TYPE_RMS_VAD_SILENCE_ACTION (gst_rms_vad_silence_action_get_type())
static GType gst_rms_vad_silence_action_get_type() {
  static const GEnumValue values[] = {
      {SILENCE_PASS, "Pass every buffer unchanged", "pass"},
      {SILENCE_GAP, "Flag buffers without speech GAP (data untouched)", "gap"},
      {SILENCE_DROP, "Drop buffers without speech", "drop"},
      {0, nullptr, nullptr},
  };
  static GType type = 0;
  if (g_once_init_enter(&type)) g_once_init_leave(&type, g_enum_register_static("GstRmsVadSilenceAction", values));
  return type;
}

enum {
  PROP_0,
  PROP_FRAME_DURATION,
  PROP_START_THRESHOLD,
  PROP_STOP_THRESHOLD,
  PROP_ABSOLUTE_THRESHOLD,
  PROP_MODULATION_THRESHOLD,
  PROP_RELATIVE_THRESHOLD,
  PROP_BACKGROUND_THRESHOLD,
  PROP_HANGOVER,
  PROP_PRE_ROLL,
  PROP_MIN_SPEECH,
  PROP_MIN_SILENCE,
  PROP_POST_MESSAGES,
  PROP_AUDIO_LEVEL_META,
  PROP_SILENCE_ACTION,
  PROP_RESET_FLOOR_ON_FLUSH,
  PROP_SPEAKING,
  PROP_NOISE_FLOOR,
  PROP_WEBRTC_MESSAGES,
  PROP_TRANSIENT_THRESHOLD,
};

// Property limits in seconds.
constexpr double kMinFrame_s = 0.005, kMaxFrame_s = 0.1;
constexpr double kMaxHangover_s = 5, kMaxPreRoll_s = 1;
constexpr double kMaxMinSpeech_s = 2, kMaxMinSilence_s = 5;

struct Settings {
  VadParams vad;
  bool post_messages = false;
  bool audio_level_meta = false;
  GstRmsVadSilenceAction silence_action = SILENCE_PASS;
  bool reset_floor_on_flush = false;
  bool webrtc_messages = false;
};

// The detector's tunable properties as data: each sets one VadParams field
// and takes its default from VadParams; a time property is in nanoseconds
// (range in seconds here), a level one in dB.
struct NumericProperty {
  guint id;
  bool time;
  const char *name, *nick, *blurb;
  double lo, hi;
  double VadParams::*field;
};

static const NumericProperty kNumericProperties[] = {
    {PROP_FRAME_DURATION, true, "frame-duration", "Frame duration",
     "Analysis frame in nanoseconds (5-100 ms); one level per frame", kMinFrame_s, kMaxFrame_s, &VadParams::frame_s},
    {PROP_START_THRESHOLD, false, "start-threshold", "Start threshold",
     "Speech starts when a frame's level is this many dB above the noise floor", 0, 60, &VadParams::start_db},
    {PROP_STOP_THRESHOLD, false, "stop-threshold", "Stop threshold",
     "Speech continues while frames are this many dB above the noise floor; at most start-threshold (a "
     "larger value runs as start-threshold, with a warning)",
     0, 60, &VadParams::stop_db},
    {PROP_ABSOLUTE_THRESHOLD, false, "absolute-threshold", "Absolute threshold",
     "Frames below this level (dBFS, in the detector's band of roughly 250-2000 Hz) are never speech", -120, 0,
     &VadParams::absolute_db},
    {PROP_MODULATION_THRESHOLD, false, "modulation-threshold", "Modulation threshold",
     "Speech starts only when the level moves by this many dB per frame on average over 200 ms "
     "(syllables do, steady noise does not); 0 disables the check",
     0, 20, &VadParams::modulation_db},
    {PROP_RELATIVE_THRESHOLD, false, "relative-threshold", "Relative threshold",
     "Babble guard: speech starts only within this many dB of the recent speech peak and continues "
     "within 10 dB more (the peak decays at 2 dB/s); misses a talker who gets much quieter. 0 disables",
     0, 60, &VadParams::relative_db},
    {PROP_BACKGROUND_THRESHOLD, false, "background-threshold", "Background threshold",
     "Speech starts only this many dB above the level exceeded 75 % of the time over the last 2 s, "
     "and continues while 0.6 times as far above it: a sound present most of the time (babble, "
     "steady or swelling noise) is background, one talker pauses. 0 disables the check",
     0, 30, &VadParams::background_db},
    {PROP_TRANSIENT_THRESHOLD, false, "transient-threshold", "Transient threshold",
     "Impulsive sounds (typing, clicks, knocks) are not speech: a 7 ms sub-frame this many dB above the "
     "two before it starts one, and its ring-down is taken out of the level; 0 disables the check",
     0, 40, &VadParams::transient_rise_db},
    {PROP_HANGOVER, true, "hangover", "Hangover",
     "Speech is held this long (ns) after the level falls below the stop threshold", 0, kMaxHangover_s,
     &VadParams::hangover_s},
    {PROP_PRE_ROLL, true, "pre-roll", "Pre-roll",
     "speech-start is dated this long (ns) before the first loud frame so that onsets are not clipped", 0,
     kMaxPreRoll_s, &VadParams::pre_roll_s},
    {PROP_MIN_SPEECH, true, "min-speech", "Minimum speech", "Loud runs shorter than this (ns) are not speech", 0,
     kMaxMinSpeech_s, &VadParams::min_speech_s},
    {PROP_MIN_SILENCE, true, "min-silence", "Minimum silence",
     "Pauses shorter than this (ns, after the hangover) do not end speech", 0, kMaxMinSilence_s,
     &VadParams::min_silence_s},
};

// The element's switches as data (all off by default).
struct BooleanProperty {
  guint id;
  const char *name, *nick, *blurb;
  bool Settings::*field;
};

static const BooleanProperty kBooleanProperties[] = {
    {PROP_POST_MESSAGES, "post-messages", "Post messages",
     "Post an \"rmsvad\" element message for every frame (level, floor, decision)", &Settings::post_messages},
    {PROP_AUDIO_LEVEL_META, "audio-level-meta", "Audio level meta",
     "Attach a GstAudioLevelMeta (level in -dBov, voice_activity) to every buffer", &Settings::audio_level_meta},
    {PROP_RESET_FLOOR_ON_FLUSH, "reset-floor-on-flush", "Reset floor on flush",
     "Forget the learned noise floor on flush (it is kept by default)", &Settings::reset_floor_on_flush},
    {PROP_WEBRTC_MESSAGES, "webrtc-messages", "webrtcdsp messages",
     "Also post webrtcdsp's \"voice-activity\" message (stream-time, stream-has-voice) "
     "when speech starts and stops, for applications written for webrtcdsp",
     &Settings::webrtc_messages},
};

template <typename Property, size_t N>
static const Property *find_property(const Property (&table)[N], guint id) {
  for (const Property &p : table)
    if (p.id == id) return &p;
  return nullptr;
}

// A buffer (or a serialized event) waiting for its decision in gap/drop mode.
struct Pending {
  GstBuffer *buffer = nullptr;
  GstEvent *event = nullptr;
  uint64_t from = 0, to = 0;  // samples since the detector's last reset
};

struct GstRmsVadPrivate {
  fastaudio::SharedSettings<Settings> settings;
  std::mutex stream_lock;                          // guards `negotiated`
  std::optional<fastaudio::VadStream> negotiated;  // for latency queries from other threads
  // Read-only properties, written by the streaming thread for every buffer.
  std::atomic<bool> speaking{false};
  std::atomic<double> noise_floor{-120};

  // Streaming thread only.
  fastaudio::SharedSettings<Settings>::Active active;  // the settings in force
  GstAudioInfo info;
  VoiceDetector vad;
  bool configured = false;
  GstClockTime base_pts = GST_CLOCK_TIME_NONE;  // timestamp of sample 0
  std::optional<uint64_t> open_start;           // current segment's start sample
  std::vector<std::pair<uint64_t, uint64_t>> segments;  // closed, not yet consumed
  std::deque<Pending> pending;
  bool drop_discont = false;  // next pushed buffer follows dropped ones
  fastaudio::CapsRefusalReporter refusals{
      "rmsvad",
      "pass",
      {{"rate", "rmsvad passes audio through unchanged ({rate}): put fastresample before it to change the rate."},
       {"format", "rmsvad passes audio through unchanged ({format}): put fastconvert before it to change the "
                  "format."},
       {"channels", "rmsvad passes audio through unchanged: put fastconvert before it to change the channel count."},
       {nullptr, "rmsvad passes audio through unchanged ({format} at {rate}): put fastconvert and fastresample "
                 "before it to change the format or rate."}}};
};

// What gst-inspect-1.0 shows of the element.
static const fastaudio::ElementMetadata kMetadata = {
    .long_name = "RMS voice activity detector",
    .classification = "Filter/Analyzer/Audio",
    .description =
        "Detects speech by band-limited frame energy against an adaptive noise floor; posts speech-start / "
        "speech-stop messages and optionally marks or drops silence"};

FASTAUDIO_DEFINE_TRANSFORM_ELEMENT(GstRmsVad, gst_rms_vad, rmsvad, GST_TYPE_RMS_VAD);

#define CAPS_STR                                                                       \
  "audio/x-raw, format = (string) { S16LE, S32LE, F32LE, F64LE }, rate = (int) [ 8000, " \
  "192000 ], channels = (int) [ 1, MAX ], layout = (string) interleaved"

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(CAPS_STR));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(CAPS_STR));

static double seconds(GstClockTime t) { return double(t) / GST_SECOND; }
static GstClockTime clock_time(double s) { return GstClockTime(std::llround(s * GST_SECOND)); }

static GstClockTime sample_time(GstRmsVadPrivate *priv, uint64_t sample) {
  const GstClockTime base = GST_CLOCK_TIME_IS_VALID(priv->base_pts) ? priv->base_pts : 0;
  return base + gst_util_uint64_scale_int(sample, GST_SECOND, GST_AUDIO_INFO_RATE(&priv->info));
}

static bool holds_buffers(const Settings &s) { return s.silence_action != SILENCE_PASS; }

static GstClockTime own_latency(GstRmsVadPrivate *priv) {
  if (!holds_buffers(priv->active.value) || !priv->configured) return 0;
  return gst_util_uint64_scale_int(priv->vad.decision_delay(), GST_SECOND, GST_AUDIO_INFO_RATE(&priv->info));
}

static GstStructure *timed_structure(GstRmsVad *self, const char *name, GstClockTime ts) {
  GstSegment *segment = &GST_BASE_TRANSFORM(self)->segment;
  const GstClockTime running = gst_segment_to_running_time(segment, GST_FORMAT_TIME, ts);
  const GstClockTime stream = gst_segment_to_stream_time(segment, GST_FORMAT_TIME, ts);
  return gst_structure_new(name, "timestamp", G_TYPE_UINT64, ts, "stream-time", G_TYPE_UINT64, stream,
                           "running-time", G_TYPE_UINT64, running, nullptr);
}

// Posts the detector's new events and per-frame messages; records segments
// for the gap/drop decision.
static void handle_events(GstRmsVad *self) {
  auto priv = self->priv;
  for (const VadEvent &ev : priv->vad.events()) {
    const GstClockTime ts = sample_time(priv, ev.sample);
    GstStructure *s;
    if (ev.kind == VadEvent::Start) {
      priv->open_start = ev.sample;
      s = timed_structure(self, "speech-start", ts);
    } else {
      const uint64_t from = priv->open_start.value_or(ev.sample);
      if (holds_buffers(priv->active.value)) priv->segments.emplace_back(from, ev.sample);  // for next_ready()
      priv->open_start.reset();
      s = timed_structure(self, "speech-stop", ts);
      gst_structure_set(s, "duration", G_TYPE_UINT64, ts - sample_time(priv, from), nullptr);
    }
    gst_structure_set(s, "level", G_TYPE_DOUBLE, ev.level_db, "noise-floor", G_TYPE_DOUBLE, ev.floor_db, nullptr);
    GST_DEBUG_OBJECT(self, "%s at %" GST_TIME_FORMAT ", level %.1f dB, floor %.1f dB",
                     gst_structure_get_name(s), GST_TIME_ARGS(ts), ev.level_db, ev.floor_db);
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
    if (priv->active.value.webrtc_messages) {
      const GstClockTime stream = gst_segment_to_stream_time(&GST_BASE_TRANSFORM(self)->segment, GST_FORMAT_TIME, ts);
      gst_element_post_message(GST_ELEMENT(self), fastaudio::voice_activity_message(GST_OBJECT(self), stream,
                                                                                    ev.kind == VadEvent::Start));
    }
  }
  priv->vad.events().clear();

  for (const fastaudio::VadFrame &f : priv->vad.frames()) {
    const GstClockTime ts = sample_time(priv, f.start);
    GstStructure *s = timed_structure(self, "rmsvad", ts);
    gst_structure_set(s, "duration", G_TYPE_UINT64, sample_time(priv, f.start + f.length) - ts, "rms",
                      G_TYPE_DOUBLE, f.rms_db, "level", G_TYPE_DOUBLE, f.level_db, "noise-floor", G_TYPE_DOUBLE,
                      f.floor_db, "speech", G_TYPE_BOOLEAN, gboolean(f.speech), "valid", G_TYPE_BOOLEAN,
                      gboolean(f.valid), nullptr);
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
  }
  priv->vad.frames().clear();

  priv->speaking.store(priv->vad.in_speech(), std::memory_order_relaxed);
  priv->noise_floor.store(priv->vad.noise_floor_db(), std::memory_order_relaxed);
}

static bool overlaps_speech(GstRmsVadPrivate *priv, uint64_t from, uint64_t to) {
  if (priv->open_start && *priv->open_start < to) return true;
  for (const auto &seg : priv->segments)
    if (seg.first < to && seg.second > from) return true;
  return false;
}

static void add_level_meta(GstBuffer *buf, double rms_db, bool voice) {
  const guint8 level = guint8(rms_db >= 0 ? 0 : rms_db <= -127 || !(rms_db == rms_db) ? 127 : guint8(-rms_db));
  if (GstAudioLevelMeta *meta = gst_buffer_get_audio_level_meta(buf)) {
    meta->level = level;
    meta->voice_activity = voice;
  } else {
    gst_buffer_add_audio_level_meta(buf, level, voice);
  }
}

// A dropped buffer leaves a GAP event for its span, as gap mode leaves a GAP
// buffer: sinks preroll and keep time (a live pipeline that starts in
// silence would otherwise never reach PLAYING).
static void push_gap_for(GstRmsVad *self, GstBuffer *buf, const Pending &item) {
  auto priv = self->priv;
  GstClockTime ts = GST_BUFFER_PTS(buf), duration = GST_BUFFER_DURATION(buf);
  if (!GST_CLOCK_TIME_IS_VALID(ts)) ts = sample_time(priv, item.from);
  if (!GST_CLOCK_TIME_IS_VALID(duration)) duration = sample_time(priv, item.to) - sample_time(priv, item.from);
  gst_pad_push_event(GST_BASE_TRANSFORM_SRC_PAD(self), gst_event_new_gap(ts, duration));
}

// Pops pending items whose decision is final (all of them when `all`), and
// returns the next buffer to push (nullptr if none is ready). Events ahead
// of it are pushed here.
static GstBuffer *next_ready(GstRmsVad *self, bool all) {
  auto priv = self->priv;
  GstBaseTransform *trans = GST_BASE_TRANSFORM(self);
  const uint64_t decided = priv->vad.decided_until();
  while (!priv->pending.empty()) {
    Pending &p = priv->pending.front();
    if (!all && p.to > decided) return nullptr;
    Pending item = p;
    priv->pending.pop_front();
    if (item.event) {
      gst_pad_push_event(trans->srcpad, item.event);
      continue;
    }
    const bool speech = overlaps_speech(priv, item.from, item.to);
    while (!priv->segments.empty() && priv->segments.front().second <= item.to) priv->segments.erase(priv->segments.begin());
    GstBuffer *buf = item.buffer;
    if (!speech && priv->active.value.silence_action == SILENCE_DROP) {
      GST_LOG_OBJECT(self, "dropping silent buffer %" GST_PTR_FORMAT, buf);
      push_gap_for(self, buf, item);
      gst_buffer_unref(buf);
      priv->drop_discont = true;
      continue;
    }
    if (!speech || priv->drop_discont || priv->active.value.audio_level_meta) {
      buf = gst_buffer_make_writable(buf);  // a new GstBuffer at most: memory is shared
      if (!speech) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_GAP);
      if (priv->drop_discont) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
      priv->drop_discont = false;
      if (priv->active.value.audio_level_meta) {
        const GstAudioLevelMeta *m = gst_buffer_get_audio_level_meta(buf);
        add_level_meta(buf, m ? -double(m->level) : priv->vad.last_rms_db(), speech);
      }
    }
    return buf;
  }
  return nullptr;
}

// End of the current timeline (EOS, DISCONT, new caps or segment): close
// speech, then everything held is decided.
static void drain(GstRmsVad *self) {
  auto priv = self->priv;
  if (!priv->configured) return;
  priv->vad.finish();
  handle_events(self);
  while (GstBuffer *buf = next_ready(self, true)) gst_pad_push(GST_BASE_TRANSFORM(self)->srcpad, buf);
  priv->segments.clear();
  priv->open_start.reset();
}

static void clear_pending(GstRmsVadPrivate *priv) {
  for (Pending &p : priv->pending) {
    if (p.buffer) gst_buffer_unref(p.buffer);
    if (p.event) gst_event_unref(p.event);
  }
  priv->pending.clear();
}

static void restart_timeline(GstRmsVadPrivate *priv, bool keep_floor) {
  priv->vad.reset(keep_floor);
  priv->vad.events().clear();
  priv->vad.frames().clear();
  priv->base_pts = GST_CLOCK_TIME_NONE;
  priv->segments.clear();
  priv->open_start.reset();
  priv->speaking.store(false, std::memory_order_relaxed);
  priv->noise_floor.store(priv->vad.noise_floor_db(), std::memory_order_relaxed);
}

// The start/stop pair is checked where it is used, so that the order in
// which properties are set does not matter; an invalid pair runs without
// hysteresis (stop lowered to start) and a warning says so.
// The detector's parameters for the properties: the cues' hysteresis and a
// valid threshold pair (dsp/vad.h), with a warning saying what is in force
// when the pair is not.
static VadParams params_in_force(GstRmsVad *self, const VadParams &set) {
  bool changed;
  const VadParams v = fastaudio::with_valid_thresholds(fastaudio::with_cue_hysteresis(set), &changed);
  if (changed)
    FASTAUDIO_ELEMENT_WARNING(self, LIBRARY, SETTINGS,
                              ("rmsvad: stop-threshold %g dB is above start-threshold %g dB; in force: "
                               "start-threshold %g dB, stop-threshold %g dB",
                               set.stop_db, set.start_db, v.start_db, v.stop_db),
                              ("stop-threshold must not exceed start-threshold (speech continues above "
                               "stop-threshold once it started above start-threshold)"));
  return v;
}

// Copies the properties for this buffer if any changed; new detector
// parameters keep the learned floor. Posts a latency message when the
// latency changes.
static void refresh_settings(GstRmsVad *self) {
  auto priv = self->priv;
  if (!priv->settings.changed(priv->active)) return;
  const VadParams old_vad = priv->active.value.vad;
  const GstClockTime old_latency = own_latency(priv);
  priv->settings.refresh(priv->active);
  Settings &s = priv->active.value;
  s.vad = params_in_force(self, s.vad);
  const bool vad_changed = !(s.vad == old_vad);
  priv->vad.set_record_frames(s.post_messages);
  priv->vad.set_measure_rms(s.post_messages || s.audio_level_meta);
  if (vad_changed && priv->configured) priv->vad.set_params(s.vad);
  if (own_latency(priv) != old_latency)
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
}

static gboolean gst_rms_vad_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps) {
  auto self = GST_RMS_VAD(trans);
  auto priv = self->priv;
  GstAudioInfo info, out;
  if (!priv->refusals.read_caps(trans, "rmsvad received invalid audio caps", incaps, outcaps, &info, &out))
    return FALSE;
  auto format = fastaudio::sample_format_from_gst(GST_AUDIO_INFO_FORMAT(&info));
  drain(self);
  refresh_settings(self);
  if (!format || !priv->vad.configure({*format, unsigned(GST_AUDIO_INFO_CHANNELS(&info)),
                                       unsigned(GST_AUDIO_INFO_RATE(&info))},
                                      priv->active.value.vad)) {
    gchar *text = g_strdup_printf("rmsvad cannot analyse %s, %d Hz, %d channels", GST_AUDIO_INFO_NAME(&info),
                                  GST_AUDIO_INFO_RATE(&info), GST_AUDIO_INFO_CHANNELS(&info));
    priv->refusals.refuse(GST_ELEMENT(self), incaps, text,
                          fastaudio::with_template_fields(GST_ELEMENT(self),
                                                          "Supported: {format} at {rate}; put fastconvert before it."));
    g_free(text);
    return FALSE;
  }
  priv->info = info;
  priv->configured = true;
  {
    std::lock_guard<std::mutex> guard(priv->stream_lock);
    priv->negotiated = priv->vad.stream();
  }
  restart_timeline(priv, false);
  GST_INFO_OBJECT(self, "%s, %d Hz, %d channels: %zu-sample frames", GST_AUDIO_INFO_NAME(&info),
                  GST_AUDIO_INFO_RATE(&info), GST_AUDIO_INFO_CHANNELS(&info), priv->vad.frame_samples());
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
  return TRUE;
}

static gboolean gst_rms_vad_accept_caps(GstBaseTransform *trans, GstPadDirection direction, GstCaps *caps) {
  return GST_RMS_VAD(trans)->priv->refusals.accept_caps(trans, GST_BASE_TRANSFORM_CLASS(gst_rms_vad_parent_class),
                                                        direction, caps);
}

// Passthrough: the same caps on both sides, less any channel-mask we would
// refuse (GStreamer's default would propose it upstream as it is).
static GstCaps *gst_rms_vad_transform_caps(GstBaseTransform *, GstPadDirection, GstCaps *caps, GstCaps *filter) {
  GstCaps *res = fastaudio::without_bad_channel_masks(caps);
  if (filter) {
    GstCaps *filtered = gst_caps_intersect_full(filter, res, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(res);
    res = filtered;
  }
  return res;
}

// Downstream may ask for new caps mid-stream; a refusal is explained there.
static GstFlowReturn gst_rms_vad_submit_input_buffer(GstBaseTransform *trans, gboolean is_discont, GstBuffer *input) {
  return GST_RMS_VAD(trans)->priv->refusals.submit_input_buffer(
      trans, GST_BASE_TRANSFORM_CLASS(gst_rms_vad_parent_class), is_discont, input);
}

// DISCONT (or a timestamp more than 40 ms off the sample count) starts a new
// timeline: speech open in the old one ends where its audio ended.
static void follow_timeline(GstRmsVad *self, GstBuffer *buf) {
  auto priv = self->priv;
  const GstClockTime pts = GST_BUFFER_PTS(buf);
  bool discont = GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DISCONT);
  if (!discont && GST_CLOCK_TIME_IS_VALID(pts) && GST_CLOCK_TIME_IS_VALID(priv->base_pts)) {
    const GstClockTime expected = sample_time(priv, priv->vad.position());
    const GstClockTime tolerance = 40 * GST_MSECOND;  // GstAudioBaseSink's alignment threshold
    discont = pts + tolerance < expected || pts > expected + tolerance;
    if (discont) GST_INFO_OBJECT(self, "timestamp jump at %" GST_TIME_FORMAT ": new timeline", GST_TIME_ARGS(pts));
  }
  if (discont && priv->vad.position() > 0) {
    drain(self);
    restart_timeline(priv, true);
  }
  if (!GST_CLOCK_TIME_IS_VALID(priv->base_pts))
    priv->base_pts = GST_CLOCK_TIME_IS_VALID(pts) ? pts : GST_BASE_TRANSFORM(self)->segment.start;
}

// Runs the detector over one input buffer; returns it (or the next buffer
// whose decision is final in gap/drop mode) as the output.
static GstFlowReturn gst_rms_vad_generate_output(GstBaseTransform *trans, GstBuffer **outbuf) {
  auto self = GST_RMS_VAD(trans);
  auto priv = self->priv;
  *outbuf = nullptr;
  GstBuffer *buf = trans->queued_buf;
  trans->queued_buf = nullptr;
  if (!buf) {
    // Called again after a push: release whatever else became ready.
    if (holds_buffers(priv->active.value)) *outbuf = next_ready(self, false);
    return GST_FLOW_OK;
  }
  if (!priv->configured) {
    gst_buffer_unref(buf);
    FASTAUDIO_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("rmsvad received a buffer before any caps"), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (!fastaudio::check_whole_frames(GST_ELEMENT(self), buf, &priv->info)) {
    gst_buffer_unref(buf);
    return GST_FLOW_ERROR;
  }
  const gsize size = gst_buffer_get_size(buf);
  const gint bpf = GST_AUDIO_INFO_BPF(&priv->info);
  const bool was_holding = holds_buffers(priv->active.value);
  refresh_settings(self);
  if (was_holding && !holds_buffers(priv->active.value)) {
    while (GstBuffer *b = next_ready(self, true)) gst_pad_push(trans->srcpad, b);
  }

  follow_timeline(self, buf);

  const uint64_t from = priv->vad.position();
  const size_t frames = size / bpf;
  const uint64_t events_before = priv->vad.events().size();
  if (GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_GAP)) {
    priv->vad.process_silence(frames);
  } else {
    const fastaudio::BufferMap map(buf, GST_MAP_READ);
    if (!map) {
      gst_buffer_unref(buf);
      FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("rmsvad could not map an input buffer"), (nullptr));
      return GST_FLOW_ERROR;
    }
    priv->vad.process(map.data(), frames);
  }
  bool started_here = false;
  for (size_t i = events_before; i < priv->vad.events().size(); i++)
    started_here |= priv->vad.events()[i].kind == VadEvent::Start;
  const double rms_db = priv->vad.last_rms_db();
  handle_events(self);

  if (!holds_buffers(priv->active.value)) {
    if (priv->active.value.audio_level_meta) {
      buf = gst_buffer_make_writable(buf);  // a new GstBuffer at most: memory is shared
      add_level_meta(buf, rms_db, priv->vad.in_speech() || started_here);
    }
    *outbuf = buf;
    return GST_FLOW_OK;
  }
  Pending p;
  p.buffer = buf;
  p.from = from;
  p.to = priv->vad.position();
  priv->pending.push_back(p);
  *outbuf = next_ready(self, false);
  return GST_FLOW_OK;
}

static gboolean gst_rms_vad_sink_event(GstBaseTransform *trans, GstEvent *event) {
  auto self = GST_RMS_VAD(trans);
  auto priv = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_FLUSH_STOP: {
      const bool reset_floor = priv->settings.get().reset_floor_on_flush;
      if (priv->configured) {
        // Keep start/stop paired for the application; flushed audio is gone.
        priv->vad.finish();
        handle_events(self);
      }
      clear_pending(priv);
      restart_timeline(priv, !reset_floor);
      break;
    }
    case GST_EVENT_EOS:
    case GST_EVENT_SEGMENT:
      drain(self);
      if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT) restart_timeline(priv, true);
      break;
    case GST_EVENT_GAP:
      if (priv->configured) {
        GstClockTime ts, duration;
        gst_event_parse_gap(event, &ts, &duration);
        if (GST_CLOCK_TIME_IS_VALID(duration)) {
          if (!GST_CLOCK_TIME_IS_VALID(priv->base_pts)) priv->base_pts = ts;
          const uint64_t from = priv->vad.position();
          priv->vad.process_silence(
              gst_util_uint64_scale_int_round(duration, GST_AUDIO_INFO_RATE(&priv->info), GST_SECOND));
          handle_events(self);
          if (holds_buffers(priv->active.value) && !priv->pending.empty()) {
            Pending p;
            p.event = event;
            p.from = from;
            p.to = priv->vad.position();
            priv->pending.push_back(p);
            while (GstBuffer *b = next_ready(self, false)) gst_pad_push(trans->srcpad, b);
            return TRUE;
          }
        }
      }
      break;
    default:
      // Other serialized events keep their place behind held buffers.
      const bool serialized = (guint(GST_EVENT_TYPE(event)) & guint(GST_EVENT_TYPE_SERIALIZED)) != 0;
      if (serialized && GST_EVENT_TYPE(event) != GST_EVENT_CAPS && !priv->pending.empty()) {
        Pending p;
        p.event = event;
        p.from = p.to = priv->pending.back().to;
        priv->pending.push_back(p);
        return TRUE;
      }
      break;
  }
  // Caps refused without a word by GstBaseTransform get an error there.
  return priv->refusals.sink_event(trans, GST_BASE_TRANSFORM_CLASS(gst_rms_vad_parent_class), event);
}

static gboolean gst_rms_vad_query(GstBaseTransform *trans, GstPadDirection direction, GstQuery *query) {
  auto self = GST_RMS_VAD(trans);
  if (direction == GST_PAD_SRC && GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    if (!gst_pad_peer_query(trans->sinkpad, query)) return FALSE;
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency(query, &live, &min, &max);
    // Latency of the current properties, even before the next buffer.
    const Settings s = self->priv->settings.get();
    std::optional<fastaudio::VadStream> stream;
    {
      std::lock_guard<std::mutex> guard(self->priv->stream_lock);
      stream = self->priv->negotiated;
    }
    GstClockTime ours = 0;
    if (holds_buffers(s) && stream && stream->rate > 0)
      ours = gst_util_uint64_scale_int(fastaudio::vad_decision_delay(*stream, s.vad), GST_SECOND, stream->rate);
    GST_DEBUG_OBJECT(self, "our latency %" GST_TIME_FORMAT, GST_TIME_ARGS(ours));
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID(max)) max += ours;
    gst_query_set_latency(query, live, min, max);
    return TRUE;
  }
  return GST_BASE_TRANSFORM_CLASS(gst_rms_vad_parent_class)->query(trans, direction, query);
}

static gboolean gst_rms_vad_stop(GstBaseTransform *trans) {
  auto priv = GST_RMS_VAD(trans)->priv;
  clear_pending(priv);
  priv->configured = false;
  {
    std::lock_guard<std::mutex> guard(priv->stream_lock);
    priv->negotiated.reset();
  }
  restart_timeline(priv, false);
  return TRUE;
}

// GLib's g_object_set_property() lets through doubles a hair outside the
// range (-2.5e-64 for a [0, 60] property): hold the nearest valid value.
static double in_range(const GValue *value, GParamSpec *pspec) {
  const GParamSpecDouble *d = G_PARAM_SPEC_DOUBLE(pspec);
  return std::clamp(g_value_get_double(value), d->minimum, d->maximum);
}

static void gst_rms_vad_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto self = GST_RMS_VAD(object);
  self->priv->settings.update([&](Settings &settings) {
    if (const NumericProperty *p = find_property(kNumericProperties, prop_id))
      settings.vad.*(p->field) = p->time ? seconds(g_value_get_uint64(value)) : in_range(value, pspec);
    else if (const BooleanProperty *b = find_property(kBooleanProperties, prop_id))
      settings.*(b->field) = g_value_get_boolean(value);
    else if (prop_id == PROP_SILENCE_ACTION)
      settings.silence_action = GstRmsVadSilenceAction(g_value_get_enum(value));
    else
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  });
}

static void gst_rms_vad_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto priv = GST_RMS_VAD(object)->priv;
  const Settings settings = priv->settings.get();
  if (const NumericProperty *p = find_property(kNumericProperties, prop_id)) {
    const double v = settings.vad.*(p->field);
    if (p->time) g_value_set_uint64(value, clock_time(v));
    else g_value_set_double(value, v);
    return;
  }
  if (const BooleanProperty *b = find_property(kBooleanProperties, prop_id)) {
    g_value_set_boolean(value, settings.*(b->field));
    return;
  }
  switch (prop_id) {
    case PROP_SILENCE_ACTION: g_value_set_enum(value, settings.silence_action); break;
    case PROP_SPEAKING: g_value_set_boolean(value, priv->speaking.load(std::memory_order_relaxed)); break;
    case PROP_NOISE_FLOOR: g_value_set_double(value, priv->noise_floor.load(std::memory_order_relaxed)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_rms_vad_finalize(GObject *object) {
  auto priv = GST_RMS_VAD(object)->priv;
  clear_pending(priv);
  delete priv;
  G_OBJECT_CLASS(gst_rms_vad_parent_class)->finalize(object);
}

static void install_properties(GObjectClass *gobject_class) {
  const VadParams d;
  const auto rw = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  const auto ro = GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  for (const NumericProperty &p : kNumericProperties) {
    GParamSpec *spec = p.time ? g_param_spec_uint64(p.name, p.nick, p.blurb, clock_time(p.lo), clock_time(p.hi),
                                                    clock_time(d.*(p.field)), rw)
                              : g_param_spec_double(p.name, p.nick, p.blurb, p.lo, p.hi, d.*(p.field), rw);
    g_object_class_install_property(gobject_class, p.id, spec);
  }
  for (const BooleanProperty &p : kBooleanProperties)
    g_object_class_install_property(gobject_class, p.id, g_param_spec_boolean(p.name, p.nick, p.blurb, FALSE, rw));
  g_object_class_install_property(
      gobject_class, PROP_SILENCE_ACTION,
      g_param_spec_enum("silence-action", "Silence action",
                        "What to do with buffers without speech; gap and drop hold buffers until decided "
                        "(reported as latency); drop sends a GAP event in place of each dropped buffer, so "
                        "sinks preroll and keep time",
                        GST_TYPE_RMS_VAD_SILENCE_ACTION, SILENCE_PASS, rw));
  g_object_class_install_property(
      gobject_class, PROP_SPEAKING,
      g_param_spec_boolean("speaking", "Speaking", "Whether the detector is inside a speech segment", FALSE, ro));
  g_object_class_install_property(
      gobject_class, PROP_NOISE_FLOOR,
      g_param_spec_double("noise-floor", "Noise floor", "Current noise floor estimate (dBFS, band level)", -200,
                          0, -120, ro));
}

static void gst_rms_vad_class_init(GstRmsVadClass *klass) {
  auto gobject_class = G_OBJECT_CLASS(klass);
  auto trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  fastaudio::init_element_class(
      klass, {.set_property = gst_rms_vad_set_property,
              .get_property = gst_rms_vad_get_property,
              .finalize = gst_rms_vad_finalize,
              .sink_template = &sink_template,
              .src_template = &src_template,
              .metadata = kMetadata});

  install_properties(gobject_class);

  trans_class->transform_caps = gst_rms_vad_transform_caps;
  trans_class->set_caps = gst_rms_vad_set_caps;
  trans_class->accept_caps = gst_rms_vad_accept_caps;
  trans_class->submit_input_buffer = gst_rms_vad_submit_input_buffer;
  trans_class->generate_output = gst_rms_vad_generate_output;
  trans_class->sink_event = gst_rms_vad_sink_event;
  trans_class->query = gst_rms_vad_query;
  trans_class->stop = gst_rms_vad_stop;
  trans_class->passthrough_on_same_caps = TRUE;

  gst_type_mark_as_plugin_api(GST_TYPE_RMS_VAD_SILENCE_ACTION, GstPluginAPIFlags(0));
  GST_DEBUG_CATEGORY_INIT(gst_rms_vad_debug, "rmsvad", 0, "fastaudio energy voice activity detector");
}

static void gst_rms_vad_init(GstRmsVad *self) {
  self->priv = new GstRmsVadPrivate();
  gst_audio_info_init(&self->priv->info);
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), TRUE);
}
