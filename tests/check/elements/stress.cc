// SPDX-License-Identifier: LGPL-2.1-or-later
// Stress tests, table-driven over elements: random buffer sizes (1..65536
// frames), random DISCONT and GAP, flushing seeks while streaming, caps
// renegotiation mid-stream, PLAYING -> READY -> PLAYING between buffers and
// property changes from other threads. Every scenario checks its output
// against the element run unstressed on the same input (one buffer, then
// EOS): sample counts, exact timestamps and the samples themselves.
//
// Add an element by adding rows to kCases. FASTAUDIO_STRESS_SECONDS sets the
// time budget of the whole suite (default 8 s; raise it for a soak).
#include <atomic>

#include "harness_util.h"

using namespace harness_util;

namespace {

struct StressCase {
  const char *element;  // gst_parse_launch description of the element under test
  AudioFormat in;
  AudioFormat out;  // what downstream requires; rate 0 follows the input, format nullptr format and channels
  // Input caps switched to mid-stream, in turn (downstream stays `out`).
  std::vector<AudioFormat> renegotiate;
  // One output buffer per input buffer, same timing and flags (no internal
  // delay): lets the test check flags and timestamps buffer by buffer and
  // expect complete output before EOS.
  bool one_output_per_input;
  // DISCONT drains and resets the element (a resampler): the stream is
  // checked as separate runs split at each DISCONT.
  bool discont_resets;
  const char *property;  // set from two threads (values[0] / values[1]) while streaming
  const char *values[2];
  double property_tolerance;  // max |output - unstressed output|, output units, while it toggles
  // max |output - unstressed output| in every scenario: 0 (bit-exact)
  // unless the element's arithmetic depends on where buffers split.
  double chunking_tolerance = 0;
};

const StressCase kCases[] = {
    {"fastconvert dithering=none", {"S16LE", 2, 48000}, {"F32LE", 1, 0},
     {{"F32LE", 2, 48000}, {"S32LE", 1, 44100}, {"U8", 6, 8000}, {"S16LE", 2, 16000}},
     true, false, "dithering", {"none", "tpdf"}, 0},
    {"fastconvert dithering=none", {"F32LE", 2, 48000}, {"S16LE", 2, 0},
     {{"F64LE", 2, 48000}, {"S16LE", 1, 22050}, {"F32LE", 1, 96000}},
     true, false, "dithering", {"none", "tpdf"}, 1},
    {"fastconvert dithering=none", {"F32LE", 1, 16000}, {"S32LE", 1, 0},  // in place
     {{"S24LE", 1, 16000}, {"F64LE", 1, 8000}},
     true, false, "dithering", {"tpdf", "none"}, 1},
    {"fastconvert dithering=none", {"S24LE", 1, 44100}, {"F64LE", 6, 0},  // mono -> 6
     {{"S8", 6, 44100}, {"F32LE", 1, 48000}},
     true, false, "dithering", {"none", "tpdf"}, 0},
    {"fastconvert dithering=none", {"U8", 6, 8000}, {"S16LE", 1, 0},  // 6 -> mono
     {{"S24_32LE", 2, 8000}, {"F32LE", 6, 32000}},
     true, false, "dithering", {"none", "tpdf"}, 1},
    {"fastconvert dithering=none", {"F64LE", 2, 48000}, {"F64LE", 2, 0},  // passthrough
     {{"S16LE", 2, 48000}, {"F64LE", 1, 11025}},
     true, false, nullptr, {}, 0},
    // fastresample: not bit-exact across chunkings (F32 output differs from
    // the one-buffer run by an ULP now and then, S16 by 1 LSB after
    // rounding), hence chunking_tolerance. Delay; drains and resets at DISCONT; downstream rate
    // fixed, so renegotiation changes the input rate (it never converts
    // formats). Quality toggled from threads: the filter changes, the stream
    // stays continuous (counts and timestamps exact), samples stay within a
    // white-noise signal's range of the unstressed run.
    {"fastresample", {"F32LE", 2, 48000}, {"F32LE", 2, 16000},
     {{"F32LE", 2, 44100}, {"F32LE", 2, 8000}, {"F32LE", 2, 96000}, {"F32LE", 2, 16000}},
     false, true, "quality", {"fast", "very-high"}, 2.0, 1e-6},
    {"fastresample", {"S16LE", 1, 44100}, {"S16LE", 1, 16000},
     {{"S16LE", 1, 22050}, {"S16LE", 1, 768000}, {"S16LE", 1, 11025}},
     false, true, "quality", {"high", "fast"}, 65536, 1},
    // rmsvad: analysis only, the audio leaves untouched whatever the
    // thresholds (tolerance 0); format, channels and rate all follow input.
    {"rmsvad", {"S16LE", 1, 16000}, {nullptr, 0, 0},
     {{"F32LE", 1, 16000}, {"S16LE", 2, 48000}, {"F64LE", 6, 8000}, {"S32LE", 1, 44100}},
     true, false, "start-threshold", {"8", "20"}, 0},
    // jsonbridge roundtrip: bytes out equal bytes in.
    {"jsonbridge", {"S16LE", 2, 48000}, {nullptr, 0, 0},
     {{"F32LE", 2, 48000}, {"S24LE", 1, 44100}, {"U8", 6, 8000}, {"F64LE", 1, 16000}},
     true, false, nullptr, {}, 0},
};
constexpr int kScenarios = 6;

AudioFormat resolved_out(const StressCase &c, const AudioFormat &in) {
  AudioFormat out = c.out;
  if (out.rate == 0) out.rate = in.rate;
  if (!out.format) {
    out.format = in.format;
    out.channels = in.channels;
  }
  return out;
}

size_t frames_per_round() { return under_valgrind() ? 24000 : 400000; }

// Each (case, scenario) gets an equal share of the budget; at least one round.
double budget_per_test() {
  const double total = env_double("FASTAUDIO_STRESS_SECONDS", 8.0);
  return under_valgrind() ? 0 : total / (std::size(kCases) * kScenarios);
}

// 1..65536 frames: half uniform, half log-uniform so that tiny buffers occur.
size_t random_chunk(std::mt19937 &rng, size_t remaining) {
  size_t n;
  if (rng() & 1) {
    n = std::uniform_int_distribution<size_t>(1, 65536)(rng);
  } else {
    n = size_t(std::exp(std::uniform_real_distribution<double>(0, std::log(65536.0))(rng)));
  }
  return std::clamp<size_t>(n, 1, remaining);
}

struct Sent {
  GstClockTime pts, duration;
  size_t frames;
  bool discont, gap;
};

// A stretch of stream the element sees without reset (no flush, no state or
// caps change): its output must equal the unstressed run of its input.
struct Run {
  AudioFormat in, out;
  GstClockTime start;  // PTS of its first frame
  std::vector<uint8_t> input;  // as the element should treat it (GAP buffers as silence)
  std::vector<uint8_t> output;
  std::vector<Sent> sent;
  std::vector<Sent> received;
  bool drained = false;  // ended with EOS or a caps change (the element drains there)
};

Run make_run(const AudioFormat &in, const AudioFormat &out, GstClockTime start) {
  Run run;
  run.in = in;
  run.out = out;
  run.start = start;
  return run;
}

// Output goes to the latest run that starts at or before its PTS: the
// current run, or the one before a DISCONT for what the element drains there.
void collect(GstHarness *h, std::vector<Run> &runs) {
  while (GstBuffer *o = gst_harness_try_pull(h)) {
    Run *run = &runs.back();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
      if (!GST_BUFFER_PTS_IS_VALID(o) || it->start <= GST_BUFFER_PTS(o)) {
        run = &*it;
        break;
      }
    }
    const int bpf = bytes_per_frame(run->out);
    auto b = bytes_of(o);
    fail_unless(b.size() % bpf == 0, "output of %zu bytes is not whole frames of %d", b.size(), bpf);
    run->received.push_back({GST_BUFFER_PTS(o), GST_BUFFER_DURATION(o), b.size() / bpf,
                             GST_BUFFER_FLAG_IS_SET(o, GST_BUFFER_FLAG_DISCONT),
                             GST_BUFFER_FLAG_IS_SET(o, GST_BUFFER_FLAG_GAP)});
    run->output.insert(run->output.end(), b.begin(), b.end());
    gst_buffer_unref(o);
  }
}

