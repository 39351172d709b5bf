// SPDX-License-Identifier: LGPL-2.1-or-later
// Concurrency soak: N pipelines (default 16) run at once, each in its own
// thread, over and over for a bounded time, each creating, running to EOS and
// destroying `audiotestsrc ! caps ! CHAIN ! fakesink`. Every run's output
// checksum must equal the single-threaded run of the same chain, and RSS
// (VmRSS from /proc/self/status) is reported at start, after warm-up and at
// the end, and at every tenth of the run, so that a leak per run shows as
// growth that does not stop. With 16 threads glibc's malloc gives threads
// their own arenas, which fill up over the first minute (a few MB);
// MALLOC_ARENA_MAX=1 takes that out and leaves RSS flat (60 s, 16 pipelines:
// 18.4 MB at 6 s, 18.6 MB at 54 s).
//
//   FASTAUDIO_SOAK_PIPELINES  concurrent pipelines (default 16)
//   FASTAUDIO_SOAK_SECONDS    duration (default 30)
//   FASTAUDIO_SOAK_CHAINS     ';'-separated chains replacing the default ones,
//                             e.g. "audio/x-raw,format=F32LE,channels=2,rate=48000 !
//                             fastconvert ! fastresample ! rmsvad ! audio/x-raw,rate=16000"
//
// Exit status 1 when any run's output differs or a run fails.
#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Each chain starts with the caps audiotestsrc produces and ends with what
// fakesink receives; audiotestsrc's sine is the same for every run.
// The default is the full speech front end (any input -> mono F32 at
// 16 kHz -> VAD), from three kinds of input.
#define FASTAUDIO_FRONT_END \
  " ! fastconvert ! audio/x-raw,format=F32LE,channels=1 ! fastresample ! audio/x-raw,rate=16000 ! rmsvad"
const char *kDefaultChains[] = {
    "audio/x-raw,format=S16LE,channels=2,rate=48000" FASTAUDIO_FRONT_END,
    "audio/x-raw,format=S16LE,channels=2,rate=44100" FASTAUDIO_FRONT_END,
    "audio/x-raw,format=F32LE,channels=1,rate=8000" FASTAUDIO_FRONT_END,
};

long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

struct RunResult {
  bool ok = false;
  guint64 checksum = 1469598103934665603ull;  // FNV-1a over every output byte, in order
  guint64 bytes = 0;
  guint64 buffers = 0;
  std::string error;
};

void on_handoff(GstElement *, GstBuffer *buf, GstPad *, gpointer data) {
  auto r = static_cast<RunResult *>(data);
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return;
  guint64 h = r->checksum;
  for (gsize i = 0; i < map.size; i++) h = (h ^ map.data[i]) * 1099511628211ull;
  r->checksum = h;
  r->bytes += map.size;
  r->buffers++;
  gst_buffer_unmap(buf, &map);
}

// One pipeline from creation to EOS and destruction: 2 s of audio in 10 ms
// buffers (at the chain's rate).
RunResult run_once(const std::string &chain) {
  RunResult r;
  const std::string desc = "audiotestsrc wave=sine freq=440 volume=0.8 num-buffers=200 samplesperbuffer=480 ! " +
                           chain + " ! fakesink name=sink sync=false signal-handoffs=true";
  GError *err = nullptr;
  GstElement *pipeline = gst_parse_launch(desc.c_str(), &err);
  if (!pipeline) {
    r.error = err ? err->message : "parse failed";
    g_clear_error(&err);
    return r;
  }
  GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  g_signal_connect(sink, "handoff", G_CALLBACK(on_handoff), &r);
  gst_object_unref(sink);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus(pipeline);
  GstMessage *msg =
      gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (!msg) {
    r.error = "no EOS within 60 s";
  } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError *e = nullptr;
    gst_message_parse_error(msg, &e, nullptr);
    r.error = e->message;
    g_error_free(e);
  } else {
    r.ok = true;
  }
  if (msg) gst_message_unref(msg);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return r;
}

struct ChainStats {
  std::atomic<guint64> runs{0}, mismatches{0}, failures{0}, bytes{0};
};

// The chains from FASTAUDIO_SOAK_CHAINS, or the default ones.
std::vector<std::string> chains_to_run() {
  std::vector<std::string> chains;
  if (const char *custom = g_getenv("FASTAUDIO_SOAK_CHAINS")) {
    gchar **parts = g_strsplit(custom, ";", -1);
    for (gchar **p = parts; *p; p++)
      if (**p) chains.emplace_back(g_strstrip(*p));
    g_strfreev(parts);
  } else {
    chains.assign(std::begin(kDefaultChains), std::end(kDefaultChains));
  }
  return chains;
}

// Single-threaded reference runs: the checksum every concurrent run must give.
// False (after saying which chain failed) when one of them fails.
bool run_references(const std::vector<std::string> &chains, std::vector<RunResult> &reference) {
  for (const auto &chain : chains) {
    reference.push_back(run_once(chain));
    if (!reference.back().ok) {
      fprintf(stderr, "reference run of '%s' failed: %s\n", chain.c_str(), reference.back().error.c_str());
      return false;
    }
  }
  return true;
}

