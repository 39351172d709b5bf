// SPDX-License-Identifier: LGPL-2.1-or-later
// Resampling speed: dsp/resample against libsoxr (librosa's backend, when
// built with it) and GStreamer's own GstAudioResampler, all streaming 20 ms
// chunks of 10 s of mono F32 noise on one thread, in the same run. Prints the
// median "x realtime" (seconds of input per second of CPU) of repeated runs
// and the ratio to each anchor; then stereo vs mono, the element against
// `audioresample`, the element with a rate adjustment, the seed's one-shot
// rows (1 s / 5 s / 10 s), the setup of a new rate pair, and a stream
// changing rate 300 times.
#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include <algorithm>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "pcm_codec.h"
#include "resample.h"

#ifdef HAVE_SOXR
#include <soxr.h>
#endif

using namespace fastaudio;

namespace {

int g_repeats = 9;

struct Ratio {
  int in, out;
};
constexpr Ratio kRatios[] = {{48000, 16000}, {44100, 16000}, {16000, 48000}, {44100, 48000}};

std::vector<float> noise(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-0.5f, 0.5f);
  std::vector<float> v(n);
  for (auto &x : v) x = d(rng);
  return v;
}

// CPU time of the process: on a shared machine, time spent descheduled
// would otherwise be charged to whichever engine happened to be running.
double cpu_now() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// Median CPU seconds of each function over the repeats, after one warm-up
// call each. The functions take turns within every repeat, so a burst of
// load from other processes hits all of them alike.
std::vector<double> time_medians(const std::vector<std::function<void()>> &fns) {
  for (auto &fn : fns) fn();
  std::vector<std::vector<double>> t(fns.size());
  for (int i = 0; i < g_repeats; i++) {
    for (size_t k = 0; k < fns.size(); k++) {
      const double a = cpu_now();
      fns[k]();
      t[k].push_back(cpu_now() - a);
    }
  }
  std::vector<double> m;
  for (auto &v : t) m.push_back(bench::median(v));
  return m;
}

// An engine resamples the whole input in chunks of `chunk` frames, streaming.
using Engine = std::function<void(const std::vector<float> &in, size_t chunk, std::vector<float> &out)>;

// Each engine owns its configured resampler; a run resets it and streams.
Engine ours(Ratio r, ResampleQuality q, unsigned channels = 1, Isa isa = best_isa()) {
  auto rs = std::make_shared<Resampler>();
  rs->configure({r.in, r.out, channels, q}, isa);
  return [=](const std::vector<float> &in, size_t chunk, std::vector<float> &out) {
    rs->reset();
    const size_t frames = in.size() / channels;
    out.resize((rs->max_output_frames(frames) + rs->latency_input_frames() + 64) * channels * 2 +
               frames * size_t(r.out) / size_t(r.in) * channels);
    size_t n = 0;
    for (size_t i = 0; i < frames; i += chunk) {
      const size_t k = std::min(chunk, frames - i);
      n += rs->process(in.data() + i * channels, k, out.data() + n * channels, out.size() / channels - n);
    }
    n += rs->drain(out.data() + n * channels, out.size() / channels - n);
  };
}

Engine gst_resampler(Ratio r, guint quality) {
  return [=](const std::vector<float> &in, size_t chunk, std::vector<float> &out) {
    GstStructure *opts = gst_structure_new_empty("opts");
    gst_audio_resampler_options_set_quality(GST_AUDIO_RESAMPLER_METHOD_KAISER, quality, r.in, r.out, opts);
    GstAudioResampler *rs = gst_audio_resampler_new(GST_AUDIO_RESAMPLER_METHOD_KAISER,
                                                    GST_AUDIO_RESAMPLER_FLAG_NONE, GST_AUDIO_FORMAT_F32LE,
                                                    1, r.in, r.out, opts);
    gst_structure_free(opts);
    out.resize(in.size() * size_t(r.out) / size_t(r.in) + 4096);
    size_t n = 0;
    for (size_t i = 0; i < in.size(); i += chunk) {
      const size_t k = std::min(chunk, in.size() - i);
      gsize o = gst_audio_resampler_get_out_frames(rs, k);
      gpointer ip[1] = {const_cast<float *>(in.data() + i)};
      gpointer op[1] = {out.data() + n};
      if (n + o > out.size()) out.resize(n + o + 4096), op[0] = out.data() + n;
      gst_audio_resampler_resample(rs, ip, k, op, o);
      n += o;
    }
    gst_audio_resampler_free(rs);
  };
}

