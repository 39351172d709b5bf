// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/resample's kernels of one ISA (argv[1]: neon, avx2 or avx512) against
// the scalar references, on random input and across the sizes each kernel
// takes, and the bit-identities the paths rely on (channel counts agree with
// mono). An ISA this CPU or build lacks reports SKIP (exit 77).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "resample.h"
#include "resample_internal.h"
#include "resample_kernels.h"
#include "resample_test_util.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;
using namespace fastaudio::test;
using namespace fastaudio::resample_detail;

namespace {

Isa g_isa = Isa::Scalar;

// Sums of `taps` products of |x|, |c| <= 1 in another order (and with FMA).
float tolerance(size_t taps) { return 2e-6f * std::sqrt(float(taps)); }

template <typename Fn>
Fn kernel_of(const IsaKernels<Fn> &k) {
  fail_unless(k.has(g_isa), "no %s kernel", isa_name(g_isa));
  return k.for_isa(g_isa);
}

template <typename Fn>
Fn reference_of(const IsaKernels<Fn> &k) {
  return k.by_isa[size_t(Isa::Scalar)];
}

void expect_close(const float *got, const float *want, size_t n, float tol, const char *what, size_t size) {
  for (size_t i = 0; i < n; i++)
    fail_unless(std::fabs(got[i] - want[i]) <= tol, "%s (%zu) output %zu: %g, reference %g", what, size, i,
                double(got[i]), double(want[i]));
}

}  // namespace

GST_START_TEST(test_dot4) {
  for (size_t taps : {size_t(8), size_t(24), size_t(136), size_t(1000)}) {
    auto x = noise(4 * taps + 40, 1), c = noise(4 * taps, 2);
    const float *xs[4] = {x.data(), x.data() + 3, x.data() + taps, x.data() + 2 * taps + 9};
    const float *cs[4] = {c.data(), c.data() + taps, c.data() + 2 * taps, c.data() + 3 * taps};
    for (const auto *table : {&kDot4Kernels, &kDot4WideKernels}) {
      float got[4], want[4];
      kernel_of(*table)(xs, cs, taps, got);
      reference_of(*table)(xs, cs, taps, want);
      expect_close(got, want, 4, tolerance(taps), "dot4", taps);
    }
  }
}
GST_END_TEST;

// Integer decimation and the 2/3 pair, from phase streams as the paths make them.
GST_START_TEST(test_decimate) {
  for (unsigned M : {2u, 3u, 6u}) {
    for (size_t taps : {size_t(8), size_t(96), size_t(184)}) {
      const size_t J = (64 + taps / M + 32 + 15) / 16 * 16;  // aligned rows
      const AlignedNoise streams(M * J, 3);
      std::vector<const float *> xr(M);
      for (unsigned r = 0; r < M; r++) xr[r] = streams.data + r * J;
      auto c = noise(taps, 4);
      float got[64], want[64];
      kernel_of(kDecimate64Kernels)(xr.data(), M, c.data(), taps, got);
      reference_of(kDecimate64Kernels)(xr.data(), M, c.data(), taps, want);
      expect_close(got, want, 64, tolerance(taps), "decimate64", taps);
    }
  }
  for (size_t taps : {size_t(8), size_t(184), size_t(200)}) {
    const size_t J = (80 + taps / 3 + 32 + 15) / 16 * 16;
    const AlignedNoise streams(4 * J, 5);
    float *st = streams.data;
    for (size_t j = 0; j + 1 < J; j++) st[3 * J + j] = st[j + 1];  // stream 3 is stream 0 one on
    const float *xs[4] = {st, st + J, st + 2 * J, st + 3 * J};
    auto rows = noise(2 * taps, 6);
    for (size_t n : {size_t(32), size_t(80)}) {
      float got0[80], got1[80], want0[80], want1[80];
      kernel_of(kDecimatePairKernels)(xs, rows.data(), rows.data() + taps, taps, got0, got1, n);
      reference_of(kDecimatePairKernels)(xs, rows.data(), rows.data() + taps, taps, want0, want1, n);
      expect_close(got0, want0, n, tolerance(taps), "decimate pair, even", n);
      expect_close(got1, want1, n, tolerance(taps), "decimate pair, odd", n);
    }
  }
}
GST_END_TEST;

