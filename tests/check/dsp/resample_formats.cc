// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/resample with PCM input and output (pcm_planes.h): each of the 30
// formats in both layouts gives what the F32 path gives on the same decoded
// input (floats bit for bit, integers within their rounding), and a tone
// keeps the preset's THD+N target or, for narrow integers, the format's
// own quantisation floor.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "layout.h"
#include "pcm_codec.h"
#include "pcm_planes.h"
#include "resample.h"
#include "resample_measure.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;

namespace {

// An odd chunk, so that the cascade's even/odd split sees pairs cut in two.
constexpr size_t kChunk = 479;

struct Case {
  ResampleSpec spec;
  const char *what;
};
const Case kCases[] = {
    {{48000, 16000, 2, ResampleQuality::High}, "48k -> 16k high stereo (cascade)"},
    {{44100, 16000, 2, ResampleQuality::Fast}, "44.1k -> 16k fast stereo"},
    {{16000, 48000, 2, ResampleQuality::High}, "16k -> 48k high stereo"},
    {{48000, 16000, 3, ResampleQuality::High}, "48k -> 16k high, 3 channels"},
    {{96000, 48000, 1, ResampleQuality::High}, "96k -> 48k high mono"},
};

// 1.5 s of a 1 kHz tone at -1 dBFS, channel c at phase c * 90 degrees, interleaved.
std::vector<double> tone_frames(int rate, unsigned channels) {
  const size_t frames = size_t(rate) * 3 / 2;
  const double amp = std::pow(10.0, -1.0 / 20);
  std::vector<double> x(frames * channels);
  for (size_t i = 0; i < frames; i++)
    for (unsigned c = 0; c < channels; c++) {
      const long long k = (1000LL * (long long)i + 250LL * c * rate / 1000) % rate;
      x[i * channels + c] = amp * std::sin(2 * M_PI * double(k) / rate);
    }
  return x;
}

// `samples` interleaved values in format f, split into planes when planar.
std::vector<uint8_t> encode(PcmFormat f, const std::vector<double> &x, unsigned channels, bool planar) {
  const size_t width = pcm_info(f).width, frames = x.size() / channels;
  std::vector<uint8_t> bytes(x.size() * width);
  pack_function<double>(f)(x.data(), bytes.data(), x.size());
  if (!planar) return bytes;
  std::vector<uint8_t> planes(bytes.size());
  std::vector<uint8_t *> p(channels);
  for (unsigned c = 0; c < channels; c++) p[c] = planes.data() + c * frames * width;
  deinterleave(bytes.data(), channels, frames, width, p.data());
  return planes;
}

// Appends `n` frames of sink bytes (planes back to back when planar) to `out` as interleaved floats.
void decode_append(PcmFormat f, const uint8_t *bytes, size_t n, unsigned channels, bool planar,
                   std::vector<float> &out) {
  const size_t width = pcm_info(f).width, at = out.size();
  out.resize(at + n * channels);
  std::vector<float> plane(n);
  for (unsigned c = 0; c < (planar ? channels : 1); c++) {
    const size_t count = planar ? n : n * channels;
    std::vector<float> v(count);
    unpack_function<float>(f)(bytes + (planar ? c * n * width : 0), v.data(), count);
    for (size_t i = 0; i < count; i++) out[at + (planar ? i * channels + c : i)] = v[i];
  }
}

// Streams `in` (format f, layout as `planar`) through a resampler in kChunk
// chunks and drains; returns the output decoded to interleaved floats.
std::vector<float> run_pcm(const ResampleSpec &spec, PcmFormat f, bool planar, const std::vector<uint8_t> &in,
                           size_t frames) {
  Resampler r;
  fail_unless(r.configure(spec));
  const unsigned ch = spec.channels;
  const size_t width = pcm_info(f).width;
  std::vector<float> out;
  std::vector<uint8_t> sink_bytes;
  std::vector<const uint8_t *> planes(ch);
  for (size_t i = 0; i < frames; i += kChunk) {
    const size_t k = std::min(kChunk, frames - i);
    for (unsigned c = 0; c < ch; c++) planes[c] = planar ? in.data() + (c * frames + i) * width : in.data() + i * ch * width;
    const PcmSource src{f, ch, planar, planes.data()};
    const size_t cap = r.max_output_frames(k);
    sink_bytes.assign(cap * ch * width + 1, 0);
    const size_t n = r.process(src, k, PcmSink{f, ch, planar, sink_bytes.data()}, cap);
    decode_append(f, sink_bytes.data(), n, ch, planar, out);
  }
  const size_t tail = r.pending_output_frames();
  sink_bytes.assign(tail * ch * width + 1, 0);
  const size_t n = r.drain(PcmSink{f, ch, planar, sink_bytes.data()}, tail);
  decode_append(f, sink_bytes.data(), n, ch, planar, out);
  return out;
}

// The F32 path on the same input as the resampler reads it, same chunks.
std::vector<float> run_f32(const ResampleSpec &spec, const std::vector<float> &in) {
  Resampler r;
  fail_unless(r.configure(spec));
  const unsigned ch = spec.channels;
  const size_t frames = in.size() / ch;
  std::vector<float> out(r.max_output_frames(frames) + r.pending_output_frames() + frames + 64);
  out.resize(out.size() * ch);
  size_t n = 0;
  for (size_t i = 0; i < frames; i += kChunk) {
    const size_t k = std::min(kChunk, frames - i);
    n += r.process(in.data() + i * ch, k, out.data() + n * ch, out.size() / ch - n);
  }
  n += r.drain(out.data() + n * ch, out.size() / ch - n);
  out.resize(n * ch);
  return out;
}

// THD+N a tone can keep in format f: the preset's target, plus for
// integers the two roundings (input and output) of at most half an LSB
// each, added as RMS amplitudes (their worst case: the tone's rounding
// errors are periodic, not white, so LSB^2 / 12 is no bound).
double thdn_limit(PcmFormat f, const ResampleSpec &spec) {
  const double target = resample_preset(spec.quality).targets.thdn_db;
  const PcmInfo info = pcm_info(f);
  if (info.is_float) return target;
  const double signal_rms = std::pow(10.0, -1.0 / 20) / std::sqrt(2.0);
  const double lsb = std::ldexp(1.0, -(info.depth - 1));
  const double noise_rms = signal_rms * std::pow(10.0, target / 20) + lsb;
  return 20 * std::log10(noise_rms / signal_rms);
}

}  // namespace