#ifdef HAVE_SOXR
Engine soxr_engine(Ratio r, unsigned long recipe) {
  return [=](const std::vector<float> &in, size_t chunk, std::vector<float> &out) {
    soxr_quality_spec_t q = soxr_quality_spec(recipe, 0);
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_error_t err = nullptr;
    soxr_t s = soxr_create(r.in, r.out, 1, &err, &io, &q, nullptr);
    out.resize(in.size() * size_t(r.out) / size_t(r.in) + 4096);
    size_t n = 0;
    for (size_t i = 0; i < in.size(); i += chunk) {
      const size_t k = std::min(chunk, in.size() - i);
      size_t idone = 0, odone = 0;
      soxr_process(s, in.data() + i, k, &idone, out.data() + n, out.size() - n, &odone);
      n += odone;
    }
    size_t odone = 0;
    soxr_process(s, nullptr, 0, nullptr, out.data() + n, out.size() - n, &odone);
    soxr_delete(s);
  };
}
#endif

// x realtime of each engine on the same 10 s input, interleaved.
std::vector<double> x_realtime(const std::vector<Engine> &engines, Ratio r, double seconds, unsigned channels = 1) {
  const size_t frames = size_t(r.in * seconds);
  auto in = noise(frames * channels);
  std::vector<std::vector<float>> outs(engines.size());
  const size_t chunk = size_t(r.in / 50);  // 20 ms
  std::vector<std::function<void()>> fns;
  for (size_t k = 0; k < engines.size(); k++) fns.push_back([&, k] { engines[k](in, chunk, outs[k]); });
  std::vector<double> x;
  for (double t : time_medians(fns)) x.push_back(seconds / t);
  return x;
}

// The SIMD ISAs this CPU has (capped by FASTAUDIO_ISA), each with a table
// of its own; scalar where there are none.
std::vector<Isa> table_isas() {
  std::vector<Isa> isas;
  for (Isa isa : usable_isas())
    if (isa >= Isa::Neon) isas.push_back(isa);
  if (isas.empty()) isas.push_back(best_isa());
  return isas;
}

// Recorded under the plain name for the best ISA, with "@isa" for the others.
std::string record_name(const std::string &name, Isa isa) {
  return isa == best_isa() ? name : name + "@" + isa_name(isa);
}

