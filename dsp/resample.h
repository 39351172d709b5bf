// SPDX-License-Identifier: LGPL-2.1-or-later
// Streaming sample-rate conversion of interleaved F32 audio (or any PCM
// format and layout, see pcm_planes.h) by an exact
// rational ratio with a polyphase FIR (equiripple or Kaiser-windowed sinc;
// half-band then a shorter stage for `high` and `very-high` at 2.7..3:1
// decimation; beyond one stage's limits, a chain of resamplers:
// resample_stages.h).
//
// Output sample n sits at input time n * in_rate / out_rate: the first output
// is aligned with the first input (the filter's delay is compensated by
// looking ahead), so the resampler holds back latency_input_frames() input
// frames until more input or drain() arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "isa.h"
#include "pcm_planes.h"
#include "resample_variable.h"

namespace fastaudio {

namespace resample_detail {
struct Kernels;
class StageChain;
}  // namespace resample_detail

enum class ResampleQuality : uint8_t { Fast, High, VeryHigh };

// How a preset's filter is designed. Frequencies are fractions of the lower
// of the two Nyquist frequencies (the output's when downsampling).
struct ResampleDesign {
  // Kaiser-windowed sinc: the -6 dB point, half the filter length in
  // periods of the lower rate (so the delay is half_width / lower rate), beta.
  double cutoff, half_width, kaiser_beta;
  // Sum in F64: F32 rounding would limit THD+N to about -142 dB (in the
  // two-stage path: the half-band and the second stage's centre taps).
  bool wide_accumulator;
  // Equiripple design for integer ratios (eq_length 0: always Kaiser): length
  // in periods of the lower rate, passband ripple up to the targets'
  // passband edge, a looser band up to eq_edge (places the -3 dB point),
  // stopband levels from 1.0 and from 1.125 x Nyquist, all in dB.
  double eq_length, eq_passband_db, eq_edge, eq_edge_db, eq_stop_near_db, eq_stop_far_db;
  // The equiripple design only in the two-stage path's second stage, the
  // Kaiser window elsewhere (each integer factor's design costs its first
  // use about 0.1 s).
  bool eq_second_stage_only;
  // Half-band 2:1 decimation first, then the rest of the ratio with the
  // equiripple design, at 2.7..3:1 decimation (48k -> 16k, 44.1k -> 16k).
  bool two_stage;
};

// What a preset promises, at every ratio: the quality test asserts each
// figure, and the property's descriptions and docs/fastresample.md state
// them from here. Frequencies as above; levels in dB.
struct ResampleTargets {
  double passband_edge, passband_ripple_db;  // |gain| within +-ripple up to the edge
  double minus3db_at_least;                  // the -3 dB point is at or above this
  double alias_far_db, alias_near_db;        // aliases from 1.125 x Nyquist on, and just above it
  double thdn_db;                            // THD+N of a 1 kHz tone at -1 dBFS
  double held_back_ms;                       // input not yet reflected in the output
};

struct ResamplePreset {
  ResampleQuality quality;
  const char *name;   // the property's nick
  const char *label;  // its description starts with this
  ResampleDesign design;
  ResampleTargets targets;
};

const ResamplePreset &resample_preset(ResampleQuality q);
const char *resample_quality_name(ResampleQuality q);
// "High: passband +-0.01 dB to 0.90 Nyquist, ...": the label and the targets.
std::string resample_quality_description(ResampleQuality q);

// How a configured resampler computes its outputs, from the ratio and the
// preset (docs/fastresample.md has the table, checked by a test). The block
// paths run on every SIMD ISA (Neon, Avx2, Avx512); Scalar and Orc run the
// generic one on the scalar kernels.
enum class ResamplePath : uint8_t {
  Cascade,      // half-band 2:1 decimation, then a shorter rational stage
  Decimate,     // integer decimation, 64 outputs per kernel call
  TwoThirds,    // ratio 2/3, 160 outputs per block
  Interpolate,  // integer interpolation by 2-6, blocks of input positions
  Gather,       // rational ratios with up a multiple of 16, groups of 16
  Generic,      // four outputs per kernel call: any ratio, any ISA
  Variable,     // a continuously variable step (rate adjust; ratios whose exact bank would be big)
  Stages,       // ratios beyond one stage's limits: resamplers in a chain (resample_stage_rates())
};
const char *resample_path_name(ResamplePath path);

inline constexpr unsigned kMaxEquirippleFactor = 4;
// Odd length of a preset's equiripple prototype at `factor` x the lower rate.
inline size_t equiripple_length(const ResamplePreset &p, unsigned factor) {
  return size_t(p.design.eq_length * factor / 2) * 2 + 1;
}

// Rates accepted by configure(): 1 Hz .. 2^31 - 1 Hz (audioresample's
// range). One stage downsamples up to 1024:1 (its filter grows with the
// ratio: 254k taps for `very-high` at 1024:1) and upsamples up to 1:65536;
// beyond, stages run in a chain (resample_stage_rates()). Upsampling beyond
// 1:16777216 is refused: one input frame would make more than 64 MB of F32
// output per channel.
inline constexpr int kMaxResampleRate = 2147483647;
inline constexpr int64_t kMaxStageDownsampling = 1024;
inline constexpr int64_t kMaxStageUpsampling = 65536;
inline constexpr int64_t kMaxUpsampling = int64_t(1) << 24;
// Rate adjustments accepted (ResampleSpec::rate_adjust_ppm), in parts per
// million of the output rate: far more than any two clocks drift apart.
inline constexpr double kMaxRateAdjustPpm = 1000.0;
// Why a rate pair is refused, or nullptr when it is fine.
const char *resample_rates_problem(int in_rate, int out_rate);
// The rates a configured resampler runs through, `in_rate` first and
// `out_rate` last: two for one stage; more beyond one stage's limits, each
// intermediate rate as low as the stage before it allows and at least
// twice the lower of the two rates (preferring rates that make the stages
// around it integer ratios). Empty for rates resample_rates_problem() refuses.
std::vector<int> resample_stage_rates(int in_rate, int out_rate);

struct ResampleSpec {
  int in_rate = 48000;
  int out_rate = 16000;
  unsigned channels = 1;
  ResampleQuality quality = ResampleQuality::High;
  // The output rate nudged by this many parts per million (-1000..1000):
  // out_rate x (1 + ppm / 10^6) output frames per in_rate input frames.
  double rate_adjust_ppm = 0;
  // The variable path even at 0 ppm, e.g. where the adjustment will change.
  bool variable_step = false;
};

class Resampler {
 public:
  // Builds the filter bank. Returns false for rates resample_rates_problem()
  // refuses. `isa` above best_isa() is capped to it; Orc runs as Scalar
  // (the resampler has no ORC kernels).
  bool configure(const ResampleSpec &spec, Isa isa = best_isa());
  const ResampleSpec &spec() const { return spec_; }
  Isa isa() const { return isa_; }
  // How outputs are computed, chosen in configure() and set_quality(); the
  // cascade's second stage has a path of its own.
  ResamplePath path() const;
  ResamplePath second_stage_path() const;
  // In a chain of stages (path() Stages): each stage, configured on its own.
  const std::vector<Resampler> *stages() const;
  // The path (and second-stage path) configure() would choose for `spec` on
  // `isa`, whatever this CPU runs: only tables are built, no kernel runs.
  static std::pair<ResamplePath, ResamplePath> path_for(const ResampleSpec &spec, Isa isa);

