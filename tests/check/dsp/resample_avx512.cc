// SPDX-License-Identifier: LGPL-2.1-or-later
// dsp/resample's AVX-512 kernels against the scalar reference and against
// each other where they promise the same bits. Built on x86-64 only; on a
// CPU without AVX-512 it reports SKIP (exit 77): nothing here runs there.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cache_line.h"
#include "resample.h"
#include "resample_kernels.h"
#include "resample_test_util.h"

#include <gst/check/gstcheck.h>

using namespace fastaudio;
using namespace fastaudio::test;

// The half-band kernel with its coefficients in registers against the formula.
GST_START_TEST(test_halfband_kernel) {
  // Half-band sizes in use (14, 16) and one without a register kernel (13);
  // counts that reach the 32-output groups, a 16-output group and the tail.
  for (size_t K : {14, 16, 13})
    for (size_t count : {203, 219, 5}) {
      auto x = noise(2 * (count + 2 * K), 21);
      auto h = noise(K, 22);
      std::vector<float> e(count + 2 * K), o(count + 2 * K);
      resample_detail::deinterleave2(x.data(), count + 2 * K - 1, e.data(), o.data());
      // Exactly the frames a half-band call may read: nothing past them.
      std::vector<float> o_exact(o.begin(), o.begin() + long(count + 2 * K - 1));
      std::vector<float> y512(count, 0.f);
      resample_detail::halfband_block_avx512(e.data() + K, o_exact.data(), h.data(), K, count, y512.data());
      for (size_t q = 0; q < count; q++) {
        float want = 0.5f * x[2 * (q + K)];
        for (size_t i = 0; i < K; i++) want += h[i] * (x[2 * (q + K + i) + 1] + x[2 * (q + K - 1 - i) + 1]);
        fail_unless(std::fabs(y512[q] - want) <= 2e-6f, "K %zu: AVX-512 half-band output %zu: %g, formula %g", K, q,
                    double(y512[q]), double(want));
      }
    }
}
GST_END_TEST;

// The cascade's input split and its 2/3 stage block kernels.
GST_START_TEST(test_cascade_kernels) {
  // The unrolled AVX-512 split against the plain one (whole and partial blocks).
  {
    for (size_t pairs : {size_t(0), size_t(7), size_t(16), size_t(64), size_t(100), size_t(960)}) {
      auto src = noise(2 * pairs + 1, 26);
      std::vector<float> e1(pairs + 1, -1.f), o1(pairs + 1, -1.f), e2(pairs + 1, -1.f), o2(pairs + 1, -1.f);
      resample_detail::deinterleave2(src.data(), pairs, e1.data(), o1.data());
      resample_detail::deinterleave2_avx512(src.data(), pairs, e2.data(), o2.data());
      fail_unless(e1 == e2 && o1 == o2, "deinterleave2_avx512 of %zu pairs", pairs);
    }
  }

  // The paired 2/3 kernel against single-phase calls: the same bits for the
  // even outputs, the same sums in another order for the odd ones.
  {
    const size_t taps = 184, J = 128 + 64 + 80;
    // Phase streams as the resampler makes them: stream 3 is stream 0 one
    // further on (the paired kernel takes it from there).
    const AlignedNoise left(4 * J, 23);
    for (size_t j = 0; j < J; j++) left.data[3 * J + j] = j + 1 < J ? left.data[j + 1] : 0.f;
    const float *st = left.data;
    auto rows = noise(2 * taps, 24);
    const float *xs[4] = {st, st + J, st + 2 * J, st + 3 * J};
    // 80 + 80 outputs against single-phase calls at the block and 64 on.
    float pair0[80], pair1[80], one0[128], one1[128];
    resample_detail::decimate80x2_aligned_avx512(xs, rows.data(), rows.data() + taps, taps, pair0, pair1);
    const float *xs64[4] = {st + 64, st + J + 64, st + 2 * J + 64, st + 3 * J + 64};
    resample_detail::decimate64_aligned_avx512(xs, 3, rows.data(), taps, one0);
    resample_detail::decimate64_aligned_avx512(xs + 1, 3, rows.data() + taps, taps, one1);
    resample_detail::decimate64_aligned_avx512(xs64, 3, rows.data(), taps, one0 + 64);
    resample_detail::decimate64_aligned_avx512(xs64 + 1, 3, rows.data() + taps, taps, one1 + 64);
    fail_unless(std::memcmp(pair0, one0, sizeof pair0) == 0);
    // 184 products of |x|, |c| <= 1 (sums up to about 15): rounding of a few 1e-6.
    double worst = 0;
    for (size_t i = 0; i < 80; i++) worst = std::max(worst, double(std::fabs(pair1[i] - one1[i])));
    fail_unless(worst < 2e-5, "odd outputs differ by %g", worst);
    // The stereo stage's four-way interleave against the plain loop (tails too).
    for (size_t n : {size_t(0), size_t(5), size_t(32), size_t(64), size_t(37)}) {
      std::vector<float> got(4 * 64, -1.f), want(4 * 64, -1.f);
      const float *q[4] = {st, st + 64, st + 128, st + 192};
      resample_detail::interleave4_avx512(q[0], q[1], q[2], q[3], n, got.data());
      for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < 4; k++) want[4 * i + k] = q[k][i];
      fail_unless(got == want, "interleave4 of %zu", n);
    }
    float half0[32], half1[32];
    resample_detail::decimate32x2_aligned_avx512(xs, rows.data(), rows.data() + taps, taps, half0, half1);
    fail_unless(std::memcmp(half0, pair0, sizeof half0) == 0 && std::memcmp(half1, one1, sizeof half1) == 0);
    // Both stereo channels' half blocks in one call: each channel the same bits.
    const AlignedNoise right(4 * J, 25);
    const float *sr = right.data;
    const float *xr[4] = {sr, sr + J, sr + 2 * J, sr + 3 * J};
    float right0[32], right1[32], st_l0[32], st_l1[32], st_r0[32], st_r1[32];
    resample_detail::decimate32x2_aligned_avx512(xr, rows.data(), rows.data() + taps, taps, right0, right1);
    resample_detail::decimate32x2_stereo_aligned_avx512(xs, xr, rows.data(), rows.data() + taps, taps, st_l0, st_l1,
                                                        st_r0, st_r1);
    fail_unless(std::memcmp(st_l0, half0, sizeof half0) == 0 && std::memcmp(st_l1, half1, sizeof half1) == 0);
    fail_unless(std::memcmp(st_r0, right0, sizeof right0) == 0 && std::memcmp(st_r1, right1, sizeof right1) == 0);
  }
}
GST_END_TEST;