void streaming_table(Isa isa) {
  std::printf("\n## Streaming, mono F32, 10 s, 20 ms chunks: median x realtime (CPU time, %d runs), isa %s\n\n",
              g_repeats, isa_name(isa));
  std::printf("| engine | 48k->16k | 44.1k->16k | 16k->48k | 44.1k->48k |\n|---|---|---|---|---|\n");
  struct Row {
    const char *name;
    std::function<Engine(Ratio)> make;
  };
  std::vector<Row> rows = {
      {"fastresample fast", [isa](Ratio r) { return ours(r, ResampleQuality::Fast, 1, isa); }},
      {"fastresample high", [isa](Ratio r) { return ours(r, ResampleQuality::High, 1, isa); }},
      {"fastresample very-high", [isa](Ratio r) { return ours(r, ResampleQuality::VeryHigh, 1, isa); }},
#ifdef HAVE_SOXR
      {"libsoxr HQ", [](Ratio r) { return soxr_engine(r, SOXR_HQ); }},
      {"libsoxr VHQ", [](Ratio r) { return soxr_engine(r, SOXR_VHQ); }},
#endif
      {"GstAudioResampler q4", [](Ratio r) { return gst_resampler(r, 4); }},
      {"GstAudioResampler q10", [](Ratio r) { return gst_resampler(r, 10); }},
  };
  std::vector<std::vector<double>> xs(rows.size());
  for (Ratio r : kRatios) {
    std::vector<Engine> engines;
    for (auto &row : rows) engines.push_back(row.make(r));
    const auto x = x_realtime(engines, r, 10.0);
    for (size_t i = 0; i < rows.size(); i++) xs[i].push_back(x[i]);
  }
  for (size_t i = 0; i < rows.size(); i++) {
    std::printf("| %s |", rows[i].name);
    for (size_t j = 0; j < xs[i].size(); j++)
      bench::record(record_name(std::string("resample/stream/") + std::to_string(kRatios[j].in) + "->" +
                                    std::to_string(kRatios[j].out) + "/" + rows[i].name,
                                isa),
                    xs[i][j], "x realtime");
    for (double v : xs[i]) std::printf(" %.0f |", v);
    std::printf("\n");
  }
  auto ratio_row = [&](const char *name, size_t a, size_t b) {
    std::printf("| %s |", name);
    for (size_t j = 0; j < std::size(kRatios); j++) std::printf(" %.2fx |", xs[a][j] / xs[b][j]);
    std::printf("\n");
  };
#ifdef HAVE_SOXR
  ratio_row("ratio high / libsoxr HQ (target >= 1.0, goal 1.5)", 1, 3);
  ratio_row("ratio very-high / libsoxr VHQ", 2, 4);
  ratio_row("ratio fast / GstAudioResampler q4 (target >= 3)", 0, 5);
  ratio_row("ratio high / GstAudioResampler q4", 1, 5);
  ratio_row("ratio very-high / GstAudioResampler q10", 2, 6);
#else
  std::printf("(libsoxr rows missing: built without the soxr option)\n");
  ratio_row("ratio fast / GstAudioResampler q4 (target >= 3)", 0, 3);
  ratio_row("ratio high / GstAudioResampler q4", 1, 3);
  ratio_row("ratio very-high / GstAudioResampler q10", 2, 4);
#endif
}

void stereo_table(Isa isa) {
  std::printf("\n## Stereo vs mono, fastresample high, 10 s, 20 ms chunks, isa %s (target: stereo costs <= 2x mono)\n\n",
              isa_name(isa));
  std::printf("| ratio | mono x realtime | stereo x realtime | stereo cost / mono cost |\n|---|---|---|---|\n");
  for (Ratio r : kRatios) {
    const size_t frames = size_t(r.in) * 10, chunk = size_t(r.in / 50);
    auto in1 = noise(frames), in2 = noise(2 * frames);
    std::vector<float> o1, o2;
    Engine e1 = ours(r, ResampleQuality::High, 1, isa), e2 = ours(r, ResampleQuality::High, 2, isa);
    const auto t = time_medians({[&] { e1(in1, chunk, o1); }, [&] { e2(in2, chunk, o2); }});
    const double mono = 10.0 / t[0], stereo = 10.0 / t[1];
    std::printf("| %d->%d | %.0f | %.0f | %.2fx |\n", r.in, r.out, mono, stereo, mono / stereo);
  }
}

// Pushes 10 s of 20 ms F32 mono buffers through one element.
std::function<void()> element_run(const char *desc, Ratio r) {
  const size_t chunk = size_t(r.in / 50);
  const int buffers = 500;
  auto in = noise(chunk);
  return [=] {
    GstHarness *h = gst_harness_new_parse(desc);
    gchar *in_caps = g_strdup_printf("audio/x-raw,format=F32LE,rate=%d,channels=1,layout=interleaved", r.in);
    gchar *out_caps = g_strdup_printf("audio/x-raw,format=F32LE,rate=%d,channels=1,layout=interleaved", r.out);
    gst_harness_set_caps_str(h, in_caps, out_caps);
    g_free(in_caps);
    g_free(out_caps);
    GstBuffer *buf = gst_buffer_new_memdup(in.data(), in.size() * sizeof(float));
    for (int i = 0; i < buffers; i++) {
      GstBuffer *b = gst_buffer_copy(buf);  // shares the memory: no copy of samples
      GST_BUFFER_PTS(b) = gst_util_uint64_scale_int(GST_SECOND, i * int(chunk), r.in);
      gst_harness_push(h, b);
      gst_buffer_unref(gst_harness_pull(h));
    }
    gst_buffer_unref(buf);
    gst_harness_teardown(h);
  };
}

