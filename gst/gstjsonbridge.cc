// SPDX-License-Identifier: LGPL-2.1-or-later
// jsonbridge: raw audio <-> newline-delimited JSON (schema in docs/jsonbridge.md).
//
// encode: one JSON line per audio buffer. decode: a byte stream in any
// chunking (file, TCP) split into lines with a GstAdapter, one audio buffer
// per line, caps and timestamps taken from the objects. roundtrip: both in
// one element, the work of a JSON node. The codec lives in dsp/json_codec.h;
// this file only frames lines, maps caps and reports errors.
#include "gstjsonbridge.h"

#include <gst/audio/audio.h>
#include <gst/base/gstadapter.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "audio_formats.h"
#include "audio_input.h"
#include "buffer_map.h"
#include "element_class.h"
#include "element_message.h"
#include "json_codec.h"
#include "negotiation.h"
#include "settings.h"
#include "warning_flood.h"

GST_DEBUG_CATEGORY_STATIC(gst_json_bridge_debug);
#define GST_CAT_DEFAULT gst_json_bridge_debug

namespace json = fastaudio::json;

enum GstJsonBridgeMode { GST_JSON_BRIDGE_ENCODE, GST_JSON_BRIDGE_DECODE, GST_JSON_BRIDGE_ROUNDTRIP };
enum GstJsonBridgeOnError { GST_JSON_BRIDGE_FAIL, GST_JSON_BRIDGE_SKIP };

#define GST_TYPE_JSON_BRIDGE_MODE (gst_json_bridge_mode_get_type())
static GType gst_json_bridge_mode_get_type() {
  static const GEnumValue values[] = {
      {GST_JSON_BRIDGE_ENCODE, "Raw audio in, one JSON object per line out", "encode"},
      {GST_JSON_BRIDGE_DECODE, "Newline-delimited JSON in (any chunking), raw audio out", "decode"},
      {GST_JSON_BRIDGE_ROUNDTRIP, "Raw audio in, encoded to JSON and decoded again, raw audio out", "roundtrip"},
      {0, nullptr, nullptr},
  };
  static GType type = 0;
  if (g_once_init_enter(&type)) g_once_init_leave(&type, g_enum_register_static("GstJsonBridgeMode", values));
  return type;
}

#define GST_TYPE_JSON_BRIDGE_ON_ERROR (gst_json_bridge_on_error_get_type())
static GType gst_json_bridge_on_error_get_type() {
  static const GEnumValue values[] = {
      {GST_JSON_BRIDGE_FAIL, "Post an error and stop", "fail"},
      {GST_JSON_BRIDGE_SKIP, "Post a warning, drop the object and go on", "skip"},
      {0, nullptr, nullptr},
  };
  static GType type = 0;
  if (g_once_init_enter(&type)) g_once_init_leave(&type, g_enum_register_static("GstJsonBridgeOnError", values));
  return type;
}

enum { PROP_0, PROP_MODE, PROP_ON_ERROR, PROP_MAX_LINE_LENGTH };

struct Settings {
  GstJsonBridgeMode mode = GST_JSON_BRIDGE_ROUNDTRIP;
  GstJsonBridgeOnError on_error = GST_JSON_BRIDGE_FAIL;
  guint64 max_line_length = json::kDefaultMaxLineLength;
};

struct GstJsonBridgePrivate {
  fastaudio::SharedSettings<Settings> settings;

  // Streaming state, touched by the streaming thread only.
  // The settings in force, taken when the stream starts: the mode decides
  // the pads' caps, so a change waits for the next stream.
  fastaudio::SharedSettings<Settings>::Active active;
  GstAudioInfo in_info;
  bool have_in_info = false;
  json::Decoder decoder;
  GstAdapter *adapter = nullptr;
  guint64 adapter_offset = 0;  // stream byte offset of the adapter's first byte
  guint64 line = 1;            // number of the line the adapter starts in
  bool discarding = false;     // dropping the rest of an over-long line
  bool next_discont = false;   // a dropped object leaves a hole
  bool failed = false;         // an error or refusal was posted: nothing more to say until a flush
  fastaudio::WarningFlood skipped;  // on-error=skip warnings
  guint64 out_bytes = 0;       // bytes produced by encode
  json::BlockHeader out_format{};
  bool have_out_format = false;
  GstEvent *pending_segment = nullptr;
  fastaudio::CapsRefusalReporter refusals{
      "jsonbridge",
      "pass",
      {{"rate", "put fastresample after jsonbridge to change the rate."},
       {"format", "put fastconvert after jsonbridge to change the format."},
       {"channels", "put fastconvert (or audioconvert, for other channel mixes) after jsonbridge to change the channel "
                    "count."}}};
};