  // Reduced ratio: out/in = up/down.
  uint32_t up() const { return up_; }
  uint32_t down() const { return down_; }
  // Taps per output sample (a multiple of the SIMD width).
  size_t taps() const { return taps_; }
  // Phases stored: `up()` for an exact bank, fewer when interpolating phases.
  size_t phases() const { return phases_; }
  bool interpolates_phases() const { return interpolate_; }
  // True when the bank comes from an equiripple design (integer ratios <= 4).
  bool equiripple() const { return equiripple_; }

  // Input frames looked ahead: the filter delay, which is the latency.
  size_t latency_input_frames() const;
  // True when a half-band decimator runs before a shorter rational stage
  // (`high` and `very-high` at 2.7..3:1 decimation, e.g. 48k -> 16k and
  // 44.1k -> 16k, where it measures faster).
  bool cascaded() const { return bool(cascade_); }

  // Most output frames process() can produce from `in_frames` more input.
  size_t max_output_frames(size_t in_frames) const;
  // Output frames that drain() will produce.
  size_t pending_output_frames() const;

  // Consumes all `in_frames` interleaved frames and writes up to `out_capacity`
  // frames (max_output_frames() always suffices). Returns frames written.
  // The input is taken into the history before any output is written, so
  // `out` may be `in` (an element writing into its input buffer).
  size_t process(const float *in, size_t in_frames, float *out, size_t out_capacity);
  // Emits the tail (zeros after the last input) so that the stream's output
  // totals ceil(in_frames_total * up / down), then resets. Returns frames written.
  size_t drain(float *out, size_t out_capacity);
  // Forgets all history: the next input starts a new stream.
  void reset();
  // Switches the filter mid-stream without losing history or position: the
  // stream's output stays continuous and its total length unchanged; only the
  // latency changes. False if not configured.
  bool set_quality(ResampleQuality q);
  // Nudges the output rate by `ppm` (see ResampleSpec::rate_adjust_ppm)
  // mid-stream: the first change moves to the variable path at the current
  // output position, which then stays (also back at 0 ppm), so the output
  // stays continuous. False if not configured or ppm is out of range, and
  // in a chain of stages (which ignores ResampleSpec::rate_adjust_ppm).
  bool set_rate_adjust(double ppm);
  double rate_adjust() const { return variable_ ? variable_->ppm() : 0.0; }
  // Right after configure() or reset(): the `frames` interleaved frames
  // that came just before the stream's first input (e.g. passed through
  // unchanged until a rate adjustment began) fill the filter's history in
  // place of zeros, so the output continues them without a fade-in. False
  // once input was processed, or on the two-stage path.
  bool prime_history(const float *in, size_t frames);
  // Like process() on `frames` frames of zeros, but once the filter holds only
  // zeros it writes zeros without computing them (for GAP buffers).
  size_t process_silence(size_t frames, float *out, size_t out_capacity);

