// SPDX-License-Identifier: LGPL-2.1-or-later
// FIR inner products for the resampler on ARM64 with NEON (baseline there):
// the four-output kernels every path of the generic production loop uses.
// Taps are a multiple of 8 (kTapAlign), so there is no scalar tail.
#include <arm_neon.h>

#include "resample.h"
#include "resample_kernels.h"

namespace fastaudio::resample_detail {

void dot4_neon(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  float32x4_t a[4][2];
  for (int q = 0; q < 4; q++) a[q][0] = a[q][1] = vdupq_n_f32(0);
  for (size_t i = 0; i + 8 <= taps; i += 8) {
    for (int q = 0; q < 4; q++) {
      a[q][0] = vfmaq_f32(a[q][0], vld1q_f32(x[q] + i), vld1q_f32(c[q] + i));
      a[q][1] = vfmaq_f32(a[q][1], vld1q_f32(x[q] + i + 4), vld1q_f32(c[q] + i + 4));
    }
  }
  // Pairwise adds leave output q's sum in lane q.
  const float32x4_t s01 = vpaddq_f32(vaddq_f32(a[0][0], a[0][1]), vaddq_f32(a[1][0], a[1][1]));
  const float32x4_t s23 = vpaddq_f32(vaddq_f32(a[2][0], a[2][1]), vaddq_f32(a[3][0], a[3][1]));
  vst1q_f32(out, vpaddq_f32(s01, s23));
}

// Products of two floats are exact in F64; the sums are too, to F64 rounding.
void dot4_wide_neon(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) {
    float64x2_t a0 = vdupq_n_f64(0), a1 = a0;
    for (size_t i = 0; i + 4 <= taps; i += 4) {
      const float32x4_t xv = vld1q_f32(x[q] + i), cv = vld1q_f32(c[q] + i);
      a0 = vfmaq_f64(a0, vcvt_f64_f32(vget_low_f32(xv)), vcvt_f64_f32(vget_low_f32(cv)));
      a1 = vfmaq_f64(a1, vcvt_high_f64_f32(xv), vcvt_high_f64_f32(cv));
    }
    out[q] = float(vaddvq_f64(vaddq_f64(a0, a1)));
  }
}

}  // namespace fastaudio::resample_detail