// The exact copies: stream splits and interleaves, whole vectors and tails.
GST_START_TEST(test_splits) {
  for (size_t vecs : {size_t(0), size_t(1), size_t(5)}) {
    auto src = noise(48 * vecs + 3, 7);
    std::vector<float> got(3 * 16 * vecs + 3, -1.f), want(got);
    const size_t n = 16 * vecs;
    kernel_of(kSplit3Kernels)(src.data(), vecs, got.data(), got.data() + n, got.data() + 2 * n);
    reference_of(kSplit3Kernels)(src.data(), vecs, want.data(), want.data() + n, want.data() + 2 * n);
    fail_unless(got == want, "split3 of %zu vectors", vecs);
  }
  for (size_t n : {size_t(0), size_t(5), size_t(32), size_t(37), size_t(80)}) {
    auto src = noise(4 * n + 1, 17);
    std::vector<float> got(4 * 80 + 4, -1.f), want(got);
    kernel_of(kDeinterleave4Kernels)(src.data(), n, got.data(), got.data() + 81, got.data() + 162, got.data() + 243);
    reference_of(kDeinterleave4Kernels)(src.data(), n, want.data(), want.data() + 81, want.data() + 162,
                                        want.data() + 243);
    fail_unless(got == want, "deinterleave4 of %zu", n);
  }
  for (size_t n : {size_t(0), size_t(5), size_t(32), size_t(37), size_t(80)}) {
    auto q = noise(4 * 80, 8);
    std::vector<float> got(4 * 80 + 4, -1.f), want(got);
    kernel_of(kInterleave4Kernels)(q.data(), q.data() + 80, q.data() + 160, q.data() + 240, n, got.data());
    reference_of(kInterleave4Kernels)(q.data(), q.data() + 80, q.data() + 160, q.data() + 240, n, want.data());
    fail_unless(got == want, "interleave4 of %zu", n);
  }
  for (size_t n : {size_t(0), size_t(5), size_t(32), size_t(37), size_t(80)}) {
    auto x = noise(2 * 80, 18);
    std::vector<float> got(2 * 80 + 2, -1.f), want(got), back(got);
    kernel_of(kDeinterleave2Kernels)(x.data(), n, got.data(), got.data() + 81);
    reference_of(kDeinterleave2Kernels)(x.data(), n, want.data(), want.data() + 81);
    fail_unless(got == want, "deinterleave2 of %zu", n);
    kernel_of(kInterleave2Kernels)(got.data(), got.data() + 81, n, back.data());
    fail_unless(std::equal(x.begin(), x.begin() + long(2 * n), back.begin()) && back[2 * n] == -1.f,
                "interleave2 of %zu", n);
  }
}
GST_END_TEST;

// Integer interpolation: mono 32 and 64 positions (64 with a stride), stereo
// 32 and 40; each channel of stereo bit-identical to the mono kernel on it.
GST_START_TEST(test_interpolate) {
  for (unsigned L : {2u, 3u, 4u, 5u, 6u}) {
    for (size_t taps : {size_t(8), size_t(56), size_t(128)}) {
      const AlignedNoise input(2 * (64 + taps) + 96, 9);  // the AVX-512 kernels' alignment
      const float *x = input.data;
      auto bank = noise(L * taps, 10);
      std::vector<float> got(64 * L * 2, 0.f), want(64 * L * 2, 0.f);
      fail_unless(kernel_of(kInterpolate32Kernels)(x, bank.data(), taps, L, got.data()));
      fail_unless(reference_of(kInterpolate32Kernels)(x, bank.data(), taps, L, want.data()));
      expect_close(got.data(), want.data(), 32 * L, tolerance(taps), "interpolate32", L);
      if (L > kMaxBlock64Interpolation) {
        fail_if(kernel_of(kInterpolate64Kernels)(x, bank.data(), taps, L, got.data(), 1));
        continue;
      }
      for (size_t stride : {size_t(1), size_t(2)}) {
        fail_unless(kernel_of(kInterpolate64Kernels)(x, bank.data(), taps, L, got.data(), stride));
        fail_unless(reference_of(kInterpolate64Kernels)(x, bank.data(), taps, L, want.data(), stride));
        for (size_t i = 0; i < 64 * L; i++)
          fail_unless(std::fabs(got[i * stride] - want[i * stride]) <= tolerance(taps), "interpolate64 L %u", L);
      }
      for (const auto *table : {&kInterpolate32x2Kernels, &kInterpolate40x2Kernels, &kInterpolate48x2Kernels}) {
        const size_t positions = table == &kInterpolate32x2Kernels ? 32 : table == &kInterpolate40x2Kernels ? 40 : 48;
        fail_unless(kernel_of(*table)(x, bank.data(), taps, L, got.data()));
        fail_unless(reference_of(*table)(x, bank.data(), taps, L, want.data()));
        expect_close(got.data(), want.data(), 2 * positions * L, tolerance(taps), "stereo interpolate", positions);
        std::vector<float> left(positions + taps), mono(32 * L);
        for (size_t j = 0; j < left.size(); j++) left[j] = x[2 * j];
        fail_unless(kernel_of(kInterpolate32Kernels)(left.data(), bank.data(), taps, L, mono.data()));
        for (size_t i = 0; i < 32 * L; i++) fail_unless(got[2 * i] == mono[i], "stereo L %u taps %zu", L, taps);
      }
    }
  }
}
GST_END_TEST;

