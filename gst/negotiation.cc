// SPDX-License-Identifier: LGPL-2.1-or-later
#include "negotiation.h"

#include <gst/audio/audio.h>

#include <vector>

#include "audio_formats.h"
#include "element_message.h"

GST_DEBUG_CATEGORY_STATIC(fastaudio_negotiation_debug);
#define GST_CAT_DEFAULT fastaudio_negotiation_debug

namespace fastaudio {

namespace {

void ensure_debug_category() {
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    GST_DEBUG_CATEGORY_INIT(fastaudio_negotiation_debug, "fastaudio-negotiation", 0,
                            "fastaudio caps refusals and their explanations");
    g_once_init_leave(&done, 1);
  }
}

std::string serialize(const GValue *value) {
  gchar *text = gst_value_serialize(value);
  std::string s = text ? text : "?";
  g_free(text);
  return s;
}

// "audio/x-raw", or "audio/x-raw(memory:DMABuf)" for other memory.
std::string kind(GstCaps *caps, guint i) {
  std::string s = gst_structure_get_name(gst_caps_get_structure(caps, i));
  GstCapsFeatures *features = gst_caps_get_features(caps, i);
  if (features && !gst_caps_features_is_equal(features, GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
    gchar *f = gst_caps_features_to_string(features);
    s += std::string("(") + f + ")";
    g_free(f);
  }
  return s;
}

void add_distinct(std::vector<std::string> &list, const std::string &item) {
  for (const auto &s : list)
    if (s == item) return;
  list.push_back(item);
}

std::string joined(const std::vector<std::string> &list) {
  std::string s;
  for (size_t i = 0; i < list.size(); i++) s += (i ? " or " : "") + list[i];
  return s;
}

// "8", "11.025": a rate in kHz without trailing zeros.
std::string khz(int rate) {
  gchar *text = g_strdup_printf("%.3f", rate / 1000.0);
  std::string s = text;
  g_free(text);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// One value of a template field as a hint says it: a format name, a rate.
std::string hint_value(const GValue *v, bool rate) {
  if (G_VALUE_HOLDS_STRING(v)) return g_value_get_string(v);
  if (rate && G_VALUE_HOLDS_INT(v)) return khz(g_value_get_int(v)) + " kHz";
  if (rate && GST_VALUE_HOLDS_INT_RANGE(v)) {
    const int lo = gst_value_get_int_range_min(v), hi = gst_value_get_int_range_max(v);
    if (lo <= 1 && hi == G_MAXINT) return "any rate";
    return khz(lo) + "-" + khz(hi) + " kHz";
  }
  return serialize(v);
}

// What the first structure of `templ` allows for `field`, for a hint.
std::string template_field_text(GstCaps *templ, const char *field) {
  if (gst_caps_is_empty(templ) || gst_caps_is_any(templ)) return "any " + std::string(field);
  const GValue *v = gst_structure_get_value(gst_caps_get_structure(templ, 0), field);
  if (!v) return "any " + std::string(field);
  const bool rate = std::string(field) == "rate";
  if (!GST_VALUE_HOLDS_LIST(v)) return hint_value(v, rate);
  std::string s;
  for (guint i = 0; i < gst_value_list_get_size(v); i++)
    s += (i ? ", " : "") + hint_value(gst_value_list_get_value(v, i), rate);
  return s;
}

}  // namespace

std::string with_template_fields(GstElement *element, const std::string &text) {
  if (text.find('{') == std::string::npos) return text;
  GstPadTemplate *sink = gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(element), "sink");
  GstCaps *templ = sink ? gst_pad_template_get_caps(sink) : gst_caps_new_any();
  std::string out = text;
  for (const char *field : {"format", "rate"}) {
    const std::string placeholder = std::string("{") + field + "}";
    for (size_t at; (at = out.find(placeholder)) != std::string::npos;)
      out.replace(at, placeholder.size(), template_field_text(templ, field));
  }
  gst_caps_unref(templ);
  return out;
}

GstCaps *without_bad_channel_masks(GstCaps *caps) {
  GstCaps *out = gst_caps_copy(caps);
  if (gst_caps_is_any(out)) return out;
  for (guint i = gst_caps_get_size(out); i-- > 0;) {
    if (!channel_mask_problem(gst_caps_get_structure(out, i)).empty()) gst_caps_remove_structure(out, i);
  }
  return out;
}

std::string explain_no_common_caps(const char *element, GstCaps *offered, GstCaps *accepted,
                                   std::string *field_named) {
  if (field_named) field_named->clear();
  if (gst_caps_can_intersect(offered, accepted)) return "";
  if (gst_caps_is_empty(accepted)) return "downstream accepts no caps at all";
  if (gst_caps_is_empty(offered)) return std::string(element) + " can output nothing from these caps";

  // Structures of the same media type and memory, the only ones whose fields
  // can be compared.
  struct Pair {
    const GstStructure *offered, *accepted;
  };
  std::vector<Pair> pairs;
  std::vector<std::string> offered_kinds, accepted_kinds;
  for (guint i = 0; i < gst_caps_get_size(offered); i++) add_distinct(offered_kinds, kind(offered, i));
  for (guint j = 0; j < gst_caps_get_size(accepted); j++) add_distinct(accepted_kinds, kind(accepted, j));
  for (guint i = 0; i < gst_caps_get_size(offered); i++) {
    for (guint j = 0; j < gst_caps_get_size(accepted); j++) {
      if (kind(offered, i) == kind(accepted, j))
        pairs.push_back({gst_caps_get_structure(offered, i), gst_caps_get_structure(accepted, j)});
    }
  }
  if (pairs.empty())
    return "downstream wants " + joined(accepted_kinds) + ", " + element + " can output " + joined(offered_kinds);

  // The first field (in the order the offered caps name them) on which no
  // pair agrees; a field missing on one side agrees with anything.
  std::vector<std::string> fields;
  for (const Pair &p : pairs) {
    for (const GstStructure *s : {p.offered, p.accepted}) {
      for (int f = 0; f < gst_structure_n_fields(s); f++) add_distinct(fields, gst_structure_nth_field_name(s, f));
    }
  }
  for (const std::string &field : fields) {
    bool agrees = false;
    std::vector<std::string> wanted, given;
    for (const Pair &p : pairs) {
      const GValue *o = gst_structure_get_value(p.offered, field.c_str());
      const GValue *a = gst_structure_get_value(p.accepted, field.c_str());
      if (!o || !a || gst_value_intersect(nullptr, o, a)) agrees = true;
      if (o) add_distinct(given, serialize(o));
      if (a) add_distinct(wanted, serialize(a));
    }
    if (agrees) continue;
    if (field_named) *field_named = field;
    return "downstream wants " + field + " " + joined(wanted) + ", " + element + " can output " + field + " " +
           joined(given);
  }
  return "every field fits on its own but no combination does";
}

std::string describe_caps(GstCaps *caps) {
  GstAudioInfo info;
  std::string why;
  if (audio_info_from_caps(&info, caps, &why)) {
    gchar *s = g_strdup_printf("%s, %d Hz, %d channels", GST_AUDIO_INFO_NAME(&info), GST_AUDIO_INFO_RATE(&info),
                               GST_AUDIO_INFO_CHANNELS(&info));
    std::string text = s;
    g_free(s);
    return text;
  }
  gchar *s = gst_caps_to_string(caps);
  std::string text = std::string(s) + " (" + why + ")";
  g_free(s);
  return text;
}

CapsRefusalReporter::~CapsRefusalReporter() { gst_caps_replace(&refused_, nullptr); }

bool CapsRefusalReporter::arriving(GstPad *sinkpad, GstCaps *caps) {
  // Inside a bin our peer is the internal pad of the bin's ghost sink pad,
  // which checks the event before storing it: look past it.
  GstPad *pad = gst_pad_get_peer(sinkpad);
  while (pad && GST_IS_PROXY_PAD(pad) && !GST_IS_GHOST_PAD(pad)) {
    GstPad *ghost = GST_PAD(gst_proxy_pad_get_internal(GST_PROXY_PAD(pad)));
    gst_object_unref(pad);
    pad = ghost ? gst_pad_get_peer(ghost) : nullptr;
    if (ghost) gst_object_unref(ghost);
  }
  GstCaps *stored = pad ? gst_pad_get_current_caps(pad) : nullptr;
  const bool same = stored && gst_caps_is_equal(stored, caps);
  if (stored) gst_caps_unref(stored);
  if (pad) gst_object_unref(pad);
  return same;
}

void CapsRefusalReporter::refuse(GstElement *element, GstCaps *caps, const std::string &text,
                                 const std::string &debug) {
  {
    std::lock_guard<std::mutex> guard(lock_);
    if (refused_ && gst_caps_is_equal(refused_, caps)) return;
    gst_caps_replace(&refused_, caps);
    any_refused_ = true;
  }
  FASTAUDIO_ELEMENT_ERROR(element, CORE, NEGOTIATION, ("%s", text.c_str()),
                          ("%s%srefused caps: %" GST_PTR_FORMAT, debug.c_str(), debug.empty() ? "" : " ", caps));
}

void CapsRefusalReporter::negotiated() {
  if (!any_refused_) return;
  std::lock_guard<std::mutex> guard(lock_);
  gst_caps_replace(&refused_, nullptr);
  any_refused_ = false;
}

std::string CapsRefusalReporter::hint_for(GstElement *element, const std::string &field,
                                          const char *fallback) const {
  const char *any = "";
  for (const Hint &h : hints_) {
    if (!h.field) any = h.text;
    else if (field == h.field) return with_template_fields(element, h.text);
  }
  return with_template_fields(element, fallback ? fallback : any);
}

void CapsRefusalReporter::refuse_downstream(GstElement *element, GstCaps *caps, GstCaps *offered,
                                            GstCaps *downstream, const char *verb, const char *hint) {
  const std::string what = describe_caps(caps);
  // Caps with a channel-mask that cannot describe their channels are no
  // choice at all (GStreamer would warn about them): explain without them.
  GstCaps *usable = without_bad_channel_masks(downstream);
  std::string why, field;
  if (gst_caps_is_empty(usable) && !gst_caps_is_empty(downstream)) {
    why = "downstream accepts only caps with an invalid channel-mask (" +
          channel_mask_problem(gst_caps_get_structure(downstream, 0)) + ")";
  } else {
    why = explain_no_common_caps(name_, offered, usable, &field);
  }
  gst_caps_unref(usable);
  gchar *accepts = gst_caps_to_string(downstream);
  refuse(element, caps,
         std::string(name_) + " cannot " + (verb ? verb : verb_) + " " + what + " to any format downstream accepts" +
             (why.empty() ? "" : ": " + why),
         std::string("downstream accepts ") + accepts + ". " + hint_for(element, field, hint));
  g_free(accepts);
}

gboolean CapsRefusalReporter::accept_caps(GstBaseTransform *trans, GstBaseTransformClass *parent_class,
                                          GstPadDirection direction, GstCaps *caps) {
  // The template says nothing about channel-mask or frame size: check them
  // here, before gst_audio_info_from_caps() sees the caps.
  std::string why = gst_caps_is_fixed(caps) ? raw_caps_problem(gst_caps_get_structure(caps, 0)) : "";
  if (why.empty() && parent_class->accept_caps(trans, direction, caps)) return TRUE;
  if (why.empty() && gst_caps_is_fixed(caps)) {
    GstPad *pad = direction == GST_PAD_SINK ? trans->sinkpad : trans->srcpad;
    GstCaps *templ = gst_pad_get_pad_template_caps(pad);
    if (!gst_caps_can_intersect(caps, templ)) why = explain_caps_mismatch(caps, templ);
    gst_caps_unref(templ);
  }
  if (why.empty()) return FALSE;
  if (direction == GST_PAD_SINK && arriving(trans->sinkpad, caps)) {
    refuse(GST_ELEMENT(trans), caps, std::string(name_) + " refused caps: " + why, why + ";");
  } else {
    ensure_debug_category();
    GST_INFO_OBJECT(trans, "refused caps a peer asked about: %s", why.c_str());
  }
  return FALSE;
}

gboolean CapsRefusalReporter::sink_event(GstBaseTransform *trans, GstBaseTransformClass *parent_class,
                                         GstEvent *event) {
  GstCaps *caps = nullptr;
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    gst_event_parse_caps(event, &caps);
    gst_caps_ref(caps);
  }
  const gboolean ret = parent_class->sink_event(trans, event);
  if (caps && ret) negotiated();
  if (caps && !ret) refuse_transform(trans, caps);  // once: set_caps may have refused them already
  if (caps) gst_caps_unref(caps);
  return ret;
}

