// SPDX-License-Identifier: LGPL-2.1-or-later
// jsonbridge element: every mode, any chunking of the byte stream, caps
// changes, timestamps, bad input with on-error=fail and skip, truncated
// streams and the line length limit (whole pipelines: jsonbridge_pipelines.cc).
#include "jsonbridge_util.h"

using namespace jsonbridge_test;

// Channel positions survive encode -> decode; objects without a
// channel-mask get GStreamer's default positions for their channel count.
GST_START_TEST(test_channel_positions) {
  struct Case {
    uint32_t channels;
    uint64_t mask;  // kNone: no channel-mask in the caps (mono)
  } cases[] = {{1, json::kNone}, {2, 0x3}, {3, 0x7}, {3, 0xb}, {4, 0x33}, {5, 0x37}, {6, 0x3f}, {8, 0xc3f}, {6, 0}};
  for (const Case &c : cases) {
    GstHarness *enc = gst_harness_new_parse("jsonbridge mode=encode");
    gst_harness_set_src_caps_str(enc, positioned_caps(SampleFormat::S16, 48000, c.channels, c.mask).c_str());
    Decode d;
    Block b = make_block(SampleFormat::S16, 48000, c.channels, 10, 0, c.channels);
    fail_unless_equals_int(gst_harness_push(enc, gst_buffer_new_memdup(b.samples.data(), b.samples.size())),
                           GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_push(d.h, gst_harness_pull(enc)), GST_FLOW_OK);
    gst_buffer_unref(gst_harness_pull(d.h));
    fail_unless_equals_uint64(decoded_mask(d.h), c.mask);
    gst_harness_teardown(enc);
  }
  // Without the field (older writers): the defaults, unpositioned above 8.
  for (uint32_t channels : {1u, 2u, 3u, 6u, 8u, 10u}) {
    Decode d;
    Block b = make_block(SampleFormat::S16, 48000, channels, 4, 0, 9);
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(line_of(b))), GST_FLOW_OK);
    gst_buffer_unref(gst_harness_pull(d.h));
    const uint64_t want = channels == 1 ? json::kNone : gst_audio_channel_get_fallback_mask(int(channels));
    fail_unless_equals_uint64(decoded_mask(d.h), want);
  }
}
GST_END_TEST;

// 5.1 decoded from JSON can be downmixed by audioconvert.
GST_START_TEST(test_decoded_surround_downmixes) {
  GstHarness *h =
      gst_harness_new_parse("jsonbridge mode=decode ! audioconvert ! capsfilter caps=audio/x-raw,channels=2");
  gst_harness_set_src_caps_str(h, "application/x-json");
  Block b = make_block(SampleFormat::S16, 48000, 6, 100, 0, 3);
  GstBuffer *out = push_and_pull(h, text_buffer(line_of(b)));
  fail_unless_equals_int(gst_buffer_get_size(out), 100 * 2 * 2);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}
GST_END_TEST;