// Rational ratios: 16 lanes with their own rows, windows up to 60 frames
// apart, with a NaN outside some lanes' windows that must not reach them;
// two and four windows give the bits of one window at a time.
GST_START_TEST(test_spread) {
  for (size_t taps : {size_t(8), size_t(152), size_t(176)}) {
    for (int32_t step2 : {0, 2, 3, 5, 7}) {
      int32_t r[16];
      for (int i = 0; i < 16; i++) r[i] = i * step2 / 2;
      const size_t rows = taps + size_t(r[15]) + 4;
      auto x = noise(rows + 64, 11);
      auto coef = noise(16 * taps, 12);
      std::vector<float> tb(rows * 16, 0.f);
      for (int i = 0; i < 16; i++)
        for (size_t m = 0; m < taps; m++) tb[(m + size_t(r[i])) * 16 + size_t(i)] = coef[size_t(i) * taps + m];
      x[size_t(r[15]) + taps + 1] = std::nanf("");  // past every window
      if (r[1] > 0) x[0] = std::nanf("");           // only lane 0's window
      float got[16], want[16];
      kernel_of(kSpread16Kernels)(x.data(), tb.data(), r, taps, got);
      reference_of(kSpread16Kernels)(x.data(), tb.data(), r, taps, want);
      if (r[1] > 0) fail_unless(std::isnan(got[0]));
      for (int i = r[1] > 0 ? 1 : 0; i < 16; i++)
        fail_unless(std::fabs(got[i] - want[i]) <= tolerance(taps), "spread taps %zu step %d lane %d: %g vs %g", taps,
                    step2, i, double(got[i]), double(want[i]));
      float pair0[16], pair1[16], one1[16];
      kernel_of(kSpread16x2Kernels)(x.data(), x.data() + 3, tb.data(), r, taps, pair0, pair1);
      kernel_of(kSpread16Kernels)(x.data() + 3, tb.data(), r, taps, one1);
      fail_unless(std::memcmp(pair1, one1, sizeof one1) == 0 && std::memcmp(pair0 + 1, got + 1, 15 * 4) == 0);
      float quad[4][16], single[16];
      const float *xs[4] = {x.data() + 2, x.data() + 3, x.data() + 1, x.data() + 7};
      float *const outs[4] = {quad[0], quad[1], quad[2], quad[3]};
      kernel_of(kSpread16x4Kernels)(xs, tb.data(), r, taps, outs);
      for (int w = 0; w < 4; w++) {
        kernel_of(kSpread16Kernels)(xs[w], tb.data(), r, taps, single);
        fail_unless(std::memcmp(quad[w], single, sizeof single) == 0, "spread16x4 taps %zu window %d", taps, w);
      }
      // Two groups with tables of their own (the second: lanes reversed).
      if (kSpread16TwoKernels.has(g_isa)) {
        int32_t r2[16];
        for (int i = 0; i < 16; i++) r2[i] = r[15] - r[15 - i];
        std::vector<float> tb2(rows * 16, 0.f);
        for (int i = 0; i < 16; i++)
          for (size_t m = 0; m < taps; m++) tb2[(m + size_t(r2[i])) * 16 + size_t(i)] = coef[size_t(15 - i) * taps + m];
        float two0[16], two1[16], alone[16];
        kernel_of(kSpread16TwoKernels)(x.data() + 2, tb.data(), r, x.data() + 5, tb2.data(), r2, taps, two0, two1);
        kernel_of(kSpread16Kernels)(x.data() + 2, tb.data(), r, taps, alone);
        fail_unless(std::memcmp(two0, alone, sizeof alone) == 0, "spread16 two, first group");
        kernel_of(kSpread16Kernels)(x.data() + 5, tb2.data(), r2, taps, alone);
        fail_unless(std::memcmp(two1, alone, sizeof alone) == 0, "spread16 two, second group");
      }
    }
  }
}
GST_END_TEST;

