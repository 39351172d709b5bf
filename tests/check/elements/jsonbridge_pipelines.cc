// SPDX-License-Identifier: LGPL-2.1-or-later
// jsonbridge in whole pipelines: decode after filesrc and tcpclientsrc,
// encode -> decode around fastconvert, and the worked example of
// docs/jsonbridge.md.
#include "jsonbridge_util.h"

using namespace jsonbridge_test;

// Runs `launch` (which ends in "fakesink name=out") to EOS and collects the
// buffers with the caps they came with.
struct Collected {
  std::vector<std::vector<uint8_t>> data;
  std::vector<GstClockTime> pts;
  std::vector<std::string> caps;
  std::string error;
};

static void on_handoff(GstElement *, GstBuffer *buf, GstPad *pad, gpointer user) {
  auto c = static_cast<Collected *>(user);
  c->data.push_back(bytes_of(buf));
  c->pts.push_back(GST_BUFFER_PTS(buf));
  GstCaps *caps = gst_pad_get_current_caps(pad);
  gchar *s = gst_caps_to_string(caps);
  c->caps.push_back(s);
  g_free(s);
  gst_caps_unref(caps);
}

static GstElement *start_pipeline(const std::string &launch, Collected &c) {
  GError *err = nullptr;
  GstElement *p = gst_parse_launch(launch.c_str(), &err);
  fail_unless(p && !err, "%s", err ? err->message : "");
  GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "out");
  g_object_set(sink, "signal-handoffs", TRUE, "sync", FALSE, nullptr);
  g_signal_connect(sink, "handoff", G_CALLBACK(on_handoff), &c);
  gst_object_unref(sink);
  gst_element_set_state(p, GST_STATE_PLAYING);
  return p;
}

static void finish_pipeline(GstElement *p, Collected &c) {
  GstBus *bus = gst_element_get_bus(p);
  GstMessage *m = gst_bus_timed_pop_filtered(bus, 20 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  fail_unless(m != nullptr, "pipeline did not finish");
  if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
    GError *err;
    gst_message_parse_error(m, &err, nullptr);
    c.error = err->message;
    g_error_free(err);
  }
  gst_message_unref(m);
  gst_object_unref(bus);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);
}

static std::vector<Block> mixed_blocks() {
  std::vector<Block> v;
  for (int i = 0; i < 6; i++) v.push_back(make_block(SampleFormat::S16, 16000, 1, 320, i * 20 * GST_MSECOND, i));
  for (int i = 6; i < 9; i++) v.push_back(make_block(SampleFormat::F32, 48000, 2, 960, i * 20 * GST_MSECOND, i));
  return v;
}

static void check_collected(const Collected &c, const std::vector<Block> &blocks) {
  fail_unless_equals_string(c.error.c_str(), "");
  fail_unless_equals_int(c.data.size(), blocks.size());
  for (size_t i = 0; i < blocks.size(); i++) {
    fail_unless(c.data[i] == blocks[i].samples, "buffer %zu differs", i);
    fail_unless_equals_uint64(c.pts[i], blocks[i].header.pts);
    GstCaps *want = gst_caps_from_string(
        audio_caps(blocks[i].header.format, blocks[i].header.rate, blocks[i].header.channels).c_str());
    GstCaps *got = gst_caps_from_string(c.caps[i].c_str());
    fail_unless(gst_caps_is_equal(want, got), "buffer %zu caps %s", i, c.caps[i].c_str());
    gst_caps_unref(want);
    gst_caps_unref(got);
  }
}

GST_START_TEST(test_decode_after_filesrc) {
  const std::vector<Block> blocks = mixed_blocks();
  gchar *path = g_build_filename(g_get_tmp_dir(), "jsonbridge-test-XXXXXX.ndjson", nullptr);
  const int fd = g_mkstemp(path);
  fail_unless(fd >= 0);
  std::string text;
  for (const Block &b : blocks) text += line_of(b);
  fail_unless(write(fd, text.data(), text.size()) == ssize_t(text.size()));
  close(fd);
  Collected c;
  GstElement *p = start_pipeline(std::string("filesrc blocksize=7 location=") + path +
                                     " ! jsonbridge mode=decode ! fakesink name=out",
                                 c);
  finish_pipeline(p, c);
  g_unlink(path);
  g_free(path);
  check_collected(c, blocks);
}
GST_END_TEST;

