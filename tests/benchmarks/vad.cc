// SPDX-License-Identifier: LGPL-2.1-or-later
// rmsvad benchmark: the frame-energy kernel per frame, one table per
// instruction set the CPU has, against that ISA's plain sum-of-squares
// kernel, the scalar reference and numpy (loop and
// vectorised, via /usr/bin/python3); then the element's own cost per 20 ms
// buffer against `level`, `removesilence` and `webrtcdsp` voice detection,
// all in the same run. Medians of repeats; "own cost" is the time per
// buffer through a GstHarness minus the same through `identity`.
#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "cache_line.h"
#include "isa_tables.h"
#include "vad.h"
#include "vad_energy.h"
#include "vad_energy_reference.h"

using namespace fastaudio;
using Clock = std::chrono::steady_clock;

namespace {

volatile double g_sink;

template <typename F>
double ns_per_call(F &&f, size_t calls, int repeats) {
  std::vector<double> t;
  for (int r = 0; r < repeats; r++) {
    const auto t0 = Clock::now();
    for (size_t i = 0; i < calls; i++) f(i);
    t.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / double(calls));
  }
  return bench::median(t);
}

std::vector<float> speechlike(unsigned rate, double seconds) {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 0.003);
  std::vector<float> v(size_t(seconds * rate));
  for (size_t i = 0; i < v.size(); i++) {
    const double t = double(i) / rate;
    const double env = std::fmod(t, 2.0) < 1.0 ? std::fabs(std::sin(3.14159 * 4 * t)) : 0;
    v[i] = float(noise(rng) + 0.1 * env * std::sin(2 * 3.14159 * 300 * t));
  }
  return v;
}

// numpy per-frame loop and vectorised RMS, ns per frame; empty if unavailable.
std::pair<double, double> numpy_ns(size_t frame) {
  const std::string script =
      "import timeit,numpy as np\n"
      "n=" + std::to_string(frame) + "; x=np.random.default_rng(1).standard_normal(n*1000).astype(np.float32)\n"
      "X=x.reshape(-1,n)\n"
      "def loop():\n  return [float(np.sqrt(np.mean(f*f))) for f in X]\n"
      "def vec():\n  return np.sqrt(np.einsum('ij,ij->i',X,X)/n)\n"
      "a=min(timeit.repeat(loop,number=1,repeat=7))/1000*1e9\n"
      "b=min(timeit.repeat(vec,number=20,repeat=7))/20/1000*1e9\n"
      "print(a,b)\n";
  gchar *out = nullptr;
  gint status = 0;
  const gchar *argv[] = {"/usr/bin/python3", "-c", script.c_str(), nullptr};
  double a = NAN, b = NAN;
  if (g_spawn_sync(nullptr, const_cast<gchar **>(argv), nullptr, G_SPAWN_STDERR_TO_DEV_NULL, nullptr, nullptr,
                   &out, nullptr, &status, nullptr) &&
      status == 0 && out)
    std::sscanf(out, "%lf %lf", &a, &b);
  g_free(out);
  return {a, b};
}