// Pushes `frames` frames of `signal` from frame `from` in random chunks,
// appending to runs.back() (timestamps from its start plus the frame count);
// with `split_at_discont`, a DISCONT buffer starts a new run.
void push_chunks(GstHarness *h, std::vector<Run> &runs, const std::vector<uint8_t> &signal, size_t from,
                 size_t frames, std::mt19937 &rng, bool flags, bool split_at_discont = false) {
  const int bpf = bytes_per_frame(runs.back().in);
  const GstAudioFormatInfo *finfo = gst_audio_format_get_info(gst_audio_format_from_string(runs.back().in.format));
  size_t done = 0;
  while (done < frames) {
    const size_t n = random_chunk(rng, frames - done);
    std::vector<uint8_t> chunk(signal.begin() + (from + done) * bpf, signal.begin() + (from + done + n) * bpf);
    Sent s{};
    s.frames = n;
    size_t run_frames = runs.back().input.size() / bpf;
    s.pts = runs.back().start + frames_to_time(run_frames, runs.back().in.rate);
    s.discont = flags && run_frames > 0 && rng() % 10 == 0;
    s.gap = flags && rng() % 10 == 0;
    if (s.discont && split_at_discont) {
      runs.back().drained = true;
      runs.push_back(make_run(runs.back().in, runs.back().out, s.pts));
      run_frames = 0;
    }
    Run &run = runs.back();
    s.duration = run.start + frames_to_time(run_frames + n, run.in.rate) - s.pts;
    GstBuffer *buf = buffer_from(chunk.data(), chunk.size());
    GST_BUFFER_PTS(buf) = s.pts;
    GST_BUFFER_DURATION(buf) = s.duration;
    if (s.discont) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
    if (s.gap) {
      GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_GAP);
      gst_audio_format_info_fill_silence(finfo, chunk.data(), chunk.size());  // what it means
    }
    fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_OK);
    run.input.insert(run.input.end(), chunk.begin(), chunk.end());
    run.sent.push_back(s);
    done += n;
    collect(h, runs);
  }
}

