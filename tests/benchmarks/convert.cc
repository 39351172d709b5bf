// SPDX-License-Identifier: LGPL-2.1-or-later
// fastconvert benchmark: kernels per 1M (2^20) samples against a plain AVX2
// loop (the practical limit), GstAudioConverter without dither and numpy;
// every SIMD pair per instruction set on a 20 ms buffer; and
// the element's own cost per buffer against audioconvert dithering=none.
#include <gst/audio/audio.h>
#include <gst/gst.h>
#include <immintrin.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "rig.h"
#include "convert.h"
#include "convert_kernels.h"
#include "convert_pipeline.h"
#include "isa_tables.h"

using namespace fastaudio;

namespace {

constexpr size_t kSamples = 1 << 20;

// The straightforward AVX2 loops the issue names as the practical limit:
// scale, round, saturate, no dispatch, no tail handling beyond a multiple of 16.
__attribute__((target("avx2"))) void plain_f32_s16(const float *in, int16_t *out, size_t n) {
  const __m256 k = _mm256_set1_ps(32768.f), lo = _mm256_set1_ps(-32768.f), hi = _mm256_set1_ps(32767.f);
  for (size_t i = 0; i < n; i += 16) {
    __m256i a = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(in + i), k), lo), hi));
    __m256i b = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(in + i + 8), k), lo), hi));
    _mm256_storeu_si256((__m256i *)(out + i), _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8));
  }
}
__attribute__((target("avx2"))) void plain_s16_f32(const int16_t *in, float *out, size_t n) {
  const __m256 k = _mm256_set1_ps(1.f / 32768.f);
  for (size_t i = 0; i < n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(in + i)))), k));
}
__attribute__((target("avx2"))) void plain_f32_s32(const float *in, int32_t *out, size_t n) {
  const __m256 k = _mm256_set1_ps(2147483648.f);
  for (size_t i = 0; i < n; i += 8) {
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(in + i), k);
    __m256i r = _mm256_xor_si256(_mm256_cvtps_epi32(v), _mm256_castps_si256(_mm256_cmp_ps(v, k, _CMP_GE_OQ)));
    _mm256_storeu_si256((__m256i *)(out + i), r);
  }
}
__attribute__((target("avx2"))) void plain_s16_s32(const int16_t *in, int32_t *out, size_t n) {
  for (size_t i = 0; i < n; i += 8)
    _mm256_storeu_si256((__m256i *)(out + i), _mm256_slli_epi32(_mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(in + i))), 16));
}
__attribute__((target("avx2"))) void plain_stereo_s16_mono_f32(const int16_t *in, float *out, size_t frames) {
  const __m256 k = _mm256_set1_ps(1.f / 65536.f);
  for (size_t i = 0; i < frames; i += 8) {
    __m256i l = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(in + 2 * i)));
    __m256i r = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(in + 2 * i + 8)));
    __m256i sums = _mm256_permute4x64_epi64(_mm256_hadd_epi32(l, r), 0xD8);
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(sums), k));
  }
}

// 5.1 -> stereo as a plain per-frame loop built for AVX2 and FMA.
__attribute__((target("avx2,fma"))) void plain_6_2(const float *m, const float *in, float *out, size_t frames) {
  for (size_t f = 0; f < frames; f++, in += 6, out += 2) {
    float l = 0, r = 0;
    for (int i = 0; i < 6; i++) l += m[i] * in[i], r += m[6 + i] * in[i];
    out[0] = l, out[1] = r;
  }
}

struct Case {
  const char *name;
  SampleFormat in, out;
  unsigned in_channels, out_channels;
  std::function<void(const void *, void *, size_t)> plain;  // per output sample/frame count
};