// A buffer whose text would pass max-line-length becomes several objects,
// each one the decoder takes, with timestamps from sample counts.
GST_START_TEST(test_encode_splits_long_buffers) {
  GstHarness *enc = bridge_for("jsonbridge mode=encode max-line-length=4096", SampleFormat::F32, 44100, 2);
  Block b = make_block(SampleFormat::F32, 44100, 2, 5000, GST_SECOND, 8);
  b.header.duration = 113378685;  // not what 5000 frames at 44.1 kHz round to: the last piece ends there
  GstBuffer *in = gst_buffer_new_memdup(b.samples.data(), b.samples.size());
  GST_BUFFER_PTS(in) = b.header.pts;
  GST_BUFFER_DURATION(in) = b.header.duration;
  GST_BUFFER_OFFSET(in) = b.header.offset;
  GST_BUFFER_FLAG_SET(in, GST_BUFFER_FLAG_DISCONT);
  fail_unless_equals_int(gst_harness_push(enc, in), GST_FLOW_OK);
  fail_unless(gst_harness_buffers_in_queue(enc) > 1);
  json::Decoder dec;
  dec.set_max_line_length(4096);
  std::vector<uint8_t> all;
  uint64_t frames = 0;
  bool first = true;
  while (GstBuffer *line = gst_harness_try_pull(enc)) {
    const std::vector<uint8_t> text = bytes_of(line);
    fail_unless(text.size() <= 4096 && text.back() == '\n');
    json::BlockHeader h;
    std::vector<uint8_t> samples;
    json::DecodeError err;
    fail_unless(dec.decode(std::string_view(reinterpret_cast<const char *>(text.data()), text.size()), h, samples,
                           err),
                "%s", err.message.c_str());
    fail_unless_equals_uint64(h.pts, GST_SECOND + gst_util_uint64_scale_int(frames, GST_SECOND, 44100));
    fail_unless_equals_uint64(GST_BUFFER_PTS(line), h.pts);
    fail_unless_equals_uint64(h.offset, b.header.offset + frames);
    fail_unless(h.discont == first);
    first = false;
    frames += samples.size() / 8;
    const uint64_t end = frames == 5000 ? GST_SECOND + b.header.duration
                                        : GST_SECOND + gst_util_uint64_scale_int(frames, GST_SECOND, 44100);
    fail_unless_equals_uint64(h.pts + h.duration, end);
    all.insert(all.end(), samples.begin(), samples.end());
    gst_buffer_unref(line);
  }
  fail_unless(all == b.samples);
  gst_harness_teardown(enc);
}
GST_END_TEST;

// With the defaults, the encoder never writes a line the decoder refuses:
// 2.4M F32 samples whose text is the longest an F32 takes (36 MB in one line).
GST_START_TEST(test_default_limits_agree) {
  GstHarness *enc = bridge_for("jsonbridge mode=encode", SampleFormat::F32, 48000, 1);
  const std::vector<float> samples(2400000, -1.17549435e-38f);
  GstBuffer *in = gst_buffer_new_memdup(samples.data(), samples.size() * 4);
  GST_BUFFER_PTS(in) = 0;
  fail_unless_equals_int(gst_harness_push(enc, in), GST_FLOW_OK);
  Decode d;
  size_t decoded = 0;
  while (GstBuffer *line = gst_harness_try_pull(enc)) {
    fail_unless_equals_int(gst_harness_push(d.h, line), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(d.h);
    decoded += gst_buffer_get_size(out);
    gst_buffer_unref(out);
  }
  fail_unless_equals_uint64(decoded, samples.size() * 4);
  const std::string warning = d.message(GST_MESSAGE_WARNING);  // outlives the check's pointer into it
  fail_unless_equals_string(warning.c_str(), "");
  gst_harness_teardown(enc);
}
GST_END_TEST;

GST_START_TEST(test_encode_writes_one_line_per_buffer) {
  GstHarness *h = bridge_for("jsonbridge mode=encode", SampleFormat::S16, 16000, 1);
  const int16_t s[] = {-32768, 0, 32767};
  GstBuffer *in = gst_buffer_new_memdup(s, sizeof s);
  GST_BUFFER_PTS(in) = 40 * GST_MSECOND;
  GST_BUFFER_DURATION(in) = 3 * GST_SECOND / 16000;
  GST_BUFFER_OFFSET(in) = 640;
  GST_BUFFER_FLAG_SET(in, GST_BUFFER_FLAG_DISCONT);
  GstBuffer *out = push_and_pull(h, in);
  auto v = bytes_of(out);
  const std::string text(v.begin(), v.end());
  fail_unless_equals_string(text.c_str(),
                            "{\"version\":1,\"format\":\"S16LE\",\"rate\":16000,\"channels\":1,\"layout\":"
                            "\"interleaved\",\"pts\":40000000,\"duration\":187500,\"offset\":640,\"discont\":true,"
                            "\"gap\":false,\"samples\":[-32768,0,32767]}\n");
  fail_unless_equals_uint64(GST_BUFFER_PTS(out), 40 * GST_MSECOND);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET(out), 0);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET_END(out), text.size());
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  fail_unless(gst_structure_has_name(gst_caps_get_structure(caps, 0), "application/x-json"));
  gst_caps_unref(caps);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Every format, through roundtrip: same caps out, same bytes, same timestamps.