// The rational-ratio gather kernel (16 outputs, one phase row per lane)
// against the scalar reference, lane by lane, at the spans it accepts.
GST_START_TEST(test_gather_kernel) {
  for (size_t taps : {size_t(8), size_t(152), size_t(176)}) {
    auto x = noise(taps + 24 + 32 + 5, 31);
    auto tb = noise(taps * 16, 32);
    for (int32_t step : {0, 1, 2}) {  // lanes r[i] = floor(i * (1 + step / 2))...
      int32_t r[16];
      for (int i = 0; i < 16; i++) r[i] = std::min<int32_t>(resample_detail::kGatherMaxSpan, i * (2 + step) / 2);
      float got[16];
      resample_detail::gather16_avx512(x.data(), tb.data(), r, taps, got);
      // Two groups a period apart through the paired kernel: the same bits.
      float pair0[16], pair1[16], one1[16];
      resample_detail::gather16x2_avx512(x.data(), x.data() + 5, tb.data(), r, taps, pair0, pair1);
      resample_detail::gather16_avx512(x.data() + 5, tb.data(), r, taps, one1);
      fail_unless(std::memcmp(pair0, got, sizeof got) == 0 && std::memcmp(pair1, one1, sizeof one1) == 0);
      for (int i = 0; i < 16; i++) {
        std::vector<float> row(taps);
        for (size_t m = 0; m < taps; m++) row[m] = tb[m * 16 + size_t(i)];
        const float want = resample_detail::dot_scalar(x.data() + r[i], row.data(), taps);
        fail_unless(std::fabs(got[i] - want) <= 2e-6f * std::sqrt(float(taps)), "taps %zu lane %d: %g vs %g", taps, i,
                    double(got[i]), double(want));
      }
    }
  }
  // The input-major kernel for lanes further apart (44.1k -> 16k: up to 41
  // frames), with a NaN outside some lanes' windows that must not reach them.
  for (size_t taps : {size_t(8), size_t(152), size_t(176)}) {
    for (int32_t step2 : {3, 5, 8}) {  // lane spacing step2 / 2 frames
      int32_t r[16];
      for (int i = 0; i < 16; i++) r[i] = i * step2 / 2;
      const size_t rows = taps + size_t(r[15]) + 4;
      auto x = noise(rows + 64, 34);
      auto coef = noise(16 * taps, 35);
      std::vector<float> tb(rows * 16, 0.f);
      for (int i = 0; i < 16; i++)
        for (size_t m = 0; m < taps; m++) tb[(m + size_t(r[i])) * 16 + size_t(i)] = coef[size_t(i) * taps + m];
      x[size_t(r[15]) + taps + 1] = std::nanf("");  // past every window
      x[0] = std::nanf("");                          // only lane 0's window
      float got[16];
      resample_detail::spread16_avx512(x.data(), tb.data(), r, taps, got);
      fail_unless(std::isnan(got[0]));
      // Two groups a period apart through the paired kernel: the same bits.
      float pair0[16], pair1[16], one1[16];
      resample_detail::spread16x2_avx512(x.data(), x.data() + 3, tb.data(), r, taps, pair0, pair1);
      resample_detail::spread16_avx512(x.data() + 3, tb.data(), r, taps, one1);
      fail_unless(std::memcmp(pair1, one1, sizeof one1) == 0);
      for (int i = 1; i < 16; i++) fail_unless(pair0[i] == got[i] || (std::isnan(pair0[i]) && std::isnan(got[i])));
      // Four windows (stereo: two periods of two channels): the same bits as one by one.
      float quad[4][16], single[4][16];
      const float *xs[4] = {x.data(), x.data() + 3, x.data() + 1, x.data() + 7};
      float *const outs[4] = {quad[0], quad[1], quad[2], quad[3]};
      resample_detail::spread16x4_avx512(xs, tb.data(), r, taps, outs);
      for (int w = 0; w < 4; w++) {
        resample_detail::spread16_avx512(xs[w], tb.data(), r, taps, single[w]);
        for (int i = 0; i < 16; i++)
          fail_unless(quad[w][i] == single[w][i] || (std::isnan(quad[w][i]) && std::isnan(single[w][i])),
                      "spread16x4 taps %zu window %d lane %d", taps, w, i);
      }
      for (int i = 1; i < 16; i++) {
        if (r[i] == 0) continue;  // lanes sharing lane 0's window see its NaN
        const float want = resample_detail::dot_scalar(x.data() + r[i], coef.data() + size_t(i) * taps, taps);
        fail_unless(std::fabs(got[i] - want) <= 2e-6f * std::sqrt(float(taps)), "spread taps %zu lane %d: %g vs %g",
                    taps, i, double(got[i]), double(want));
      }
    }
  }
  // A stream through it (44.1k -> 48k, 160 phases) equals the scalar path's
  // within rounding, whatever the chunking (groups start mid-period).
  ResampleSpec spec{44100, 48000, 1, ResampleQuality::High};
  Resampler ref, fast;
  ref.configure(spec, ResampleIsa::Scalar);
  fast.configure(spec, ResampleIsa::Avx512);
  auto in = noise(44100, 33);
  auto want = run_chunked(ref, in, {441});
  auto got = run_chunked(fast, in, {441, 7, 1000, 13});
  fail_unless_equals_uint64(got.size(), want.size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); i++) worst = std::max(worst, double(std::fabs(got[i] - want[i])));
  fail_unless(worst < 2e-6, "gather path differs by %g", worst);
}
GST_END_TEST;