// What gst-inspect-1.0 shows of the element.
static const fastaudio::ElementMetadata kMetadata = {
    .long_name = "Audio/JSON bridge",
    .classification = "Codec/Encoder/Decoder/Audio",
    .description =
        "Converts raw audio to newline-delimited JSON objects (format, rate, channels, timestamps, "
        "samples) and back, losslessly: the serialised path of JSON-based nodes and services"};

struct _GstJsonBridge {
  GstElement parent;
  GstPad *sinkpad;
  GstPad *srcpad;
  GstJsonBridgePrivate *priv;
};

G_DEFINE_TYPE(GstJsonBridge, gst_json_bridge, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE(jsonbridge, "jsonbridge", GST_RANK_NONE, GST_TYPE_JSON_BRIDGE);

#define AUDIO_CAPS                                    \
  "audio/x-raw, format = (string) " FASTAUDIO_FORMATS \
  ", rate = (int) [ 1, MAX ], channels = (int) [ 1, 65535 ], layout = (string) interleaved"
#define JSON_CAPS "application/x-json"

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(AUDIO_CAPS "; " JSON_CAPS));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(AUDIO_CAPS "; " JSON_CAPS));
static GstStaticCaps audio_caps = GST_STATIC_CAPS(AUDIO_CAPS);
static GstStaticCaps json_caps = GST_STATIC_CAPS(JSON_CAPS);

static const char *mode_name(GstJsonBridgeMode m) {
  return m == GST_JSON_BRIDGE_ENCODE ? "encode" : m == GST_JSON_BRIDGE_DECODE ? "decode" : "roundtrip";
}

static Settings current_settings(GstJsonBridge *self) { return self->priv->settings.get(); }

static void reset_stream(GstJsonBridge *self) {
  auto priv = self->priv;
  gst_adapter_clear(priv->adapter);
  priv->adapter_offset = 0;
  priv->line = 1;
  priv->discarding = false;
  priv->next_discont = false;
  priv->failed = false;
  priv->skipped.reset();
  priv->out_bytes = 0;
  priv->have_in_info = false;
  priv->have_out_format = false;
  gst_event_replace(&priv->pending_segment, nullptr);
}

// Posts a skipped object's warning, or a summary of many (WarningFlood).
static void warn_skipped(GstJsonBridge *self, const char *where, guint64 line, guint64 byte,
                         const std::string &problem) {
  uint64_t count = 0;
  switch (self->priv->skipped.note(g_get_monotonic_time(), count)) {
    case fastaudio::WarningFlood::Post::Full:
      FASTAUDIO_ELEMENT_WARNING(self, STREAM, DECODE,
                                ("jsonbridge skipped a bad JSON object: %s %" G_GUINT64_FORMAT
                                 ", byte %" G_GUINT64_FORMAT ": %s",
                                 where, line, byte, problem.c_str()),
                                ("on-error=skip: the object is dropped and the next buffer is marked DISCONT"));
      break;
    case fastaudio::WarningFlood::Post::Summary:
      FASTAUDIO_ELEMENT_WARNING(self, STREAM, DECODE,
                                ("jsonbridge skipped %" G_GUINT64_FORMAT " more bad JSON objects; the latest: %s %"
                                 G_GUINT64_FORMAT ", byte %" G_GUINT64_FORMAT ": %s",
                                 count, where, line, byte, problem.c_str()),
                                ("on-error=skip: after the first %" G_GUINT64_FORMAT
                                 " bad objects at most one warning per second counts them",
                                 fastaudio::WarningFlood::kFull));
      break;
    case fastaudio::WarningFlood::Post::Nothing: break;
  }
}

static void warn_skipped_total(GstJsonBridge *self) {
  if (!self->priv->skipped.needs_final_count()) return;
  FASTAUDIO_ELEMENT_WARNING(self, STREAM, DECODE,
                            ("jsonbridge skipped %" G_GUINT64_FORMAT " bad JSON objects in this stream",
                             self->priv->skipped.total()),
                            ("on-error=skip: the first %" G_GUINT64_FORMAT " were reported in full",
                             fastaudio::WarningFlood::kFull));
}

// Reports a bad object. Returns true when the stream goes on (on-error=skip).
static bool report_bad_object(GstJsonBridge *self, guint64 line, guint64 byte, const std::string &problem,
                              bool at_eos) {
  auto priv = self->priv;
  const char *where = at_eos ? "stream ended inside line" : "line";
  if (priv->active.value.on_error == GST_JSON_BRIDGE_SKIP) {
    warn_skipped(self, where, line, byte, problem);
    priv->next_discont = true;
    return true;
  }
  FASTAUDIO_ELEMENT_ERROR(self, STREAM, DECODE,
                          ("jsonbridge cannot decode the JSON stream: %s %" G_GUINT64_FORMAT
                           ", byte %" G_GUINT64_FORMAT ": %s",
                           where, line, byte, problem.c_str()),
                          ("Fix the producer, or set on-error=skip to drop bad objects and go on."));
  priv->failed = true;
  return false;
}