  // The same three on frames of any PCM format in either layout
  // (pcm_planes.h; the format and layout of `out` may differ from `in`'s).
  // The input is converted to float as it is split into the planar history
  // (no pass of its own); the output is rounded and clipped as fastconvert
  // with dithering=none, straight from the kernels' block when it is
  // interleaved F32. `out.data` may be `in`'s memory, as above.
  size_t process(const PcmSource &in, size_t in_frames, const PcmSink &out, size_t out_capacity);
  size_t process_silence(size_t frames, const PcmSink &out, size_t out_capacity);
  size_t drain(const PcmSink &out, size_t out_capacity);

  // Total input frames consumed and output frames produced since the last reset.
  uint64_t input_frames() const { return in_total_; }
  uint64_t output_frames() const { return out_total_; }

 private:
  size_t produce(float *out, size_t out_capacity, size_t count);
  ResamplePath single_stage_path() const;
  // The block paths (resample_blocks.cc, resample_gather.cc): each returns
  // the outputs it wrote from the next one on; produce_generic() does the rest.
  size_t produce_decimate(float *out, size_t count);
  size_t produce_two_thirds(float *out, size_t count);
  void split_two_thirds_streams(unsigned c, float *st, size_t J) const;
  void two_thirds_stereo(float *out, float *streams, size_t J, size_t blocks, size_t emit);
  void two_thirds_channels(float *out, float *streams, size_t J, size_t blocks, size_t emit);
  size_t produce_interpolate(float *out, size_t count);
  size_t interpolate_stereo(float *out, size_t count);
  size_t interpolate_channels(float *out, size_t count, size_t positions);
  struct GatherRun;
  size_t produce_gather(float *out, size_t count);
  // Outputs from the next one to the end of its group (0 at a group's start).
  size_t gather_group_rest() const;
  // Outputs before the next one at which a call may start without changing
  // how the block path computes the outputs around it.
  size_t outputs_to_block_start() const;
  void gather_stereo(float *out, const GatherRun &run);
  void gather_channels(float *out, const GatherRun &run);
  void build_gather();
  void build_phase_rows();
  size_t produce_generic(float *out, size_t count);
  // The variable path (resample_variable.cc).
  bool variable_wanted(const ResamplePreset &p) const;
  void build_variable_bank(const ResamplePreset &p);
  size_t produce_variable(float *out, size_t count);
  size_t outputs_before_end(uint64_t end) const;
  void rebuild_filter(ResampleQuality q);
  void plan_outputs(size_t count);
  void generic_channel_pair(const resample_detail::Kernels &k, unsigned c, float *out, size_t count) const;
  size_t generic_by_period(const resample_detail::Kernels &k, unsigned c, float *out, size_t count) const;
  void generic_fours(const resample_detail::Kernels &k, unsigned c, float *out, size_t j, size_t count) const;
  // `in` null: zeros (the cascade's drain and GAP input).
  size_t process_float(const PcmSource *in, size_t in_frames, float *out, size_t out_capacity);
  float *output_block(size_t frames);
  // Output in another format or layout: the input taken in, then `count`
  // outputs made in blocks of kOutputBlockFrames, each written as it is made.
  size_t process_fused(const PcmSource &in, size_t in_frames, const PcmSink &out, size_t out_capacity);
  void produce_written(const PcmSink &out, size_t count);
  void append(const PcmSource &in, size_t frames);
  void append_zeros(size_t frames);
  void compact();
  void advance_outputs(size_t n);
  size_t taps_for(const ResamplePreset &p) const;
  unsigned equiripple_factor(const ResamplePreset &p) const;
  bool equiripple_allowed(const ResamplePreset &p) const;
  bool interpolated_equiripple(const ResamplePreset &p) const;
  void build_bank(const ResamplePreset &p);
  void split_centre();
  void build_centre_groups();
  void add_centre(float *out, size_t count, uint64_t n, uint64_t index, uint32_t phase) const;
  void add_centre_singles(float *out, size_t count, uint64_t index, uint32_t phase) const;
  bool cascade_wanted(ResampleQuality q) const;
  // What the cascade uses of its second stage, which it feeds in place: a
  // configuration with an equiripple bank at any ratio, room for `count` more
  // frames at history_end(c) in every row, then history_appended(count), and
  // the outputs those complete.
  bool configure_second_stage(const ResampleSpec &spec, Isa isa);
  void reserve_history(size_t count);
  float *history_end(unsigned c) { return hist_[c].data() + hist_len_; }
  void history_appended(size_t count);
  size_t outputs_ready() const;
  void start_cascade(ResampleQuality q);
  void sync_history();
  void cascade_append(const PcmSource *in, size_t frames);
  size_t cascade_process(const PcmSource *in, size_t frames, float *out, size_t out_capacity);
  size_t cascade_take(float *out, size_t out_capacity);
  size_t cascade_drain(float *out, size_t cap);