void element_table() {
  if (GstElementFactory *f = gst_element_factory_find("fastresample")) {
    gst_object_unref(f);
  } else {
    std::printf("\n(fastresample element not found: element rows skipped)\n");
    return;
  }
  std::printf("\n## Elements, 10 s of 20 ms F32 mono buffers through GstHarness, median x realtime\n\n");
  std::printf("| ratio | fastresample (high) | audioresample quality=4 | ratio (target >= 2 at 48k->16k) |\n|---|---|---|---|\n");
  for (Ratio r : kRatios) {
    const auto t = time_medians({element_run("fastresample", r), element_run("audioresample quality=4", r)});
    const double ours_x = 10.0 / t[0], theirs = 10.0 / t[1];
    std::printf("| %d->%d | %.0f | %.0f | %.2fx |\n", r.in, r.out, ours_x, theirs, ours_x / theirs);
    const std::string key = "resample/element/" + std::to_string(r.in) + "->" + std::to_string(r.out);
    bench::record(key + "/fastresample", ours_x, "x realtime");
    bench::record(key + "/audioresample-q4", theirs, "x realtime");
  }
}

// One element case of the format table: 10 s of 20 ms buffers of noise.
struct FormatCase {
  const char *format;
  int channels;
  bool planar;
  Ratio r;
};

// Pushes the case's buffers through `desc` (planar ones carry a GstAudioMeta).
std::function<void()> format_run(const char *desc, const FormatCase &c) {
  GstAudioInfo info;
  gst_audio_info_set_format(&info, gst_audio_format_from_string(c.format), c.r.in, c.channels, nullptr);
  info.layout = c.planar ? GST_AUDIO_LAYOUT_NON_INTERLEAVED : GST_AUDIO_LAYOUT_INTERLEAVED;
  const size_t frames = size_t(c.r.in / 50);
  // Noise at -6 dBFS in the format (planar: the planes back to back).
  const PcmFormat pcm = PcmFormat(GST_AUDIO_INFO_FORMAT(&info) - GST_AUDIO_FORMAT_S8);
  std::vector<double> samples(frames * size_t(c.channels));
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> d(-0.5, 0.5);
  for (auto &x : samples) x = d(rng);
  std::vector<uint8_t> bytes(frames * size_t(GST_AUDIO_INFO_BPF(&info)));
  pack_function<double>(pcm)(samples.data(), bytes.data(), samples.size());
  const std::string layout = c.planar ? "non-interleaved" : "interleaved";
  const std::string in_caps = std::string("audio/x-raw,format=") + c.format + ",rate=" + std::to_string(c.r.in) +
                              ",channels=" + std::to_string(c.channels) + ",layout=" + layout;
  const std::string out_caps = std::string("audio/x-raw,format=") + c.format + ",rate=" + std::to_string(c.r.out) +
                               ",channels=" + std::to_string(c.channels) + ",layout=" + layout;
  const bool identity = std::strcmp(desc, "identity") == 0;
  return [=] {
    GstHarness *h = gst_harness_new_parse(desc);
    gst_harness_set_caps_str(h, in_caps.c_str(), identity ? in_caps.c_str() : out_caps.c_str());
    GstBuffer *buf = gst_buffer_new_memdup(bytes.data(), bytes.size());
    if (c.planar) gst_buffer_add_audio_meta(buf, &info, frames, nullptr);
    for (int i = 0; i < 500; i++) {
      GstBuffer *b = gst_buffer_copy(buf);  // shares the memory: no copy of samples
      GST_BUFFER_PTS(b) = gst_util_uint64_scale_int(GST_SECOND, i * int(frames), c.r.in);
      gst_harness_push(h, b);
      gst_buffer_unref(gst_harness_pull(h));
    }
    gst_buffer_unref(buf);
    gst_harness_teardown(h);
  };
}