// An object without a channel-mask gets the default positions.
static GstCaps *caps_for(const json::BlockHeader &h) {
  const auto mask = h.channel_mask == json::kNone ? std::nullopt : std::optional<guint64>(h.channel_mask);
  return fastaudio::audio_caps_with_positions(fastaudio::sample_format_to_gst(h.format), gint(h.rate),
                                              gint(h.channels), mask);
}

static bool same_format(const json::BlockHeader &a, const json::BlockHeader &b) {
  return a.format == b.format && a.rate == b.rate && a.channels == b.channels && a.channel_mask == b.channel_mask;
}

static void stamp(GstBuffer *buf, const json::BlockHeader &h, size_t frames, bool discont) {
  GST_BUFFER_PTS(buf) = h.pts;
  GST_BUFFER_DURATION(buf) = h.duration;
  GST_BUFFER_OFFSET(buf) = h.offset;
  GST_BUFFER_OFFSET_END(buf) = h.offset == json::kNone ? GST_BUFFER_OFFSET_NONE : h.offset + frames;
  if (discont || h.discont) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
  if (h.gap) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_GAP);
}

struct SinkTarget {
  GstBuffer *buffer = nullptr;
  std::optional<fastaudio::BufferMap> map;

  static void *allocate(void *ctx, const json::BlockHeader &, size_t bytes) {
    auto t = static_cast<SinkTarget *>(ctx);
    t->buffer = gst_buffer_new_allocate(nullptr, bytes, nullptr);
    if (!t->buffer) return nullptr;
    t->map.emplace(t->buffer, GST_MAP_WRITE);
    return t->map->data();
  }
  GstBuffer *release() {
    map.reset();
    GstBuffer *b = buffer;
    buffer = nullptr;
    return b;
  }
  ~SinkTarget() {
    if (GstBuffer *b = release()) gst_buffer_unref(b);
  }
};

// Sends caps (when the described format changes) and the pending segment,
// then the buffer.
static GstFlowReturn push_audio(GstJsonBridge *self, const json::BlockHeader &h, GstBuffer *buf) {
  auto priv = self->priv;
  if (!priv->have_out_format || !same_format(h, priv->out_format)) {
    GstCaps *caps = caps_for(h);
    GST_INFO_OBJECT(self, "objects now describe %" GST_PTR_FORMAT, caps);
    // Asked first: a refused sticky caps event still counts as pushed.
    const bool ok = gst_pad_peer_query_accept_caps(self->srcpad, caps) &&
                    gst_pad_push_event(self->srcpad, gst_event_new_caps(caps));
    if (!ok) {
      gst_buffer_unref(buf);
      GstCaps *downstream = gst_pad_peer_query_caps(self->srcpad, nullptr);
      priv->refusals.refuse_downstream(
          GST_ELEMENT(self), caps, caps, downstream, "output decoded",
          "The JSON objects describe this format; put fastconvert/fastresample after jsonbridge.");
      gst_caps_unref(downstream);
      gst_caps_unref(caps);
      priv->failed = true;
      return GST_FLOW_NOT_NEGOTIATED;
    }
    gst_caps_unref(caps);
    priv->refusals.negotiated();
    priv->out_format = h;
    priv->have_out_format = true;
  }
  if (priv->pending_segment) {
    gst_pad_push_event(self->srcpad, priv->pending_segment);
    priv->pending_segment = nullptr;
  }
  return gst_pad_push(self->srcpad, buf);
}

// Decodes the `len` bytes at the adapter's start (one line without its
// newline) and pushes the audio. `consumed` bytes are then flushed.
static GstFlowReturn decode_line(GstJsonBridge *self, gsize len, gsize consumed, bool at_eos) {
  auto priv = self->priv;
  char *text = priv->decoder.prepare(len);
  if (len) gst_adapter_copy(priv->adapter, text, 0, len);
  const guint64 line = priv->line, start = priv->adapter_offset;
  gst_adapter_flush(priv->adapter, consumed);
  priv->adapter_offset += consumed;
  priv->line++;

  bool blank = true;
  for (gsize i = 0; i < len && blank; i++) blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\r';
  if (blank) return GST_FLOW_OK;

  json::BlockHeader h;
  json::DecodeError err;
  size_t count = 0;
  SinkTarget target;
  if (!priv->decoder.decode_prepared(len, h, count, &SinkTarget::allocate, &target, err)) {
    return report_bad_object(self, line, start + err.offset, err.message, at_eos) ? GST_FLOW_OK : GST_FLOW_ERROR;
  }
  GstBuffer *buf = target.release();
  if (!buf) buf = gst_buffer_new();
  stamp(buf, h, count / h.channels, priv->next_discont);
  priv->next_discont = false;
  return push_audio(self, h, buf);
}