GstAudioInfo info_for(SampleFormat f, unsigned channels) {
  GstAudioInfo info;
  gst_audio_info_set_format(&info, f == SampleFormat::F32   ? GST_AUDIO_FORMAT_F32LE
                                   : f == SampleFormat::F64 ? GST_AUDIO_FORMAT_F64LE
                                   : f == SampleFormat::S16 ? GST_AUDIO_FORMAT_S16LE
                                                            : GST_AUDIO_FORMAT_S32LE,
                            48000, channels, nullptr);
  return info;
}

// ns per call of `fn`, median of `repeats` timings of 200 calls each.
double ns_per_call(int repeats, const std::function<void()> &fn) {
  constexpr int kCalls = 200;
  return bench::median_ns(repeats, [&] {
           for (int i = 0; i < kCalls; i++) fn();
         }) / kCalls;
}

// Every SIMD pair's kernel on every instruction set this CPU has, side by
// side with GstAudioConverter (no dither) in the same run, on a 20 ms
// buffer: 960 samples in (480 frames for the stereo -> mono rows).
void kernels_per_isa(int repeats) {
  const std::vector<Isa> isas = usable_isas();
  printf("\n## Conversion kernels per instruction set, 960 samples in (a 20 ms buffer), ns per call, median of %d "
         "runs (%s)\n\n", repeats, bench::cpu_model().c_str());
  printf("| conversion |");
  for (Isa isa : isas) printf(" %s |", isa_name(isa));
  printf(" GstAudioConverter | GstAudioConverter / %s |\n|---|", isa_name(isas.back()));
  for (size_t i = 0; i < isas.size() + 2; i++) printf("---|");
  printf("\n");
  std::vector<uint8_t> in(960 * 8), out(960 * 8);
  std::mt19937 rng(3);
  for (size_t i = 0; i + 4 <= in.size(); i += 4) {
    const float v = std::uniform_real_distribution<float>(-1.f, 1.f)(rng);
    std::memcpy(&in[i], &v, 4);  // also plausible int16/int32 bits
  }
  for (const ConvertKernelRow &row : convert_kernel_rows()) {
    const unsigned ic = row.stereo_to_mono ? 2 : 1, oc = 1;
    const size_t frames = 960 / ic;
    const std::string name = std::string(row.stereo_to_mono ? "stereo " : "") + sample_format_name(row.in) + "->" +
                             (row.stereo_to_mono ? "mono " : "") + sample_format_name(row.out);
    printf("| %s |", name.c_str());
    double best = NAN;
    for (Isa isa : isas) {
      Converter conv;
      conv.configure({row.in, row.out, ic, oc, Dither::None}, isa);
      best = ns_per_call(repeats, [&] { conv.process(in.data(), out.data(), frames); });
      printf(" %.1f |", best);
      bench::record("convert/isa/" + std::string(isa_name(isa)) + "/" + name + "/960", best, "ns");
    }
    GstAudioInfo in_info = info_for(row.in, ic), out_info = info_for(row.out, oc);
    GstStructure *config = gst_structure_new("config", GST_AUDIO_CONVERTER_OPT_DITHER_METHOD,
                                             GST_TYPE_AUDIO_DITHER_METHOD, GST_AUDIO_DITHER_NONE, nullptr);
    GstAudioConverter *gconv = gst_audio_converter_new(GST_AUDIO_CONVERTER_FLAG_NONE, &in_info, &out_info, config);
    gpointer gin[1] = {in.data()}, gout[1] = {out.data()};
    const double gst = ns_per_call(repeats, [&] {
      gst_audio_converter_samples(gconv, GST_AUDIO_CONVERTER_FLAG_NONE, gin, frames, gout, frames);
    });
    gst_audio_converter_free(gconv);
    printf(" %.1f | %.1fx |\n", gst, gst / best);
  }
}

std::map<std::string, double> run_numpy(int repeats) {
  std::map<std::string, double> result;
  const std::string cmd = "/usr/bin/python3 " FASTAUDIO_BENCH_DIR "/convert_numpy.py " + std::to_string(repeats);
  FILE *p = popen(cmd.c_str(), "r");
  if (!p) return result;
  char line[256];
  while (fgets(line, sizeof line, p)) {
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = 0;
    result[line] = atof(tab + 1);
  }
  pclose(p);
  return result;
}