void compare_samples(const std::vector<uint8_t> &got, const std::vector<uint8_t> &want, const AudioFormat &out,
                     double tolerance, const char *what) {
  const GstAudioFormat f = gst_audio_format_from_string(out.format);
  if (tolerance == 0) {
    if (got == want) return;
    const int width = bytes_per_frame(out) / out.channels;
    for (size_t i = 0; i * width < got.size(); i++) {
      if (std::memcmp(&got[i * width], &want[i * width], width) != 0)
        fail("%s: sample %zu is %g, unstressed run gives %g", what, i, sample_at(got, f, i), sample_at(want, f, i));
    }
    return;
  }
  const size_t n = got.size() / (bytes_per_frame(out) / out.channels);
  for (size_t i = 0; i < n; i++) {
    const double d = std::fabs(sample_at(got, f, i) - sample_at(want, f, i));
    fail_unless(d <= tolerance, "%s: sample %zu is %g, unstressed run gives %g (allowed %g)", what, i,
                sample_at(got, f, i), sample_at(want, f, i), tolerance);
  }
}

void check_run(const StressCase &c, const Run &run, const char *scenario, uint32_t seed, double tolerance = 0) {
  gchar *what = g_strdup_printf("%s %s, %s/%d@%d -> %s/%d, seed %u", scenario, c.element, run.in.format,
                                run.in.channels, run.in.rate, run.out.format, run.out.channels, seed);
  const auto want = reference_run(c.element, run.in, run.out, run.input);
  tolerance = std::max(tolerance, c.chunking_tolerance);
  const int out_bpf = bytes_per_frame(run.out);
  const size_t in_frames = run.input.size() / bytes_per_frame(run.in);

  // Sample counts: everything in comes out (or, before a reset, a prefix).
  if (c.one_output_per_input || run.drained) {
    fail_unless(run.output.size() == want.size(), "%s: %zu frames out, unstressed run gives %zu (%zu in)", what,
                run.output.size() / out_bpf, want.size() / out_bpf, in_frames);
  } else {
    fail_unless(run.output.size() <= want.size(), "%s: more output than the unstressed run", what);
  }
  std::vector<uint8_t> want_prefix(want.begin(), want.begin() + std::min(want.size(), run.output.size()));
  // A buffer still flagged GAP may carry any bytes (passthrough forwards
  // them, as fastresample does at equal rates): its flag is checked below,
  // its content is not.
  std::vector<uint8_t> got = run.output;
  size_t offset = 0;
  for (const Sent &r : run.received) {
    const size_t bytes = r.frames * out_bpf;
    if (r.gap) std::copy_n(want_prefix.begin() + offset, std::min(bytes, want_prefix.size() - offset),
                           got.begin() + offset);
    offset += bytes;
  }
  compare_samples(got, want_prefix, run.out, tolerance, what);

  // Timestamps from sample counts: exact, and each buffer ends where the next starts.
  size_t frames = 0;
  for (size_t i = 0; i < run.received.size(); i++) {
    const Sent &r = run.received[i];
    const GstClockTime expect = run.start + frames_to_time(frames, run.out.rate);
    fail_unless(r.pts == expect, "%s: buffer %zu has PTS %" GST_TIME_FORMAT ", %zu frames in gives %" GST_TIME_FORMAT,
                what, i, GST_TIME_ARGS(r.pts), frames, GST_TIME_ARGS(expect));
    frames += r.frames;
    fail_unless(r.pts + r.duration == run.start + frames_to_time(frames, run.out.rate),
                "%s: buffer %zu duration %" GST_TIME_FORMAT " leaves a hole or overlap", what, i,
                GST_TIME_ARGS(r.duration));
  }
  if (c.one_output_per_input) {
    fail_unless_equals_int(run.received.size(), run.sent.size());
    for (size_t i = 0; i < run.sent.size(); i++) {
      fail_unless(run.received[i].frames == run.sent[i].frames, "%s: buffer %zu size changed", what, i);
      fail_unless(run.received[i].discont == run.sent[i].discont, "%s: buffer %zu DISCONT flag lost/added", what, i);
      fail_unless(run.received[i].gap == run.sent[i].gap, "%s: buffer %zu GAP flag lost/added", what, i);
    }
  }
  g_free(what);
}

