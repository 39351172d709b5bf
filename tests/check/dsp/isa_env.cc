// SPDX-License-Identifier: LGPL-2.1-or-later
// FASTAUDIO_ISA caps the kernels every element picks. Meson runs this with
// the variable set; argv[1] names what best_isa() must then be: a kernel
// set, "capped-avx2" (AVX2, or less on a CPU without it) or "detected" (an
// unknown name is ignored).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "convert.h"
#include "mix.h"
#include "quantize.h"
#include "resample.h"
#include "vad_energy.h"

using namespace fastaudio;

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  Isa want = detected_isa();
  if (std::strcmp(argv[1], "scalar") == 0) want = Isa::Scalar;
  else if (std::strcmp(argv[1], "capped-avx2") == 0) want = std::min(Isa::Avx2, detected_isa());
  else if (std::strcmp(argv[1], "neon") == 0) want = Isa::Neon;
  else if (std::strcmp(argv[1], "detected") != 0) return 2;
  int failures = 0;
  auto check = [&](bool ok, const char *what) {
    if (!ok) std::fprintf(stderr, "FAIL: %s (FASTAUDIO_ISA=%s, best %s, detected %s)\n", what,
                          std::getenv("FASTAUDIO_ISA"), isa_name(best_isa()), isa_name(detected_isa()));
    failures += !ok;
  };
  check(best_isa() == want, "best_isa()");
  // The resampler and the detector follow it.
  Resampler resampler;
  check(resampler.configure({48000, 16000, 1, ResampleQuality::High}) && resampler.isa() == want, "Resampler::isa()");
  check(find_band_energy_kernel(best_isa(), 4) == find_band_energy_kernel(want, 4), "band-energy kernel");
  if (want == Isa::Scalar)
    check(find_band_energy_kernel(best_isa(), 4) != find_band_energy_kernel(detected_isa(), 4) ||
              detected_isa() < Isa::Avx2,
          "scalar band-energy kernel");
  // So do the converter (through its table), the mixer and the dither.
  Converter converter;
  check(converter.configure({SampleFormat::F32, SampleFormat::S16, 1, 1, Dither::None}), "converter");
  check(converter.uses_simd() == (want != Isa::Scalar), "converter kernel");
  check(find_mix_kernel(6, 2, best_isa()) == find_mix_kernel(6, 2, want), "mix kernel");
  check((kQuantizeDitherKernels.for_isa(best_isa()) != nullptr) == (want >= Isa::Neon), "dither kernel");
  return failures ? 1 : 0;
}
