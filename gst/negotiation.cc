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

}  // namespace

GstCaps *without_bad_channel_masks(GstCaps *caps) {
  GstCaps *out = gst_caps_copy(caps);
  if (gst_caps_is_any(out)) return out;
  for (guint i = gst_caps_get_size(out); i-- > 0;) {
    if (!channel_mask_problem(gst_caps_get_structure(out, i)).empty()) gst_caps_remove_structure(out, i);
  }
  return out;
}

std::string explain_no_common_caps(const char *element, GstCaps *offered, GstCaps *accepted) {
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
    if (!agrees)
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

void post_downstream_refusal(GstElement *element, const char *name, const char *verb, GstCaps *caps,
                             GstCaps *offered, GstCaps *downstream, const char *hint) {
  ensure_debug_category();
  const std::string what = describe_caps(caps);
  // Caps with a channel-mask that cannot describe their channels are no
  // choice at all (GStreamer would warn about them): explain without them.
  GstCaps *usable = without_bad_channel_masks(downstream);
  std::string why;
  if (gst_caps_is_empty(usable) && !gst_caps_is_empty(downstream)) {
    why = "downstream accepts only caps with an invalid channel-mask (" +
          channel_mask_problem(gst_caps_get_structure(downstream, 0)) + ")";
  } else {
    why = explain_no_common_caps(name, offered, usable);
  }
  gst_caps_unref(usable);
  FASTAUDIO_ELEMENT_ERROR(element, CORE, NEGOTIATION,
                          ("%s cannot %s %s to any format downstream accepts%s%s", name, verb, what.c_str(),
                           why.empty() ? "" : ": ", why.c_str()),
                          ("downstream accepts %" GST_PTR_FORMAT ". %s", downstream, hint));
}

gboolean accept_caps_explained(GstBaseTransform *trans, GstBaseTransformClass *parent_class, const char *name,
                               GstPadDirection direction, GstCaps *caps) {
  ensure_debug_category();
  // The template says nothing about channel-mask or frame size: check them
  // here, before gst_audio_info_from_caps() sees the caps.
  if (gst_caps_is_fixed(caps)) {
    std::string problem = raw_caps_problem(gst_caps_get_structure(caps, 0));
    if (!problem.empty()) {
      FASTAUDIO_ELEMENT_WARNING(trans, CORE, NEGOTIATION, ("%s refused caps: %s", name, problem.c_str()),
                                ("caps: %" GST_PTR_FORMAT, caps));
      return FALSE;
    }
  }
  if (parent_class->accept_caps(trans, direction, caps)) return TRUE;
  GstPad *pad = direction == GST_PAD_SINK ? trans->sinkpad : trans->srcpad;
  GstCaps *templ = gst_pad_get_pad_template_caps(pad);
  if (gst_caps_is_fixed(caps) && !gst_caps_can_intersect(caps, templ)) {
    std::string why = explain_caps_mismatch(caps, templ);
    FASTAUDIO_ELEMENT_WARNING(trans, CORE, NEGOTIATION, ("%s refused caps: %s", name, why.c_str()),
                              ("caps: %" GST_PTR_FORMAT, caps));
  }
  gst_caps_unref(templ);
  return FALSE;
}

gboolean CapsRefusalReporter::sink_event(GstBaseTransform *trans, GstBaseTransformClass *parent_class,
                                         GstEvent *event) {
  GstCaps *caps = nullptr;
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    gst_event_parse_caps(event, &caps);
    gst_caps_ref(caps);
    explained_ = false;
  }
  const gboolean ret = parent_class->sink_event(trans, event);
  if (caps && !ret && !explained_) explain(trans, caps);
  if (caps) gst_caps_unref(caps);
  return ret;
}

GstFlowReturn CapsRefusalReporter::submit_input_buffer(GstBaseTransform *trans, GstBaseTransformClass *parent_class,
                                                       gboolean is_discont, GstBuffer *input) {
  explained_ = false;
  const GstFlowReturn ret = parent_class->submit_input_buffer(trans, is_discont, input);
  // GstBaseTransform's submit_input_buffer returns not-negotiated only when
  // renegotiating for downstream failed.
  if (ret == GST_FLOW_NOT_NEGOTIATED && !explained_) {
    if (GstCaps *caps = gst_pad_get_current_caps(trans->sinkpad)) {
      explain(trans, caps);
      gst_caps_unref(caps);
    }
  }
  return ret;
}

bool CapsRefusalReporter::read_caps(GstBaseTransform *trans, const char *what, GstCaps *incaps, GstCaps *outcaps,
                                    GstAudioInfo *in, GstAudioInfo *out) {
  std::string why;  // a channel-mask downstream asks for may be one GStreamer would only warn about
  if (audio_info_from_caps(in, incaps, &why) && audio_info_from_caps(out, outcaps, &why)) return true;
  ensure_debug_category();
  FASTAUDIO_ELEMENT_ERROR(trans, CORE, NEGOTIATION, ("%s: %s", what, why.c_str()),
                          ("in: %" GST_PTR_FORMAT ", out: %" GST_PTR_FORMAT, incaps, outcaps));
  explained();
  return false;
}

// What this element could make of `caps` (as GstBaseTransform asked)
// against what downstream takes.
void CapsRefusalReporter::explain(GstBaseTransform *trans, GstCaps *caps) {
  GstBaseTransformClass *klass = GST_BASE_TRANSFORM_GET_CLASS(trans);
  GstCaps *templ = gst_pad_get_pad_template_caps(trans->srcpad);
  GstCaps *offered =
      klass->transform_caps ? klass->transform_caps(trans, GST_PAD_SINK, caps, templ) : gst_caps_intersect(caps, templ);
  GstCaps *downstream = gst_pad_peer_query_caps(trans->srcpad, nullptr);
  post_downstream_refusal(GST_ELEMENT(trans), name_, verb_, caps, offered, downstream, hint_);
  gst_caps_unref(downstream);
  gst_caps_unref(offered);
  gst_caps_unref(templ);
}

}  // namespace fastaudio