GST_START_TEST(test_roundtrip_every_format_exact) {
  for (SampleFormat f : fastaudio::kAllSampleFormats) {
    GstHarness *h = gst_harness_new("jsonbridge");
    const std::string caps = audio_caps(f, 44100, 2);
    gst_harness_set_src_caps_str(h, caps.c_str());
    for (int i = 0; i < 3; i++) {
      Block b = make_block(f, 44100, 2, 441 + i, GST_SECOND * i, 100 + i);
      GstBuffer *in = gst_buffer_new_memdup(b.samples.data(), b.samples.size());
      GST_BUFFER_PTS(in) = b.header.pts;
      GST_BUFFER_DURATION(in) = b.header.duration;
      GST_BUFFER_OFFSET(in) = b.header.offset;
      if (i == 1) GST_BUFFER_FLAG_SET(in, GST_BUFFER_FLAG_GAP);
      GstBuffer *out = push_and_pull(h, in);
      check_buffer_matches(out, b, gst_name(f));
      fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP) == (i == 1));
      gst_buffer_unref(out);
    }
    GstCaps *in_caps = gst_pad_get_current_caps(h->srcpad);
    GstCaps *out_caps = gst_pad_get_current_caps(h->sinkpad);
    fail_unless(gst_caps_is_equal(in_caps, out_caps), "%s: caps differ across roundtrip", gst_name(f));
    gst_caps_unref(in_caps);
    gst_caps_unref(out_caps);
    gst_harness_teardown(h);
  }
}
GST_END_TEST;

