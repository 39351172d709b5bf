// SPDX-License-Identifier: LGPL-2.1-or-later
// Embedding fastaudio in a C++ application: the front end as one
// gst_parse_launch() line, 16 kHz mono F32 pulled from an appsink (where a
// recogniser would take it), speech segments from rmsvad's messages.
//
// usage: fastaudio-embed FILE.wav
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct Segments {
  std::mutex lock;
  std::vector<std::pair<double, double>> done;
  double open = -1;
};

// Runs on the streaming thread: keep it short.
GstBusSyncReply on_message(GstBus *, GstMessage *msg, gpointer data) {
  auto segments = static_cast<Segments *>(data);
  const GstStructure *s = gst_message_get_structure(msg);
  guint64 ts;
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && s && gst_structure_get_uint64(s, "timestamp", &ts)) {
    std::lock_guard<std::mutex> guard(segments->lock);
    if (gst_structure_has_name(s, "speech-start")) segments->open = double(ts) / GST_SECOND;
    else if (gst_structure_has_name(s, "speech-stop")) segments->done.emplace_back(segments->open, double(ts) / GST_SECOND);
  }
  return GST_BUS_PASS;
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.wav\n", argv[0]);
    return 2;
  }
  gchar *location = g_strescape(argv[1], nullptr);
  gchar *description = g_strdup_printf(
      "filesrc location=\"%s\" ! wavparse ! fastconvert ! audio/x-raw,format=F32LE,channels=1 ! "
      "fastresample ! audio/x-raw,rate=16000 ! rmsvad ! appsink name=out sync=false",
      location);
  g_free(location);
  GError *error = nullptr;
  GstElement *pipeline = gst_parse_launch(description, &error);
  g_free(description);
  if (!pipeline) {
    fprintf(stderr, "cannot build the pipeline: %s\n", error->message);
    return 1;
  }
  Segments segments;
  GstBus *bus = gst_element_get_bus(pipeline);
  gst_bus_set_sync_handler(bus, on_message, &segments, nullptr);
  GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);

  size_t frames = 0;
  int rate = 0;
  GstMessage *failure = nullptr;
  // Poll so that an error (which never reaches the appsink) ends the loop too.
  while (!gst_app_sink_is_eos(GST_APP_SINK(sink)) && !failure) {
    if (GstSample *sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 100 * GST_MSECOND)) {
      GstStructure *s = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
      gst_structure_get_int(s, "rate", &rate);
      frames += gst_buffer_get_size(gst_sample_get_buffer(sample)) / sizeof(float);
      gst_sample_unref(sample);
    }
    failure = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  }
  int status = 0;
  if (failure) {
    gchar *debug = nullptr;
    gst_message_parse_error(failure, &error, &debug);
    fprintf(stderr, "error: %s (%s)\n", error->message, debug ? debug : "");
    g_clear_error(&error);
    g_free(debug);
    gst_message_unref(failure);
    status = 1;
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);

  printf("%zu frames of 16 kHz mono F32 (%.3f s at %d Hz)\n", frames, rate ? double(frames) / rate : 0.0, rate);
  std::lock_guard<std::mutex> guard(segments.lock);
  printf("%zu speech segments:", segments.done.size());
  for (auto &[a, b] : segments.done) printf(" %.2f-%.2f s", a, b);
  printf("\n");
  gst_object_unref(sink);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  return status;
}