// The cascade's half-band stage against the formula: sizes in use (14, 16)
// and another, counts with whole vectors and tails.
GST_START_TEST(test_halfband) {
  for (size_t K : {14, 16, 13})
    for (size_t count : {203, 219, 5, 64}) {
      auto e = noise(count, 13), o = noise(count + 2 * K - 1, 14), h = noise(K, 15);
      std::vector<float> got(count), want(count);
      kernel_of(kHalfbandKernels)(e.data(), o.data(), h.data(), K, count, got.data());
      for (size_t q = 0; q < count; q++) {
        want[q] = 0.5f * e[q];
        for (size_t i = 0; i < K; i++) want[q] += h[i] * (o[q + K + i] + o[q + K - 1 - i]);
      }
      expect_close(got.data(), want.data(), count, tolerance(2 * K), "half-band", K);
    }
}
GST_END_TEST;

// The block paths run on this ISA and agree with the scalar resampler,
// mono and stereo, whatever the chunking.
GST_START_TEST(test_paths) {
  struct Case {
    int in, out;
    ResampleQuality q;
    ResamplePath path, second;
  };
  using P = ResamplePath;
  const Case cases[] = {{48000, 16000, ResampleQuality::Fast, P::Decimate, P::Decimate},
                        {48000, 16000, ResampleQuality::High, P::Cascade, P::TwoThirds},
                        {44100, 16000, ResampleQuality::High, P::Cascade, P::Gather},
                        {16000, 48000, ResampleQuality::High, P::Interpolate, P::Interpolate},
                        {8000, 48000, ResampleQuality::High, P::Interpolate, P::Interpolate},
                        {44100, 48000, ResampleQuality::High, P::Gather, P::Gather},
                        {44100, 48000, ResampleQuality::Fast, P::Gather, P::Gather}};
  for (const Case &c : cases)
    for (unsigned ch : {1u, 2u, 3u}) {
      const ResampleSpec spec{c.in, c.out, ch, c.q};
      Resampler ref, fast;
      ref.configure(spec, Isa::Scalar);
      fast.configure(spec, g_isa);
      fail_unless(fast.path() == c.path && fast.second_stage_path() == c.second, "%d -> %d: %s", c.in, c.out,
                  resample_path_name(fast.path()));
      auto in = noise(size_t(c.in) / 5 * ch, 16);
      auto want = run_chunked(ref, in, {size_t(c.in) / 50});
      auto got = run_chunked(fast, in, {size_t(c.in) / 50, 7, 1000, 13});
      fail_unless_equals_uint64(got.size(), want.size());
      double worst = 0;
      for (size_t i = 0; i < got.size(); i++) worst = std::max(worst, double(std::fabs(got[i] - want[i])));
      fail_unless(worst < 2e-6, "%d -> %d %u ch: differs by %g", c.in, c.out, ch, worst);
    }
}
GST_END_TEST;

static Suite *resample_isa_kernels_suite() {
  Suite *s = suite_create("dsp-resample-kernels");
  TCase *tc = tcase_create("kernels");
  tcase_set_timeout(tc, 300);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_dot4);
  tcase_add_test(tc, test_decimate);
  tcase_add_test(tc, test_splits);
  tcase_add_test(tc, test_interpolate);
  tcase_add_test(tc, test_spread);
  tcase_add_test(tc, test_halfband);
  tcase_add_test(tc, test_paths);
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s neon|avx2|avx512\n", argv[0]);
    return 2;
  }
  const std::string wanted = argv[1];
  bool found = false;
  for (Isa isa : usable_isas())
    if (wanted == isa_name(isa)) g_isa = isa, found = true;
  if (!found) {
    std::printf("SKIP: the resampler's %s kernels need a CPU and build with %s (this one runs %s)\n", argv[1],
                argv[1], isa_name(best_isa()));
    return 77;
  }
  std::printf("checking the resampler's %s kernels against the scalar references\n", isa_name(g_isa));
  gst_check_init(&argc, &argv);
  return gst_check_run_suite(resample_isa_kernels_suite(), "dsp-resample-kernels", __FILE__);
}