struct SoakOutcome {
  explicit SoakOutcome(size_t chains) : stats(chains) {}
  std::vector<ChainStats> stats;
  double elapsed = 0;
  long rss_warm = -1;
  long rss_end = -1;
  std::vector<std::pair<double, long>> rss_series;  // (seconds into the run, kB)
};

// One pipeline thread: runs the chains in turn until told to stop, checking
// every run against the reference.
void pipeline_loop(int t, const std::vector<std::string> &chains, const std::vector<RunResult> &reference,
                   std::vector<ChainStats> &stats, const std::atomic<bool> &stop, std::atomic<int> &warmed) {
  for (guint64 n = 0; !stop.load(); n++) {
    const size_t c = (t + n) % chains.size();
    RunResult r = run_once(chains[c]);
    stats[c].runs++;
    stats[c].bytes += r.bytes;
    if (!r.ok) {
      stats[c].failures++;
      fprintf(stderr, "pipeline %d, '%s': %s\n", t, chains[c].c_str(), r.error.c_str());
    } else if (r.checksum != reference[c].checksum || r.bytes != reference[c].bytes) {
      stats[c].mismatches++;
      fprintf(stderr, "pipeline %d, '%s': output differs from the single-threaded run\n", t, chains[c].c_str());
    }
    if (n == 0) warmed++;
  }
}

// Runs `pipelines` threads for `seconds`, sampling RSS meanwhile.
void soak(int pipelines, double seconds, const std::vector<std::string> &chains,
          const std::vector<RunResult> &reference, SoakOutcome &out) {
  std::atomic<bool> stop{false};
  std::atomic<int> warmed{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < pipelines; t++)
    threads.emplace_back([&, t] { pipeline_loop(t, chains, reference, out.stats, stop, warmed); });
  // RSS at every tenth of the run, to tell a leak (growth that goes on) from
  // allocator arenas and caches filling up once (growth that stops).
  for (double elapsed = 0; elapsed < seconds;
       elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (out.rss_warm < 0 && warmed.load() == pipelines) out.rss_warm = rss_kb();
    if (elapsed >= seconds * (out.rss_series.size() + 1) / 10) out.rss_series.emplace_back(elapsed, rss_kb());
  }
  stop = true;
  for (auto &th : threads) th.join();
  out.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.rss_end = rss_kb();
}

// Prints the per-chain table; returns how many chains went wrong (mismatches,
// failures, or no run at all).
guint64 print_chain_table(int pipelines, const std::vector<std::string> &chains, const SoakOutcome &out) {
  printf("\n## Concurrency soak: %d pipelines for %.1f s, each run = 2 s of audio (200 x 10 ms buffers)\n\n",
         pipelines, out.elapsed);
  printf("| chain | runs | mismatches | failures | audio processed (s) | x realtime (all threads) |\n");
  printf("|---|---|---|---|---|---|\n");
  guint64 bad = 0;
  for (size_t c = 0; c < chains.size(); c++) {
    const ChainStats &st = out.stats[c];
    const double audio_s = 2.0 * st.runs.load();
    printf("| `%s` | %" G_GUINT64_FORMAT " | %" G_GUINT64_FORMAT " | %" G_GUINT64_FORMAT " | %.0f | %.0f |\n",
           chains[c].c_str(), st.runs.load(), st.mismatches.load(), st.failures.load(), audio_s,
           audio_s / out.elapsed);
    bad += st.mismatches + st.failures;
    if (st.runs == 0) bad++;
  }
  return bad;
}

void print_rss(long rss_start, const SoakOutcome &out) {
  printf("\n| RSS | kB |\n|---|---|\n");
  printf("| at start | %ld |\n| after every pipeline's first run (warm) | %ld |\n| at the end | %ld |\n", rss_start,
         out.rss_warm, out.rss_end);
  printf("| end - warm | %+ld |\n", out.rss_warm >= 0 ? out.rss_end - out.rss_warm : 0);
  printf("\nRSS during the run (kB):");
  for (const auto &[at, kb] : out.rss_series) printf(" %.0f s: %ld;", at, kb);
  if (out.rss_series.size() >= 2) {
    const long half = out.rss_series[out.rss_series.size() / 2 - 1].second;
    printf("\nGrowth over the second half of the run: %+ld kB (%+.1f %%).\n", out.rss_end - half,
           100.0 * (out.rss_end - half) / half);
  }
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  const long rss_start = rss_kb();
  const int pipelines = std::max(1, atoi(g_getenv("FASTAUDIO_SOAK_PIPELINES") ?: "16"));
  const double seconds = std::max(1.0, atof(g_getenv("FASTAUDIO_SOAK_SECONDS") ?: "30"));
  const std::vector<std::string> chains = chains_to_run();
  std::vector<RunResult> reference;
  if (!run_references(chains, reference)) return 1;

  SoakOutcome out(chains.size());
  soak(pipelines, seconds, chains, reference, out);
  const guint64 bad = print_chain_table(pipelines, chains, out);
  print_rss(rss_start, out);
  printf("\n%s: every run's checksum %s the single-threaded run's.\n", bad ? "FAIL" : "OK",
         bad ? "did not always match" : "matched");
  return bad ? 1 : 0;
}
