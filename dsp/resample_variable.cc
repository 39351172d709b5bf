// SPDX-License-Identifier: LGPL-2.1-or-later
// The variable path of dsp/resample.h (see resample_variable.h): its
// position arithmetic, its bank and its production loop.
#include "resample_variable.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "resample_internal.h"
#include "resample_variable_kernels.h"

namespace fastaudio {

using namespace resample_detail;

namespace resample_detail {

namespace {

// Rows per period of the lower rate. The rows around an output are
// interpolated by a cubic (four rows), whose error falls with the fourth
// power of the row spacing: at 64 it is below what the filters themselves
// leave (more rows do not improve the figures
// tests/check/dsp/resample_variable.cc measures), with a bank of a few
// rows per input period instead of one per phase.
constexpr uint32_t kVariableRowsPerPeriod = 64;
// Outputs of produce_variable() computed in the order of their rows.
constexpr size_t kVariableBlock = 256;
// The rows before and after [0, 1) that the cubic reaches.
constexpr size_t kExtraRows = 3;
// A new ratio whose exact bank would hold more than this many coefficients
// (512 KB, about an L2 cache: beyond it its rows miss the cache anyway)
// takes the variable path: its bank costs a few hundred rows less to build.
constexpr size_t kMaxExactBankFloatsForNewRatio = size_t(128) << 10;
// BankKey's gain field for banks in the variable path's layout (minus the
// rows' gain).
constexpr double kVariableLayout = -1.0;

constexpr VariableStep::Position kOne = VariableStep::Position(1) << 64;
// Wide presets sum in F64 the taps within this many periods of the lower
// rate of a row's centre (at least kCentreTaps): beyond them the partial
// sums, and so their F32 rounding, stay far below the output's size
// (see resample_variable_kernels.h).
constexpr double kWideCentrePeriods = 4;
// Rows longer than this (decimation beyond about 8:1) are summed in F64
// throughout: the F32 sums of their tails, tens of thousands of terms
// per lane at 256:1, would leave a tone just above the output's Nyquist
// aliasing above very-high's -125 dB (-123 dB at 48000 -> 187 on NEON).
constexpr size_t kMaxSplitTaps = 2048;
static_assert(kVariableTapAlign == kTapAlign, "bank rows are padded to whole kernel spans");

// Outputs n >= 0 with pos + n * step < limit.
uint64_t count_below(VariableStep::Position pos, VariableStep::Position step, VariableStep::Position limit) {
  if (limit <= pos) return 0;
  return uint64_t((limit - pos + step - 1) / step);
}

}  // namespace

void VariableStep::start(uint64_t index, uint32_t phase, uint32_t up, int in_rate, int out_rate, double ppm) {
  in_rate_ = in_rate;
  out_rate_ = out_rate;
  pos_ = (Position(index) << 64) + (Position(phase) << 64) / up;
  set_ppm(ppm);
}

void VariableStep::set_ppm(double ppm) {
  ppm_ = ppm;
  if (ppm == 0) {
    // in / out rounded up: positions never fall before the exact ones, so
    // the stream's length is the exact path's ceil(in_frames * out / in).
    step_ = ((Position(uint32_t(in_rate_)) << 64) + uint32_t(out_rate_) - 1) / uint32_t(out_rate_);
    return;
  }
  const long double step = (long double)in_rate_ / ((long double)out_rate_ * (1.0L + (long double)ppm * 1e-6L));
  step_ = Position(step * 0x1p64L);
}

size_t VariableStep::outputs_before(size_t taps, uint64_t end) const {
  if (end + 1 < taps) return 0;
  return size_t(count_below(pos_, step_, Position(end + 1 - taps) << 64));
}

uint64_t VariableStep::outputs_due(uint64_t frames) const { return count_below(pos_, step_, Position(frames) << 64); }

uint32_t variable_phases(int in_rate, int out_rate) {
  const double scale = std::min(1.0, double(out_rate) / in_rate);
  return std::max<uint32_t>(1, uint32_t(std::ceil(kVariableRowsPerPeriod * scale)));
}

namespace {

// The prototype the variable path reads. For a rate adjustment, the
// preset's Kaiser window (rows normalised to unity gain at DC, as the exact
// Kaiser banks are): its rows' gains agree to far below the alias targets
// whatever their fractional position, so a slowly drifting position does
// not modulate the level (`fast`'s equiripple rows differ by about -83 dB),
// and a 1:1 exact bank (Kaiser) hands over without a level step. For a new
// ratio served by this path, the design the exact path uses at ratios that
// are not integers: `fast`'s equiripple design made continuous (rows
// scaled by its design gain; Kaiser's would hold back more than `fast`'s
// 2 ms at 16 kHz), the Kaiser window for the others.
struct VariableDesign {
  const std::vector<double> *table;
  double half_width;  // in periods of the lower rate
  bool equiripple;
};

bool variable_equiripple(const ResamplePreset &p, bool adjusting) {
  return !adjusting && p.design.eq_length > 0 && p.quality == ResampleQuality::Fast;
}

// The design's half width in periods of the lower rate, without building
// its table (configure() asks every preset's, for the history it keeps).
double variable_half_width(const ResamplePreset &p, bool adjusting) {
  if (!variable_equiripple(p, adjusting)) return p.design.half_width;
  return double(equiripple_length(p, kInterpFactor) / 2 + 1 + kInterpHalfWidth) / kInterpFactor;
}

VariableDesign variable_design(const ResamplePreset &p, bool adjusting) {
  const bool equiripple = variable_equiripple(p, adjusting);
  return {equiripple ? &equiripple_table(p) : &kaiser_table(p), variable_half_width(p, adjusting), equiripple};
}

}  // namespace

size_t variable_taps(const ResamplePreset &p, int in_rate, int out_rate, bool adjusting) {
  const double lower = std::min(in_rate, out_rate);
  const double width = variable_half_width(p, adjusting) * in_rate / lower;  // input periods
  return (size_t(std::ceil(2 * width)) + 2 + kTapAlign - 1) / kTapAlign * kTapAlign;
}

namespace {

// Row k of `rows` holds the prototype for an output (k - 1) / phases input
// periods after a window's centre: tap m at (k - 1) / phases + taps / 2 - 1
// - m, as build_bank_rows() lays out the exact banks; scaled by `gain`, or
// to unity gain at DC where `gain` is 0. The prototype is even, so row
// rows - 1 - k is row k reversed (taps is even): half the rows are copies.
std::vector<float> variable_bank(const std::vector<double> &t, size_t phases, size_t taps, double step,
                                 double gain) {
  static_assert(kExtraRows == 3, "rows k and phases + 2 - k mirror each other");
  const size_t rows = phases + kExtraRows;
  std::vector<float> bank(rows * taps);
  std::vector<double> row(taps);
  const auto row_fn = kTableRowKernels.for_isa(best_isa());
  for (size_t k = 0; k < rows; k++) {
    if (rows - 1 - k < k) {
      const float *mirror = bank.data() + (rows - 1 - k) * taps;
      std::reverse_copy(mirror, mirror + taps, bank.data() + k * taps);
      continue;
    }
    row_fn(t.data(), t.size(), (double(k) - 1) / double(phases) + double(taps / 2) - 1, step, taps, row.data());
    store_scaled_row(row.data(), taps, gain, bank.data() + k * taps);
  }
  return bank;
}

}  // namespace

}  // namespace resample_detail

bool Resampler::variable_wanted(const ResamplePreset &p) const {
  if (variable_) return true;
  if (fractional_equiripple_) return false;  // the cascade's stage keeps its exact positions
  const size_t taps = taps_for(p);
  const bool interpolated = up_ > kMaxExactPhases || size_t(up_) * taps > kMaxExactBankFloats;
  const size_t rows = interpolated ? interpolated_phases(up_, down_) : up_;
  return rows * taps > kMaxExactBankFloatsForNewRatio;
}

void Resampler::build_variable_bank(const ResamplePreset &p) {
  const double lower = std::min(spec_.in_rate, spec_.out_rate);
  const double step = double(kTableSteps) * lower / spec_.in_rate;  // table steps per input period
  const bool adjusting = spec_.variable_step || spec_.rate_adjust_ppm != 0;
  const VariableDesign design = variable_design(p, adjusting);
  const std::vector<double> &t = *design.table;
  // Equiripple rows: unity passband gain per row (as interpolated_equiripple_bank()).
  const double gain = design.equiripple ? double(kInterpFactor) * lower / spec_.in_rate : 0.0;
  taps_ = variable_taps(p, spec_.in_rate, spec_.out_rate, adjusting);
  phases_ = variable_phases(spec_.in_rate, spec_.out_rate);
  wide_ = p.design.wide_accumulator;
  interpolate_ = true;
  equiripple_ = design.equiripple;
  const size_t phases = phases_, taps = taps_;
  bank_ = cached_bank({phases + kExtraRows, false, taps, step, kVariableLayout - gain, &t},
                      [&] { return variable_bank(t, phases, taps, step, gain); });
  gather_.reset();
  phase_row_.clear();
  by_position_.clear();
  path_ = ResamplePath::Variable;
  variable_centre_from_ = variable_centre_to_ = 0;
  if (wide_ && taps > kMaxSplitTaps) {
    variable_centre_to_ = taps;
  } else if (wide_) {
    const double ratio = double(spec_.in_rate) / lower;  // taps per period of the lower rate
    const size_t half = std::max(kCentreTaps / 2, size_t(std::ceil(kWideCentrePeriods * ratio)));
    const size_t centre = taps / 2 - 1, align = kVariableTapAlign;
    variable_centre_from_ = centre > half ? (centre - half) / align * align : 0;
    variable_centre_to_ = std::min(taps, (centre + half + align) / align * align);
  }
}

size_t Resampler::outputs_before_end(uint64_t end) const {
  if (variable_) return variable_->outputs_before(taps_, end);
  return outputs_before(next_index_, next_phase_, up_, down_, taps_, end);
}

bool Resampler::set_rate_adjust(double ppm) {
  if (hist_.empty() || !(std::fabs(ppm) <= kMaxRateAdjustPpm)) return false;
  spec_.rate_adjust_ppm = ppm;
  if (variable_) {
    variable_->set_ppm(ppm);
    return true;
  }
  if (ppm == 0) return true;
  // From where the exact path stands: the next output keeps its time.
  variable_.emplace();
  variable_->start(next_index_, next_phase_, up_, spec_.in_rate, spec_.out_rate, ppm);
  rebuild_filter(spec_.quality);
  return true;
}

bool Resampler::prime_history(const float *in, size_t frames) {
  if (hist_.empty() || cascade_ || in_total_ != 0 || out_total_ != 0) return false;
  const size_t n = std::min(frames, hist_len_);
  const unsigned ch = spec_.channels;
  const float *first = in + (frames - n) * ch;
  for (unsigned c = 0; c < ch; c++)
    for (size_t i = 0; i < n; i++) hist_[c][hist_len_ - n + i] = first[i * ch + c];
  if (n > 0) trailing_zeros_ = 0;
  return true;
}

// Each output from the four rows around its position (a cubic through
// them). A bank of long rows does not fit the L1 cache and consecutive
// outputs jump between rows: the outputs of a block are computed in the
// order of their rows (a counting sort), so the rows one output reads are
// mostly still cached from the output before, and outputs on the same rows
// go four to a kernel call, which loads each row vector once for all four.
// An output's value depends on neither its order nor its group.
size_t Resampler::produce_variable(float *out, size_t count) {
  const VariableDotFn dot = kVariableDotKernels.for_isa(isa_);
  const VariableDot4Fn dot4 = kVariableDot4Kernels.for_isa(isa_);
  const unsigned ch = spec_.channels;
  const size_t taps = taps_, from = variable_centre_from_, to = variable_centre_to_;
  const uint64_t phases = phases_;
  std::array<uint32_t, kVariableRowsPerPeriod + 1> first{};
  std::array<uint16_t, kVariableBlock> row, order;
  std::array<size_t, kVariableBlock> offset;
  std::array<std::array<double, 4>, kVariableBlock> w;
  for (size_t j0 = 0; j0 < count; j0 += kVariableBlock) {
    const size_t n = std::min(kVariableBlock, count - j0);
    first.fill(0);
    for (size_t j = 0; j < n; j++) {
      const unsigned __int128 u = (unsigned __int128)variable_->fraction() * phases;
      const double t = double(uint64_t(u)) * 0x1p-64;
      w[j] = {-t * (t - 1) * (t - 2) / 6, (t + 1) * (t - 1) * (t - 2) / 2, -(t + 1) * t * (t - 2) / 2,
              (t + 1) * t * (t - 1) / 6};
      row[j] = uint16_t(u >> 64);
      offset[j] = size_t(variable_->index() - base_);
      first[row[j] + 1]++;
      variable_->advance(1);
    }
    for (size_t r = 1; r <= phases; r++) first[r] += first[r - 1];
    for (size_t j = 0; j < n; j++) order[first[row[j]]++] = uint16_t(j);
    // Runs of outputs on the same rows four at a time; a run's last two or
    // three as four (the last repeated), a last one alone.
    for (size_t k = 0; k < n;) {
      const size_t j = order[k];
      const float *rows = bank_->data() + size_t(row[j]) * taps;
      size_t run = 1;
      while (run < 4 && k + run < n && row[order[k + run]] == row[j]) run++;
      if (run == 1) {
        float *frame = out + (j0 + j) * ch;
        for (unsigned c = 0; c < ch; c++)
          frame[c] = dot(hist_[c].data() + offset[j], rows, taps, from, to, w[j].data());
        k++;
        continue;
      }
      size_t g4[4];
      for (size_t g = 0; g < 4; g++) g4[g] = order[k + std::min(g, run - 1)];
      const double *weights[4] = {w[g4[0]].data(), w[g4[1]].data(), w[g4[2]].data(), w[g4[3]].data()};
      for (unsigned c = 0; c < ch; c++) {
        const float *h = hist_[c].data();
        const float *x[4] = {h + offset[g4[0]], h + offset[g4[1]], h + offset[g4[2]], h + offset[g4[3]]};
        float y[4];
        dot4(x, rows, taps, from, to, weights, y);
        for (size_t g = 0; g < run; g++) out[(j0 + g4[g]) * ch + c] = y[g];
      }
      k += run;
    }
  }
  next_index_ = variable_->index();
  out_total_ += count;
  return count;
}

}  // namespace fastaudio