void kernels(int repeats) {
  std::vector<float> f32(kSamples);
  std::vector<int16_t> s16(kSamples);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uni(-1.f, 1.f);
  for (auto &x : f32) x = uni(rng);
  for (auto &x : s16) x = int16_t(rng());
  std::vector<uint8_t> out(kSamples * 8, 1);

  const Case cases[] = {
      {"F32->S16", SampleFormat::F32, SampleFormat::S16, 1, 1, [](const void *i, void *o, size_t n) { plain_f32_s16((const float *)i, (int16_t *)o, n); }},
      {"S16->F32", SampleFormat::S16, SampleFormat::F32, 1, 1, [](const void *i, void *o, size_t n) { plain_s16_f32((const int16_t *)i, (float *)o, n); }},
      {"F32->S32", SampleFormat::F32, SampleFormat::S32, 1, 1, [](const void *i, void *o, size_t n) { plain_f32_s32((const float *)i, (int32_t *)o, n); }},
      {"S16->S32", SampleFormat::S16, SampleFormat::S32, 1, 1, [](const void *i, void *o, size_t n) { plain_s16_s32((const int16_t *)i, (int32_t *)o, n); }},
      {"stereo S16->mono F32", SampleFormat::S16, SampleFormat::F32, 2, 1, [](const void *i, void *o, size_t n) { plain_stereo_s16_mono_f32((const int16_t *)i, (float *)o, n); }},
  };
  auto numpy = run_numpy(repeats);
  const bool have_avx2 = best_isa() >= Isa::Avx2;

  printf("\n## Conversion kernels, 1M = 2^20 samples in, median of %d runs (ms)\n\n", repeats);
  printf("| conversion | fastaudio | fastaudio ORC path | plain AVX2 loop | GstAudioConverter | numpy (seed) | numpy (clip) | vs AVX2 loop | GstAudioConverter / ours | numpy clip / ours |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Case &c : cases) {
    const void *in = c.in == SampleFormat::F32 ? (const void *)f32.data() : (const void *)s16.data();
    const size_t frames = kSamples / c.in_channels;
    Converter conv;
    conv.configure({c.in, c.out, c.in_channels, c.out_channels, Dither::None});
    const double ours = bench::median_ns(repeats, [&] { conv.process(in, out.data(), frames); });
    Converter orc;
    orc.configure({c.in, c.out, c.in_channels, c.out_channels, Dither::None}, Isa::Orc);
    const double orc_ns = bench::median_ns(repeats, [&] { orc.process(in, out.data(), frames); });
    const double plain = have_avx2 ? bench::median_ns(repeats, [&] { c.plain(in, out.data(), frames); }) : NAN;

    GstAudioInfo in_info = info_for(c.in, c.in_channels), out_info = info_for(c.out, c.out_channels);
    GstStructure *config = gst_structure_new("config", GST_AUDIO_CONVERTER_OPT_DITHER_METHOD,
                                             GST_TYPE_AUDIO_DITHER_METHOD, GST_AUDIO_DITHER_NONE,
                                             GST_AUDIO_CONVERTER_OPT_NOISE_SHAPING_METHOD,
                                             GST_TYPE_AUDIO_NOISE_SHAPING_METHOD, GST_AUDIO_NOISE_SHAPING_NONE, nullptr);
    GstAudioConverter *gconv = gst_audio_converter_new(GST_AUDIO_CONVERTER_FLAG_NONE, &in_info, &out_info, config);
    gpointer gin[1] = {(gpointer)in}, gout[1] = {out.data()};
    const double gst = bench::median_ns(repeats, [&] {
      gst_audio_converter_samples(gconv, GST_AUDIO_CONVERTER_FLAG_NONE, gin, frames, gout, frames);
    });
    gst_audio_converter_free(gconv);

    const std::string name = c.name;
    const double np_seed = numpy.count(name + " seed") ? numpy[name + " seed"] * 1e6
                           : numpy.count(name) ? numpy[name] * 1e6 : NAN;
    const double np_clip = numpy.count(name + " clip") ? numpy[name + " clip"] * 1e6 : NAN;
    printf("| %s | %.3f | %.3f%s | %.3f | %.3f | %.3f | %.3f | %.2fx | %.1fx | %.1fx |\n", c.name, ours / 1e6, orc_ns / 1e6,
           orc.uses_simd() ? "" : " (scalar)", plain / 1e6,
           gst / 1e6, np_seed / 1e6, np_clip / 1e6, ours / plain, gst / ours, np_clip / ours);
    const std::string key = std::string("convert/") + c.name;
    bench::record(key + "/fastaudio", ours / 1e6, "ms");
    bench::record(key + "/orc", orc_ns / 1e6, "ms");
    bench::record(key + "/avx2-loop", plain / 1e6, "ms");
    bench::record(key + "/GstAudioConverter", gst / 1e6, "ms");
    bench::record(key + "/numpy-seed", np_seed / 1e6, "ms");
    bench::record(key + "/numpy-clip", np_clip / 1e6, "ms");
    if (c.in_channels == 2)
      printf("|   per frame (ns) | %.3f | %.3f | %.3f | %.3f | %.3f | | | | |\n", ours / frames, orc_ns / frames, plain / frames, gst / frames,
             np_seed / frames);
  }
  printf("\nfastaudio kernels: %s. Ratios < 1.5x vs the AVX2 loop meet the target.\n", isa_name(best_isa()));
}