GstFlowReturn CapsRefusalReporter::submit_input_buffer(GstBaseTransform *trans, GstBaseTransformClass *parent_class,
                                                       gboolean is_discont, GstBuffer *input) {
  const GstFlowReturn ret = parent_class->submit_input_buffer(trans, is_discont, input);
  // GstBaseTransform's submit_input_buffer returns not-negotiated only when
  // renegotiating for downstream failed.
  if (ret == GST_FLOW_NOT_NEGOTIATED) {
    if (GstCaps *caps = gst_pad_get_current_caps(trans->sinkpad)) {
      refuse_transform(trans, caps);
      gst_caps_unref(caps);
    }
  } else if (ret == GST_FLOW_OK) {
    negotiated();  // after a refused renegotiation succeeded
  }
  return ret;
}

bool CapsRefusalReporter::read_caps(GstBaseTransform *trans, const char *what, GstCaps *incaps, GstCaps *outcaps,
                                    GstAudioInfo *in, GstAudioInfo *out) {
  std::string why;  // a channel-mask downstream asks for may be one GStreamer would only warn about
  if (audio_info_from_caps(in, incaps, &why) && audio_info_from_caps(out, outcaps, &why)) return true;
  gchar *out_text = gst_caps_to_string(outcaps);
  refuse(GST_ELEMENT(trans), incaps, std::string(what) + ": " + why, std::string("output caps: ") + out_text + ";");
  g_free(out_text);
  return false;
}

// What this element could make of `caps` (as GstBaseTransform asked)
// against what downstream takes.
void CapsRefusalReporter::refuse_transform(GstBaseTransform *trans, GstCaps *caps) {
  GstBaseTransformClass *klass = GST_BASE_TRANSFORM_GET_CLASS(trans);
  GstCaps *templ = gst_pad_get_pad_template_caps(trans->srcpad);
  GstCaps *offered =
      klass->transform_caps ? klass->transform_caps(trans, GST_PAD_SINK, caps, templ) : gst_caps_intersect(caps, templ);
  GstCaps *downstream = gst_pad_peer_query_caps(trans->srcpad, nullptr);
  refuse_downstream(GST_ELEMENT(trans), caps, offered, downstream);
  gst_caps_unref(downstream);
  gst_caps_unref(offered);
  gst_caps_unref(templ);
}

}  // namespace fastaudio