// One table per ISA: the kernels take the ISA as an argument, so all run in
// this process. numpy's figures are measured once and repeated per table.
void kernel_table(Isa isa) {
  std::printf("\n== RMS kernel, %s: ns per frame (median of 15 runs, ours and sumsq interleaved; %s) ==\n",
              isa_name(isa), bench::cpu_model().c_str());
  std::printf("%-22s %9s %11s %9s %11s %10s %10s | %9s %9s\n", "frame", "ours", "sumsq", "scalar",
              "scalar band", "numpy loop", "numpy vec", "ours/sumsq", "numpy/ours");
  // Frames start on a 64-byte boundary, as in the detector's own buffer,
  // except in the row that starts them 16 bytes past one, as a buffer from
  // upstream may (every zmm load then straddles two cache lines).
  struct Row {
    const char *name;
    unsigned rate;
    size_t n, offset_floats;
  } rows[] = {{"480 (30 ms @ 16 kHz)", 16000, 480, 0}, {"480, 16 B off 64 B", 16000, 480, 4},
              {"320 (20 ms @ 16 kHz)", 16000, 320, 0}, {"960 (20 ms @ 48 kHz)", 48000, 960, 0},
              {"1440 (30 ms @ 48 kHz)", 48000, 1440, 0}};
  const SumSquaresKernel avx2 = find_sum_squares_kernel(isa);
  for (const Row &r : rows) {
    const std::vector<float> audio = speechlike(r.rate, 1.0);
    std::vector<float> storage(audio.size() + kCacheLineFloats + r.offset_floats);
    float *x = cache_line_aligned(storage.data()) + r.offset_floats;
    std::copy(audio.begin(), audio.end(), x);
    const size_t frames = audio.size() / r.n, decim = band_decimation(r.rate);
    // The kernel as the detector holds it: specialised for the rate's decimation.
    const BandEnergyKernel ours = find_band_energy_kernel(isa, decim);
    const size_t calls = 200000;
    auto at = [&](size_t i) { return &x[(i % frames) * r.n]; };
    // Warm-up (page faults, clock ramp), not measured.
    ns_per_call([&](size_t i) { g_sink = ours(at(i), r.n, decim) + avx2(at(i), r.n); }, calls, 3);
    // 15 runs of each, interleaved so that a noisy moment hits both.
    std::vector<double> ours_t, avx2_t;
    for (int k = 0; k < 15; k++) {
      ours_t.push_back(ns_per_call([&](size_t i) { g_sink = ours(at(i), r.n, decim); }, calls, 1));
      avx2_t.push_back(ns_per_call([&](size_t i) { g_sink = avx2(at(i), r.n); }, calls, 1));
    }
    const double t_ours = bench::median(ours_t), t_avx2 = bench::median(avx2_t);
    const double t_scalar = ns_per_call([&](size_t i) { g_sink = ref::sum_squares(at(i), r.n); }, calls / 10, 15);
    const double t_band =
        ns_per_call([&](size_t i) { g_sink = ref::band_energy(at(i), r.n, decim); }, calls / 10, 15);
    static std::map<size_t, std::pair<double, double>> numpy;  // by frame size
    if (!numpy.count(r.n)) numpy[r.n] = numpy_ns(r.n);
    auto [np_loop, np_vec] = numpy[r.n];
    const std::string frame = std::to_string(r.n) + "@" + std::to_string(r.rate) +
                              (r.offset_floats ? "/off" + std::to_string(r.offset_floats * sizeof(float)) : "");
    bench::record("vad/kernel-isa/" + std::string(isa_name(isa)) + "/" + frame + "/fastaudio", t_ours, "ns");
    if (isa == best_isa()) {
      const std::string key = "vad/kernel/" + frame;
      bench::record(key + "/fastaudio", t_ours, "ns");
      bench::record(key + "/avx2-sumsq", t_avx2, "ns");
      bench::record(key + "/numpy-loop", np_loop, "ns");
      bench::record(key + "/numpy-vectorised", np_vec, "ns");
    }
    std::printf("%-22s %9.1f %11.1f %9.1f %11.1f %10.0f %10.1f | %9.2f %9.0f\n", r.name, t_ours, t_avx2, t_scalar,
                t_band, np_loop, np_vec, t_ours / t_avx2, np_loop / t_ours);
  }
  std::printf("(ours = band energy: band-limited RMS: boxcar decimation to 4-8 kHz + mean removal per 8 sums; "
              "sumsq = that ISA's sum of squares; target <= 30 ns for 480)\n");
}