// Drops `drop` bytes of an over-long line; without its newline in sight the
// rest of the line is dropped as it arrives.
static GstFlowReturn line_too_long(GstJsonBridge *self, gsize drop, bool newline_seen) {
  auto priv = self->priv;
  const std::string problem = "the line is longer than max-line-length (" +
                              std::to_string(priv->active.value.max_line_length) +
                              " bytes); raise max-line-length if the objects are that big";
  const guint64 line = priv->line, start = priv->adapter_offset + priv->active.value.max_line_length;
  gst_adapter_flush(priv->adapter, drop);
  priv->adapter_offset += drop;
  if (newline_seen) priv->line++;
  priv->discarding = !newline_seen;
  return report_bad_object(self, line, start, problem, false) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

static GstFlowReturn map_failed(GstJsonBridge *self) {
  FASTAUDIO_ELEMENT_ERROR(self, RESOURCE, FAILED, ("Could not map buffer"), (nullptr));
  return GST_FLOW_ERROR;
}

// Splits the byte stream into lines. Only the new buffer is scanned for
// newlines, so any chunking costs linear time; the adapter never holds more
// than max-line-length bytes plus one input buffer.
static GstFlowReturn decode_chain(GstJsonBridge *self, GstBuffer *buf) {
  auto priv = self->priv;
  if (GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DISCONT) && gst_adapter_available(priv->adapter) > 0)
    GST_DEBUG_OBJECT(self, "DISCONT inside a line: the line is kept, the decoder will judge it");
  const fastaudio::OwnedBuffer owned(buf);
  const fastaudio::BufferMap map(buf, GST_MAP_READ);
  if (!map) return map_failed(self);
  const guint8 *data = map.data();
  const gsize size = map.size();
  gst_adapter_push(priv->adapter, gst_buffer_ref(buf));
  GstFlowReturn ret = GST_FLOW_OK;
  gsize pos = 0;
  while (ret == GST_FLOW_OK) {
    const auto *nl = static_cast<const guint8 *>(pos < size ? std::memchr(data + pos, '\n', size - pos) : nullptr);
    if (!nl) {
      const gsize pending = gst_adapter_available(priv->adapter);
      if (priv->discarding) {
        gst_adapter_flush(priv->adapter, pending);
        priv->adapter_offset += pending;
      } else if (pending > priv->active.value.max_line_length) {
        ret = line_too_long(self, pending, false);
      }
      break;
    }
    const gsize nl_pos = gsize(nl - data);
    const gsize len = gst_adapter_available(priv->adapter) - (size - nl_pos);
    pos = nl_pos + 1;
    if (priv->discarding) {
      gst_adapter_flush(priv->adapter, len + 1);
      priv->adapter_offset += len + 1;
      priv->line++;
      priv->discarding = false;
    } else if (len > priv->active.value.max_line_length) {
      ret = line_too_long(self, len + 1, true);
    } else {
      ret = decode_line(self, len, len + 1, false);
    }
  }
  return ret;
}

static GstFlowReturn drain_at_eos(GstJsonBridge *self) {
  auto priv = self->priv;
  const gsize left = gst_adapter_available(priv->adapter);
  if (priv->discarding || left == 0) return GST_FLOW_OK;
  // A last line without its newline is fine if it holds a whole object.
  return decode_line(self, left, left, true);
}

static json::BlockHeader header_of(const GstAudioInfo *info, GstBuffer *buf) {
  json::BlockHeader h;
  h.format = *fastaudio::sample_format_from_gst(GST_AUDIO_INFO_FORMAT(info));
  h.rate = GST_AUDIO_INFO_RATE(info);
  h.channels = GST_AUDIO_INFO_CHANNELS(info);
  h.channel_mask = fastaudio::channel_mask_of(info).value_or(json::kNone);
  h.pts = GST_BUFFER_PTS(buf);
  h.duration = GST_BUFFER_DURATION(buf);
  h.offset = GST_BUFFER_OFFSET(buf);
  h.discont = GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DISCONT);
  h.gap = GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_GAP);
  return h;
}


// Frames [from, from + n) of a block of `total` frames described by `h`:
// timestamps from sample counts, DISCONT on the first piece only.
static json::BlockHeader piece_of(const json::BlockHeader &h, size_t from, size_t n, size_t total) {
  json::BlockHeader p = h;
  const GstClockTime base = h.pts == json::kNone ? 0 : h.pts;
  auto at = [&](size_t frame) { return base + gst_util_uint64_scale_int(frame, GST_SECOND, gint(h.rate)); };
  const GstClockTime end = from + n == total && h.duration != json::kNone ? base + h.duration : at(from + n);
  if (h.pts != json::kNone) p.pts = at(from);
  if (h.duration != json::kNone) p.duration = end - at(from);
  if (h.offset != json::kNone) p.offset = h.offset + from;
  p.discont = h.discont && from == 0;
  return p;
}