GstHarness *start(const StressCase &c, const AudioFormat &in) {
  GstHarness *h = gst_harness_new_parse(c.element);
  fail_unless(h != nullptr);
  gst_harness_set_sink_caps_str(h, c.out.format ? caps_str(c.out).c_str() : "audio/x-raw");
  gst_harness_set_src_caps_str(h, caps_str(in).c_str());
  return h;
}

void push_eos(GstHarness *h, std::vector<Run> &runs) {
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  collect(h, runs);
  runs.back().drained = true;
}

// gst_harness_new_parse() wraps the element in a bin: find the child that
// has the property (a ref).
GObject *object_with_property(GstElement *element, const char *property) {
  if (!GST_IS_BIN(element)) {
    return g_object_class_find_property(G_OBJECT_GET_CLASS(element), property) ? G_OBJECT(gst_object_ref(element))
                                                                               : nullptr;
  }
  GObject *found = nullptr;
  GstIterator *it = gst_bin_iterate_recurse(GST_BIN(element));
  GValue item = G_VALUE_INIT;
  while (!found && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    GObject *child = G_OBJECT(g_value_get_object(&item));
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(child), property)) found = G_OBJECT(gst_object_ref(child));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  return found;
}

struct PropertySetter {
  GObject *target;
  const char *name;
  GValue value = G_VALUE_INIT;
  std::atomic<int> calls{0};
};

