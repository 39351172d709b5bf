// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's continuously variable step (ResamplePath::Variable): each
// output's input time is a 64.64 fixed-point position advanced by
// in_rate / (out_rate x (1 + ppm / 10^6)), so the effective output rate can
// be nudged (clock-drift correction, `rate-adjust`) without a new filter.
// The filter is a bank of the preset's prototype at 64 rows per period of
// the lower rate, built once per (preset, rate scale) and shared; each
// output interpolates the four rows around its fractional position with a
// cubic. The same path serves new ratios whose exact bank would be big.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastaudio {
struct ResamplePreset;
}  // namespace fastaudio

namespace fastaudio::resample_detail {

class VariableStep {
 public:
  using Position = unsigned __int128;  // input frames << 64 | fraction

  // Starts at input time index + phase / up (where the exact rational path
  // stands) with the step of in_rate -> out_rate adjusted by `ppm`.
  void start(uint64_t index, uint32_t phase, uint32_t up, int in_rate, int out_rate, double ppm);
  // A new adjustment: the position stays, only the step changes.
  void set_ppm(double ppm);
  double ppm() const { return ppm_; }

  uint64_t index() const { return uint64_t(pos_ >> 64); }
  uint64_t fraction() const { return uint64_t(pos_); }

  // Outputs whose window [index, index + taps) ends at or before input
  // frame `end` (window coordinates, as outputs_before() in
  // resample_internal.h), counting from the next one.
  size_t outputs_before(size_t taps, uint64_t end) const;
  // Outputs whose input time is before `frames` (window coordinates): what a
  // stream of that many input frames owes in all.
  uint64_t outputs_due(uint64_t frames) const;
  // Window start of the output `n` after the next one.
  uint64_t index_after(size_t n) const { return uint64_t((pos_ + Position(n) * step_) >> 64); }
  void advance(size_t n) { pos_ += Position(n) * step_; }

 private:
  Position pos_ = 0;
  Position step_ = Position(1) << 64;
  double ppm_ = 0;
  int in_rate_ = 1, out_rate_ = 1;
};

// Phases per input period of the variable path's bank: as many per period
// of the lower rate as the exact path interpolates between
// (kInterpolatedPhases), so both have the same phase-interpolation error.
uint32_t variable_phases(int in_rate, int out_rate);
// Taps of the variable path's bank for preset `p`: the prototype's whole
// length from every row the cubic reaches. `adjusting`: for a rate
// adjustment (or ResampleSpec::variable_step), else for a new ratio.
size_t variable_taps(const ResamplePreset &p, int in_rate, int out_rate, bool adjusting);

}  // namespace fastaudio::resample_detail
