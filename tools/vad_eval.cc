// SPDX-License-Identifier: LGPL-2.1-or-later
// vad-eval: runs the rmsvad detector (dsp/vad.h) over WAV files and prints
// its speech segments as JSON in the format of the corpus scorer:
//   {"detector": ..., "params": {...}, "timing": {...},
//    "files": {"<name without .wav>": {"segments": [[start_s, end_s], ...]}}}
// Usage: vad-eval [--param=value ...] FILE.wav ...   (see --help)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "vad.h"

using fastaudio::SampleFormat;
using fastaudio::VadParams;

namespace {

struct Wav {
  SampleFormat format = SampleFormat::S16;
  unsigned channels = 1, rate = 0;
  std::vector<uint8_t> data;
};

uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }
uint16_t le16(const uint8_t *p) { return uint16_t(p[0] | p[1] << 8); }

bool read_wav(const char *path, Wav *wav, std::string *error) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) || std::memcmp(b.data() + 8, "WAVE", 4)) {
    *error = "not a RIFF/WAVE file";
    return false;
  }
  bool have_fmt = false;
  for (size_t off = 12; off + 8 <= b.size();) {
    const uint32_t len = le32(&b[off + 4]);
    const uint8_t *body = &b[off + 8];
    const size_t avail = std::min<size_t>(len, b.size() - off - 8);
    if (!std::memcmp(&b[off], "fmt ", 4) && avail >= 16) {
      unsigned tag = le16(body), bits = le16(body + 14);
      wav->channels = le16(body + 2);
      wav->rate = le32(body + 4);
      if (tag == 0xFFFE && avail >= 26) tag = le16(body + 24);
      if (tag == 1 && bits == 16) wav->format = SampleFormat::S16;
      else if (tag == 1 && bits == 32) wav->format = SampleFormat::S32;
      else if (tag == 3 && bits == 32) wav->format = SampleFormat::F32;
      else if (tag == 3 && bits == 64) wav->format = SampleFormat::F64;
      else {
        *error = "unsupported WAV encoding (PCM 16/32 or float 32/64 only)";
        return false;
      }
      have_fmt = true;
    } else if (!std::memcmp(&b[off], "data", 4)) {
      wav->data.assign(body, body + avail);
    }
    off += 8 + len + (len & 1);
  }
  if (!have_fmt || wav->rate == 0 || wav->channels == 0) {
    *error = "no usable fmt chunk";
    return false;
  }
  return true;
}

struct Option {
  const char *name;
  double VadParams::*field;
  double scale;  // command-line unit to the field's unit
  const char *help;
};

constexpr Option kOptions[] = {
    {"frame-ms", &VadParams::frame_s, 1e-3, "analysis frame"},
    {"start-db", &VadParams::start_db, 1, "start threshold above the floor"},
    {"stop-db", &VadParams::stop_db, 1, "stop threshold above the floor"},
    {"absolute-db", &VadParams::absolute_db, 1, "absolute floor, dBFS"},
    {"hangover-ms", &VadParams::hangover_s, 1e-3, "hangover"},
    {"pre-roll-ms", &VadParams::pre_roll_s, 1e-3, "pre-roll"},
    {"min-speech-ms", &VadParams::min_speech_s, 1e-3, "minimum speech"},
    {"min-silence-ms", &VadParams::min_silence_s, 1e-3, "minimum silence"},
    {"modulation-db", &VadParams::modulation_db, 1, "modulation gate (0: off)"},
    {"modulation-stop-db", &VadParams::modulation_stop_db, 1, "modulation to continue"},
    {"modulation-window-ms", &VadParams::modulation_window_s, 1e-3, "modulation window"},
    {"relative-db", &VadParams::relative_db, 1, "onset within this of the speech peak (0: off)"},
    {"relative-stop-db", &VadParams::relative_stop_db, 1, "continue within this of the peak (0: off)"},
    {"peak-decay-db-s", &VadParams::peak_decay_db_s, 1, "speech peak decay"},
    {"background-db", &VadParams::background_db, 1, "onset above the background quantile (0: off)"},
    {"background-stop-db", &VadParams::background_stop_db, 1, "continue above it (0: off)"},
    {"background-window-ms", &VadParams::background_window_s, 1e-3, "background window"},
    {"background-quantile", &VadParams::background_quantile, 1, "background quantile"},
    {"transient-rise-db", &VadParams::transient_rise_db, 1, "transient attack above the 2 sub-frames before (0: off)"},
    {"transient-decay-db-s", &VadParams::transient_decay_db_s, 1, "slowest transient decay"},
    {"transient-sub-ms", &VadParams::transient_sub_s, 1e-3, "transient gate sub-frame"},
    {"floor-window-ms", &VadParams::floor_window_s, 1e-3, "minimum-statistics window"},
    {"floor-rise-db-s", &VadParams::floor_rise_db_s, 1, "floor rise rate"},
    {"floor-fall-ms", &VadParams::floor_fall_s, 1e-3, "floor fall time constant"},
};

std::string basename_no_ext(const std::string &path) {
  std::string b = path.substr(path.find_last_of('/') + 1);
  const size_t dot = b.rfind(".wav");
  return dot == std::string::npos ? b : b.substr(0, dot);
}