// One JSON line holding `samples` samples of `data`, as the next bytes of
// the output.
static GstBuffer *encode_line(GstJsonBridge *self, const json::BlockHeader &h, const guint8 *data, size_t samples) {
  auto priv = self->priv;
  fastaudio::OwnedBuffer out(gst_buffer_new_allocate(nullptr, json::max_encoded_size(h.format, samples), nullptr));
  fastaudio::BufferMap om(out.get(), GST_MAP_WRITE);
  if (!om) return nullptr;
  const size_t n = json::encode(h, data, samples, reinterpret_cast<char *>(om.data()));
  om.unmap();  // before the size changes
  gst_buffer_set_size(out.get(), gssize(n));
  GST_BUFFER_PTS(out.get()) = h.pts == json::kNone ? GST_CLOCK_TIME_NONE : h.pts;
  GST_BUFFER_DURATION(out.get()) = h.duration == json::kNone ? GST_CLOCK_TIME_NONE : h.duration;
  if (h.discont) GST_BUFFER_FLAG_SET(out.get(), GST_BUFFER_FLAG_DISCONT);
  GST_BUFFER_OFFSET(out.get()) = priv->out_bytes;
  GST_BUFFER_OFFSET_END(out.get()) = priv->out_bytes + n;
  priv->out_bytes += n;
  return out.release();
}

// One line per buffer, or several when one would be longer than
// max-line-length, the limit the decoder applies.
static GstFlowReturn encode_chain(GstJsonBridge *self, GstBuffer *buf) {
  auto priv = self->priv;
  const fastaudio::OwnedBuffer owned(buf);
  const fastaudio::BufferMap in(buf, GST_MAP_READ);
  if (!in) return map_failed(self);
  const json::BlockHeader h = header_of(&priv->in_info, buf);
  const size_t width = fastaudio::sample_bytes(h.format) * h.channels;
  const size_t frames = in.size() / width;
  const size_t per_line = json::max_frames_per_line(h.format, h.channels, priv->active.value.max_line_length);
  GstFlowReturn ret = GST_FLOW_OK;
  for (size_t from = 0; ret == GST_FLOW_OK && (from < frames || from == 0); from += per_line) {
    const size_t n = std::min(per_line, frames - from);
    GstBuffer *out = encode_line(self, piece_of(h, from, n, frames), in.data() + from * width, n * h.channels);
    if (!out) return map_failed(self);
    ret = gst_pad_push(self->srcpad, out);
  }
  return ret;
}

// Audio -> JSON text -> audio, the decoded samples written over the input
// buffer (the text holds everything by then): no allocation per buffer.
static GstFlowReturn roundtrip_chain(GstJsonBridge *self, GstBuffer *buf) {
  auto priv = self->priv;
  fastaudio::OwnedBuffer owned(gst_buffer_make_writable(buf));
  fastaudio::BufferMap map(owned.get(), GST_MAP_READWRITE);
  if (!map) return map_failed(self);
  const json::BlockHeader h = header_of(&priv->in_info, owned.get());
  const size_t samples = map.size() / fastaudio::sample_bytes(h.format);
  // The text goes straight into the decoder's padded scratch.
  char *text = priv->decoder.prepare(json::max_encoded_size(h.format, samples));
  const size_t n = json::encode(h, map.data(), samples, text);
  auto into_input = [](void *ctx, const json::BlockHeader &, size_t bytes) -> void * {
    auto m = static_cast<fastaudio::BufferMap *>(ctx);
    return bytes == m->size() ? m->data() : nullptr;
  };
  json::BlockHeader back;
  json::DecodeError err;
  size_t count = 0;
  const guint64 object = priv->line++;
  const bool ok = priv->decoder.decode_prepared(n - 1, back, count, into_input, &map, err) &&
                  same_format(back, h) && count == samples;
  map.unmap();  // before the buffer goes downstream
  if (!ok) {
    FASTAUDIO_ELEMENT_ERROR(self, STREAM, DECODE,
                            ("jsonbridge could not decode its own JSON (object %" G_GUINT64_FORMAT ", byte %zu): %s",
                             object, err.offset, err.message.c_str()),
                            ("This is a bug in jsonbridge; please report it with the input."));
    return GST_FLOW_ERROR;
  }
  return gst_pad_push(self->srcpad, owned.release());
}