void set_property_cb(gpointer, gpointer data) {
  auto setter = static_cast<PropertySetter *>(data);
  g_object_set_property(setter->target, setter->name, &setter->value);
  setter->calls.fetch_add(1, std::memory_order_relaxed);
}

// Calls round(seed) with seeds 1, 2, ... until the test's time budget is spent.
template <typename Body>
void rounds(Body round) {
  const auto t0 = std::chrono::steady_clock::now();
  const double budget = budget_per_test();
  uint32_t seed = 1;
  do {
    round(seed++);
  } while (seconds_since(t0) < budget);
}

// What a stress round of case `c` starts with: the seed's generator, a random
// input of frames_per_round() frames in the case's input format, the element
// in a harness. finish() sends EOS and checks every run against an
// unstressed one.
struct Round {
  Round(const StressCase &c, uint32_t seed) : c(c), seed(seed), rng(seed) {}
  const StressCase &c;
  const uint32_t seed;
  std::mt19937 rng;
  const size_t frames = frames_per_round();
  const std::vector<uint8_t> signal = random_signal(c.in.format, frames * c.in.channels, seed);
  GstHarness *const h = start(c, c.in);
  std::vector<Run> runs;

  void finish(const char *scenario, double tolerance = 0) {
    push_eos(h, runs);
    gst_harness_teardown(h);
    for (const Run &run : runs) check_run(c, run, scenario, seed, tolerance);
  }
};

// Rounds of body(Round &) for case `c`.
template <typename Body>
void stress_rounds(const StressCase &c, Body body) {
  rounds([&](uint32_t seed) {
    Round r(c, seed);
    body(r);
  });
}

}  // namespace

GST_START_TEST(test_random_chunks_discont_gap) {
  const StressCase &c = kCases[__i__];
  stress_rounds(c, [&](Round &r) {
    r.runs.push_back(make_run(c.in, resolved_out(c, c.in), 0));
    push_chunks(r.h, r.runs, r.signal, 0, r.frames, r.rng, true, c.discont_resets);
    r.finish("random chunks + DISCONT/GAP");
  });
}
GST_END_TEST;

// FLUSH_START / FLUSH_STOP / new segment at a random position while buffers
// flow; after each, output restarts at the new position, as unstressed.
GST_START_TEST(test_flushing_seeks) {
  const StressCase &c = kCases[__i__];
  stress_rounds(c, [&](Round &r) {
    const int seeks = under_valgrind() ? 3 : 8;
    for (int s = 0; s < seeks; s++) {
      const size_t pos = std::uniform_int_distribution<size_t>(0, r.frames - 1)(r.rng);
      const size_t n = std::min(r.frames - pos, std::uniform_int_distribution<size_t>(1, r.frames / 2)(r.rng));
      const AudioFormat out = resolved_out(c, c.in);
      if (s > 0) {
        fail_unless(gst_harness_push_event(r.h, gst_event_new_flush_start()));
        fail_unless(gst_harness_push_event(r.h, gst_event_new_flush_stop(TRUE)));
        collect(r.h, r.runs);
      }
      GstSegment segment;
      gst_segment_init(&segment, GST_FORMAT_TIME);
      segment.start = segment.time = segment.position = frames_to_time(pos, c.in.rate);
      fail_unless(gst_harness_push_event(r.h, gst_event_new_segment(&segment)));
      r.runs.push_back(make_run(c.in, out, segment.start));
      push_chunks(r.h, r.runs, r.signal, pos, n, r.rng, false);
    }
    r.finish("flushing seeks");
  });
}
GST_END_TEST;