// The same stream cut at random places (1-byte pieces included) decodes to
// the same buffers.
GST_START_TEST(test_decode_any_chunking) {
  std::vector<Block> blocks;
  std::string stream;
  for (int i = 0; i < 12; i++) {
    blocks.push_back(make_block(SampleFormat::F32, 48000, 2, 17 + i * 13, 20 * GST_MSECOND * i, i));
    stream += line_of(blocks.back());
  }
  std::mt19937 rng(5);
  for (int trial = 0; trial < 6; trial++) {
    Decode d;
    size_t pos = 0;
    while (pos < stream.size()) {
      const size_t n = trial == 0 ? 1 : trial == 1 ? stream.size() : 1 + rng() % (trial * 300);
      const size_t take = std::min(n, stream.size() - pos);
      fail_unless_equals_int(gst_harness_push(d.h, text_buffer(stream.substr(pos, take))), GST_FLOW_OK);
      pos += take;
    }
    fail_unless(gst_harness_push_event(d.h, gst_event_new_eos()));
    fail_unless_equals_int(gst_harness_buffers_received(d.h), blocks.size());
    for (const Block &b : blocks) {
      GstBuffer *out = gst_harness_pull(d.h);
      check_buffer_matches(out, b, "chunked decode");
      gst_buffer_unref(out);
    }
    {
      const std::string error = d.message(GST_MESSAGE_ERROR);
      fail_unless(error.empty(), "%s", error.c_str());
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_decode_caps_follow_objects) {
  Decode d;
  const Block blocks[] = {
      make_block(SampleFormat::S16, 16000, 1, 160, 0, 1),
      make_block(SampleFormat::S16, 16000, 1, 160, 10 * GST_MSECOND, 2),
      make_block(SampleFormat::F32, 48000, 2, 480, 20 * GST_MSECOND, 3),
      make_block(SampleFormat::S24, 8000, 6, 80, 30 * GST_MSECOND, 4),
  };
  int caps_events = 0;
  for (const Block &b : blocks) {
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(line_of(b))), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(d.h);
    check_buffer_matches(out, b, "caps change");
    gst_buffer_unref(out);
    GstCaps *caps = gst_pad_get_current_caps(d.h->sinkpad);
    GstAudioInfo info;
    fail_unless(gst_audio_info_from_caps(&info, caps));
    fail_unless_equals_string(GST_AUDIO_INFO_NAME(&info), gst_name(b.header.format));
    fail_unless_equals_int(GST_AUDIO_INFO_RATE(&info), int(b.header.rate));
    fail_unless_equals_int(GST_AUDIO_INFO_CHANNELS(&info), int(b.header.channels));
    gst_caps_unref(caps);
  }
  while (GstEvent *e = gst_harness_try_pull_event(d.h)) {
    if (GST_EVENT_TYPE(e) == GST_EVENT_CAPS) caps_events++;
    if (GST_EVENT_TYPE(e) == GST_EVENT_SEGMENT) {
      const GstSegment *seg;
      gst_event_parse_segment(e, &seg);
      fail_unless_equals_int(seg->format, GST_FORMAT_TIME);
    }
    gst_event_unref(e);
  }
  fail_unless_equals_int(caps_events, 3);  // one per distinct format, none for the repeat
}
GST_END_TEST;

GST_START_TEST(test_decode_flags_and_blank_lines) {
  Decode d;
  Block a = make_block(SampleFormat::S8, 8000, 1, 8, json::kNone, 1);
  a.header.duration = json::kNone;
  a.header.offset = json::kNone;
  a.header.discont = true;
  Block b = make_block(SampleFormat::S8, 8000, 1, 8, GST_SECOND, 2);
  b.header.gap = true;
  const std::string text = line_of(a) + "\n  \r\n" + line_of(b);
  fail_unless_equals_int(gst_harness_push(d.h, text_buffer(text)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull(d.h);
  fail_unless(!GST_BUFFER_PTS_IS_VALID(out) && !GST_BUFFER_DURATION_IS_VALID(out));
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  fail_unless_equals_uint64(GST_BUFFER_OFFSET(out), GST_BUFFER_OFFSET_NONE);
  gst_buffer_unref(out);
  out = gst_harness_pull(d.h);
  fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_GAP));
  fail_unless(!GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  fail_unless_equals_uint64(GST_BUFFER_OFFSET_END(out), GST_BUFFER_OFFSET(out) + 8);
  gst_buffer_unref(out);
}
GST_END_TEST;

struct Bad {
  std::string line;
  std::string problem;  // expected in the message after "byte N: "
  size_t offset;        // byte of the problem within the line
};

static std::vector<Bad> bad_lines() {
  const std::string head = "{\"version\":1,\"format\":\"S16LE\",\"rate\":8000,\"channels\":2,\"samples\":";
  return {
      {head + "[1,2,3]}", "samples has 3 values, not a multiple of channels (2)", head.size()},
      {head + "[1,2.5]}", "samples[1]: 2.5 is not an integer", head.size() + 3},
      {head + "[1,99999]}", "samples[1]: 99999 is out of range", head.size() + 3},
      {head + "[1,\"a\"]}", "samples[1]: expected a number, got a string", head.size() + 3},
      {head + "[1,,2]}", "samples[1]: malformed JSON: expected a value, got ,", head.size() + 3},
      {"{\"version\":1,\"format\":\"S16BE\",\"rate\":8000,\"channels\":2,\"samples\":[]}", "unknown format \"S16BE\"",
       22},
      {"{\"version\":1,\"format\":\"S16LE\",\"channels\":2,\"samples\":[]}", "missing field \"rate\"", 0},
      {"{\"version\":1,\"format\":\"S16LE\",\"rate\":true,\"channels\":2,\"samples\":[]}",
       "field \"rate\" must be an integer", 37},
      {"not json at all", "expected a JSON object, got not json at all", 0},
  };
}

GST_START_TEST(test_bad_input_fails_naming_line_and_byte) {
  const Block good = make_block(SampleFormat::S16, 8000, 2, 4, 0, 9);
  const std::string good_line = line_of(good);
  for (const Bad &bad : bad_lines()) {
    Decode d;
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(good_line)), GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(bad.line + "\n")), GST_FLOW_ERROR);
    const std::string msg = d.message(GST_MESSAGE_ERROR);
    std::string want = "jsonbridge cannot decode the JSON stream: line 2, byte ";
    if (bad.offset != size_t(-1)) want += std::to_string(good_line.size() + bad.offset) + ": " + bad.problem;
    fail_unless(msg.rfind(want.substr(0, want.find("byte ")), 0) == 0 && msg.find(bad.problem) != std::string::npos &&
                    (bad.offset == size_t(-1) || msg == want || msg.rfind(want, 0) == 0),
                "got: %s\nwant: %s", msg.c_str(), want.c_str());
    fail_unless_equals_int(gst_harness_buffers_received(d.h), 1);
  }
}
GST_END_TEST;