GST_START_TEST(test_every_format_and_layout) {
  const Case &t = kCases[__i__];
  const ResampleSpec &spec = t.spec;
  const unsigned ch = spec.channels;
  const std::vector<double> x = tone_frames(spec.in_rate, ch);
  const size_t frames = x.size() / ch;
  for (size_t fi = 0; fi < kPcmFormatCount; fi++) {
    const PcmFormat f = PcmFormat(fi);
    const PcmInfo info = pcm_info(f);
    // What the resampler reads: the tone quantised to f, decoded.
    const std::vector<uint8_t> interleaved = encode(f, x, ch, false);
    std::vector<float> decoded(x.size());
    unpack_function<float>(f)(interleaved.data(), decoded.data(), x.size());
    const std::vector<float> ref = run_f32(spec, decoded);
    const double tolerance = info.is_float ? 0.0 : std::ldexp(1.0, -(info.depth - 1)) * 1.0001;
    for (bool planar : {false, true}) {
      const std::vector<float> y = run_pcm(spec, f, planar, encode(f, x, ch, planar), frames);
      const char *layout = planar ? "planar" : "interleaved";
      fail_unless(y.size() == ref.size(), "%s %s %s: %zu samples, F32 path %zu", t.what, pcm_format_name(f), layout,
                  y.size(), ref.size());
      double worst = 0;
      for (size_t i = 0; i < y.size(); i++) worst = std::max(worst, std::fabs(double(y[i]) - double(ref[i])));
      fail_unless(worst <= tolerance, "%s %s %s: differs from the F32 path by %g (allowed %g)", t.what,
                  pcm_format_name(f), layout, worst, tolerance);
      const measure::Window w{spec.out_rate};
      for (unsigned c = 0; c < ch; c++) {
        std::vector<float> one(w.length());
        for (size_t i = 0; i < w.length(); i++) one[i] = y[(w.start() + i) * ch + c];
        const double thdn = measure::thdn_of(one.data(), one.size(), 1000);
        fail_unless(thdn <= thdn_limit(f, spec), "%s %s %s channel %u: THD+N %.1f dB > %.1f", t.what,
                    pcm_format_name(f), layout, c, thdn, thdn_limit(f, spec));
      }
    }
  }
}
GST_END_TEST;

