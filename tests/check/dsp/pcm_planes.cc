// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/pcm_planes_kernels: the reading kernels of every ISA under test
// (isa_under_test.h) give the plain loop's floats bit for bit, on random
// samples, each format's extremes and, for F32, NaN, infinities and -0, at
// lengths that leave every tail; unpack_streams() picks the kernel of
// best_isa(), which FASTAUDIO_ISA caps.

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

// Ours and the C++ library before gstcheck.h, whose `fail` macro clashes with std::ios::fail().
#include "isa_under_test.h"
#include "pcm_planes.h"
#include "pcm_planes_kernels.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;

namespace {

constexpr PcmFormat kFormats[] = {PcmFormat::S16LE, PcmFormat::S24LE, PcmFormat::S32LE, PcmFormat::F32LE};
constexpr unsigned kStreams[] = {1, 2, 4};

// `samples` samples of format f: random bytes, with the format's extremes
// (and, for F32, NaN, +-Inf and -0) among them.
std::vector<uint8_t> samples_of(PcmFormat f, size_t samples, uint32_t seed) {
  const size_t width = pcm_info(f).width;
  std::vector<uint8_t> bytes(samples * width + 8);
  std::mt19937 rng(seed);
  for (auto &b : bytes) b = uint8_t(rng());
  std::vector<std::vector<uint8_t>> specials;
  if (f == PcmFormat::F32LE) {
    for (float v : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity(), -0.0f, 1.0f, -1.0f, 1.0000001f}) {
      std::vector<uint8_t> b(4);
      std::memcpy(b.data(), &v, 4);
      specials.push_back(b);
    }
  } else {
    // Most negative and most positive: 0x80.. and 0x7f.. in the top byte.
    std::vector<uint8_t> lo(width, 0), hi(width, 0xff);
    lo[width - 1] = 0x80, hi[width - 1] = 0x7f;
    specials = {lo, hi};
  }
  for (size_t i = 0; i < specials.size() && i * 7 < samples; i++)
    std::memcpy(bytes.data() + i * 7 * width, specials[i].data(), width);
  return bytes;
}

}  // namespace

GST_START_TEST(test_kernels_match_plain_loop) {
  for (Isa isa : test::isas_under_test())
    for (PcmFormat f : kFormats)
      for (unsigned streams : kStreams) {
        const IsaKernels<UnpackStreamsFn> *k = unpack_kernels(f, streams);
        fail_unless(k != nullptr, "%s x %u: no kernels", pcm_format_name(f), streams);
        const UnpackStreamsFn ref = k->for_isa(Isa::Scalar), fn = k->for_isa(isa);
        for (size_t frames : {size_t(1), size_t(3), size_t(17), size_t(64), size_t(333), size_t(2050)}) {
          const auto in = samples_of(f, frames * streams, uint32_t(frames * 31 + streams));
          std::vector<std::vector<float>> want(streams, std::vector<float>(frames)), got = want;
          std::vector<float *> w(streams), g(streams);
          for (unsigned s = 0; s < streams; s++) w[s] = want[s].data(), g[s] = got[s].data();
          ref(in.data(), streams, frames, w.data());
          fn(in.data(), streams, frames, g.data());
          for (unsigned s = 0; s < streams; s++)
            fail_unless(std::memcmp(want[s].data(), got[s].data(), frames * sizeof(float)) == 0,
                        "%s %s x %u, %zu frames: stream %u differs from the plain loop", isa_name(isa),
                        pcm_format_name(f), streams, frames, s);
        }
      }
}
GST_END_TEST;

// unpack_streams() runs best_isa()'s kernel: the same floats as the
// plain loop, for the common formats and for one without kernels (S24BE).
GST_START_TEST(test_unpack_streams_picks_best_isa) {
  for (PcmFormat f : {PcmFormat::S16LE, PcmFormat::S24LE, PcmFormat::S24BE})
    for (unsigned streams : {1u, 2u, 3u}) {
      const size_t frames = 999;
      const auto in = samples_of(f, frames * streams, 5);
      std::vector<std::vector<float>> want(streams, std::vector<float>(frames)), got = want;
      std::vector<float *> w(streams), g(streams);
      for (unsigned s = 0; s < streams; s++) w[s] = want[s].data(), g[s] = got[s].data();
      unpack_streams(f, in.data(), streams, frames, g.data());
      const size_t width = pcm_info(f).width;
      for (unsigned s = 0; s < streams; s++)
        for (size_t i = 0; i < frames; i++) {
          // One sample, one stream: the plain loop.
          float *one = &want[s][i];
          unpack_streams(f, in.data() + (i * streams + s) * width, 1, 1, &one);
        }
      if (const IsaKernels<UnpackStreamsFn> *k = unpack_kernels(f, streams))
        fail_unless(k->for_isa(best_isa()) != nullptr);
      for (unsigned s = 0; s < streams; s++)
        fail_unless(std::memcmp(want[s].data(), got[s].data(), frames * sizeof(float)) == 0, "%s x %u: stream %u",
                    pcm_format_name(f), streams, s);
    }
}
GST_END_TEST;

static Suite *pcm_planes_suite() {
  test::isas_under_test();  // SKIP before forking when the ISA is missing
  Suite *s = suite_create("dsp-pcm-planes");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_kernels_match_plain_loop);
  tcase_add_test(tc, test_unpack_streams_picks_best_isa);
  return s;
}

GST_CHECK_MAIN(pcm_planes);