std::string caps_for(const char *format, int channels) {
  return std::string("audio/x-raw,layout=interleaved,rate=48000,format=") + format + ",channels=" + std::to_string(channels);
}

// Time per buffer of pushing `samples`-sample buffers through each of
// `elements` (null: a direct pad-to-pad push), medians of `repeats` runs.
// The runs go round the elements in turn, so that a busy moment on a shared
// machine hits each of them alike rather than one element's whole
// measurement.
std::vector<double> push_ns(const std::vector<const char *> &elements, const char *in_format, const char *out_format,
                            size_t samples, int buffers, int repeats) {
  const size_t width = GST_AUDIO_FORMAT_INFO_WIDTH(gst_audio_format_get_info(gst_audio_format_from_string(in_format))) / 8;
  std::vector<uint8_t> zeros(samples * width * buffers, 0);
  auto prepared = bench::make_buffers(zeros, width, 48000, samples);
  std::vector<std::unique_ptr<bench::Rig>> rigs;
  for (const char *element : elements)
    rigs.push_back(std::make_unique<bench::Rig>(element, caps_for(in_format, 1),
                                                caps_for(element ? out_format : in_format, 1)));
  std::vector<std::vector<double>> runs(elements.size());
  for (int r = 0; r <= repeats; r++) {  // round 0 warms up
    for (size_t e = 0; e < rigs.size(); e++) {
      if (r > 0) rigs[e]->restart();
      const double ns = rigs[e]->timed_push_ns(prepared, false);
      if (r > 0) runs[e].push_back(ns / prepared.size());
    }
  }
  bench::free_buffers(prepared);
  std::vector<double> medians;
  for (auto &v : runs) medians.push_back(bench::median(v));
  return medians;
}

