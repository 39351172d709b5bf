// SPDX-License-Identifier: LGPL-2.1-or-later
// A bench rig: a bare source pad pushing prepared buffers through an element
// chain (from a gst-launch description) into a sink pad that drops them. No
// queues, no threads and no ghost pads, so its time is the chain's own work
// plus one pad push, which `Rig(nullptr, ...)` measures alone.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

#include "bench_util.h"

namespace bench {

// Copies of `buffers` with their own memory, for push_owned().
inline std::vector<GstBuffer *> fresh_copies(const std::vector<GstBuffer *> &buffers) {
  std::vector<GstBuffer *> out;
  out.reserve(buffers.size());
  for (GstBuffer *b : buffers) out.push_back(gst_buffer_copy_deep(b));
  return out;
}

class Rig {
 public:
  // `chain` is a gst-launch description ("fastconvert ! fastresample"), or
  // null for a direct pad-to-pad link. Returns with `ok() == false` if an
  // element is missing.
  // The sink pad accepts `out_caps` (anything when empty).
  Rig(const char *chain, const std::string &in_caps, const std::string &out_caps = "") {
    caps_ = gst_caps_from_string(in_caps.c_str());
    GstPadTemplate *src_t = gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps_);
    GstCaps *accepted = !chain ? gst_caps_ref(caps_)
                        : out_caps.empty() ? gst_caps_new_any()
                                           : gst_caps_from_string(out_caps.c_str());
    GstPadTemplate *sink_t = gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, accepted);
    gst_caps_unref(accepted);
    src_ = gst_pad_new_from_template(src_t, "src");
    sink_ = gst_pad_new_from_template(sink_t, "sink");
    gst_object_unref(src_t);
    gst_object_unref(sink_t);
    gst_pad_set_chain_function(sink_, drop);
    gst_pad_set_active(src_, TRUE);
    gst_pad_set_active(sink_, TRUE);
    if (chain) {
      GError *error = nullptr;
      // A single element stays itself; a chain is a bin without ghost pads:
      // the rig's pads link straight to its first and last elements, as in
      // an application's pipeline (ghost pads would add two pad pushes per
      // buffer that no such pipeline pays).
      const bool several = strchr(chain, '!') != nullptr;
      bin_ = several ? gst_parse_bin_from_description(chain, FALSE, &error) : gst_parse_launch(chain, &error);
      if (!bin_ || error) {
        if (error) g_error_free(error);
        return;
      }
      pipeline_ = gst_pipeline_new(nullptr);
      gst_bin_add(GST_BIN(pipeline_), bin_);
      GstBus *bus = gst_element_get_bus(pipeline_);
      gst_bus_set_flushing(bus, TRUE);  // drop messages as a busy app would read them
      gst_object_unref(bus);
      GstPad *esink = several ? gst_bin_find_unlinked_pad(GST_BIN(bin_), GST_PAD_SINK)
                              : gst_element_get_static_pad(bin_, "sink");
      GstPad *esrc = several ? gst_bin_find_unlinked_pad(GST_BIN(bin_), GST_PAD_SRC)
                             : gst_element_get_static_pad(bin_, "src");
      if (!esink || !esrc || gst_pad_link_full(src_, esink, GST_PAD_LINK_CHECK_NOTHING) != GST_PAD_LINK_OK ||
          gst_pad_link_full(esrc, sink_, GST_PAD_LINK_CHECK_NOTHING) != GST_PAD_LINK_OK) {
        if (esink) gst_object_unref(esink);
        if (esrc) gst_object_unref(esrc);
        return;
      }
      gst_object_unref(esink);
      gst_object_unref(esrc);
      gst_element_set_state(pipeline_, GST_STATE_PLAYING);
    } else {
      gst_pad_link(src_, sink_);
    }
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    ok_ = gst_pad_push_event(src_, gst_event_new_stream_start("bench")) &&
          gst_pad_push_event(src_, gst_event_new_caps(caps_)) &&
          gst_pad_push_event(src_, gst_event_new_segment(&segment));
  }

  ~Rig() {
    if (pipeline_) {
      gst_element_set_state(pipeline_, GST_STATE_NULL);
      gst_object_unref(pipeline_);
    }
    gst_object_unref(src_);
    gst_object_unref(sink_);
    gst_caps_unref(caps_);
  }

  bool ok() const { return ok_; }

  GstFlowReturn push(GstBuffer *buf) { return gst_pad_push(src_, buf); }
  void eos() { gst_pad_push_event(src_, gst_event_new_eos()); }

  // Restarts the stream (flush, new segment) so that timestamps start over.
  void restart() {
    gst_pad_push_event(src_, gst_event_new_flush_start());
    gst_pad_push_event(src_, gst_event_new_flush_stop(TRUE));
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(src_, gst_event_new_segment(&segment));
  }

  // Pushes the buffers and keeps them for the next run: each arrives with a
  // second reference, so an element cannot write into it.
  void push_all(const std::vector<GstBuffer *> &buffers) {
    for (GstBuffer *b : buffers) push(gst_buffer_ref(b));
  }

  // Hands the buffers over as a source does (the chain holds the only
  // reference: writable) and empties `buffers`.
  void push_owned(std::vector<GstBuffer *> &buffers) {
    for (GstBuffer *b : buffers) push(b);
    buffers.clear();
  }

  // One timed run, ns: `buffers` pushed and kept (push_all), or copies of
  // them made before the clock starts and handed over (push_owned).
  double timed_push_ns(const std::vector<GstBuffer *> &buffers, bool owned) {
    std::vector<GstBuffer *> input = owned ? fresh_copies(buffers) : std::vector<GstBuffer *>{};
    const double start = now_ns();
    if (owned) push_owned(input);
    else push_all(buffers);
    return now_ns() - start;
  }

  // Median time of pushing all `buffers` once (each keeps its own
  // timestamps), after a warm-up run.
  double median_push_ns(const std::vector<GstBuffer *> &buffers, int repeats, bool owned = false) {
    std::vector<double> runs;
    for (int r = 0; r <= repeats; r++) {
      if (r > 0) restart();
      const double ns = timed_push_ns(buffers, owned);
      if (r > 0) runs.push_back(ns);
    }
    return median(runs);
  }

 private:
  static GstFlowReturn drop(GstPad *, GstObject *, GstBuffer *buf) {
    gst_buffer_unref(buf);
    return GST_FLOW_OK;
  }

  GstCaps *caps_ = nullptr;
  GstPad *src_ = nullptr, *sink_ = nullptr;
  GstElement *bin_ = nullptr, *pipeline_ = nullptr;
  bool ok_ = false;
};

// Splits raw bytes into timestamped buffers of `frames` frames each.
inline std::vector<GstBuffer *> make_buffers(const std::vector<uint8_t> &data, size_t bytes_per_frame, int rate,
                                             size_t frames) {
  std::vector<GstBuffer *> out;
  const size_t total = data.size() / bytes_per_frame;
  for (size_t at = 0; at + frames <= total; at += frames) {
    GstBuffer *b = gst_buffer_new_memdup(data.data() + at * bytes_per_frame, frames * bytes_per_frame);
    GST_BUFFER_PTS(b) = gst_util_uint64_scale_int(at, GST_SECOND, rate);
    GST_BUFFER_DURATION(b) = gst_util_uint64_scale_int(frames, GST_SECOND, rate);
    GST_BUFFER_OFFSET(b) = at;
    GST_BUFFER_OFFSET_END(b) = at + frames;
    out.push_back(b);
  }
  return out;
}

inline void free_buffers(std::vector<GstBuffer *> &buffers) {
  for (GstBuffer *b : buffers) gst_buffer_unref(b);
  buffers.clear();
}

}  // namespace bench