// Each element's own cost per 20 ms buffer (its time minus `identity`'s on
// the same buffers, same run) for formats and layouts other than F32.
void format_table() {
  const FormatCase cases[] = {
      {"F32LE", 2, false, {96000, 48000}},  // what reading S24 costs beyond the kernels' own format
      {"S24LE", 2, false, {96000, 48000}},
      {"F32LE", 2, false, {48000, 16000}},  // what writing S16 costs beyond the kernels' own format
      {"S16LE", 2, false, {48000, 16000}},
      {"S16LE", 2, true, {48000, 16000}},
  };
  std::printf("\n## Elements by format and layout, 10 s of 20 ms buffers, own cost per buffer (minus identity), "
              "median us\n\n");
  std::printf("| case | fastresample (high) | audioresample quality=4 | audioresample / fastresample |\n"
              "|---|---|---|---|\n");
  double interleaved_s16 = 0, f32_16k = 0;
  for (const FormatCase &c : cases) {
    const auto t = time_medians({format_run("fastresample", c), format_run("audioresample quality=4", c),
                                 format_run("identity", c)});
    const double ours = (t[0] - t[2]) / 500 * 1e6, theirs = (t[1] - t[2]) / 500 * 1e6;
    const std::string name = std::string(c.format) + (c.planar ? " planar " : " interleaved ") +
                             std::to_string(c.r.in / 1000) + "k->" + std::to_string(c.r.out / 1000) + "k x" +
                             std::to_string(c.channels);
    std::printf("| %s | %.1f | %.1f | %.2fx |\n", name.c_str(), ours, theirs, theirs / ours);
    bench::record("resample/element-format/" + name + "/fastresample", ours, "us");
    bench::record("resample/element-format/" + name + "/audioresample-q4", theirs, "us");
    if (std::strcmp(c.format, "F32LE") == 0 && c.r.out == 16000) f32_16k = ours;
    if (!c.planar && std::strcmp(c.format, "S16LE") == 0) interleaved_s16 = ours;
    if (c.planar && interleaved_s16 > 0)
      std::printf("\nS16LE planar / interleaved, fastresample: %.2fx (target <= 1.2)\n", ours / interleaved_s16);
  }
  if (f32_16k > 0 && interleaved_s16 > 0)
    std::printf("S16LE / F32LE interleaved 48k->16k, fastresample: %.2fx\n", interleaved_s16 / f32_16k);
}

// Clock-drift correction: the element with a rate adjustment (the variable
// path) against the same ratio without one (the exact path) and against
// audioresample at the nearest rate pair it can be given (48000 -> 48002 is
// +41.7 ppm), 10 s of 20 ms F32 mono buffers, median x realtime.
void rate_adjust_table() {
  std::printf("\n## Rate adjustment (variable path), 10 s of 20 ms F32 mono buffers through GstHarness, "
              "median x realtime\n\n");
  std::printf("| element | rates | x realtime | / fastresample without rate-adjust | / audioresample quality=4 at "
              "48000->48002 |\n|---|---|---|---|---|\n");
  const struct {
    const char *adjusted, *plain;
    Ratio r;
  } rows[] = {
      {"fastresample rate-adjust=37", "fastresample", {48000, 48000}},
      {"fastresample quality=very-high rate-adjust=37", "fastresample quality=very-high", {48000, 48000}},
      {"fastresample rate-adjust=-250", "fastresample", {44100, 48000}},
      {"fastresample rate-adjust=-250", "fastresample", {48000, 16000}},
  };
  for (const auto &row : rows) {
    // 48000 -> 48000 without an adjustment passes through: its ratio column
    // compares with the exact path at 48000 -> 48001 instead.
    const Ratio plain = row.r.in == row.r.out ? Ratio{row.r.in, row.r.out + 1} : row.r;
    const auto t = time_medians({element_run(row.adjusted, row.r), element_run(row.plain, plain),
                                 element_run("audioresample quality=4", {48000, 48002})});
    std::printf("| %s | %d->%d | %.0f | %.2fx (%d->%d) | %.2fx |\n", row.adjusted, row.r.in, row.r.out, 10.0 / t[0],
                t[1] / t[0], plain.in, plain.out, t[2] / t[0]);
    bench::record(std::string("resample/rate-adjust/") + row.adjusted + "/" + std::to_string(row.r.in) + "->" +
                      std::to_string(row.r.out),
                  10.0 / t[0], "x realtime");
  }
}

