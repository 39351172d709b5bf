// SPDX-License-Identifier: LGPL-2.1-or-later
// docs/fastresample.md's generated tables against the code: the presets'
// targets (dsp/resample_design.cc's table, which the quality test asserts)
// and which path runs for each ratio, preset and ISA (what
// Resampler::path_for() says, the same on every CPU: no kernel runs). Also
// asserts the paths the speed work relies on.
//
//   dsp-resample-docs DOC           check the tables in DOC
//   dsp-resample-docs DOC --write   rewrite them
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "resample.h"

using namespace fastaudio;

namespace {

constexpr const char *kEnd = "<!-- END generated -->";

constexpr int kRatePairs[][2] = {{48000, 16000}, {44100, 16000}, {32000, 16000}, {48000, 8000},
                                 {48000, 24000}, {16000, 48000}, {8000, 48000},  {16000, 44100},
                                 {44100, 48000}, {48000, 44100}, {22050, 22051}, {48000, 16},
                                 {1, 100000}};
constexpr ResampleQuality kQualities[] = {ResampleQuality::Fast, ResampleQuality::High, ResampleQuality::VeryHigh};
constexpr Isa kSimdIsas[] = {Isa::Neon, Isa::Avx2, Isa::Avx512};

// Rate pairs with a rate adjustment (ppm) in force.
constexpr double kAdjustedPairs[][3] = {{48000, 48000, 37}, {44100, 48000, -250}};

std::string path_text(const ResampleSpec &spec, Isa isa) {
  const auto [path, second] = Resampler::path_for(spec, isa);
  std::string text = resample_path_name(path);
  if (path == ResamplePath::Cascade) text += std::string(" + ") + resample_path_name(second);
  if (path == ResamplePath::Stages) {
    const auto rates = resample_stage_rates(spec.in_rate, spec.out_rate);
    for (size_t i = 0; i < rates.size(); i++) text += (i ? " -> " : " ") + std::to_string(rates[i]);
  }
  return text;
}

std::string targets_table() {
  std::ostringstream t;
  t << "| preset | passband (0..edge, x Nyquist) | -3 dB at or above | aliases from 1.125 Nyquist / just above "
       "| THD+N, 1 kHz at -1 dBFS | held back |\n|---|---|---|---|---|---|\n";
  char row[256];
  for (ResampleQuality q : kQualities) {
    const ResampleTargets &x = resample_preset(q).targets;
    std::snprintf(row, sizeof row, "| `%s` | +-%g dB (0..%.2f) | %.2f | <= %g / %g dB | <= %g dB | <= %g ms |\n",
                  resample_quality_name(q), x.passband_ripple_db, x.passband_edge, x.minus3db_at_least,
                  x.alias_far_db, x.alias_near_db, x.thdn_db, x.held_back_ms);
    t << row;
  }
  return t.str();
}

std::string paths_table() {
  std::ostringstream t;
  t << "| rates (Hz) | preset | neon, avx2, avx512 | scalar, orc |\n|---|---|---|---|\n";
  std::vector<std::pair<ResampleSpec, std::string>> specs;
  for (auto &r : kRatePairs)
    for (ResampleQuality q : kQualities)
      specs.push_back({{r[0], r[1], 2, q}, std::to_string(r[0]) + " -> " + std::to_string(r[1])});
  for (auto &r : kAdjustedPairs) {
    ResampleSpec spec{int(r[0]), int(r[1]), 2, ResampleQuality::High};
    spec.rate_adjust_ppm = r[2];
    char rates[64];
    std::snprintf(rates, sizeof rates, "%d -> %d, rate-adjust %+g", spec.in_rate, spec.out_rate, r[2]);
    for (ResampleQuality q : kQualities) {
      spec.quality = q;
      specs.push_back({spec, rates});
    }
  }
  for (const auto &[spec, rates] : specs) {
    const char *preset = resample_quality_name(spec.quality);
    // Every SIMD ISA has the block kernels: they agree (checked here), and
    // ORC runs the scalar kernels.
    const std::string simd = path_text(spec, Isa::Avx512);
    for (Isa isa : kSimdIsas)
      if (path_text(spec, isa) != simd) {
        std::fprintf(stderr, "FAIL: %s %s: %s on %s, %s on avx512\n", rates.c_str(), preset,
                     path_text(spec, isa).c_str(), isa_name(isa), simd.c_str());
        return "";
      }
    if (path_text(spec, Isa::Orc) != path_text(spec, Isa::Scalar)) {
      std::fprintf(stderr, "FAIL: %s %s: orc and scalar differ\n", rates.c_str(), preset);
      return "";
    }
    t << "| " << rates << " | " << preset << " | " << simd << " | " << path_text(spec, Isa::Scalar) << " |\n";
  }
  return t.str();
}

int check_known_paths() {
  int failures = 0;
  auto expect = [&](int in, int out, ResampleQuality q, Isa isa, ResamplePath want, ResamplePath second) {
    const auto got = Resampler::path_for({in, out, 2, q}, isa);
    if (got.first == want && got.second == second) return;
    std::fprintf(stderr, "FAIL: %d -> %d %s on %s: %s + %s\n", in, out, resample_quality_name(q), isa_name(isa),
                 resample_path_name(got.first), resample_path_name(got.second));
    failures++;
  };
  using P = ResamplePath;
  expect(48000, 16000, ResampleQuality::High, Isa::Avx512, P::Cascade, P::TwoThirds);
  expect(48000, 16000, ResampleQuality::High, Isa::Avx2, P::Cascade, P::TwoThirds);
  expect(48000, 16000, ResampleQuality::High, Isa::Neon, P::Cascade, P::TwoThirds);
  expect(48000, 16000, ResampleQuality::High, Isa::Scalar, P::Cascade, P::Generic);
  expect(44100, 16000, ResampleQuality::High, Isa::Avx2, P::Cascade, P::Gather);
  expect(44100, 48000, ResampleQuality::Fast, Isa::Avx2, P::Gather, P::Gather);
  expect(16000, 48000, ResampleQuality::High, Isa::Avx2, P::Interpolate, P::Interpolate);
  expect(48000, 16000, ResampleQuality::Fast, Isa::Avx512, P::Decimate, P::Decimate);
  expect(16000, 48000, ResampleQuality::High, Isa::Avx512, P::Interpolate, P::Interpolate);
  expect(44100, 48000, ResampleQuality::High, Isa::Avx512, P::Gather, P::Gather);
  // very-high: two stages at 3:1 and at 44.1k -> 16k; only there (its F32
  // second stage with F64 centre taps needs the cascade's exact phases).
  expect(48000, 16000, ResampleQuality::VeryHigh, Isa::Avx512, P::Cascade, P::TwoThirds);
  expect(48000, 16000, ResampleQuality::VeryHigh, Isa::Avx2, P::Cascade, P::TwoThirds);
  expect(44100, 16000, ResampleQuality::VeryHigh, Isa::Avx512, P::Cascade, P::Gather);
  expect(44100, 16000, ResampleQuality::VeryHigh, Isa::Avx2, P::Cascade, P::Gather);
  expect(48000, 16000, ResampleQuality::VeryHigh, Isa::Scalar, P::Cascade, P::Generic);
  expect(16000, 48000, ResampleQuality::VeryHigh, Isa::Avx512, P::Generic, P::Generic);
  // A new ratio whose exact bank would be big: the variable path.
  expect(44100, 16001, ResampleQuality::High, Isa::Avx512, P::Variable, P::Variable);
  // Beyond one stage's limits: a chain of stages.
  expect(48000, 16, ResampleQuality::High, Isa::Avx512, P::Stages, P::Stages);
  expect(1, 100000, ResampleQuality::Fast, Isa::Scalar, P::Stages, P::Stages);
  // A rate adjustment: the variable path, also at equal rates.
  ResampleSpec adjusted{48000, 48000, 2, ResampleQuality::High};
  adjusted.rate_adjust_ppm = 37;
  if (Resampler::path_for(adjusted, Isa::Avx512).first != P::Variable) {
    std::fprintf(stderr, "FAIL: 48000 -> 48000 at +37 ppm: not the variable path\n");
    failures++;
  }
  // A configured resampler reports the same path as the table.
  Resampler r;
  r.configure({48000, 16000, 2, ResampleQuality::High});
  if (r.path() != Resampler::path_for({48000, 16000, 2, ResampleQuality::High}, r.isa()).first) {
    std::fprintf(stderr, "FAIL: configure() and path_for() disagree\n");
    failures++;
  }
  return failures;
}

// DOC with the block after `begin` (up to kEnd) replaced by `block`; empty
// if the markers are missing.
std::string splice(const std::string &doc, const std::string &begin, const std::string &block) {
  const size_t from = doc.find(begin);
  const size_t end = doc.find(kEnd, from == std::string::npos ? 0 : from);
  if (from == std::string::npos || end == std::string::npos) return "";
  return doc.substr(0, from + begin.size() + 1) + block + doc.substr(end);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DOC [--write]\n", argv[0]);
    return 2;
  }
  const bool write = argc > 2 && std::strcmp(argv[2], "--write") == 0;
  std::ifstream in(argv[1]);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string doc = buf.str();
  const std::string paths = paths_table();
  if (paths.empty()) return 1;
  std::string wanted = doc;
  for (const auto &[name, block] : {std::pair<std::string, std::string>{"targets", targets_table()}, {"paths", paths}}) {
    const std::string begin = "<!-- BEGIN generated by tests/check/dsp/resample_docs.cc: " + name + " -->";
    wanted = splice(wanted, begin, block);
    if (wanted.empty()) {
      std::fprintf(stderr, "FAIL: %s lacks the markers %s ... %s\n", argv[1], begin.c_str(), kEnd);
      return 1;
    }
  }
  if (write) {
    std::ofstream(argv[1]) << wanted;
    std::printf("%s: tables written\n", argv[1]);
    return 0;
  }
  int failures = check_known_paths();
  if (wanted != doc) {
    std::fprintf(stderr, "FAIL: the generated tables in %s are stale; run %s %s --write\n", argv[1], argv[0], argv[1]);
    failures++;
  }
  std::printf("%s\n", failures ? "docs/fastresample.md tables: FAILED" : "docs/fastresample.md tables: match the code");
  return failures ? 1 : 0;
}