GST_START_TEST(test_bad_input_skipped_good_objects_survive) {
  const Block before = make_block(SampleFormat::S16, 8000, 2, 4, 0, 1);
  const Block after = make_block(SampleFormat::S16, 8000, 2, 4, GST_MSECOND, 2);
  for (const Bad &bad : bad_lines()) {
    Decode d("jsonbridge mode=decode on-error=skip");
    const std::string text = line_of(before) + bad.line + "\n" + line_of(after);
    // Odd-sized pieces: the bad object straddles buffers.
    for (size_t pos = 0; pos < text.size(); pos += 5)
      fail_unless_equals_int(gst_harness_push(d.h, text_buffer(text.substr(pos, 5))), GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_buffers_received(d.h), 2);
    GstBuffer *out = gst_harness_pull(d.h);
    check_buffer_matches(out, before, "before the bad object");
    gst_buffer_unref(out);
    out = gst_harness_pull(d.h);
    check_buffer_matches(out, after, "after the bad object");
    fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT), "the hole is marked DISCONT");
    gst_buffer_unref(out);
    const std::string warning = d.message(GST_MESSAGE_WARNING);
    fail_unless(warning.find("line 2, byte ") != std::string::npos && warning.find(bad.problem) != std::string::npos,
                "warning: %s", warning.c_str());
    const std::string error = d.message(GST_MESSAGE_ERROR);
    fail_unless(error.empty(), "%s: %s", bad.line.c_str(), error.c_str());
  }
}
GST_END_TEST;

GST_START_TEST(test_truncated_stream_at_eos) {
  const Block b = make_block(SampleFormat::F32, 8000, 1, 10, 0, 3);
  const std::string whole = line_of(b);
  {
    Decode d;
    const std::string text = whole + whole.substr(0, 50);
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(text)), GST_FLOW_OK);
    gst_harness_push_event(d.h, gst_event_new_eos());
    const std::string msg = d.message(GST_MESSAGE_ERROR);
    const std::string want = "jsonbridge cannot decode the JSON stream: stream ended inside line 2, byte " +
                             std::to_string(text.size()) + ": the object is not closed";
    fail_unless(msg.rfind(want, 0) == 0, "got: %s\nwant: %s", msg.c_str(), want.c_str());
    fail_unless_equals_int(gst_harness_buffers_received(d.h), 1);
  }
  {
    // A last object without its newline is whole: accepted.
    Decode d;
    const std::string text = whole + whole.substr(0, whole.size() - 1);
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(text)), GST_FLOW_OK);
    gst_harness_push_event(d.h, gst_event_new_eos());
    {
      const std::string error = d.message(GST_MESSAGE_ERROR);
      fail_unless(error.empty(), "%s", error.c_str());
    }
    fail_unless_equals_int(gst_harness_buffers_received(d.h), 2);
  }
}
GST_END_TEST;