// The issue-18 case: a stream whose rate changes with every chunk
// (jsonbridge lines with a new random rate each). 300 input rates from
// 8k..96k, each with three 1024-frame F32 mono buffers, through one element
// to 16 kHz; run in a child process so that its CPU time and peak RSS are
// its own (the RSS includes GStreamer's, as gst-launch's would).
struct ChildCost {
  double cpu_s, max_rss_mb;
};

ChildCost in_child(const std::function<void()> &fn) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    fn();
    _exit(0);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  const double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  return {WIFEXITED(status) && WEXITSTATUS(status) == 0 ? cpu : -1, double(ru.ru_maxrss) / 1024};
}

std::function<void()> rate_changes(const char *desc, int changes) {
  return [=] {
    GstHarness *h = gst_harness_new_parse(desc);
    gst_harness_set_sink_caps_str(h, "audio/x-raw,format=F32LE,rate=16000,channels=1,layout=interleaved");
    std::mt19937 rng(18);
    std::uniform_int_distribution<int> rate(8000, 96000);
    auto in = noise(1024);
    for (int i = 0; i < changes; i++) {
      gchar *caps = g_strdup_printf("audio/x-raw,format=F32LE,rate=%d,channels=1,layout=interleaved", rate(rng));
      gst_harness_set_src_caps_str(h, caps);
      g_free(caps);
      for (int b = 0; b < 3; b++) {
        gst_harness_push(h, gst_buffer_new_memdup(in.data(), in.size() * sizeof(float)));
        while (GstBuffer *out = gst_harness_try_pull(h)) gst_buffer_unref(out);
      }
    }
    gst_harness_teardown(h);
  };
}

void rate_change_table() {
  constexpr int kChanges = 300;
  std::printf("\n## %d random input rates (8k..96k -> 16k, 3 x 1024 frames each) through one element, in a "
              "child process (target: <= 2x audioresample's CPU, < 50 MB peak RSS)\n\n", kChanges);
  std::printf("| element | CPU s | peak RSS MB | CPU / audioresample |\n|---|---|---|---|\n");
  // audioresample's default (sinc-filter-mode=auto) crashes in GStreamer
  // 1.22 when a rate change moves it between full and interpolated filters
  // (heap overflow in gst_audio_resampler_update, valgrind): the anchor is
  // its default quality with the filter mode fixed.
  const char *elements[] = {"audioresample sinc-filter-mode=interpolated", "audioresample sinc-filter-mode=full",
                            "audioresample", "audioresample quality=10", "fastresample quality=fast",
                            "fastresample quality=high", "fastresample quality=very-high"};
  double anchor = 0;
  for (const char *desc : elements) {
    const ChildCost c = in_child(rate_changes(desc, kChanges));
    if (anchor == 0) anchor = c.cpu_s;
    if (c.cpu_s < 0) {
      std::printf("| %s | crashed | | |\n", desc);
      continue;
    }
    std::printf("| %s | %.3f | %.1f | %.2fx |\n", desc, c.cpu_s, c.max_rss_mb, c.cpu_s / anchor);
    bench::record(std::string("resample/rate-changes/") + desc, c.cpu_s, "s");
    bench::record(std::string("resample/rate-changes-rss/") + desc, c.max_rss_mb, "MB");
  }
}

