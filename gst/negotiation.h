// SPDX-License-Identifier: LGPL-2.1-or-later
// Caps negotiation shared by the four elements: what a transform may propose
// to the other side, and a message a user can act on whenever caps are
// refused (GStreamer itself only returns not-negotiated).
#pragma once

#include <gst/audio/audio.h>
#include <gst/base/gstbasetransform.h>

#include <atomic>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

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
// "" when they do intersect. `field`, when given, receives the field named
// ("" for none).
std::string explain_no_common_caps(const char *element, GstCaps *offered, GstCaps *accepted,
                                   std::string *field = nullptr);

// "F32LE, 48000 Hz, 2 channels" for valid raw audio caps, else the caps text
// and why they are not valid ("... (caps lack the format field)").
std::string describe_caps(GstCaps *caps);

// `text` with "{format}" and "{rate}" replaced by what `element`'s sink pad
// template allows for those fields ("S16LE, S32LE, F32LE, F64LE";
// "8-192 kHz", "any rate"): refusal hints quote the template and cannot
// drift from it.
std::string with_template_fields(GstElement *element, const std::string &text);

// Every caps refusal of one element instance, reported once. GStreamer
// itself only returns not-negotiated, retries a refused sticky caps event
// with every buffer and asks accept-caps at each try, so a refusal posted
// where it is found would be posted again and again. Here the one way to
// post a refusal is refuse(): an error (not a warning: gst-launch stops at
// the first error, before queued warnings) whose text and debug text
// explain it, posted at most once for equal input caps until caps are
// accepted again.
//
// One per element instance, in its private struct. GstBaseTransform
// elements replace their chain-ups of
// accept_caps, sink_event and submit_input_buffer with these, and report
// their own negotiation errors (set_caps) through refuse().
class CapsRefusalReporter {
 public:
  // A hint for refusals of one field (downstream wants another rate: put
  // fastresample before it). `field` nullptr: the hint for any other. The
  // text may quote the sink pad template's {format} and {rate}
  // (with_template_fields).
  struct Hint {
    const char *field;
    const char *text;
  };
  CapsRefusalReporter(const char *name, const char *verb, std::initializer_list<Hint> hints)
      : name_(name), verb_(verb), hints_(hints) {}
  ~CapsRefusalReporter();
  CapsRefusalReporter(const CapsRefusalReporter &) = delete;
  CapsRefusalReporter &operator=(const CapsRefusalReporter &) = delete;

  // Whether `caps` are those of a caps event arriving at `sinkpad`: what
  // GstPad asks accept-caps about before it lets the event in, a refusal
  // that stops the stream (reported), unlike a peer asking before it
  // chooses (not reported). Upstream has stored the event by then, on the
  // first pad before ours that is not inside a ghost pad of a bin we are in.
  static bool arriving(GstPad *sinkpad, GstCaps *caps);

  // Posts the CORE/NEGOTIATION error `text` about input `caps` (debug text:
  // `debug`, then "refused caps: ..."), unless equal caps were refused since
  // the last negotiated().
  void refuse(GstElement *element, GstCaps *caps, const std::string &text, const std::string &debug);
  // refuse(): "<name> cannot <verb> <caps> to any format downstream
  // accepts: <field and both sides>", downstream's caps and the hint for
  // that field (else `hint`, else the default hint) in the debug text.
  void refuse_downstream(GstElement *element, GstCaps *caps, GstCaps *offered, GstCaps *downstream,
                         const char *verb = nullptr, const char *hint = nullptr);
  // Input caps were accepted: a later refusal is news again.
  void negotiated();

  // GstBaseTransform: the parent's accept_caps after what the template
  // cannot say (channel-mask, frame size); a refusal of an arriving caps
  // event is refused "<name> refused caps: <which field, what is supported>".
  gboolean accept_caps(GstBaseTransform *trans, GstBaseTransformClass *parent_class, GstPadDirection direction,
                       GstCaps *caps);
  // GstBaseTransform: input caps that pass accept_caps but transform into
  // nothing downstream accepts (a caps event), and downstream asking
  // mid-stream for caps the element cannot produce from its input (a
  // RECONFIGURE, which GStreamer follows with no more than a "not
  // negotiated" warning) are refused with what downstream wants.
  gboolean sink_event(GstBaseTransform *trans, GstBaseTransformClass *parent_class, GstEvent *event);
  GstFlowReturn submit_input_buffer(GstBaseTransform *trans, GstBaseTransformClass *parent_class, gboolean is_discont,
                                    GstBuffer *input);
  // set_caps' first step: both caps read into `in` and `out`. When either is
  // not valid raw audio, refuses "<what>: <why>" (naming both caps in the
  // debug text) and returns false.
  bool read_caps(GstBaseTransform *trans, const char *what, GstCaps *incaps, GstCaps *outcaps, GstAudioInfo *in,
                 GstAudioInfo *out);

 private:
  std::string hint_for(GstElement *element, const std::string &field, const char *fallback) const;
  void refuse_transform(GstBaseTransform *trans, GstCaps *caps);
  const char *name_, *verb_;
  std::vector<Hint> hints_;
  std::mutex lock_;               // guards refused_: accept-caps may be asked from any thread
  GstCaps *refused_ = nullptr;  // reported since the last negotiated()
  std::atomic<bool> any_refused_{false};  // refused_ is set: lets buffers skip the lock
};

}  // namespace fastaudio