static GstFlowReturn gst_json_bridge_chain(GstPad *, GstObject *parent, GstBuffer *buf) {
  auto self = GST_JSON_BRIDGE(parent);
  auto priv = self->priv;
  if (priv->active.value.mode == GST_JSON_BRIDGE_DECODE) return decode_chain(self, buf);
  if (!priv->have_in_info) {
    gst_buffer_unref(buf);
    FASTAUDIO_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("jsonbridge (mode=%s) received audio before any caps",
                                                      mode_name(priv->active.value.mode)),
                            (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (!fastaudio::check_whole_frames(GST_ELEMENT(self), buf, &priv->in_info)) {
    gst_buffer_unref(buf);
    return GST_FLOW_ERROR;
  }
  return priv->active.value.mode == GST_JSON_BRIDGE_ENCODE ? encode_chain(self, buf) : roundtrip_chain(self, buf);
}

// Downstream takes nothing this mode makes of input `caps` (`out`): say which
// field, what we offered and what downstream accepts.
static void explain_downstream_refusal(GstJsonBridge *self, GstCaps *caps, GstCaps *out) {
  const bool roundtrip = current_settings(self).mode == GST_JSON_BRIDGE_ROUNDTRIP;
  GstCaps *downstream = gst_pad_peer_query_caps(self->srcpad, nullptr);
  self->priv->refusals.refuse_downstream(
      GST_ELEMENT(self), caps, out, downstream, roundtrip ? "pass" : "encode",
      roundtrip ? "In mode=roundtrip jsonbridge outputs the raw audio caps it receives: put fastconvert and "
                  "fastresample after it, or send it what downstream accepts."
                : "mode=encode outputs application/x-json (one JSON object per line): link it to something that "
                  "takes JSON text, or use mode=roundtrip for raw audio.");
  gst_caps_unref(downstream);
}

static gboolean sink_caps(GstJsonBridge *self, GstEvent *event) {
  auto priv = self->priv;
  GstCaps *caps;
  gst_event_parse_caps(event, &caps);
  if (priv->active.value.mode == GST_JSON_BRIDGE_DECODE) {
    gst_event_unref(event);  // output caps come from the objects
    return TRUE;
  }
  GstAudioInfo info;
  GstCaps *templ = gst_static_caps_get(&audio_caps);
  std::string why;
  const bool fits = gst_caps_can_intersect(caps, templ);
  const bool ok = fits && fastaudio::audio_info_from_caps(&info, caps, &why) &&
                  fastaudio::sample_format_from_gst(GST_AUDIO_INFO_FORMAT(&info));
  if (!ok) {
    if (!fits || why.empty()) why = fastaudio::explain_caps_mismatch(caps, templ);
    gst_caps_unref(templ);
    priv->refusals.refuse(GST_ELEMENT(self), caps,
                          std::string("jsonbridge (mode=") + mode_name(priv->active.value.mode) +
                              ") cannot take these caps: " + why,
                          why + ";");
    gst_event_unref(event);
    return FALSE;
  }
  gst_caps_unref(templ);
  priv->in_info = info;
  priv->have_in_info = true;
  const bool roundtrip = priv->active.value.mode == GST_JSON_BRIDGE_ROUNDTRIP;
  GstCaps *out = roundtrip ? gst_caps_ref(caps) : gst_static_caps_get(&json_caps);
  // Asked first: a sticky caps event downstream refuses is still "pushed"
  // (stored), and the next buffer would fail with a bare not-negotiated.
  const gboolean res = gst_pad_peer_query_accept_caps(self->srcpad, out) &&
                       gst_pad_push_event(self->srcpad, gst_event_new_caps(out));
  if (res) priv->refusals.negotiated();
  else explain_downstream_refusal(self, caps, out);
  gst_caps_unref(out);
  gst_event_unref(event);
  return res;
}

static gboolean gst_json_bridge_sink_event(GstPad *pad, GstObject *parent, GstEvent *event) {
  auto self = GST_JSON_BRIDGE(parent);
  auto priv = self->priv;
  const bool decode = priv->active.value.mode == GST_JSON_BRIDGE_DECODE;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_CAPS: return sink_caps(self, event);
    case GST_EVENT_SEGMENT: {
      if (!decode) break;
      // Upstream counts bytes; our output is timed by the objects' pts.
      const GstSegment *in;
      gst_event_parse_segment(event, &in);
      GstSegment seg;
      if (in->format == GST_FORMAT_TIME) {
        seg = *in;
      } else {
        gst_segment_init(&seg, GST_FORMAT_TIME);
        if (in->format == GST_FORMAT_BYTES && in->start != guint64(-1)) priv->adapter_offset = in->start;
      }
      GstEvent *out = gst_event_new_segment(&seg);
      gst_event_set_seqnum(out, gst_event_get_seqnum(event));
      gst_event_unref(event);
      if (priv->have_out_format) return gst_pad_push_event(self->srcpad, out);
      gst_event_replace(&priv->pending_segment, out);
      gst_event_unref(out);
      return TRUE;
    }
    case GST_EVENT_EOS:
      // After an error or a refusal the rest of a line is no news (upstream
      // sends EOS when we stop it). Either way EOS goes on so that sinks finish.
      if (decode && !priv->failed) drain_at_eos(self);
      if (decode) warn_skipped_total(self);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_adapter_clear(priv->adapter);
      priv->discarding = false;
      priv->next_discont = true;
      priv->failed = false;
      break;
    default: break;
  }
  return gst_pad_event_default(pad, parent, event);
}

static GstCaps *filtered(GstCaps *caps, GstCaps *filter) {
  if (!filter) return caps;
  GstCaps *r = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref(caps);
  return r;
}

// What a pad can carry in the current mode; in roundtrip the other side's
// peer decides, as both sides carry the same caps.
static GstCaps *pad_caps(GstJsonBridge *self, GstPad *pad, GstCaps *filter) {
  const GstJsonBridgeMode mode = current_settings(self).mode;
  const bool sink = pad == self->sinkpad;
  if (mode == GST_JSON_BRIDGE_ROUNDTRIP) {
    GstCaps *peer = gst_pad_peer_query_caps(sink ? self->srcpad : self->sinkpad, filter);
    // Never offer one side a channel-mask we would refuse from the other.
    GstCaps *proposable = fastaudio::without_bad_channel_masks(peer);
    gst_caps_unref(peer);
    GstCaps *templ = gst_static_caps_get(&audio_caps);
    GstCaps *r = gst_caps_intersect_full(proposable, templ, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(proposable);
    gst_caps_unref(templ);
    return r;
  }
  const bool audio = sink ? mode == GST_JSON_BRIDGE_ENCODE : mode == GST_JSON_BRIDGE_DECODE;
  if (!sink && audio) {
    if (GstCaps *current = gst_pad_get_current_caps(pad)) return filtered(current, filter);
  }
  return filtered(gst_static_caps_get(audio ? &audio_caps : &json_caps), filter);
}

// GstPad's default accept-caps (a subset of what the pad carries now), but
// a refusal says why: a field outside this mode's caps, a channel-mask or
// frame size we cannot use, or (roundtrip) nothing downstream accepts.
// GstPad refuses a caps event without a word otherwise.
static gboolean sink_accept_caps(GstJsonBridge *self, GstCaps *caps) {
  GstCaps *allowed = pad_caps(self, self->sinkpad, caps);
  const gboolean ok = gst_caps_is_subset(caps, allowed);
  gst_caps_unref(allowed);
  // Only the check of an arriving caps event is worth a word: a peer asking
  // before it chooses is answered without one.
  if (ok || !gst_caps_is_fixed(caps) || !fastaudio::CapsRefusalReporter::arriving(self->sinkpad, caps)) return ok;
  const GstJsonBridgeMode mode = current_settings(self).mode;
  GstCaps *templ = gst_static_caps_get(mode == GST_JSON_BRIDGE_DECODE ? &json_caps : &audio_caps);
  std::string why;  // stays empty when only downstream refuses
  if (!gst_caps_can_intersect(caps, templ)) why = fastaudio::explain_caps_mismatch(caps, templ);
  GstAudioInfo info;
  if (why.empty() && mode != GST_JSON_BRIDGE_DECODE) fastaudio::audio_info_from_caps(&info, caps, &why);
  gst_caps_unref(templ);
  if (!why.empty()) {
    self->priv->refusals.refuse(GST_ELEMENT(self), caps,
                                std::string("jsonbridge (mode=") + mode_name(mode) + ") refused caps: " + why,
                                why + ";");
  } else {
    explain_downstream_refusal(self, caps, caps);  // only roundtrip depends on downstream
  }
  return FALSE;
}

static gboolean gst_json_bridge_query(GstPad *pad, GstObject *parent, GstQuery *query) {
  auto self = GST_JSON_BRIDGE(parent);
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_ACCEPT_CAPS: {
      if (pad != self->sinkpad) break;
      GstCaps *caps;
      gst_query_parse_accept_caps(query, &caps);
      gst_query_set_accept_caps_result(query, sink_accept_caps(self, caps));
      return TRUE;
    }
    case GST_QUERY_CAPS: {
      GstCaps *filter;
      gst_query_parse_caps(query, &filter);
      GstCaps *caps = pad_caps(self, pad, filter);
      gst_query_set_caps_result(query, caps);
      gst_caps_unref(caps);
      return TRUE;
    }
    case GST_QUERY_ALLOCATION:
      // Only roundtrip has the same buffers on both sides.
      if (current_settings(self).mode != GST_JSON_BRIDGE_ROUNDTRIP) return FALSE;
      break;
    default: break;
  }
  return gst_pad_query_default(pad, parent, query);
}

static GstStateChangeReturn gst_json_bridge_change_state(GstElement *element, GstStateChange transition) {
  auto self = GST_JSON_BRIDGE(element);
  auto priv = self->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    reset_stream(self);
    priv->settings.refresh(priv->active);
    // roundtrip decodes its own text: no limit applies to that.
    priv->decoder.set_max_line_length(priv->active.value.mode == GST_JSON_BRIDGE_ROUNDTRIP ? SIZE_MAX
                                                                                    : priv->active.value.max_line_length);
  }
  GstStateChangeReturn ret = GST_ELEMENT_CLASS(gst_json_bridge_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) reset_stream(self);
  return ret;
}