// The whole detector (band energy, floor, cues, decision) per 20 ms frame
// on 10 s of speech-like audio whose level swings by 30 dB every syllable
// (the background quantile's cursor moves), with the background cue and the
// transient gate each off and on.
void detector_table() {
  std::printf("\n== Detector per 20 ms frame, ns (F32 mono, median of 15 runs over 10 s) ==\n");
  std::printf("%-8s %12s %12s %12s %12s %12s\n", "rate", "all cues", "background 0", "cue cost", "transient 0",
              "gate cost");
  const unsigned rates[] = {16000, 48000};
  for (unsigned rate : rates) {
    const std::vector<float> x = speechlike(rate, 10.0);
    const size_t frame = rate / 50, frames = x.size() / frame;
    auto time = [&](const VadParams &p) {
      VoiceDetector vad;
      vad.configure({SampleFormat::F32, 1, rate}, p);
      return ns_per_call(
          [&](size_t i) {
            vad.process(x.data() + i * frame, frame);
            vad.events().clear();
          },
          frames, 15);
    };
    VadParams off;
    off.background_db = off.background_stop_db = 0;
    VadParams no_gate;
    no_gate.transient_rise_db = 0;
    std::vector<double> on_t, off_t, gate_t;
    for (int k = 0; k < 3; k++) {  // interleaved
      on_t.push_back(time(VadParams()));
      off_t.push_back(time(off));
      gate_t.push_back(time(no_gate));
    }
    const double on = bench::median(on_t), no = bench::median(off_t), ng = bench::median(gate_t);
    std::printf("%-8u %12.1f %12.1f %12.1f %12.1f %12.1f\n", rate, on, no, on - no, ng, on - ng);
    bench::record("vad/detector/" + std::to_string(rate) + "/transient off", ng, "ns per 20 ms frame");
    bench::record("vad/detector/" + std::to_string(rate) + "/all cues", on, "ns per 20 ms frame");
    bench::record("vad/detector/" + std::to_string(rate) + "/background off", no, "ns per 20 ms frame");
  }
}

struct Candidate {
  const char *label;
  const char *launch;  // nullptr: the identity baseline
  const char *format;
  bool s16_only;
};

// A harness running `launch` over one buffer's memory, timed in batches.
class Timed {
 public:
  Timed(const char *launch, const std::string &caps, GstMemory *mem, size_t frames, unsigned rate)
      : h_(gst_harness_new_parse(launch)), bus_(gst_bus_new()), mem_(mem),
        dur_(gst_util_uint64_scale_int(frames, GST_SECOND, rate)) {
    gst_bus_set_flushing(bus_, TRUE);  // messages are posted, then dropped
    gst_element_set_bus(h_->element, bus_);
    gst_harness_set_src_caps_str(h_, caps.c_str());
  }
  ~Timed() {
    gst_element_set_bus(h_->element, nullptr);
    gst_object_unref(bus_);
    gst_harness_teardown(h_);
  }
  // ns per buffer over `buffers` pushes.
  double run(size_t buffers) {
    const auto t0 = Clock::now();
    for (size_t i = 0; i < buffers; i++) {
      GstBuffer *b = gst_buffer_new();
      gst_buffer_append_memory(b, gst_memory_ref(mem_));
      GST_BUFFER_PTS(b) = pts_;
      GST_BUFFER_DURATION(b) = dur_;
      pts_ += dur_;
      gst_harness_push(h_, b);
      while (GstBuffer *o = gst_harness_try_pull(h_)) gst_buffer_unref(o);
    }
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / double(buffers);
  }

 private:
  GstHarness *h_;
  GstBus *bus_;
  GstMemory *mem_;
  GstClockTime dur_, pts_ = 0;
};

// The element's own cost: the median over rounds of (candidate - identity),
// each round timing both back to back, so that a slow moment of the shared
// machine lands on both sides of one difference instead of on one side.
double own_cost_ns(const char *launch, const std::string &caps, GstMemory *mem, size_t frames, unsigned rate) {
  Timed base("identity", caps, mem, frames, rate), cand(launch, caps, mem, frames, rate);
  const int rounds = 31;
  const size_t buffers = 1000;
  base.run(buffers), cand.run(buffers);  // warm-up
  std::vector<double> own;
  for (int r = 0; r < rounds; r++) {
    const double b = base.run(buffers);
    own.push_back(cand.run(buffers) - b);
  }
  return bench::median(own);
}