// `key` names the recorded figures ("convert-element" for F32 -> S16);
// `settings` are given to both elements.
void element_table(const char *in, const char *out, const char *key, const char *settings, int repeats) {
  printf("\n## Element own cost per buffer, %s -> %s mono, %s, median of %d runs (us per buffer)\n\n", in, out,
         settings, repeats);
  printf("Own cost = gst_pad_push() through the element minus a direct pad-to-pad push (no queues, no threads).\n\n");
  printf("| samples per buffer | bare push | fastconvert own | audioconvert own | audioconvert / fastconvert |\n");
  printf("|---|---|---|---|---|\n");
  const std::string fast = std::string("fastconvert ") + settings, slow = std::string("audioconvert ") + settings;
  for (size_t samples : {size_t(480), size_t(960), size_t(1) << 20}) {
    const int buffers = samples > 100000 ? 8 : 2000;
    const std::vector<double> ns = push_ns({nullptr, fast.c_str(), slow.c_str()}, in, out, samples, buffers, repeats);
    const double base = ns[0], ours = ns[1] - base, theirs = ns[2] - base;
    printf("| %zu | %.3f | %.3f | %.3f | %.1fx |\n", samples, base / 1e3, ours / 1e3, theirs / 1e3, theirs / ours);
    bench::record(std::string(key) + "/" + std::to_string(samples) + "/fastconvert", ours / 1e3, "us");
    bench::record(std::string(key) + "/" + std::to_string(samples) + "/audioconvert", theirs / 1e3, "us");
  }
}

void elements(int repeats) {
  element_table("F32LE", "S16LE", "convert-element", "dithering=none noise-shaping=none", repeats);
  element_table("S16LE", "F32LE", "convert-element-s16-f32", "dithering=none noise-shaping=none", repeats);
  // Both elements' defaults: tpdf dither into 16 bits.
  element_table("F32LE", "S16LE", "convert-element-default", "dithering=tpdf", repeats);
}

double gst_converter_ns(GstAudioFormat in, GstAudioFormat out, int in_channels, int out_channels, const void *src,
                        void *dst, size_t frames, int repeats) {
  GstAudioInfo in_info, out_info;
  GstAudioChannelPosition in_pos[64], out_pos[64];
  gst_audio_channel_positions_from_mask(in_channels, gst_audio_channel_get_fallback_mask(in_channels), in_pos);
  gst_audio_channel_positions_from_mask(out_channels, gst_audio_channel_get_fallback_mask(out_channels), out_pos);
  gst_audio_info_set_format(&in_info, in, 48000, in_channels, in_pos);
  gst_audio_info_set_format(&out_info, out, 48000, out_channels, out_pos);
  GstStructure *config = gst_structure_new("config", GST_AUDIO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_AUDIO_DITHER_METHOD,
                                           GST_AUDIO_DITHER_NONE, nullptr);
  GstAudioConverter *conv = gst_audio_converter_new(GST_AUDIO_CONVERTER_FLAG_NONE, &in_info, &out_info, config);
  gpointer gin[1] = {const_cast<void *>(src)}, gout[1] = {dst};
  const double ns = bench::median_ns(
      repeats, [&] { gst_audio_converter_samples(conv, GST_AUDIO_CONVERTER_FLAG_NONE, gin, frames, gout, frames); });
  gst_audio_converter_free(conv);
  return ns;
}