// tcpclientsrc reads whatever the server sends, in whatever pieces the
// kernel delivers; the test is the server and sends odd-sized writes.
GST_START_TEST(test_decode_after_tcpclientsrc) {
  GError *err = nullptr;
  GSocket *server = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &err);
  fail_unless(server != nullptr);
  GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new(lo, 0);
  fail_unless(g_socket_bind(server, addr, TRUE, &err), "%s", err ? err->message : "");
  fail_unless(g_socket_listen(server, &err));
  GSocketAddress *bound = g_socket_get_local_address(server, &err);
  const guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));

  const std::vector<Block> blocks = mixed_blocks();
  std::string text;
  for (const Block &b : blocks) text += line_of(b);
  Collected c;
  GstElement *p = start_pipeline("tcpclientsrc host=127.0.0.1 port=" + std::to_string(port) +
                                     " ! jsonbridge mode=decode ! fakesink name=out",
                                 c);
  GSocket *conn = g_socket_accept(server, nullptr, &err);
  fail_unless(conn != nullptr, "%s", err ? err->message : "");
  std::mt19937 rng(1);
  for (size_t pos = 0; pos < text.size();) {
    const size_t n = std::min<size_t>(1 + rng() % 3000, text.size() - pos);
    const gssize sent = g_socket_send(conn, text.data() + pos, n, nullptr, &err);
    fail_unless(sent > 0);
    pos += size_t(sent);
  }
  g_socket_close(conn, nullptr);
  finish_pipeline(p, c);
  check_collected(c, blocks);
  g_object_unref(conn);
  g_object_unref(bound);
  g_object_unref(addr);
  g_object_unref(lo);
  g_object_unref(server);
}
GST_END_TEST;

GST_START_TEST(test_pipeline_encode_decode_with_fastconvert) {
  Collected c;
  GstElement *p = start_pipeline(
      "audiotestsrc num-buffers=5 samplesperbuffer=960 ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
      "jsonbridge mode=encode ! jsonbridge mode=decode ! fastconvert ! audio/x-raw,format=S16LE ! "
      "fakesink name=out",
      c);
  finish_pipeline(p, c);
  fail_unless_equals_string(c.error.c_str(), "");
  fail_unless_equals_int(c.data.size(), 5);
  fail_unless_equals_int(c.data[0].size(), 960 * 2);
  fail_unless_equals_uint64(c.pts[1], 20 * GST_MSECOND);
}
GST_END_TEST;

// The example of docs/jsonbridge.md decodes to the buffers the text states.
GST_START_TEST(test_docs_worked_example) {
  const gchar *dir = g_getenv("FASTAUDIO_TEST_FILES");
  fail_unless(dir != nullptr, "FASTAUDIO_TEST_FILES is not set");
  gchar *path = g_build_filename(dir, "json", "worked-example.ndjson", nullptr);
  Collected c;
  GstElement *p = start_pipeline(std::string("filesrc location=") + path + " ! jsonbridge mode=decode ! fakesink name=out", c);
  finish_pipeline(p, c);
  g_free(path);
  fail_unless(c.error.empty(), "%s", c.error.c_str());
  fail_unless_equals_int(c.data.size(), 2);
  const float f[6] = {-1.0f, 32767 / 32768.0f, 0.0f, -1 / 32768.0f, 1200 / 32768.0f, 0.0f};
  fail_unless(std::memcmp(c.data[0].data(), f, 20) == 0);
  float nan_sample;
  std::memcpy(&nan_sample, &c.data[0][20], 4);
  fail_unless(std::isnan(nan_sample));
  const int16_t s[6] = {-32768, 32767, 0, -1, 1200, -1200};
  fail_unless(c.data[1].size() == 12 && std::memcmp(c.data[1].data(), s, 12) == 0);
  fail_unless_equals_uint64(c.pts[1], GST_SECOND);
  GstCaps *want = gst_caps_from_string(
      "audio/x-raw, format=S16LE, rate=16000, channels=2, layout=interleaved, channel-mask=(bitmask)0x3");
  GstCaps *got = gst_caps_from_string(c.caps[1].c_str());
  fail_unless(gst_caps_is_equal(want, got), "%s", c.caps[1].c_str());
  gst_caps_unref(want);
  gst_caps_unref(got);
}
GST_END_TEST;
static Suite *jsonbridge_pipelines_suite() {
  Suite *s = suite_create("jsonbridge_pipelines");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_decode_after_filesrc);
  tcase_add_test(tc, test_decode_after_tcpclientsrc);
  tcase_add_test(tc, test_pipeline_encode_decode_with_fastconvert);
  tcase_add_test(tc, test_docs_worked_example);
  return s;
}

GST_CHECK_MAIN(jsonbridge_pipelines);