void element_table() {
  std::printf("\n== Element own cost per 20 ms buffer, ns (median over 31 rounds of 1000 buffers through it minus 1000 "
              "through identity, back to back) ==\n");
  const Candidate cands[] = {
      {"rmsvad", "rmsvad", "F32LE", false},
      {"rmsvad audio-level-meta", "rmsvad audio-level-meta=true", "F32LE", false},
      {"rmsvad background cue off", "rmsvad background-threshold=0", "F32LE", false},
      {"rmsvad S16LE", "rmsvad", "S16LE", false},
      {"rmsvad S16LE stereo", "rmsvad", "S16LE/2", false},
      {"level interval=20ms", "level post-messages=true interval=20000000", "F32LE", false},
      {"removesilence", "removesilence remove=false", "S16LE", true},
      {"webrtcdsp VAD only", "webrtcdsp echo-cancel=false noise-suppression=false gain-control=false "
                             "high-pass-filter=false voice-detection=true", "S16LE", false},
  };
  const unsigned rates[] = {16000, 48000};
  for (unsigned rate : rates) {
    std::printf("-- %u Hz --\n%-26s %10s %12s %14s\n", rate, "element", "own ns", "per 10 ms", "x rmsvad");
    double ours = NAN;
    for (const Candidate &c : cands) {
      std::string factory = std::string(c.launch).substr(0, std::string(c.launch).find(' '));
      GstElementFactory *f = gst_element_factory_find(factory.c_str());
      if (f) gst_object_unref(f);
      if (!f) {
        std::printf("%-26s %10s\n", c.label, "n/a (not installed)");
        continue;
      }
      const std::string fmt = c.format;
      const int channels = fmt.find("/2") != std::string::npos ? 2 : 1;
      const std::string format = fmt.substr(0, fmt.find('/'));
      const int bps = format == "S16LE" ? 2 : 4;
      const size_t frames = rate / 50;
      std::vector<float> x = speechlike(rate, 1.0);
      std::vector<uint8_t> bytes(frames * channels * bps);
      for (size_t i = 0; i < frames * channels; i++) {
        const float v = x[i / channels + rate / 4];
        if (bps == 2) {
          const int16_t s = int16_t(std::lrint(v * 32767));
          std::memcpy(&bytes[i * 2], &s, 2);
        } else {
          std::memcpy(&bytes[i * 4], &v, 4);
        }
      }
      GstMemory *mem = gst_memory_new_wrapped(GstMemoryFlags(0), g_memdup2(bytes.data(), bytes.size()),
                                              bytes.size(), 0, bytes.size(), nullptr, nullptr);
      std::string caps = "audio/x-raw,layout=interleaved,format=" + format + ",rate=" + std::to_string(rate) +
                         ",channels=" + std::to_string(channels);
      if (channels == 2) caps += ",channel-mask=(bitmask)0x3";
      const double m = own_cost_ns(c.launch, caps, mem, frames, rate);
      gst_memory_unref(mem);
      if (std::string(c.label) == "rmsvad") ours = m;
      std::printf("%-26s %10.0f %12.0f %14.1f\n", c.label, m, m / 2, m / ours);
      bench::record(std::string("vad/element/") + std::to_string(rate) + "/" + c.label, m, "ns per 20 ms");
    }
  }
  std::printf("(target: rmsvad <= 1000 ns per 20 ms buffer including the decision and meta)\n");
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  for (Isa isa : usable_isas())
    if (isa != Isa::Orc) kernel_table(isa);  // ORC has no energy kernels: Orc runs the scalar ones
  if (argc > 1 && std::string(argv[1]) == "kernels") return 0;  // `bench-vad kernels`: those tables alone
  detector_table();
  element_table();
  return 0;
}
