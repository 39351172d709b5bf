// SPDX-License-Identifier: LGPL-2.1-or-later
// The whole speech front end: 48 kHz (and 44.1 kHz) stereo S16 in, 16 kHz
// mono F32 analysed for speech out. fastaudio's chain against the stock
// GStreamer chains and the Python path, per second of audio, at live (10 ms,
// 20 ms) and batch (1 s) buffer sizes; the 20 ms chain again per instruction
// set the CPU has (a child process each); then many streams on many threads,
// and 64 participants' front ends served by one worker thread per core.
// Every chain gets its input as a source hands it over: buffers it holds the
// only reference to, so an element may convert in place.
#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "convert.h"
#include "isa_tables.h"
#include "resample.h"
#include "rig.h"
#include "vad.h"
#include "wav.h"

namespace {

const char *const kStockChain = "stock: audioconvert ! audioresample ! level";

struct Chain {
  const char *name;
  const char *description;
  bool anchor = false;  // someone else's chain: gets a ratio row
};

const Chain kChains[] = {
    {"fastaudio: fastconvert ! fastresample ! rmsvad",
     "fastconvert ! capsfilter caps=audio/x-raw,format=F32LE,channels=1 ! fastresample ! "
     "capsfilter caps=audio/x-raw,rate=16000 ! rmsvad"},
    {"fastaudio, fastresample quality=fast",
     "fastconvert ! capsfilter caps=audio/x-raw,format=F32LE,channels=1 ! fastresample quality=fast ! "
     "capsfilter caps=audio/x-raw,rate=16000 ! rmsvad"},
    {"  of which fastconvert (stereo S16 -> mono F32)",
     "fastconvert ! capsfilter caps=audio/x-raw,format=F32LE,channels=1"},
    {"  of which fastconvert + fastresample (high)",
     "fastconvert ! capsfilter caps=audio/x-raw,format=F32LE,channels=1 ! fastresample ! "
     "capsfilter caps=audio/x-raw,rate=16000"},
    {kStockChain,
     "audioconvert ! capsfilter caps=audio/x-raw,format=F32LE,channels=1 ! audioresample ! "
     "capsfilter caps=audio/x-raw,rate=16000 ! level", true},
    {"stock + VAD: audioconvert ! audioresample ! webrtcdsp",
     "audioconvert ! capsfilter caps=audio/x-raw,format=S16LE,channels=1 ! audioresample ! "
     "capsfilter caps=audio/x-raw,rate=16000 ! webrtcdsp echo-cancel=false noise-suppression=false "
     "gain-control=false high-pass-filter=false voice-detection=true", true},
};

const int kChunkMs[] = {10, 20, 1000};

std::string caps_for(int rate) {
  return "audio/x-raw,format=S16LE,layout=interleaved,channels=2,channel-mask=(bitmask)0x3,rate=" + std::to_string(rate);
}

// The clip at another rate (setup only; quality does not matter here).
std::vector<uint8_t> resample_s16_stereo(const std::vector<uint8_t> &in, int from, int to) {
  GstAudioResampler *r = gst_audio_resampler_new(GST_AUDIO_RESAMPLER_METHOD_KAISER, GST_AUDIO_RESAMPLER_FLAG_NONE,
                                                 GST_AUDIO_FORMAT_S16, 2, from, to, nullptr);
  const gsize in_frames = in.size() / 4;
  const gsize out_frames = gst_audio_resampler_get_out_frames(r, in_frames);
  std::vector<uint8_t> out(out_frames * 4);
  gpointer ip[1] = {(gpointer)in.data()}, op[1] = {out.data()};
  gst_audio_resampler_resample(r, ip, in_frames, op, out_frames);
  gst_audio_resampler_free(r);
  return out;
}

std::map<int, double> run_python(const std::string &wav_path) {
  std::map<int, double> result;
  gchar *cmd = g_strdup_printf("/usr/bin/python3 %s/pipeline_python.py %s 16000 %d %d %d 2>/dev/null",
                               FASTAUDIO_BENCH_DIR, wav_path.c_str(), kChunkMs[0], kChunkMs[1], kChunkMs[2]);
  FILE *p = popen(cmd, "r");
  g_free(cmd);
  if (!p) return result;
  int ms;
  double v;
  while (fscanf(p, "%d %lf", &ms, &v) == 2) result[ms] = v;
  pclose(p);
  return result;
}

// One chain at one buffer size, ready to push the clip again and again.
struct Setup {
  const Chain *chain;
  int chunk_ms;
  std::unique_ptr<bench::Rig> rig;
  std::vector<GstBuffer *> buffers;
  std::vector<double> ms_per_second;  // one per repeat
};

// ms of processing per second of audio for every chain at every buffer size,
// medians of `repeats` runs; -1 when a chain cannot be built. The repeats
// go round all the setups in turn, so that a noisy moment on a shared machine
// hits every chain alike instead of one chain's whole measurement.
std::map<std::string, std::map<int, double>> measure_chains(int rate, const std::vector<uint8_t> &pcm, int repeats) {
  std::vector<Setup> setups;
  for (const Chain &c : kChains)
    for (int ms : kChunkMs) {
      Setup s{&c, ms, std::make_unique<bench::Rig>(c.description, caps_for(rate)), {}, {}};
      if (s.rig->ok()) s.buffers = bench::make_buffers(pcm, 4, rate, size_t(rate) * ms / 1000);
      setups.push_back(std::move(s));
    }
  for (int r = 0; r <= repeats; r++) {  // round 0 warms up
    for (Setup &s : setups) {
      if (s.buffers.empty()) continue;
      if (r > 0) s.rig->restart();
      const double ns = s.rig->timed_push_ns(s.buffers, true);  // handed over as a source does
      const double seconds = double(s.buffers.size()) * s.chunk_ms / 1000;
      if (r > 0) s.ms_per_second.push_back(ns / 1e6 / seconds);
    }
  }
  std::map<std::string, std::map<int, double>> cost;
  for (Setup &s : setups) {
    cost[s.chain->name][s.chunk_ms] = s.buffers.empty() ? -1 : bench::median(s.ms_per_second);
    bench::free_buffers(s.buffers);
  }
  return cost;
}

// The fastaudio chain's kernels called directly on the same 20 ms buffers
// (stereo S16 -> mono F32, high-quality resampling to 16 kHz, the VAD), µs
// per buffer, median of `repeats` passes over the clip.
double kernels_us(int rate, const std::vector<uint8_t> &pcm, int repeats) {
  using namespace fastaudio;
  const size_t frames = size_t(rate) / 50, buffers = pcm.size() / 4 / frames;
  Converter to_mono;
  Resampler resampler;
  VoiceDetector vad;
  if (!to_mono.configure({SampleFormat::S16, SampleFormat::F32, 2, 1, Dither::None}) ||
      !resampler.configure({rate, 16000, 1, ResampleQuality::High}) ||
      !vad.configure({SampleFormat::F32, 1, 16000}, VadParams{}))
    return -1;
  std::vector<float> mono(frames), out(resampler.max_output_frames(frames) + 16);
  std::vector<double> runs;
  std::vector<uint8_t> input;
  for (int r = 0; r <= repeats; r++) {
    resampler.reset();
    input = pcm;  // freshly written, as the chains' input copies are
    const double start = bench::now_ns();
    for (size_t b = 0; b < buffers; b++) {
      to_mono.process(input.data() + b * frames * 4, mono.data(), frames);
      const size_t n = resampler.process(mono.data(), frames, out.data(), out.size());
      vad.process(out.data(), n);
      vad.events().clear();
    }
    if (r > 0) runs.push_back((bench::now_ns() - start) / 1e3 / double(buffers));
  }
  return bench::median(runs);
}

// Why the 20 ms row is what it is: the chain against its own kernels and
// against the same topology of elements that do nothing, all in µs per
// buffer; `chain` and `stock` come from measure_chains in the same run.
void where_the_time_goes(int rate, const std::vector<uint8_t> &pcm, int repeats, double chain, double stock) {
  const double kernels = kernels_us(rate, pcm, repeats);
  bench::Rig idle("identity ! capsfilter caps=audio/x-raw ! identity ! capsfilter caps=audio/x-raw ! identity",
                  caps_for(rate));
  std::vector<GstBuffer *> buffers = bench::make_buffers(pcm, 4, rate, size_t(rate) / 50);
  const double topology = idle.median_push_ns(buffers, repeats, true) / 1e3 / double(buffers.size());
  bench::free_buffers(buffers);
  printf("\nWhere a 20 ms buffer's time goes (µs per buffer, median of %d runs):\n\n", repeats);
  printf("| part | µs |\n|---|---|\n");
  printf("| fastaudio chain, as measured above | %.2f |\n", chain);
  printf("| its kernels called directly (stereo S16 -> mono F32, resampling `high`, VAD) | %.2f |\n", kernels);
  printf("| the rest: pad pushes, GstBaseTransform, buffers, metadata | %.2f |\n", chain - kernels);
  printf("| five elements that do nothing (identity ! capsfilter ! identity ! capsfilter ! identity) | %.2f |\n",
         topology);
  printf("| stock chain, as measured above | %.2f |\n", stock);
  printf("| budget for 5x the stock chain (stock / 5) | %.2f |\n", stock / 5);
  bench::record(std::string("pipeline/20ms-breakdown/kernels-") + std::to_string(rate), kernels, "us");
  bench::record(std::string("pipeline/20ms-breakdown/idle-topology-") + std::to_string(rate), topology, "us");
}

void single_stream(const char *label, int rate, const std::vector<uint8_t> &pcm, const std::string &wav_path,
                   int repeats) {
  printf("\n## Full chain, %s stereo S16 -> 16 kHz mono, ms of CPU per second of audio (median of %d runs; x realtime in brackets)\n\n",
         label, repeats);
  printf("| chain | 10 ms buffers | 20 ms buffers | 1 s buffers |\n|---|---|---|---|\n");
  auto cost = measure_chains(rate, pcm, repeats);
  for (const Chain &c : kChains) {
    printf("| %s |", c.name);
    for (int ms : kChunkMs) {
      const double v = cost[c.name][ms];
      if (v >= 0) bench::record(std::string("pipeline/") + label + "/" + std::to_string(ms) + "ms/" + c.name, v, "ms/s");
      if (v < 0) printf(" n/a (element missing) |");
      else printf(" %.3f (%.0fx) |", v, 1000 / v);
    }
    printf("\n");
  }
  auto &fast = cost[kChains[0].name];
  auto python = run_python(wav_path);
  printf("| Python: numpy + scipy resample_poly + numpy RMS |");
  for (int ms : kChunkMs) {
    if (python.count(ms)) bench::record(std::string("pipeline/") + label + "/" + std::to_string(ms) + "ms/python", python[ms], "ms/s");
    if (python.count(ms)) printf(" %.3f (%.0fx) |", python[ms], 1000 / python[ms]);
    else printf(" n/a (python3-scipy missing) |");
  }
  printf("\n\nRatios, other chain / fastaudio (higher is better for fastaudio):\n\n");
  printf("| against | 10 ms | 20 ms | 1 s |\n|---|---|---|---|\n");
  for (const Chain &c : kChains) {
    if (!c.anchor) continue;
    printf("| %s |", c.name);
    for (int ms : kChunkMs) {
      const double v = cost[c.name][ms];
      if (v < 0 || fast[ms] <= 0) printf(" n/a |");
      else printf(" %.1fx |", v / fast[ms]);
    }
    printf("\n");
  }
  printf("| Python path |");
  for (int ms : kChunkMs) {
    if (!python.count(ms) || fast[ms] <= 0) printf(" n/a |");
    else printf(" %.1fx |", python[ms] / fast[ms]);
  }
  printf("\n");
  const double stock = cost[kStockChain][20];
  if (fast[20] > 0 && stock > 0) where_the_time_goes(rate, pcm, repeats, fast[20] * 20, stock * 20);
}

const Chain &chain_named(const char *name) {
  for (const Chain &c : kChains)
    if (std::string(c.name) == name) return c;
  return kChains[0];
}

// ms of CPU per second of audio for each chain at 20 ms buffers, 48 kHz,
// medians of `repeats` runs going round the chains in turn; NAN for a chain
// that refused a buffer (a failed chain would otherwise read as fast).
std::vector<double> checked_chain_costs(const std::vector<const Chain *> &chains, const std::vector<uint8_t> &pcm48,
                                        int repeats) {
  std::vector<std::unique_ptr<bench::Rig>> rigs;
  for (const Chain *c : chains) rigs.push_back(std::make_unique<bench::Rig>(c->description, caps_for(48000)));
  std::vector<GstBuffer *> buffers = bench::make_buffers(pcm48, 4, 48000, 960);
  std::vector<std::vector<double>> runs(chains.size());
  std::vector<bool> failed(chains.size(), false);
  for (int r = 0; r <= repeats; r++) {  // round 0 warms up
    for (size_t i = 0; i < chains.size(); i++) {
      if (!rigs[i]->ok() || failed[i]) continue;
      if (r > 0) rigs[i]->restart();
      std::vector<GstBuffer *> copies = bench::fresh_copies(buffers);
      const double start = bench::now_ns();
      for (GstBuffer *b : copies) {
        const GstFlowReturn flow = rigs[i]->push(b);
        if (flow != GST_FLOW_OK && !failed[i]) {
          fprintf(stderr, "%s: a buffer gave %s\n", chains[i]->name, gst_flow_get_name(flow));
          failed[i] = true;
        }
      }
      if (r > 0) runs[i].push_back((bench::now_ns() - start) / 1e6 / (double(buffers.size()) * 0.02));
    }
  }
  bench::free_buffers(buffers);
  std::vector<double> cost;
  for (size_t i = 0; i < chains.size(); i++) cost.push_back(failed[i] || runs[i].empty() ? NAN : bench::median(runs[i]));
  return cost;
}

// In a child with FASTAUDIO_ISA set: the fastaudio chain and the stock one
// in the same run; prints both in ms per second of audio.
void isa_child(const std::vector<uint8_t> &pcm48, int repeats) {
  const std::vector<double> cost = checked_chain_costs({&kChains[0], &chain_named(kStockChain)}, pcm48, repeats);
  printf("%.6f %.6f\n", cost[0], cost[1]);
}

// The targets for the full chain against the stock one on an Intel
// CPU, by ISA.
const char *chain_target(fastaudio::Isa isa) {
  switch (isa) {
    case fastaudio::Isa::Avx2: return ">= 3.0x";
    case fastaudio::Isa::Avx512: return ">= 4.0x (Intel)";
    default: return "";
  }
}

// One row per ISA this CPU has: the elements pick best_isa() once per
// process, so each ISA's chain runs in a child process (FASTAUDIO_ISA set),
// beside the stock chain in the same child and run.
void per_isa(int repeats) {
  printf("\n## Full chain per instruction set, 48 kHz stereo S16 -> 16 kHz mono + VAD, 20 ms buffers, "
         "ms of CPU per second of audio (median of %d runs; %s)\n\n", repeats, bench::cpu_model().c_str());
  printf("Each row is a child process with FASTAUDIO_ISA set; stock is measured in the same process and run.\n\n");
  printf("| ISA | fastaudio chain | stock chain | stock / fastaudio | target |\n|---|---|---|---|---|\n");
  for (fastaudio::Isa isa : fastaudio::usable_isas()) {
    double fast = NAN, stock = NAN;
    const std::string out = bench::run_with_isa(isa, "isa-chain " + std::to_string(repeats));
    if (sscanf(out.c_str(), "%lf %lf", &fast, &stock) != 2 || !(fast > 0) || !(stock > 0)) {
      printf("| %s | n/a | n/a | | %s |\n", fastaudio::isa_name(isa), chain_target(isa));
      continue;
    }
    printf("| %s | %.3f | %.3f | %.2fx | %s |\n", fastaudio::isa_name(isa), fast, stock, stock / fast,
           chain_target(isa));
    const std::string key = std::string("pipeline/isa/") + fastaudio::isa_name(isa) + "/20ms/";
    bench::record(key + "fastaudio", fast, "ms/s");
    bench::record(key + "stock", stock, "ms/s");
  }
}

// N independent chains on N threads, each pushing the whole input `passes` times.
void many_streams(const std::vector<uint8_t> &pcm, int passes) {
  printf("\n## Many streams: N fastaudio chains on N threads, 48 kHz input, 20 ms buffers (%u cores here)\n\n",
         std::thread::hardware_concurrency());
  printf("| streams | wall time (s) | audio processed (s) | aggregate x realtime | per stream x realtime | scaling vs 1 stream |\n");
  printf("|---|---|---|---|---|---|\n");
  double single = 0;
  for (int n : {1, 2, 4, 8}) {
    std::vector<std::unique_ptr<bench::Rig>> rigs;
    std::vector<std::vector<GstBuffer *>> inputs;
    for (int i = 0; i < n; i++) {
      rigs.push_back(std::make_unique<bench::Rig>(kChains[0].description, caps_for(48000)));
      inputs.push_back(bench::make_buffers(pcm, 4, 48000, 960));
    }
    if (!rigs[0]->ok()) {
      printf("| %d | n/a (element missing) | | | | |\n", n);
      for (auto &b : inputs) bench::free_buffers(b);
      continue;
    }
    // Every pass gets its own copies, handed over as a source does.
    std::vector<std::vector<std::vector<GstBuffer *>>> owned(n);
    for (int i = 0; i < n; i++)
      for (int p = 0; p < passes; p++) owned[i].push_back(bench::fresh_copies(inputs[i]));
    const double start = bench::now_ns();
    std::vector<std::thread> threads;
    for (int i = 0; i < n; i++)
      threads.emplace_back([&, i] {
        for (int p = 0; p < passes; p++) {
          if (p > 0) rigs[i]->restart();
          rigs[i]->push_owned(owned[i][p]);
        }
      });
    for (auto &t : threads) t.join();
    const double wall = (bench::now_ns() - start) / 1e9;
    const double audio = double(n) * passes * inputs[0].size() * 0.02;
    const double xrt = audio / wall;
    if (n == 1) single = xrt;
    printf("| %d | %.3f | %.1f | %.0f | %.0f | %.2fx |\n", n, wall, audio, xrt, xrt / n, xrt / single);
    bench::record("streams/" + std::to_string(n), xrt, "x realtime");
    for (auto &b : inputs) bench::free_buffers(b);
  }
}

double process_cpu_s() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// A media server's load: `n` participants' front ends (48 kHz stereo in,
// 10 ms buffers as WebRTC delivers them), served by one worker thread per
// core, each worker taking its participants' buffers in turn as they would
// arrive. Reports the aggregate real-time factor and the CPU each
// participant costs.
void participants(const std::vector<uint8_t> &pcm, int n, int passes) {
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  const size_t seconds = 3;  // of audio per participant and pass
  const std::vector<uint8_t> clip(pcm.begin(), pcm.begin() + std::min(pcm.size(), seconds * 48000 * 4));
  printf("\n## Participants: %d front ends (%s), 48 kHz stereo S16 in 10 ms buffers, %u worker threads\n\n", n,
         kChains[0].name, workers);
  std::vector<std::unique_ptr<bench::Rig>> rigs;
  std::vector<GstBuffer *> input = bench::make_buffers(clip, 4, 48000, 480);
  for (int i = 0; i < n; i++) rigs.push_back(std::make_unique<bench::Rig>(kChains[0].description, caps_for(48000)));
  if (!rigs[0]->ok()) {
    printf("n/a (element missing)\n");
    bench::free_buffers(input);
    return;
  }
  printf("| participants | wall time (s) | audio processed (s) | aggregate x realtime | CPU per participant "
         "(%% of a core) | participants per core |\n|---|---|---|---|---|---|\n");
  std::vector<double> aggregates, shares;
  for (int p = 0; p < passes; p++) {
    // Copies made before the clock starts and handed over, as a source does.
    std::vector<std::vector<GstBuffer *>> owned(n);
    for (int i = 0; i < n; i++) owned[i] = bench::fresh_copies(input);
    for (int i = 0; i < n && p > 0; i++) rigs[i]->restart();
    const double cpu0 = process_cpu_s(), start = bench::now_ns();
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < workers; w++)
      threads.emplace_back([&, w] {
        for (size_t b = 0; b < input.size(); b++)
          for (int i = int(w); i < n; i += int(workers)) rigs[i]->push(owned[i][b]);
      });
    for (auto &t : threads) t.join();
    const double wall = (bench::now_ns() - start) / 1e9, cpu = process_cpu_s() - cpu0;
    const double audio = double(n) * double(input.size()) * 0.01;
    const double share = cpu / audio;  // core-seconds per second of one participant
    printf("| %d | %.3f | %.0f | %.0f | %.4f | %.0f |\n", n, wall, audio, audio / wall, 100 * share, 1 / share);
    aggregates.push_back(audio / wall);
    shares.push_back(share);
  }
  bench::record("participants/" + std::to_string(n) + "/aggregate", bench::median(aggregates), "x realtime");
  bench::record("participants/" + std::to_string(n) + "/cpu per participant", 100 * bench::median(shares),
                "% of a core");
  bench::free_buffers(input);
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  // `bench-pipeline participants` runs the participants table alone, `isa
  // [N]` the table per instruction set; `isa-chain N` is that table's child.
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool only_participants = mode == "participants";
  const bool isa_mode = mode == "isa" || mode == "isa-chain";
  const int repeats = isa_mode ? (argc > 2 ? atoi(argv[2]) : 15) : argc > 1 && !only_participants ? atoi(argv[1]) : 15;
  const std::string wav_path = FASTAUDIO_FILES_DIR "/speech-48k-stereo.wav";
  bench::Wav wav;
  if (!bench::read_wav(wav_path, &wav) || wav.rate != 48000 || wav.channels != 2 || wav.bits != 16) {
    fprintf(stderr, "cannot read %s as 48 kHz stereo S16\n", wav_path.c_str());
    return 1;
  }
  // Twice the clip: about 17 s of audio per run.
  std::vector<uint8_t> pcm48 = wav.data;
  pcm48.insert(pcm48.end(), wav.data.begin(), wav.data.end());
  if (only_participants) {
    participants(pcm48, 64, 3);
    return 0;
  }
  if (mode == "isa-chain") {
    isa_child(pcm48, repeats);
    return 0;
  }
  if (mode == "isa") {
    per_isa(repeats);
    return 0;
  }
  single_stream("48 kHz", 48000, pcm48, wav_path, repeats);
  per_isa(repeats);