// An endless line is refused once it passes the limit, not buffered whole.
GST_START_TEST(test_line_too_long_is_bounded) {
  const std::string chunk(64, ' ');
  {
    Decode d("jsonbridge mode=decode max-line-length=1000");
    GstFlowReturn ret = GST_FLOW_OK;
    int pushed = 0;
    while (ret == GST_FLOW_OK && pushed < 1000) ret = gst_harness_push(d.h, text_buffer(chunk)), pushed++;
    fail_unless_equals_int(ret, GST_FLOW_ERROR);
    fail_unless_equals_int(pushed, 16);  // 1024 bytes > 1000
    const std::string msg = d.message(GST_MESSAGE_ERROR);
    fail_unless(msg.find("line 1, byte 1000: the line is longer than max-line-length (1000 bytes)") !=
                    std::string::npos,
                "%s", msg.c_str());
  }
  {
    Decode d("jsonbridge mode=decode max-line-length=1000 on-error=skip");
    const Block b = make_block(SampleFormat::S16, 8000, 1, 4, 0, 3);
    for (int i = 0; i < 100; i++) fail_unless_equals_int(gst_harness_push(d.h, text_buffer(chunk)), GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer("x\n" + line_of(b))), GST_FLOW_OK);
    // A whole over-long line in one buffer is refused too.
    fail_unless_equals_int(gst_harness_push(d.h, text_buffer(std::string(2000, ' ') + "\n" + line_of(b))),
                           GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_buffers_received(d.h), 2);
    GstBuffer *out = gst_harness_pull(d.h);
    check_buffer_matches(out, b, "after the long line");
    gst_buffer_unref(out);
    const std::string w = d.message(GST_MESSAGE_WARNING);
    fail_unless(w.find("line 1, byte 1000:") != std::string::npos, "%s", w.c_str());
    const std::string w2 = d.message(GST_MESSAGE_WARNING);
    fail_unless(w2.find("line 3, byte ") != std::string::npos, "%s", w2.c_str());
  }
}
GST_END_TEST;

// A decoder that connects mid-stream starts inside a line: with
// on-error=skip it drops that partial object and joins at the next one.
GST_START_TEST(test_decode_joins_mid_stream) {
  std::vector<Block> blocks;
  std::string stream;
  for (int i = 0; i < 5; i++) {
    blocks.push_back(make_block(SampleFormat::S32, 8000, 2, 50, i * GST_SECOND, 70 + i));
    stream += line_of(blocks.back());
  }
  const size_t cut = stream.size() / 2;  // inside the third object
  const size_t next = stream.find('\n', cut) + 1;
  Decode d("jsonbridge mode=decode on-error=skip");
  fail_unless_equals_int(gst_harness_push(d.h, text_buffer(stream.substr(cut))), GST_FLOW_OK);
  const size_t joined = blocks.size() - std::count(stream.begin() + next, stream.end(), '\n');
  fail_unless_equals_int(gst_harness_buffers_received(d.h), blocks.size() - joined);
  for (size_t i = joined; i < blocks.size(); i++) {
    GstBuffer *out = gst_harness_pull(d.h);
    check_buffer_matches(out, blocks[i], "after joining");
    fail_unless(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT) == (i == joined));
    gst_buffer_unref(out);
  }
  const std::string w = d.message(GST_MESSAGE_WARNING);
  fail_unless(w.find("line 1, byte 0: expected a JSON object") != std::string::npos, "%s", w.c_str());
}
GST_END_TEST;

// roundtrip writes the decoded samples over its input only when it owns
// it: a buffer someone else still holds stays as it was (NaN payloads are
// the visible difference: they come back as the plain quiet NaN).
GST_START_TEST(test_roundtrip_leaves_shared_input_alone) {
  GstHarness *h = gst_harness_new("jsonbridge");
  gst_harness_set_src_caps_str(h, audio_caps(SampleFormat::F32, 48000, 1).c_str());
  const uint32_t nan_with_payload = 0xffc01234u;
  const float values[] = {0.5f, -0.25f};
  std::vector<uint8_t> in(12);
  std::memcpy(in.data(), values, 8);
  std::memcpy(in.data() + 8, &nan_with_payload, 4);
  GstBuffer *held = gst_buffer_new_memdup(in.data(), in.size());
  GstBuffer *out = push_and_pull(h, gst_buffer_ref(held));
  fail_unless(bytes_of(held) == in, "the held input buffer was modified");
  auto o = bytes_of(out);
  uint32_t bits;
  std::memcpy(&bits, o.data() + 8, 4);
  fail_unless_equals_int(bits, 0x7fc00000);
  fail_unless(std::memcmp(o.data(), values, 8) == 0);
  gst_buffer_unref(out);
  gst_buffer_unref(held);
  gst_harness_teardown(h);
}
GST_END_TEST;

