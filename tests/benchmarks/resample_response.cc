// SPDX-License-Identifier: LGPL-2.1-or-later
// Frequency response and alias floor of the resamplers, for the plots in
// docs/performance.md: a tone at each input frequency goes through each
// resampler (48 kHz -> 16 kHz); the output's power relative to the input's is
// the gain below the output Nyquist and the alias level above it.
//
// Prints CSV: freq_hz,<one column per resampler> (dB).
#include <gst/audio/audio.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "resample.h"
#ifdef HAVE_SOXR
#include <soxr.h>
#endif

namespace {

constexpr int kIn = 48000, kOut = 16000;
constexpr size_t kFrames = kIn / 2;  // 0.5 s per tone

using Engine = std::function<std::vector<float>(const std::vector<float> &)>;

std::vector<float> ours(const std::vector<float> &x, fastaudio::ResampleQuality q) {
  fastaudio::Resampler r;
  r.configure({kIn, kOut, 1, q});
  std::vector<float> y(r.max_output_frames(x.size()) + r.pending_output_frames() + 64);
  size_t n = r.process(x.data(), x.size(), y.data(), y.size());
  n += r.drain(y.data() + n, y.size() - n);
  y.resize(n);
  return y;
}

std::vector<float> gst(const std::vector<float> &x, int quality) {
  GstStructure *options = gst_structure_new_empty("options");
  gst_audio_resampler_options_set_quality(GST_AUDIO_RESAMPLER_METHOD_KAISER, quality, kIn, kOut, options);
  GstAudioResampler *r = gst_audio_resampler_new(GST_AUDIO_RESAMPLER_METHOD_KAISER, GST_AUDIO_RESAMPLER_FLAG_NONE,
                                                 GST_AUDIO_FORMAT_F32, 1, kIn, kOut, options);
  gst_structure_free(options);
  const gsize out_frames = gst_audio_resampler_get_out_frames(r, x.size());
  std::vector<float> y(out_frames);
  gpointer in[1] = {(gpointer)x.data()}, out[1] = {y.data()};
  gst_audio_resampler_resample(r, in, x.size(), out, out_frames);
  gst_audio_resampler_free(r);
  return y;
}

#ifdef HAVE_SOXR
std::vector<float> soxr_resample(const std::vector<float> &x, unsigned long recipe) {
  soxr_quality_spec_t q = soxr_quality_spec(recipe, 0);
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  std::vector<float> y(x.size() * kOut / kIn + 16);
  size_t done = 0;
  soxr_oneshot(kIn, kOut, 1, x.data(), x.size(), nullptr, y.data(), y.size(), &done, &io, &q, nullptr);
  y.resize(done);
  return y;
}
#endif

// Power of the middle half of a signal (away from start-up and drain edges).
double power(const std::vector<float> &v) {
  const size_t a = v.size() / 4, b = v.size() * 3 / 4;
  double s = 0;
  for (size_t i = a; i < b; i++) s += double(v[i]) * v[i];
  return s / double(b - a);
}

}  // namespace

int main() {
  std::vector<std::pair<std::string, Engine>> engines = {
      {"fastresample high", [](auto &x) { return ours(x, fastaudio::ResampleQuality::High); }},
      {"fastresample very-high", [](auto &x) { return ours(x, fastaudio::ResampleQuality::VeryHigh); }},
      {"audioresample q4", [](auto &x) { return gst(x, 4); }},
      {"audioresample q10", [](auto &x) { return gst(x, 10); }},
  };
#ifdef HAVE_SOXR
  engines.push_back({"libsoxr HQ", [](auto &x) { return soxr_resample(x, SOXR_HQ); }});
#endif
  printf("freq_hz");
  for (auto &e : engines) printf(",%s", e.first.c_str());
  printf("\n");
  std::vector<float> x(kFrames);
  for (double f = 50; f < kIn / 2.0; f += f < 7000 ? 250 : f < 9500 ? 50 : 250) {
    for (size_t i = 0; i < kFrames; i++) x[i] = float(0.5 * std::sin(2 * M_PI * f * double(i) / kIn));
    const double in_power = power(x);
    printf("%.0f", f);
    for (auto &e : engines) {
      const double p = power(e.second(x));
      printf(",%.4f", 10 * std::log10(std::max(p / in_power, 1e-30)));
    }
    printf("\n");
  }
  return 0;
}