  const std::vector<uint8_t> pcm44 = resample_s16_stereo(pcm48, 48000, 44100);
  const std::string wav44 = std::string(g_get_tmp_dir()) + "/fastaudio-bench-44k.wav";
  {
    // The Python path reads a file: write the 44.1 kHz clip next to it.
    FILE *f = fopen(wav44.c_str(), "wb");
    const uint32_t data_size = uint32_t(pcm44.size()), riff = 36 + data_size, fmt_size = 16, rate = 44100,
                   byte_rate = 44100 * 4;
    const uint16_t pcm = 1, ch = 2, align = 4, bits = 16;
    fwrite("RIFF", 1, 4, f), fwrite(&riff, 4, 1, f), fwrite("WAVEfmt ", 1, 8, f), fwrite(&fmt_size, 4, 1, f);
    fwrite(&pcm, 2, 1, f), fwrite(&ch, 2, 1, f), fwrite(&rate, 4, 1, f), fwrite(&byte_rate, 4, 1, f);
    fwrite(&align, 2, 1, f), fwrite(&bits, 2, 1, f), fwrite("data", 1, 4, f), fwrite(&data_size, 4, 1, f);
    fwrite(pcm44.data(), 1, pcm44.size(), f);
    fclose(f);
  }
  single_stream("44.1 kHz", 44100, pcm44, wav44, repeats);
  remove(wav44.c_str());

  many_streams(pcm48, 3);
  participants(pcm48, 64, 3);
  return 0;
}