// Integer interpolation over 64 aligned input positions: bit-identical to
// two 32-position calls (same order of sums), which match the scalar
// reference per output; the stereo kernel likewise per channel.
GST_START_TEST(test_interpolate64_kernel) {
  for (unsigned L : {2u, 3u, 4u}) {
    for (size_t taps : {size_t(8), size_t(56), size_t(128)}) {
      const AlignedNoise input(64 + taps + 64, 41, 64 + (taps + 15) / 16 * 16 + 80);
      const float *x = input.data;
      auto bank = noise(L * taps, 42);
      std::vector<float> got(64 * L), two(64 * L);
      fail_unless(resample_detail::interpolate64_aligned_avx512(x, bank.data(), taps, L, got.data()));
      fail_unless(resample_detail::interpolate32_avx512(x, bank.data(), taps, L, two.data()));
      fail_unless(resample_detail::interpolate32_avx512(x + 32, bank.data(), taps, L, two.data() + 32 * L));
      fail_unless(std::memcmp(got.data(), two.data(), got.size() * sizeof(float)) == 0, "L %u taps %zu", L, taps);
      for (size_t q = 0; q < 64; q++)
        for (unsigned p = 0; p < L; p++) {
          const float want = resample_detail::dot_scalar(x + q, bank.data() + p * taps, taps);
          fail_unless(std::fabs(got[q * L + p] - want) <= 2e-6f * std::sqrt(float(taps)), "L %u taps %zu out %zu", L,
                      taps, q * L + p);
        }
    }
  }
  fail_if(resample_detail::interpolate64_aligned_avx512(nullptr, nullptr, 8, 5, nullptr));

  // Stereo from interleaved frames: each channel bit-identical to the
  // 32-position kernel on it alone, and within rounding of the scalar reference.
  for (unsigned L : {2u, 3u, 4u}) {
    for (size_t taps : {size_t(8), size_t(56), size_t(128)}) {
      const size_t frames = 32 + taps;
      const AlignedNoise input(2 * frames, 43);
      const float *x = input.data;
      std::vector<float> left(frames), right(frames);
      resample_detail::deinterleave2(x, frames, left.data(), right.data());
      auto bank = noise(L * taps, 44);
      std::vector<float> got(2 * 32 * L), want_l(32 * L), want_r(32 * L);
      fail_unless(resample_detail::interpolate32x2_aligned_avx512(x, bank.data(), taps, L, got.data()));
      fail_unless(resample_detail::interpolate32_avx512(left.data(), bank.data(), taps, L, want_l.data()));
      fail_unless(resample_detail::interpolate32_avx512(right.data(), bank.data(), taps, L, want_r.data()));
      for (size_t i = 0; i < 32 * L; i++) {
        fail_unless(got[2 * i] == want_l[i] && got[2 * i + 1] == want_r[i], "stereo L %u taps %zu frame %zu", L,
                    taps, i);
        const float ref = resample_detail::dot_scalar(right.data() + i / L, bank.data() + (i % L) * taps, taps);
        fail_unless(std::fabs(got[2 * i + 1] - ref) <= 2e-6f * std::sqrt(float(taps)), "stereo L %u taps %zu", L,
                    taps);
      }
    }
  }
  // The 40-position stereo kernel: its first 32 and last 8 positions are the
  // 32-position kernel's at x and at x + 8 frames, bit for bit.
  for (unsigned L : {2u, 3u, 4u}) {
    for (size_t taps : {size_t(8), size_t(56), size_t(128)}) {
      const size_t frames = 40 + taps;
      const AlignedNoise input(2 * frames, 45);
      const float *x = input.data;
      auto bank = noise(L * taps, 46);
      std::vector<float> got(2 * 40 * L), head(2 * 32 * L), tail(2 * 32 * L);
      fail_unless(resample_detail::interpolate40x2_aligned_avx512(x, bank.data(), taps, L, got.data()));
      fail_unless(resample_detail::interpolate32x2_aligned_avx512(x, bank.data(), taps, L, head.data()));
      fail_unless(resample_detail::interpolate32x2_aligned_avx512(x + 16, bank.data(), taps, L, tail.data()));
      fail_unless(std::memcmp(got.data(), head.data(), head.size() * sizeof(float)) == 0, "40x2 L %u taps %zu", L,
                  taps);
      fail_unless(std::memcmp(got.data() + 2 * 32 * L, tail.data() + 2 * 24 * L, 2 * 8 * L * sizeof(float)) == 0,
                  "40x2 tail L %u taps %zu", L, taps);
    }
  }
  fail_if(resample_detail::interpolate32x2_aligned_avx512(nullptr, nullptr, 8, 5, nullptr));
  fail_if(resample_detail::interpolate40x2_aligned_avx512(nullptr, nullptr, 8, 5, nullptr));
}
GST_END_TEST;

static Suite *resample_avx512_suite() {
  Suite *s = suite_create("dsp-resample-avx512");
  TCase *tc = tcase_create("kernels");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_halfband_kernel);
  tcase_add_test(tc, test_cascade_kernels);
  tcase_add_test(tc, test_gather_kernel);
  tcase_add_test(tc, test_interpolate64_kernel);
  return s;
}

int main(int argc, char **argv) {
  if (best_resample_isa() != ResampleIsa::Avx512) {
    std::printf("SKIP: the resampler's AVX-512 kernels need AVX-512 (this CPU runs %s)\n",
                resample_isa_name(best_resample_isa()));
    return 77;
  }
  gst_check_init(&argc, &argv);
  return gst_check_run_suite(resample_avx512_suite(), "dsp-resample-avx512", __FILE__);
}
