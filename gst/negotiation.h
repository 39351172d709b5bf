// SPDX-License-Identifier: LGPL-2.1-or-later
// Caps negotiation shared by the four elements: what a transform may propose
// to the other side, and a message a user can act on whenever caps are
// refused (GStreamer itself only returns not-negotiated).
#pragma once

#include <gst/audio/audio.h>
#include <gst/base/gstbasetransform.h>

#include <string>

namespace fastaudio {

// A copy of `caps` without the structures whose fixed channel-mask cannot
// describe their channels (channels=2, channel-mask=0x1): GStreamer warns
// "Invalid channel positions" when such caps are fixated, so an element
// never proposes to one side caps it would refuse on the other. Call it on
// the input of transform_caps (or on a peer's caps proposed through).
GstCaps *without_bad_channel_masks(GstCaps *caps);

// Why none of `offered` (what an element could output) fits `accepted`
// (what downstream takes), naming the first field no pair of structures
// agrees on: "downstream wants format S16LE, fastresample can output format
// F32LE"; the media type or memory when no structures share those.
// "" when they do intersect.
std::string explain_no_common_caps(const char *element, GstCaps *offered, GstCaps *accepted);

// "F32LE, 48000 Hz, 2 channels" for valid raw audio caps, else the caps text
// and why they are not valid ("... (caps lack the format field)").
std::string describe_caps(GstCaps *caps);

// Posts the error for input `caps` that can be turned into nothing
// downstream accepts: "<element> cannot <verb> <caps> to any format
// downstream accepts: <field>", with downstream's caps and `hint` (what the
// element can do, what to put next to it) in the debug text.
void post_downstream_refusal(GstElement *element, const char *name, const char *verb, GstCaps *caps,
                             GstCaps *offered, GstCaps *downstream, const char *hint);

// accept_caps for our GstBaseTransform elements: the parent's check, after
// what the template cannot say (channel-mask, frame size), with a warning
// "<name> refused caps: <which field, what is supported>" on refusal.
gboolean accept_caps_explained(GstBaseTransform *trans, GstBaseTransformClass *parent_class, const char *name,
                               GstPadDirection direction, GstCaps *caps);

// Caps GstBaseTransform refuses without a word get an error from here:
// input caps that pass accept_caps but transform into nothing downstream
// accepts (a caps event), and downstream asking mid-stream for caps the
// element cannot produce from its input (a RECONFIGURE, which GStreamer
// follows with no more than a "not negotiated" warning). One per element
// instance, in its private struct: sink_event() and submit_input_buffer()
// replace the chain-ups to the parent's, and the element calls explained()
// where it posts its own negotiation error (set_caps), so that a refusal is
// reported once.
class CapsRefusalReporter {
 public:
  CapsRefusalReporter(const char *name, const char *verb, const char *hint) : name_(name), verb_(verb), hint_(hint) {}
  gboolean sink_event(GstBaseTransform *trans, GstBaseTransformClass *parent_class, GstEvent *event);
  GstFlowReturn submit_input_buffer(GstBaseTransform *trans, GstBaseTransformClass *parent_class, gboolean is_discont,
                                    GstBuffer *input);
  void explained() { explained_ = true; }
  // set_caps' first step: both caps read into `in` and `out`. When either is
  // not valid raw audio, posts "<what>: <why>" (naming both caps in the
  // debug text), counts as explained and returns false.
  bool read_caps(GstBaseTransform *trans, const char *what, GstCaps *incaps, GstCaps *outcaps, GstAudioInfo *in,
                 GstAudioInfo *out);

 private:
  void explain(GstBaseTransform *trans, GstCaps *caps);
  const char *name_, *verb_, *hint_;
  bool explained_ = false;  // during the current caps event or buffer (streaming thread only)
};

}  // namespace fastaudio