  bool configure_stages(const std::vector<int> &rates);
  // A chain's outputs still due for `in_frames` more input: the stream's
  // exact total ceil(in x up / down) less what was written.
  size_t exact_outputs_due(size_t in_frames) const;
  size_t stages_process(const PcmSource *in, size_t frames, const PcmSink &out, size_t out_capacity);
  size_t stages_drain(const PcmSink &out, size_t out_capacity);
  PcmSink f32_sink(float *out) const {
    return {PcmFormat::F32LE, spec_.channels, false, reinterpret_cast<uint8_t *>(out)};
  }

  ResampleSpec spec_;
  Isa isa_ = Isa::Scalar;
  ResamplePath path_ = ResamplePath::Generic;  // of the single stage (see path())
  uint32_t up_ = 1, down_ = 1;
  size_t taps_ = 0, phases_ = 0;
  bool interpolate_ = false;
  bool wide_ = false;
  bool equiripple_ = false;
  // phases_ (+1 when interpolating) rows of taps_; shared between instances.
  std::shared_ptr<const std::vector<float>> bank_;
  // Planar history per channel: hist_[c][j] is input frame (base_ + j - (taps_/2 - 1)).
  std::vector<std::vector<float>> hist_;
  size_t hist_len_ = 0;      // valid frames in each hist_ row
  uint64_t base_ = 0;        // input index of window start for hist_[.][0]
  uint64_t next_index_ = 0;  // window start (input index) of the next output
  uint32_t next_phase_ = 0;  // its phase numerator in [0, up_)
  uint64_t in_total_ = 0, out_total_ = 0;
  size_t keep_history_ = 0;    // frames kept before the next window (for set_quality)
  size_t trailing_zeros_ = 0;  // zero frames at the end of the history
  // The generic path's plan of one call (plan_outputs()), reused across calls.
  struct OutputPlan {
    std::vector<size_t> offset;       // window start in the history rows
    std::vector<const float *> row;   // coefficient row
    std::vector<float> weight;        // interpolating: the next row's weight
    uint64_t next_index = 0;          // where the output after them starts
    uint32_t next_phase = 0;
  };
  OutputPlan plan_;
  std::vector<float> phase_streams_;  // integer decimation: the input split by phase
  std::vector<const float *> phase_ptrs_;
  std::vector<float> block_out_;
  // Rational ratios (see gather16_avx512, kSpread16Kernels): the bank transposed
  // in groups of 16 consecutive outputs of a period; null where it does not apply.
  struct GatherTable;
  std::shared_ptr<const GatherTable> gather_;
  // Row of each phase for the generic path: into the bank, or into a copy of
  // it in output order (by_position_) where phases of consecutive outputs jump.
  std::vector<size_t> phase_row_;  // offsets, so copies of a Resampler stay valid
  std::vector<float> by_position_;
  // `very-high`'s second stage (resample_centre.cc): the bank's centre taps,
  // phases_ rows of kCentreTaps from tap centre_from_, summed in F64 apart
  // from the rest (bank_ has them zeroed). Empty elsewhere.
  std::vector<float> centre_rows_;
  size_t centre_from_ = 0;
  // The same as tables for groups of eight outputs (build_centre_groups()),
  // centre_stride_ apart, for centre_spans_[k] input frames; empty: one
  // output at a time.
  std::vector<double> centre_groups_;
  std::vector<size_t> centre_spans_;
  size_t centre_stride_ = 0;
  // Two-stage path (see cascaded()). Meanwhile its own copy of the input is
  // the history; set_quality() rebuilds the one above from it (sync_history).
  struct Cascade;
  std::shared_ptr<Cascade> cascade_;
  bool fractional_equiripple_ = false;  // the cascade's second stage: equiripple bank
  bool any_isa_ = false;                // path_for(): configure for an ISA the CPU may lack
  // Output in another format or layout: the kernels' interleaved F32 block
  // (kOutputBlockFrames, or a whole call's output off the fused path), then the writer.
  std::vector<float> out_block_;
  PcmWriter writer_;
  std::vector<float *> row_ptrs_;  // append(): where each channel's frames go
  // The variable path's position and step (see path()), and the taps of its
  // rows summed in F64 (wide_ presets; empty otherwise).
  std::optional<resample_detail::VariableStep> variable_;
  size_t variable_centre_from_ = 0, variable_centre_to_ = 0;
  // Ratios beyond one stage (path() Stages); hist_ stays empty meanwhile.
  std::shared_ptr<resample_detail::StageChain> stages_;
};


}  // namespace fastaudio