// New input caps (format, channel count, rate) between buffers; downstream
// caps stay fixed except the rate, which follows.
GST_START_TEST(test_caps_renegotiation) {
  const StressCase &c = kCases[__i__];
  stress_rounds(c, [&](Round &r) {
    std::vector<AudioFormat> sequence{c.in};
    sequence.insert(sequence.end(), c.renegotiate.begin(), c.renegotiate.end());
    sequence.push_back(c.in);
    for (size_t i = 0; i < sequence.size(); i++) {
      const AudioFormat &in = sequence[i];
      if (i > 0) {
        gst_harness_set_src_caps_str(r.h, caps_str(in).c_str());  // also a new segment from 0
        collect(r.h, r.runs);
        r.runs.back().drained = true;
      }
      const size_t frames = frames_per_round() / 4;
      const auto signal = random_signal(in.format, frames * in.channels, r.seed * 100 + i);
      r.runs.push_back(make_run(in, resolved_out(c, in), 0));
      push_chunks(r.h, r.runs, signal, 0, frames, r.rng, true, c.discont_resets);
      if (!r.runs.back().received.empty()) {
        GstCaps *caps = gst_pad_get_current_caps(r.h->sinkpad);
        GstAudioInfo info;
        fail_unless(gst_audio_info_from_caps(&info, caps));
        gst_caps_unref(caps);
        fail_unless_equals_string(GST_AUDIO_INFO_NAME(&info), r.runs.back().out.format);
        fail_unless_equals_int(GST_AUDIO_INFO_CHANNELS(&info), r.runs.back().out.channels);
        fail_unless_equals_int(GST_AUDIO_INFO_RATE(&info), r.runs.back().out.rate);
      }
    }
    r.finish("caps renegotiation");
  });
}
GST_END_TEST;