// Setup of a rate pair no resampler in the process has used (what a caps
// change to a new rate costs before its first buffer): configure() of
// random input rates to common output rates, stereo, median and worst ms.
void setup_table() {
  std::printf("\n## Setup of a new rate pair: configure() of never-seen ratios (8k..96k -> 48k/16k/44.1k/22.05k), "
              "200 per preset, ms (target: median <= 1 ms)\n\n");
  std::printf("| preset | median | 90th percentile | worst |\n|---|---|---|---|\n");
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> in_rate(8000, 96000);
  const int outs[] = {48000, 16000, 44100, 22050};
  for (ResampleQuality q : {ResampleQuality::Fast, ResampleQuality::High, ResampleQuality::VeryHigh}) {
    std::vector<double> ms;
    for (int i = 0; i < 200; i++) {
      Resampler r;
      const double a = cpu_now();
      r.configure({in_rate(rng), outs[i % 4], 2, q});
      ms.push_back((cpu_now() - a) * 1e3);
    }
    std::sort(ms.begin(), ms.end());
    const double median = bench::median(ms);
    std::printf("| %s | %.3f | %.3f | %.3f |\n", resample_quality_name(q), median, ms[ms.size() * 9 / 10], ms.back());
    bench::record(std::string("resample/setup-new-rate-pair/") + resample_quality_name(q), median, "ms");
  }
}

// The seed compared one-shot calls (librosa.resample) on 1 s, 5 s and 10 s.
void seed_table() {
  const Ratio r{48000, 16000};
  std::printf("\n## Seed's rows: one-shot 48k->16k mono F32 (whole signal in one call), median ms\n\n");
#ifdef HAVE_SOXR
  std::printf("| duration | fastresample high | libsoxr HQ one-shot (librosa's path) | ratio |\n|---|---|---|---|\n");
#else
  std::printf("| duration | fastresample high |\n|---|---|\n");
#endif
  for (double seconds : {1.0, 5.0, 10.0}) {
    const size_t frames = size_t(r.in * seconds);
    auto in = noise(frames);
    std::vector<float> out, out2;
    std::vector<std::function<void()>> fns = {[&] {
      Resampler rs;
      rs.configure({r.in, r.out, 1, ResampleQuality::High});
      out.resize(rs.max_output_frames(frames) + rs.pending_output_frames() + frames / 3 + 64);
      size_t n = rs.process(in.data(), frames, out.data(), out.size());
      rs.drain(out.data() + n, out.size() - n);
    }};
#ifdef HAVE_SOXR
    fns.push_back([&] {
      soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
      soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
      out2.resize(frames / 3 + 64);
      size_t odone = 0;
      soxr_oneshot(r.in, r.out, 1, in.data(), frames, nullptr, out2.data(), out2.size(), &odone, &io, &q, nullptr);
    });
#endif
    const auto t = time_medians(fns);
    const double t_ours = t[0];
    const std::string key = "resample/seed/" + std::to_string(int(seconds)) + "s";
    bench::record(key + "/fastaudio", t_ours * 1e3, "ms");
#ifdef HAVE_SOXR
    const double t_soxr = t[1];
    bench::record(key + "/soxr-hq", t_soxr * 1e3, "ms");
    std::printf("| %.0f s | %.3f ms | %.3f ms | %.2fx |\n", seconds, t_ours * 1e3, t_soxr * 1e3, t_soxr / t_ours);
#else
    std::printf("| %.0f s | %.3f ms |\n", seconds, t_ours * 1e3);
#endif
  }
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  if (const char *r = std::getenv("FASTAUDIO_BENCH_REPEATS")) g_repeats = std::max(1, std::atoi(r));
  // FASTAUDIO_BENCH_ONLY=rate-changes,streaming,stereo,element,rate-adjust,seed,setup picks tables.
  const char *only = std::getenv("FASTAUDIO_BENCH_ONLY");
  auto want = [only](const char *name) { return !only || std::strstr(only, name); };
  std::printf("# fastresample benchmark\n");
  // First, while the process is small: its children inherit its memory.
  if (want("rate-changes")) rate_change_table();
  if (want("streaming"))
    for (Isa isa : table_isas()) streaming_table(isa);
  if (want("stereo"))
    for (Isa isa : table_isas()) stereo_table(isa);
  if (want("element")) element_table();
  if (want("element")) format_table();
  if (want("rate-adjust")) rate_adjust_table();
  if (want("seed")) seed_table();
  if (want("setup")) setup_table();
  return 0;
}