void print_help(const VadParams &params, double chunk_ms) {
  std::printf("usage: vad-eval [--OPTION=VALUE ...] FILE.wav ...\noptions (defaults):\n");
  for (const Option &o : kOptions) std::printf("  --%-18s %-36s %g\n", o.name, o.help, params.*o.field / o.scale);
  std::printf("  --%-18s %-36s %g\n", "chunk-ms", "buffer size fed to the detector", chunk_ms);
}

// Applies one --NAME=VALUE option; false (after saying why) when it is
// malformed or unknown.
bool apply_option(const std::string &arg, VadParams &params, double &chunk_ms) {
  const size_t eq = arg.find('=');
  const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
  if (eq == std::string::npos) {
    std::fprintf(stderr, "vad-eval: option %s needs =VALUE\n", arg.c_str());
    return false;
  }
  char *end = nullptr;
  const double v = std::strtod(arg.c_str() + eq + 1, &end);
  if (!end || *end || !std::isfinite(v)) {
    std::fprintf(stderr, "vad-eval: bad number in %s\n", arg.c_str());
    return false;
  }
  bool known = false;
  for (const Option &o : kOptions)
    if (name == o.name) params.*o.field = v * o.scale, known = true;
  if (name == "chunk-ms") chunk_ms = v, known = true;
  if (!known) {
    std::fprintf(stderr, "vad-eval: unknown option --%s (see --help)\n", name.c_str());
    return false;
  }
  return true;
}

// Reads the command line into params, chunk_ms and files. Returns the exit
// status when the program is done (0 after --help, 2 on a bad option), or
// -1 to go on.
int parse_command_line(int argc, char **argv, VadParams &params, double &chunk_ms, std::vector<std::string> &files) {
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_help(params, chunk_ms);
      return 0;
    }
    if (arg.rfind("--", 0) == 0) {
      if (!apply_option(arg, params, chunk_ms)) return 2;
      continue;
    }
    files.push_back(arg);
  }
  return -1;
}

// Runs the detector over one file in chunk_ms buffers, appending its speech
// segments (seconds) and adding to the audio and wall-clock totals. False
// (after saying why) when the file cannot be read or run.
bool detect_segments(const std::string &path, const VadParams &params, double chunk_ms,
                     std::vector<std::pair<double, double>> &segs, double &audio_s, double &wall_s) {
  Wav wav;
  std::string error;
  if (!read_wav(path.c_str(), &wav, &error)) {
    std::fprintf(stderr, "vad-eval: %s: %s\n", path.c_str(), error.c_str());
    return false;
  }
  fastaudio::VoiceDetector vad;
  if (!vad.configure({wav.format, wav.channels, wav.rate}, params)) {
    std::fprintf(stderr, "vad-eval: %s: unsupported stream\n", path.c_str());
    return false;
  }
  const size_t bpf = fastaudio::sample_bytes(wav.format) * wav.channels;
  const size_t total = wav.data.size() / bpf;
  const size_t chunk = std::max<size_t>(1, size_t(chunk_ms * 1e-3 * wav.rate));
  double open = -1;
  auto take_events = [&] {
    for (const auto &ev : vad.events()) {
      const double t = double(ev.sample) / wav.rate;
      if (ev.kind == fastaudio::VadEvent::Start) open = t;
      else if (open >= 0) segs.emplace_back(open, t), open = -1;
    }
    vad.events().clear();
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t pos = 0; pos < total; pos += chunk) {
    vad.process(wav.data.data() + pos * bpf, std::min(chunk, total - pos));
    take_events();
  }
  vad.finish();
  take_events();
  wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  audio_s += double(total) / wav.rate;
  return true;
}

std::string params_json(const VadParams &params) {
  std::string out;
  for (const Option &o : kOptions) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s\"%s\": %g", &o == kOptions ? "" : ", ", o.name, params.*o.field / o.scale);
    out += buf;
  }
  return out;
}

std::string segments_json(const std::vector<std::pair<double, double>> &segs) {
  std::string out;
  for (size_t i = 0; i < segs.size(); i++) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s[%.4f, %.4f]", i ? ", " : "", segs[i].first, segs[i].second);
    out += buf;
  }
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  VadParams params;
  std::vector<std::string> files;
  double chunk_ms = 20;
  if (const int status = parse_command_line(argc, argv, params, chunk_ms, files); status >= 0) return status;

  std::string out = "{\"detector\": \"rmsvad\", \"params\": {" + params_json(params) + "}, \"files\": {";
  double audio_s = 0, wall_s = 0;
  for (size_t f = 0; f < files.size(); f++) {
    std::vector<std::pair<double, double>> segs;
    if (!detect_segments(files[f], params, chunk_ms, segs, audio_s, wall_s)) return 1;
    out += (f ? ", \"" : "\"") + basename_no_ext(files[f]) + "\": {\"segments\": [" + segments_json(segs) + "]}";
  }
  char timing[128];
  std::snprintf(timing, sizeof timing, "}, \"timing\": {\"audio_s\": %.3f, \"wall_s\": %.6f}}\n", audio_s,
                wall_s);
  out += timing;
  std::fputs(out.c_str(), stdout);
  return 0;
}