// Channel mixing and the byte-swapped / unsigned formats through the
// conversion pipeline (what the element runs).
void mixing_and_formats(int repeats) {
  std::vector<float> f32(kSamples * 6);
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> uni(-1.f, 1.f);
  for (auto &x : f32) x = uni(rng);
  std::vector<uint8_t> out(kSamples * 8, 1);
  const size_t frames = kSamples;
  PipelineSpec spec;
  spec.in_channels = 6, spec.out_channels = 2;
  spec.matrix = {6, 2, {0.29f, 0.f, 0.21f, 0.f, 0.29f, 0.f, 0.f, 0.29f, 0.21f, 0.f, 0.f, 0.29f}};
  ConvertPipeline mix;
  mix.configure(spec);
  const double ours = bench::median_ns(repeats, [&] { mix.process(f32.data(), out.data(), frames); });
  const double plain = bench::median_ns(repeats, [&] { plain_6_2(spec.matrix.m.data(), f32.data(), (float *)out.data(), frames); });
  const double gst = gst_converter_ns(GST_AUDIO_FORMAT_F32LE, GST_AUDIO_FORMAT_F32LE, 6, 2, f32.data(), out.data(),
                                      frames, repeats);
  printf("\n## Channel mixing, 5.1 F32 -> stereo F32, 1M = 2^20 frames, median of %d runs (ms)\n\n", repeats);
  printf("| fastaudio | plain AVX2 6->2 loop | GstAudioConverter | vs plain loop | GstAudioConverter / ours |\n|---|---|---|---|---|\n");
  printf("| %.3f | %.3f | %.3f | %.2fx | %.1fx |\n", ours / 1e6, plain / 1e6, gst / 1e6, ours / plain, gst / ours);
  bench::record("convert/5.1->stereo F32/fastaudio", ours / 1e6, "ms");
  bench::record("convert/5.1->stereo F32/GstAudioConverter", gst / 1e6, "ms");

  printf("\n## 16-bit formats to and from F32, 1M samples, no dither, median of %d runs (ms)\n\n", repeats);
  printf("| conversion | fastaudio | / the S16LE one |\n|---|---|---|\n");
  for (bool to_f32 : {true, false}) {
    double base = 0;
    for (PcmFormat f : {PcmFormat::S16LE, PcmFormat::S16BE, PcmFormat::U16LE}) {
      PipelineSpec one;
      (to_f32 ? one.in_format : one.out_format) = f;
      ConvertPipeline conv;
      conv.configure(one);
      const double ns = bench::median_ns(repeats, [&] { conv.process(f32.data(), out.data(), kSamples); });
      if (f == PcmFormat::S16LE) base = ns;
      const std::string name = to_f32 ? std::string(pcm_format_name(f)) + "->F32" : std::string("F32->") + pcm_format_name(f);
      printf("| %s | %.3f | %.2fx |\n", name.c_str(), ns / 1e6, ns / base);
      bench::record("convert/" + name + "/fastaudio", ns / 1e6, "ms");
    }
  }

  printf("\n## Element own cost, 5.1 S16 -> stereo S16, 20 ms buffers (960 frames), median of %d runs (us per buffer)\n\n",
         repeats);
  const std::string in_caps = caps_for("S16LE", 6) + ",channel-mask=(bitmask)0x3f", out_caps = caps_for("S16LE", 2);
  auto element_ns = [&](const char *element) {
    bench::Rig rig(element, in_caps, out_caps);
    std::vector<uint8_t> zeros(960 * 12 * 200, 0);
    auto prepared = bench::make_buffers(zeros, 12, 48000, 960);
    const double ns = rig.median_push_ns(prepared, repeats) / prepared.size();
    bench::free_buffers(prepared);
    return ns;
  };
  const double bare = element_ns(nullptr);
  const double fast = element_ns("fastconvert dithering=none") - bare;
  const double ac = element_ns("audioconvert dithering=none noise-shaping=none") - bare;
  printf("| fastconvert own | audioconvert own | audioconvert / fastconvert |\n|---|---|---|\n");
  printf("| %.3f | %.3f | %.1fx |\n", fast / 1e3, ac / 1e3, ac / fast);
}

}  // namespace

int main(int argc, char **argv) {
  gst_init(&argc, &argv);
  // `bench-convert isa [N]` prints the table per instruction set alone.
  if (argc > 1 && std::string(argv[1]) == "isa") {
    kernels_per_isa(argc > 2 ? atoi(argv[2]) : 31);
    return 0;
  }
  // `bench-convert elements [N]`: the element cost tables alone.
  if (argc > 1 && std::string(argv[1]) == "elements") {
    elements(argc > 2 ? atoi(argv[2]) : 11);
    return 0;
  }
  const int repeats = argc > 1 ? atoi(argv[1]) : 31;
  kernels(repeats);
  kernels_per_isa(repeats);
  mixing_and_formats(repeats);
  elements(std::max(5, repeats / 3));
  return 0;
}