// Output in another format and layout than the input (what the element
// never asks, but the API allows): S24LE planar in, S16LE interleaved out,
// equals the F32 path rounded to S16.
GST_START_TEST(test_format_change_across) {
  const ResampleSpec spec{48000, 16000, 2, ResampleQuality::High};
  const std::vector<double> x = tone_frames(spec.in_rate, 2);
  const size_t frames = x.size() / 2;
  const std::vector<uint8_t> in = encode(PcmFormat::S24LE, x, 2, true);
  std::vector<float> decoded(x.size());
  unpack_function<float>(PcmFormat::S24LE)(encode(PcmFormat::S24LE, x, 2, false).data(), decoded.data(), x.size());
  Resampler r;
  fail_unless(r.configure(spec));
  const uint8_t *planes[2] = {in.data(), in.data() + frames * 3};
  std::vector<int16_t> out(r.max_output_frames(frames) * 2 + 2);
  const size_t n = r.process(PcmSource{PcmFormat::S24LE, 2, true, planes}, frames,
                             PcmSink{PcmFormat::S16LE, 2, false, reinterpret_cast<uint8_t *>(out.data())},
                             out.size() / 2);
  Resampler f32;
  fail_unless(f32.configure(spec));
  std::vector<float> ref(n * 2 + 2);
  fail_unless(f32.process(decoded.data(), frames, ref.data(), ref.size() / 2) == n);
  for (size_t i = 0; i < n * 2; i++)
    fail_unless(std::fabs(out[i] - double(ref[i]) * 32768.0) <= 0.5001, "sample %zu: %d, F32 path %f", i, out[i],
                double(ref[i]) * 32768.0);
}
GST_END_TEST;

// Output in another format or layout is made in blocks and written block
// by block (no pass of its own over a whole call's output): byte for byte
// what the F32 output written afterwards by a PcmWriter gives, on every
// path, for calls far longer than a block, odd chunks and a quality switch
// mid-stream (the cascade's outputs made while switching).
GST_START_TEST(test_fused_output_matches_f32_then_written) {
  const ResampleSpec specs[] = {
      {48000, 16000, 2, ResampleQuality::High},  {48000, 16000, 2, ResampleQuality::Fast},
      {44100, 48000, 2, ResampleQuality::Fast},  {16000, 48000, 1, ResampleQuality::High},
      {44100, 16000, 3, ResampleQuality::High},  {48000, 16, 1, ResampleQuality::High},
      {16000, 48000, 2, ResampleQuality::Fast},  {48000, 44100, 2, ResampleQuality::High},
      {22050, 22051, 2, ResampleQuality::High},  {96000, 48000, 2, ResampleQuality::VeryHigh}};
  const PcmFormat formats[] = {PcmFormat::S16LE, PcmFormat::S24LE, PcmFormat::S32LE, PcmFormat::U8,
                               PcmFormat::F64LE, PcmFormat::F32LE};
  for (const ResampleSpec &spec : specs) {
    const unsigned ch = spec.channels;
    const std::vector<double> x = tone_frames(spec.in_rate, ch);
    const std::vector<float> in(x.begin(), x.end());
    const size_t frames = in.size() / ch;
    const uint8_t *plane = reinterpret_cast<const uint8_t *>(in.data());
    for (PcmFormat f : formats)
      for (bool planar : {false, true}) {
        const size_t width = pcm_info(f).width;
        Resampler fused, plain;
        fail_unless(fused.configure(spec) && plain.configure(spec));
        PcmWriter writer;
        const size_t chunks[] = {frames / 2, 479, 4801};
        for (size_t i = 0, k = 0; i < frames; k++) {
          if (k == 2) fail_unless(fused.set_quality(ResampleQuality::Fast) && plain.set_quality(ResampleQuality::Fast));
          if (k == 4) fail_unless(fused.set_quality(ResampleQuality::High) && plain.set_quality(ResampleQuality::High));
          const size_t n = std::min(chunks[std::min<size_t>(k, 2)], frames - i);
          const PcmSource src{PcmFormat::F32LE, ch, false, &plane};
          const size_t cap = fused.max_output_frames(n);
          std::vector<uint8_t> a(cap * ch * width + 1), b(cap * ch * width + 1);
          std::vector<float> y(cap * ch + 1);
          const uint8_t *at = plane + i * ch * sizeof(float);
          const PcmSource part{src.format, ch, false, &at};
          const size_t got = fused.process(part, n, PcmSink{f, ch, planar, a.data()}, cap);
          fail_unless_equals_uint64(plain.process(in.data() + i * ch, n, y.data(), cap), got);
          writer.write(y.data(), got, PcmSink{f, ch, planar, b.data()});
          fail_unless(std::memcmp(a.data(), b.data(), got * ch * width) == 0, "%d -> %d %s %s %s: call %zu differs",
                      spec.in_rate, spec.out_rate, resample_quality_name(spec.quality), pcm_format_name(f),
                      planar ? "planar" : "interleaved", k);
          i += n;
        }
      }
  }
}
GST_END_TEST;

static Suite *resample_formats_suite() {
  Suite *s = suite_create("resample_formats");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 600);
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_every_format_and_layout, 0, G_N_ELEMENTS(kCases));
  tcase_add_test(tc, test_format_change_across);
  tcase_add_test(tc, test_fused_output_matches_f32_then_written);
  return s;
}

GST_CHECK_MAIN(resample_formats);