static void gst_json_bridge_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec) {
  auto self = GST_JSON_BRIDGE(object);
  self->priv->settings.update([&](Settings &s) {
    switch (prop_id) {
      case PROP_MODE: s.mode = GstJsonBridgeMode(g_value_get_enum(value)); break;
      case PROP_ON_ERROR: s.on_error = GstJsonBridgeOnError(g_value_get_enum(value)); break;
      case PROP_MAX_LINE_LENGTH: s.max_line_length = g_value_get_uint64(value); break;
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
  });
}

static void gst_json_bridge_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) {
  auto self = GST_JSON_BRIDGE(object);
  const Settings s = self->priv->settings.get();
  switch (prop_id) {
    case PROP_MODE: g_value_set_enum(value, s.mode); break;
    case PROP_ON_ERROR: g_value_set_enum(value, s.on_error); break;
    case PROP_MAX_LINE_LENGTH: g_value_set_uint64(value, s.max_line_length); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

static void gst_json_bridge_finalize(GObject *object) {
  auto self = GST_JSON_BRIDGE(object);
  gst_event_replace(&self->priv->pending_segment, nullptr);
  g_object_unref(self->priv->adapter);
  delete self->priv;
  G_OBJECT_CLASS(gst_json_bridge_parent_class)->finalize(object);
}

static void gst_json_bridge_class_init(GstJsonBridgeClass *klass) {
  auto gobject_class = G_OBJECT_CLASS(klass);
  auto element_class = GST_ELEMENT_CLASS(klass);
  fastaudio::init_element_class(
      klass, {.set_property = gst_json_bridge_set_property,
              .get_property = gst_json_bridge_get_property,
              .finalize = gst_json_bridge_finalize,
              .sink_template = &sink_template,
              .src_template = &src_template,
              .metadata = kMetadata});

  const auto ready_only = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property(
      gobject_class, PROP_MODE,
      g_param_spec_enum("mode", "Mode",
                        "encode: raw audio to newline-delimited JSON (application/x-json); decode: the reverse, "
                        "for any chunking of the byte stream; roundtrip: audio to JSON and back in one element "
                        "(the cost of a JSON node)",
                        GST_TYPE_JSON_BRIDGE_MODE, GST_JSON_BRIDGE_ROUNDTRIP, ready_only));
  g_object_class_install_property(
      gobject_class, PROP_ON_ERROR,
      g_param_spec_enum("on-error", "On error",
                        "What a bad JSON object does when decoding: fail posts an error naming the line and byte "
                        "offset; skip posts a warning, drops the object and marks the next buffer DISCONT",
                        GST_TYPE_JSON_BRIDGE_ON_ERROR, GST_JSON_BRIDGE_FAIL, ready_only));
  g_object_class_install_property(
      gobject_class, PROP_MAX_LINE_LENGTH,
      g_param_spec_uint64("max-line-length", "Maximum line length",
                          "Longest JSON line (bytes) decode accepts; bounds the memory held for one line. "
                          "1M F32 samples take about 12 MB",
                          1, G_MAXUINT32, json::kDefaultMaxLineLength, ready_only));

  element_class->change_state = gst_json_bridge_change_state;

  gst_type_mark_as_plugin_api(GST_TYPE_JSON_BRIDGE_MODE, GstPluginAPIFlags(0));
  gst_type_mark_as_plugin_api(GST_TYPE_JSON_BRIDGE_ON_ERROR, GstPluginAPIFlags(0));
  GST_DEBUG_CATEGORY_INIT(gst_json_bridge_debug, "jsonbridge", 0, "fastaudio audio <-> JSON bridge");
}

static void gst_json_bridge_init(GstJsonBridge *self) {
  self->priv = new GstJsonBridgePrivate();
  self->priv->adapter = gst_adapter_new();
  gst_audio_info_init(&self->priv->in_info);

  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, gst_json_bridge_chain);
  gst_pad_set_event_function(self->sinkpad, gst_json_bridge_sink_event);
  gst_pad_set_query_function(self->sinkpad, gst_json_bridge_query);
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_query_function(self->srcpad, gst_json_bridge_query);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}