// PLAYING -> READY -> PLAYING every few buffers; caps and segment are sent
// again after each, as a source restarting would.
GST_START_TEST(test_state_changes_under_load) {
  const StressCase &c = kCases[__i__];
  stress_rounds(c, [&](Round &r) {
    const int parts = under_valgrind() ? 3 : 8;
    for (int part = 0; part < parts; part++) {
      if (part > 0) {
        fail_unless_equals_int(gst_element_set_state(r.h->element, GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
        collect(r.h, r.runs);
        fail_unless_equals_int(gst_element_set_state(r.h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
        fail_unless(gst_harness_push_event(r.h, gst_event_new_stream_start("stress")));
        gst_harness_set_src_caps_str(r.h, caps_str(c.in).c_str());
      }
      r.runs.push_back(make_run(c.in, resolved_out(c, c.in), 0));
      const size_t from = r.frames * part / parts, to = r.frames * (part + 1) / parts;
      push_chunks(r.h, r.runs, r.signal, from, to - from, r.rng, false);
    }
    r.finish("state changes");
  });
}
GST_END_TEST;

// Two harness stress threads set the property to two different values as
// fast as they can while buffers flow.
GST_START_TEST(test_property_changes_from_threads) {
  const StressCase &c = kCases[__i__];
  if (!c.property) return;
  stress_rounds(c, [&](Round &r) {
    GObject *target = object_with_property(r.h->element, c.property);
    fail_unless(target != nullptr, "%s has no property %s", c.element, c.property);
    GParamSpec *pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(target), c.property);
    // Static: if a check fails while the threads run, they must not be left
    // pointing into a dead stack frame.
    static PropertySetter setters[2];
    GstHarnessThread *threads[2];
    for (int i = 0; i < 2; i++) {
      setters[i].value = G_VALUE_INIT;
      setters[i].calls = 0;
      setters[i].target = target;
      setters[i].name = c.property;
      g_value_init(&setters[i].value, pspec->value_type);
      fail_unless(gst_value_deserialize_with_pspec(&setters[i].value, c.values[i], pspec), "bad value %s", c.values[i]);
      threads[i] = gst_harness_stress_custom_start(r.h, nullptr, set_property_cb, &setters[i], 50);
    }
    r.runs.push_back(make_run(c.in, resolved_out(c, c.in), 0));
    // Both threads setting before the first buffer, however loaded the
    // machine: on a busy one a fixed sleep was not always enough.
    for (int waited_ms = 0; setters[0].calls.load() == 0 || setters[1].calls.load() == 0; waited_ms++) {
      fail_unless(waited_ms < 10000, "the property threads did not start within 10 s");
      g_usleep(1000);
    }
    push_chunks(r.h, r.runs, r.signal, 0, r.frames, r.rng, false);
    guint sets = 0;
    for (auto *t : threads) sets += gst_harness_stress_thread_stop(t);
    fail_unless(sets > 0, "the property threads never ran");
    for (auto &setter : setters) g_value_unset(&setter.value);
    gst_object_unref(target);
    r.finish("property changes from threads", c.property_tolerance);
  });
}
GST_END_TEST;

void query_caps_cb(gpointer, gpointer data) {
  auto pad = static_cast<GstPad *>(data);
  if (GstCaps *caps = gst_pad_query_caps(pad, nullptr)) gst_caps_unref(caps);
  if (GstCaps *current = gst_pad_get_current_caps(pad)) {
    gst_pad_query_accept_caps(pad, current);
    gst_caps_unref(current);
  }
}

// While buffers flow, other threads send RECONFIGURE upstream (the element
// renegotiates on its streaming thread), out-of-band custom events
// downstream, and caps and accept-caps queries to both pads; the output
// must stay exactly the unstressed one.
GST_START_TEST(test_event_and_query_storms) {
  const StressCase &c = kCases[__i__];
  stress_rounds(c, [&](Round &r) {
    GstEvent *reconfigure = gst_event_new_reconfigure();
    GstEvent *oob = gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM_OOB, gst_structure_new_empty("stress"));
    GstPad *element_pads[2] = {GST_PAD_PEER(r.h->srcpad), GST_PAD_PEER(r.h->sinkpad)};
    GstHarnessThread *threads[] = {
        gst_harness_stress_push_upstream_event_start_full(r.h, reconfigure, 200),
        gst_harness_stress_push_event_start_full(r.h, oob, 200),
        gst_harness_stress_custom_start(r.h, nullptr, query_caps_cb, element_pads[0], 200),
        gst_harness_stress_custom_start(r.h, nullptr, query_caps_cb, element_pads[1], 200),
    };
    gst_event_unref(reconfigure);
    gst_event_unref(oob);
    g_usleep(2000);
    r.runs.push_back(make_run(c.in, resolved_out(c, c.in), 0));
    push_chunks(r.h, r.runs, r.signal, 0, r.frames, r.rng, false);
    guint events = 0;
    for (auto *t : threads) events += gst_harness_stress_thread_stop(t);
    fail_unless(events > 0, "the storm threads never ran");
    r.finish("event and query storms");
  });
}
GST_END_TEST;

namespace {

// White noise at -50 dBFS plus 300 Hz bursts modulated at 4 Hz (syllables),
// F32LE mono: something rmsvad detects speech in.
std::vector<uint8_t> speechlike(unsigned rate, double seconds, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, std::pow(10.0, -50.0 / 20));
  std::uniform_real_distribution<double> gap(0.15, 1.5), length(0.1, 2.0);
  std::vector<std::pair<double, double>> bursts;
  for (double t = gap(rng); t < seconds; t += gap(rng)) {
    const double end = t + length(rng);
    bursts.emplace_back(t, end);
    t = end;
  }
  std::vector<float> v(size_t(seconds * rate));
  for (size_t i = 0; i < v.size(); i++) {
    const double t = double(i) / rate;
    double x = noise(rng);
    for (const auto &[start, end] : bursts)
      if (t >= start && t < end)
        x += 0.1 * (0.15 + 0.85 * std::fabs(std::sin(M_PI * 4 * (t - start)))) * std::sin(2 * M_PI * 300 * t);
    v[i] = float(x);
  }
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

// "speech-start@<timestamp>" for every speech message on the element's bus.
std::vector<std::string> speech_events(GstHarness *h) {
  std::vector<std::string> events;
  GstBus *bus = gst_element_get_bus(h->element);
  while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
    const GstStructure *st = gst_message_get_structure(m);
    guint64 ts = 0;
    if (gst_structure_has_name(st, "speech-start") || gst_structure_has_name(st, "speech-stop")) {
      fail_unless(gst_structure_get_uint64(st, "timestamp", &ts));
      events.push_back(std::string(gst_structure_get_name(st)) + "@" + std::to_string(ts));
    }
    gst_message_unref(m);
  }
  gst_object_unref(bus);
  return events;
}

}  // namespace

// rmsvad's decisions must not depend on how the stream is cut into
// buffers: the speech-start/stop sequence (names and timestamps) from random
// chunks of 1..65536 frames equals the one-buffer run's, and the audio
// leaves untouched.
GST_START_TEST(test_rmsvad_events_independent_of_chunking) {
  const AudioFormat f{"F32LE", 1, 16000};
  rounds([&](uint32_t seed) {
    std::mt19937 rng(seed);
    const auto signal = speechlike(f.rate, under_valgrind() ? 4 : 30, seed);
    const size_t frames = signal.size() / 4;
    std::vector<std::string> want, got;
    std::vector<uint8_t> out;
    for (int stressed = 0; stressed < 2; stressed++) {
      GstHarness *h = harness_with_bus("rmsvad");
      gst_harness_set_sink_caps_str(h, caps_str(f).c_str());
      gst_harness_set_src_caps_str(h, caps_str(f).c_str());
      size_t done = 0;
      while (done < frames) {
        const size_t n = stressed ? random_chunk(rng, frames - done) : frames;
        GstBuffer *buf = buffer_from(&signal[done * 4], n * 4);
        GST_BUFFER_PTS(buf) = frames_to_time(done, f.rate);
        GST_BUFFER_DURATION(buf) = frames_to_time(done + n, f.rate) - GST_BUFFER_PTS(buf);
        fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_OK);
        while (GstBuffer *o = gst_harness_try_pull(h)) {
          if (stressed) {
            auto b = bytes_of(o);
            out.insert(out.end(), b.begin(), b.end());
          }
          gst_buffer_unref(o);
        }
        done += n;
      }
      fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
      (stressed ? got : want) = speech_events(h);
      teardown_with_bus(h);
    }
    fail_unless(want.size() >= 4, "seed %u: the signal gave only %zu speech events", seed, want.size());
    fail_unless(got == want, "seed %u: %zu speech events in random chunks, %zu in one buffer; first: %s vs %s", seed,
                got.size(), want.size(), got.empty() ? "-" : got[0].c_str(), want.empty() ? "-" : want[0].c_str());
    fail_unless(out == signal, "seed %u: rmsvad changed the audio", seed);
  });
}
GST_END_TEST;

static Suite *stress_suite() {
  Suite *s = suite_create("stress");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 300);
  suite_add_tcase(s, tc);
  const int n = std::size(kCases);
  tcase_add_loop_test(tc, test_random_chunks_discont_gap, 0, n);
  tcase_add_loop_test(tc, test_flushing_seeks, 0, n);
  tcase_add_loop_test(tc, test_caps_renegotiation, 0, n);
  tcase_add_loop_test(tc, test_state_changes_under_load, 0, n);
  tcase_add_loop_test(tc, test_property_changes_from_threads, 0, n);
  tcase_add_loop_test(tc, test_event_and_query_storms, 0, n);
  tcase_add_test(tc, test_rmsvad_events_independent_of_chunking);
  return s;
}

GST_CHECK_MAIN(stress);