// roundtrip is not bound by max-line-length: it decodes its own text.
GST_START_TEST(test_roundtrip_large_buffer) {
  GstHarness *h = bridge_for("jsonbridge max-line-length=1000", SampleFormat::F64, 48000, 1);
  Block b = make_block(SampleFormat::F64, 48000, 1, 4800, 0, 5);
  GstBuffer *out = push_and_pull(h, gst_buffer_new_memdup(b.samples.data(), b.samples.size()));
  fail_unless(bytes_of(out) == b.samples);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_encode_then_decode_is_lossless) {
  GstHarness *enc = bridge_for("jsonbridge mode=encode", SampleFormat::F64, 22050, 3);
  Decode d;
  std::vector<Block> blocks;
  for (int i = 0; i < 4; i++) {
    blocks.push_back(make_block(SampleFormat::F64, 22050, 3, 100, i * GST_SECOND, 40 + i));
    GstBuffer *in = gst_buffer_new_memdup(blocks.back().samples.data(), blocks.back().samples.size());
    GST_BUFFER_PTS(in) = blocks.back().header.pts;
    GST_BUFFER_DURATION(in) = blocks.back().header.duration;
    GST_BUFFER_OFFSET(in) = blocks.back().header.offset;
    fail_unless_equals_int(gst_harness_push(enc, in), GST_FLOW_OK);
    fail_unless_equals_int(gst_harness_push(d.h, gst_harness_pull(enc)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(d.h);
    check_buffer_matches(out, blocks.back(), "encode ! decode");
    gst_buffer_unref(out);
  }
  gst_harness_teardown(enc);
}
GST_END_TEST;

GST_START_TEST(test_encode_refuses_partial_frames) {
  GstHarness *h = bridge_for("jsonbridge mode=encode", SampleFormat::S16, 8000, 2);
  const uint8_t three[3] = {1, 2, 3};
  fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_memdup(three, 3)), GST_FLOW_ERROR);
  gst_harness_teardown(h);
}
GST_END_TEST;

static Suite *jsonbridge_suite() {
  Suite *s = suite_create("jsonbridge");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_encode_writes_one_line_per_buffer);
  tcase_add_test(tc, test_roundtrip_every_format_exact);
  tcase_add_test(tc, test_decode_any_chunking);
  tcase_add_test(tc, test_decode_caps_follow_objects);
  tcase_add_test(tc, test_decode_flags_and_blank_lines);
  tcase_add_test(tc, test_bad_input_fails_naming_line_and_byte);
  tcase_add_test(tc, test_bad_input_skipped_good_objects_survive);
  tcase_add_test(tc, test_truncated_stream_at_eos);
  tcase_add_test(tc, test_line_too_long_is_bounded);
  tcase_add_test(tc, test_decode_joins_mid_stream);
  tcase_add_test(tc, test_roundtrip_large_buffer);
  tcase_add_test(tc, test_roundtrip_leaves_shared_input_alone);
  tcase_add_test(tc, test_encode_then_decode_is_lossless);
  tcase_add_test(tc, test_encode_refuses_partial_frames);
  tcase_add_test(tc, test_channel_positions);
  tcase_add_test(tc, test_decoded_surround_downmixes);
  tcase_add_test(tc, test_encode_splits_long_buffers);
  tcase_add_test(tc, test_default_limits_agree);
  return s;
}

GST_CHECK_MAIN(jsonbridge);
