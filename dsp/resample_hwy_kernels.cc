// SPDX-License-Identifier: LGPL-2.1-or-later
// The resampler's kernels written once with Highway and compiled for each
// target (hwy_kernels.h): the generic path's four-output dot products, and
// the block paths' kernels, where one lane is one output and each
// coefficient is broadcast against several vectors of consecutive outputs.
// Vector counts follow the target's lanes and registers, so the same source
// keeps AVX2's 16 registers and AVX-512's and NEON's 32 busy.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "resample_hwy_kernels.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "resample_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace fastaudio::resample_detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<float>;
using Vf = hn::Vec<D>;
constexpr size_t kLanes = D::kPrivateN;
// Registers the accumulators may take: AVX2 has 16, AVX-512 and NEON 32.
constexpr size_t kRegisters = HWY_TARGET == HWY_AVX2 ? 16 : 32;

// Most vectors (<= limit, at least 1) of outputs whose `per` accumulators
// and one window each, plus two broadcasts, fit in registers.
constexpr size_t fitting_vectors(size_t limit, size_t per) {
  size_t v = 1;
  while (v < limit && (v + 1) * (per + 1) + 2 <= kRegisters) v++;
  return v;
}

// block(integral_constant<V>, first) over vectors [first, end): blocks of
// kMax vectors, then of fewer for the rest.
template <size_t kMax, class Block>
void over_vectors(size_t first, size_t end, const Block &block) {
  for (; first + kMax <= end; first += kMax) block(std::integral_constant<size_t, kMax>(), first);
  if constexpr (kMax > 1) over_vectors<kMax - 1>(first, end, block);
}

// ---- The generic path: four outputs, each a dot product of its own ----

void Dot4(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  const D d;
  Vf a[4][2];
  for (int q = 0; q < 4; q++) a[q][0] = a[q][1] = hn::Zero(d);
  size_t i = 0;
  for (; i + 2 * kLanes <= taps; i += 2 * kLanes)
    for (int q = 0; q < 4; q++) {
      a[q][0] = hn::MulAdd(hn::LoadU(d, x[q] + i), hn::LoadU(d, c[q] + i), a[q][0]);
      a[q][1] = hn::MulAdd(hn::LoadU(d, x[q] + i + kLanes), hn::LoadU(d, c[q] + i + kLanes), a[q][1]);
    }
  for (; i + kLanes <= taps; i += kLanes)
    for (int q = 0; q < 4; q++) a[q][0] = hn::MulAdd(hn::LoadU(d, x[q] + i), hn::LoadU(d, c[q] + i), a[q][0]);
  for (int q = 0; q < 4; q++) {
    float s = hn::GetLane(hn::SumOfLanes(d, hn::Add(a[q][0], a[q][1])));
    for (size_t t = i; t < taps; t++) s += x[q][t] * c[q][t];
    out[q] = s;
  }
}

// Products of two floats are exact in F64; the sums are too, to F64 rounding.
float DotWide(const float *x, const float *c, size_t taps) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> dh;  // half a float vector
  const size_t n = hn::Lanes(dh);
  auto a0 = hn::Zero(dd), a1 = a0;
  size_t i = 0;
  for (; i + 2 * n <= taps; i += 2 * n) {
    a0 = hn::MulAdd(hn::PromoteTo(dd, hn::LoadU(dh, x + i)), hn::PromoteTo(dd, hn::LoadU(dh, c + i)), a0);
    a1 = hn::MulAdd(hn::PromoteTo(dd, hn::LoadU(dh, x + i + n)), hn::PromoteTo(dd, hn::LoadU(dh, c + i + n)), a1);
  }
  double s = hn::GetLane(hn::SumOfLanes(dd, hn::Add(a0, a1)));
  for (; i < taps; i++) s += double(x[i]) * c[i];
  return float(s);
}

void Dot4Wide(const float *const x[4], const float *const c[4], size_t taps, float out[4]) {
  for (int q = 0; q < 4; q++) out[q] = DotWide(x[q], c[q], taps);
}

// ---- Integer decimation: out[n] = sum_m c[m] x[n M + m] from phase streams ----

// One vector of 64 / lanes accumulators: each FMA takes its window straight
// from memory, each coefficient is broadcast once for all of them.
void Decimate64(const float *const *xr, unsigned M, const float *c, size_t taps, float *out) {
  const D d;
  constexpr size_t kVecs = 64 / kLanes;
  Vf a[kVecs];
  for (auto &v : a) v = hn::Zero(d);
  for (unsigned r = 0; r < M; r++) {
    const float *x = xr[r];
    const size_t n = taps > r ? (taps - r + M - 1) / M : 0;
    for (size_t j = 0; j < n; j++) {
      const Vf k = hn::Set(d, c[j * M + r]);
      for (size_t v = 0; v < kVecs; v++) a[v] = hn::MulAdd(k, hn::LoadU(d, x + j + v * kLanes), a[v]);
    }
  }
  for (size_t v = 0; v < kVecs; v++) hn::StoreU(a[v], d, out + v * kLanes);
}

// Ratio 2/3, kVecs vectors of even outputs (row c0 on streams 0-2) and of
// odd ones (row c1 on streams 1-3): each window loaded once for both rows.
template <size_t kVecs>
void decimate_pair_block(const float *const xr[4], const float *c0, const float *c1, size_t taps, float *out0,
                         float *out1) {
  const D d;
  Vf a[kVecs], b[kVecs];
  for (size_t v = 0; v < kVecs; v++) a[v] = b[v] = hn::Zero(d);
  for (unsigned st = 0; st < 4; st++) {
    const float *x = xr[st];
    const size_t n0 = st < 3 && taps > st ? (taps - st + 2) / 3 : 0;
    const size_t n1 = st >= 1 && taps > st - 1 ? (taps - st + 3) / 3 : 0;
    for (size_t j = 0; j < std::max(n0, n1); j++) {
      Vf w[kVecs];
      for (size_t v = 0; v < kVecs; v++) w[v] = hn::LoadU(d, x + j + v * kLanes);
      if (j < n0) {
        const Vf k = hn::Set(d, c0[j * 3 + st]);
        for (size_t v = 0; v < kVecs; v++) a[v] = hn::MulAdd(k, w[v], a[v]);
      }
      if (j < n1) {
        const Vf k = hn::Set(d, c1[j * 3 + st - 1]);
        for (size_t v = 0; v < kVecs; v++) b[v] = hn::MulAdd(k, w[v], b[v]);
      }
    }
  }
  for (size_t v = 0; v < kVecs; v++) {
    hn::StoreU(a[v], d, out0 + v * kLanes);
    hn::StoreU(b[v], d, out1 + v * kLanes);
  }
}

void DecimatePair(const float *const xr[4], const float *c0, const float *c1, size_t taps, float *out0,
                  float *out1, size_t n) {
  // Blocks of five vectors on AVX2 (80 outputs: two of them): each window
  // is loaded just before its two FMAs, so ten sums fit in its registers.
  constexpr size_t kPairVecs = kRegisters == 16 ? 5 : 10;
  over_vectors<kPairVecs>(0, n / kLanes, [&](auto vecs, size_t v) {
    const size_t o = v * kLanes;
    const float *const at[4] = {xr[0] + o, xr[1] + o, xr[2] + o, xr[3] + o};
    decimate_pair_block<decltype(vecs)::value>(at, c0, c1, taps, out0 + o, out1 + o);
  });
}

// x[3j + r] -> d_r[j] for j < 16 vecs.
void Split3(const float *src, size_t vecs, float *d0, float *d1, float *d2) {
  const D d;
  for (size_t j = 0; j < 16 * vecs; j += kLanes) {
    Vf a, b, c;
    hn::LoadInterleaved3(d, src + 3 * j, a, b, c);
    hn::StoreU(a, d, d0 + j);
    hn::StoreU(b, d, d1 + j);
    hn::StoreU(c, d, d2 + j);
  }
}

void Deinterleave4(const float *x, size_t n, float *a, float *b, float *c, float *e) {
  const D d;
  size_t m = 0;
  for (; m + kLanes <= n; m += kLanes) {
    Vf va, vb, vc, ve;
    hn::LoadInterleaved4(d, x + 4 * m, va, vb, vc, ve);
    hn::StoreU(va, d, a + m);
    hn::StoreU(vb, d, b + m);
    hn::StoreU(vc, d, c + m);
    hn::StoreU(ve, d, e + m);
  }
  for (; m < n; m++) a[m] = x[4 * m], b[m] = x[4 * m + 1], c[m] = x[4 * m + 2], e[m] = x[4 * m + 3];
}

void Interleave4(const float *a, const float *b, const float *c, const float *e, size_t n, float *out) {
  const D d;
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    hn::StoreInterleaved4(hn::LoadU(d, a + i), hn::LoadU(d, b + i), hn::LoadU(d, c + i), hn::LoadU(d, e + i), d,
                          out + 4 * i);
  for (; i < n; i++) out[4 * i] = a[i], out[4 * i + 1] = b[i], out[4 * i + 2] = c[i], out[4 * i + 3] = e[i];
}

void Deinterleave2(const float *x, size_t pairs, float *e, float *o) {
  const D d;
  size_t m = 0;
  for (; m + kLanes <= pairs; m += kLanes) {
    Vf ve, vo;
    hn::LoadInterleaved2(d, x + 2 * m, ve, vo);
    hn::StoreU(ve, d, e + m);
    hn::StoreU(vo, d, o + m);
  }
  for (; m < pairs; m++) e[m] = x[2 * m], o[m] = x[2 * m + 1];
}

void Interleave2(const float *e, const float *o, size_t pairs, float *x) {
  const D d;
  size_t m = 0;
  for (; m + kLanes <= pairs; m += kLanes) hn::StoreInterleaved2(hn::LoadU(d, e + m), hn::LoadU(d, o + m), d, x + 2 * m);
  for (; m < pairs; m++) x[2 * m] = e[m], x[2 * m + 1] = o[m];
}

// ---- Integer interpolation by P: out[q P + p] = sum_m bank[p][m] x[q + m] ----

// y[p * count + i] = sum_m bank[p * taps + m] * x[i + step * m] for i <
// count (a multiple of the lanes): step 1 for one channel, 2 for the
// frames of interleaved stereo. One window load feeds P FMAs.
// Phase p's outputs of one vector (lanes `lanes` of the block) straight to
// frames q P + p: float lanes for mono, pairs of lanes (64 bits, both
// channels of a position) for stereo. P is 2..4.
template <unsigned P, typename DW>
void store_interleaved(DW dw, const Vf (&a)[P], float *out) {
  auto *o = reinterpret_cast<hn::TFromD<DW> *>(out);
  if constexpr (P == 2) hn::StoreInterleaved2(hn::BitCast(dw, a[0]), hn::BitCast(dw, a[1]), dw, o);
  if constexpr (P == 3)
    hn::StoreInterleaved3(hn::BitCast(dw, a[0]), hn::BitCast(dw, a[1]), hn::BitCast(dw, a[2]), dw, o);
  if constexpr (P == 4)
    hn::StoreInterleaved4(hn::BitCast(dw, a[0]), hn::BitCast(dw, a[1]), hn::BitCast(dw, a[2]),
                          hn::BitCast(dw, a[3]), dw, o);
}

// Whole vectors of pairs of lanes to interleave (not on one-lane targets).
template <unsigned P>
constexpr bool kDirectStores = P <= 4 && kLanes >= 4;
template <unsigned P>
hn::Repartition<double, D> pair_tag() {
  return {};
}

// Lanes [first, first + kVecs lanes) of y[p * count + i] = sum_m
// bank[p * taps + m] * x[i + step * m]: step 1 for one channel, 2 for the
// frames of interleaved stereo. One window load feeds P FMAs. Written to
// frames q P + p of `out` where out is dense (P <= 4, stride == step), else
// to y for interpolate_positions() to place.
template <unsigned P, size_t kVecs>
void interpolate_block(const float *x, size_t step, const float *bank, size_t taps, size_t first, float *out,
                       size_t stride, float *y, size_t count) {
  const D d;
  Vf a[kVecs][P];
  for (auto &vec : a)
    for (auto &acc : vec) acc = hn::Zero(d);
  for (size_t m = 0; m < taps; m++) {
    Vf w[kVecs];
    for (size_t v = 0; v < kVecs; v++) w[v] = hn::LoadU(d, x + first + step * m + v * kLanes);
    for (unsigned p = 0; p < P; p++) {
      const Vf k = hn::Set(d, bank[p * taps + m]);
      for (size_t v = 0; v < kVecs; v++) a[v][p] = hn::MulAdd(k, w[v], a[v][p]);
    }
  }
  if constexpr (kDirectStores<P>) {
    if (stride == step) {
      for (size_t v = 0; v < kVecs; v++) {
        const size_t lane = first + v * kLanes;  // position lane / step
        if (step == 1) store_interleaved<P>(d, a[v], out + lane * P);
        else store_interleaved<P>(pair_tag<P>(), a[v], out + lane * P);
      }
      return;
    }
  }
  for (unsigned p = 0; p < P; p++)
    for (size_t v = 0; v < kVecs; v++) hn::StoreU(a[v][p], d, y + p * count + first + v * kLanes);
}

// Integer interpolation of `positions` input positions of one channel
// (step 1, outputs `stride` floats apart) or of interleaved stereo frames
// (step 2, stride 2: interleaved output frames).
template <unsigned P>
void interpolate_positions(const float *x, size_t step, const float *bank, size_t taps, size_t positions,
                           float *out, size_t stride) {
  const size_t count = positions * step;
  alignas(64) float y[P * 2 * 48];  // 64 positions of mono or 48 of stereo
  over_vectors<fitting_vectors(8, P)>(0, count / kLanes, [&](auto vecs, size_t v) {
    interpolate_block<P, decltype(vecs)::value>(x, step, bank, taps, v * kLanes, out, stride, y, count);
  });
  if (kDirectStores<P> && stride == step) return;
  for (size_t q = 0; q < positions; q++)
    for (unsigned p = 0; p < P; p++)
      for (size_t c = 0; c < step; c++) out[(q * P + p) * stride + c] = y[p * count + q * step + c];
}

bool interpolate_any(const float *x, size_t step, const float *bank, size_t taps, unsigned L, size_t positions,
                     float *out, size_t stride) {
  switch (L) {
    case 2: interpolate_positions<2>(x, step, bank, taps, positions, out, stride); return true;
    case 3: interpolate_positions<3>(x, step, bank, taps, positions, out, stride); return true;
    case 4: interpolate_positions<4>(x, step, bank, taps, positions, out, stride); return true;
    case 5: interpolate_positions<5>(x, step, bank, taps, positions, out, stride); return true;
    case 6: interpolate_positions<6>(x, step, bank, taps, positions, out, stride); return true;
    default: return false;
  }
}

using Interpolate = InterpolateEntries<&interpolate_any>;

// ---- Rational ratios: 16 consecutive outputs, each lane its own row ----

// spread16 (resample_kernels.h) for W windows, input-major: frame t of a
// window's span is broadcast once against the coefficients of tap t of all
// 16 lanes (zero outside a lane's row, so every vector runs over the whole
// span and shares the broadcast), masked in the lanes whose window it is
// outside of only where the input is not finite. Each lane keeps
// kSpreadSums partial sums (frames t mod kSpreadSums, t counted from the
// group's first frame), added at the end: the same bits whatever windows go
// with it, so channels agree with mono. The W windows' partial sums are the
// independent chains that keep both FMA pipes busy.
constexpr size_t kSpreadVecs = 16 / kLanes;
// Two sums per lane where a group takes two or more vectors, four where it
// is one vector (AVX-512): enough chains for one window alone.
constexpr size_t kSpreadSums = kSpreadVecs == 1 ? 4 : 2;
// Windows per pass whose sums fill half the registers (at most four).
constexpr size_t kSpreadWindows = std::clamp<size_t>(kRegisters / 2 / (kSpreadVecs * kSpreadSums), 1, 4);

// One group's masks: lane i takes frames r[i] .. r[i] + taps - 1.
struct SpreadLanes {
  hn::Vec<hn::RebindToSigned<D>> first[kSpreadVecs], end[kSpreadVecs];
  // Vector v's lanes together take frames start[v] .. stop[v] - 1.
  size_t span, start[kSpreadVecs], stop[kSpreadVecs];
  SpreadLanes(const int32_t *r, size_t taps) : span(size_t(r[15])) {
    const hn::RebindToSigned<D> di;
    for (size_t v = 0; v < kSpreadVecs; v++) {
      start[v] = size_t(r[v * kLanes]);
      stop[v] = size_t(r[v * kLanes + kLanes - 1]) + taps;
      first[v] = hn::LoadU(di, r + v * kLanes);
      end[v] = hn::Add(first[v], hn::Set(di, int32_t(taps)));
    }
  }
  auto inside(size_t v, size_t t) const {
    const hn::RebindToSigned<D> di;
    const auto tv = hn::Set(di, int32_t(t));
    return hn::RebindMask(D(), hn::AndNot(hn::Lt(tv, first[v]), hn::Lt(tv, end[v])));
  }
};

using SpreadSums = Vf[kSpreadVecs];

// v, kept in a register: x86 compilers otherwise fold a load shared by
// several FMAs into each of them, one load per FMA, which the load ports
// cannot feed alongside the broadcasts.
HWY_INLINE Vf in_register(Vf v) {
#if HWY_ARCH_X86
  asm("" : "+v"(v.raw));
#endif
  return v;
}

// Frame t of W windows into their partial sums `acc`, vectors [kFirst,
// kEnd) of lanes (kMasked: only into the lanes whose window holds t).
template <size_t W, bool kShared, bool kMasked, size_t kFirst = 0, size_t kEnd = kSpreadVecs>
HWY_INLINE void spread_frame(SpreadSums (&acc)[W], const float *const *x, const float *const *tb,
                             const SpreadLanes *lanes, size_t t) {
  const D d;
  Vf shared[kSpreadVecs];
  if constexpr (kShared)
    for (size_t v = kFirst; v < kEnd; v++) shared[v] = in_register(hn::LoadU(d, tb[0] + t * 16 + v * kLanes));
  HWY_UNROLL(4)
  for (size_t n = 0; n < W; n++) {
    const size_t k = kShared ? 0 : n;
    const Vf xt = hn::Set(d, x[n][t]);
    HWY_UNROLL(4)
    for (size_t v = kFirst; v < kEnd; v++) {
      const Vf cv = kShared ? shared[v] : hn::LoadU(d, tb[k] + t * 16 + v * kLanes);
      const Vf sum = hn::MulAdd(xt, cv, acc[n][v]);
      if constexpr (kMasked) acc[n][v] = hn::IfThenElse(lanes[k].inside(v, t), sum, acc[n][v]);
      else acc[n][v] = sum;
    }
  }
}

// Frames [t, end) (multiples of kSpreadSums) of W windows, vectors [kFirst, kEnd).
constexpr size_t kPrefetchFrames = 16;
template <size_t W, bool kShared, bool kMasked, size_t kFirst = 0, size_t kEnd = kSpreadVecs>
HWY_INLINE void spread_frames(SpreadSums (&acc)[kSpreadSums][W], const float *const *x, const float *const *tb,
                              const SpreadLanes *lanes, size_t t, size_t end) {
  for (; t < end; t += kSpreadSums) {
    HWY_UNROLL(4)
    for (size_t q = 0; q < kSpreadSums; q++) {
      for (size_t n = 0; n < (kShared ? 1 : W); n++) __builtin_prefetch(tb[n] + (t + q + kPrefetchFrames) * 16);
      spread_frame<W, kShared, kMasked, kFirst, kEnd>(acc[q], x, tb, lanes, t + q);
    }
  }
}

// Finite input: the first vector alone up to where the second's lanes
// begin, the last alone after the one before it has ended (only zero
// coefficients are skipped), all of them in between.
template <size_t W, bool kShared>
HWY_INLINE void spread_finite(SpreadSums (&acc)[kSpreadSums][W], const float *const *x, const float *const *tb,
                              const SpreadLanes *lanes, size_t frames) {
  size_t head = 0, tail = frames;
  if constexpr (kSpreadVecs > 1) {
    size_t second = SIZE_MAX, before_last = 0;
    for (size_t n = 0; n < (kShared ? 1 : W); n++) {
      second = std::min(second, lanes[n].start[1]);
      before_last = std::max(before_last, lanes[n].stop[kSpreadVecs - 2]);
    }
    head = second / kSpreadSums * kSpreadSums;
    tail = std::min(frames, (before_last + kSpreadSums - 1) / kSpreadSums * kSpreadSums);
    if (head > tail) head = 0, tail = frames;
  }
  spread_frames<W, kShared, false, 0, 1>(acc, x, tb, lanes, 0, head);
  spread_frames<W, kShared, false>(acc, x, tb, lanes, head, tail);
  spread_frames<W, kShared, false, kSpreadVecs - 1>(acc, x, tb, lanes, tail, frames);
}

// The partial sums of W windows added up, and whether every lane is finite.
template <size_t W>
HWY_INLINE bool spread_totals(const SpreadSums (&acc)[kSpreadSums][W], SpreadSums (&total)[W]) {
  const D d;
  Vf nan_if_not_finite = hn::Zero(d);
  HWY_UNROLL(4)
  for (size_t n = 0; n < W; n++)
    HWY_UNROLL(4)
    for (size_t v = 0; v < kSpreadVecs; v++) {
      Vf sum = acc[0][n][v];
      for (size_t q = 1; q < kSpreadSums; q++) sum = hn::Add(sum, acc[q][n][v]);
      total[n][v] = sum;
      nan_if_not_finite = hn::Add(nan_if_not_finite, hn::Sub(sum, sum));
    }
  return hn::GetLane(hn::SumOfLanes(d, nan_if_not_finite)) == 0.f;
}

template <size_t W>
HWY_INLINE void zero_sums(SpreadSums (&acc)[kSpreadSums][W]) {
  HWY_UNROLL(4)
  for (size_t q = 0; q < kSpreadSums; q++)
    HWY_UNROLL(4)
    for (size_t n = 0; n < W; n++)
      HWY_UNROLL(4)
      for (size_t v = 0; v < kSpreadVecs; v++) acc[q][n][v] = hn::Zero(D());
}

// W windows of one group (shared coefficients: one load feeds W FMAs), or
// of W groups of their own (kShared false: tb[n], lanes[n]). Reads each
// window and table up to frame taps + span rounded up to kSpreadSums.
template <size_t W, bool kShared>
void spread_windows(const float *const *x, const float *const *tb, const SpreadLanes *lanes, size_t taps,
                    float *const *out) {
  SpreadSums acc[kSpreadSums][W], total[W];
  zero_sums<W>(acc);
  size_t span = 0;
  for (size_t n = 0; n < (kShared ? 1 : W); n++) span = std::max(span, lanes[n].span);
  const size_t frames = (taps + span + kSpreadSums - 1) / kSpreadSums * kSpreadSums;
  // Outside a lane's window its coefficients are zero: only a NaN or an
  // infinity there would reach the lane, and then some lane is not finite
  // (an infinity or a NaN never sums back to a finite value). Only then
  // are the sums redone masked, each lane over its own window alone.
  spread_finite<W, kShared>(acc, x, tb, lanes, frames);
  if (!spread_totals<W>(acc, total)) {
    zero_sums<W>(acc);
    spread_frames<W, kShared, true>(acc, x, tb, lanes, 0, frames);
    spread_totals<W>(acc, total);
  }
  HWY_UNROLL(4)
  for (size_t n = 0; n < W; n++)
    HWY_UNROLL(4)
    for (size_t v = 0; v < kSpreadVecs; v++) hn::StoreU(total[n][v], D(), out[n] + v * kLanes);
}

template <size_t N>
void spread_groups(const float *const *x, const float *tb, const int32_t *r, size_t taps, float *const *out) {
  constexpr size_t W = std::min(N, kSpreadWindows);
  const SpreadLanes lanes(r, taps);
  for (size_t n = 0; n < N; n += W) spread_windows<W, true>(x + n, &tb, &lanes, taps, out + n);
}

// Two groups with phases of their own (one period's consecutive groups):
// twice the independent sums of one group alone, the same bits as each alone.
void Spread16Two(const float *x0, const float *tb0, const int32_t *r0, const float *x1, const float *tb1,
                 const int32_t *r1, size_t taps, float *out0, float *out1) {
  const float *x[2] = {x0, x1}, *tb[2] = {tb0, tb1};
  const SpreadLanes lanes[2] = {SpreadLanes(r0, taps), SpreadLanes(r1, taps)};
  float *const out[2] = {out0, out1};
  spread_windows<2, false>(x, tb, lanes, taps, out);
}

void Spread16(const float *x, const float *tb, const int32_t *r, size_t taps, float *out) {
  spread_groups<1>(&x, tb, r, taps, &out);
}

void Spread16x2(const float *x0, const float *x1, const float *tb, const int32_t *r, size_t taps, float *out0,
                float *out1) {
  const float *x[2] = {x0, x1};
  float *const o[2] = {out0, out1};
  spread_groups<2>(x, tb, r, taps, o);
}

void Spread16x4(const float *const x[4], const float *tb, const int32_t *r, size_t taps, float *const out[4]) {
  spread_groups<4>(x, tb, r, taps, out);
}

// ---- The cascade's half-band stage ----

// y[q] = e[q] / 2 + sum_i h[i] (o[q + K + i] + o[q + K - 1 - i]), in that
// order, the sums of kVecs vectors of outputs kept in registers.
template <size_t kVecs>
void halfband_vectors(const float *e, const float *o, const float *h, size_t K, size_t q, float *y) {
  const D d;
  Vf a[kVecs];
  for (size_t v = 0; v < kVecs; v++) a[v] = hn::Mul(hn::Set(d, 0.5f), hn::LoadU(d, e + q + v * kLanes));
  for (size_t i = 0; i < K; i++) {
    const Vf k = hn::Set(d, h[i]);
    const float *fwd = o + q + K + i, *back = o + q + K - 1 - i;
    for (size_t v = 0; v < kVecs; v++)
      a[v] = hn::MulAdd(k, hn::Add(hn::LoadU(d, fwd + v * kLanes), hn::LoadU(d, back + v * kLanes)), a[v]);
  }
  for (size_t v = 0; v < kVecs; v++) hn::StoreU(a[v], d, y + q + v * kLanes);
}

void Halfband(const float *e, const float *o, const float *h, size_t K, size_t count, float *y) {
  const size_t vectors = count / kLanes;
  over_vectors<fitting_vectors(8, 2)>(0, vectors, [&](auto vecs, size_t v) {
    halfband_vectors<decltype(vecs)::value>(e, o, h, K, v * kLanes, y);
  });
  for (size_t q = vectors * kLanes; q < count; q++) {
    float s = 0.5f * e[q];
    for (size_t i = 0; i < K; i++) s += h[i] * (o[q + K + i] + o[q + K - 1 - i]);
    y[q] = s;
  }
}

}  // namespace fastaudio::resample_detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "hwy_kernels.h"
#include "resample_internal.h"

namespace fastaudio::resample_detail {

namespace {

#if defined(__x86_64__)
// The 2/3 pair's two hand-written block sizes behind one entry.
void decimate_pair_avx512(const float *const xr[4], const float *c0, const float *c1, size_t taps, float *out0,
                          float *out1, size_t n) {
  if (n == 80) decimate80x2_aligned_avx512(xr, c0, c1, taps, out0, out1);
  else decimate32x2_aligned_avx512(xr, c0, c1, taps, out0, out1);
}
#endif

}  // namespace

// Each table: Highway's kernels (FASTAUDIO_HWY_TABLE, hwy_kernels.h), then
// the hand-written ones that measure faster than the Highway kernel of
// their ISA (resample_avx2.cc, resample_avx512_*.cc: valignd windows, two
// channels or rows per coefficient load, fewer shuffles than Highway's
// interleaved loads and stores).

// The generic path's four outputs.
FASTAUDIO_HWY_TABLE(Dot4, dot4_scalar) FASTAUDIO_X86_KERNEL(Avx512, dot4_avx512);
FASTAUDIO_HWY_TABLE(Dot4Wide, dot4_wide_scalar) FASTAUDIO_X86_KERNEL(Avx512, dot4_wide_avx512);
// Integer decimation, the 2/3 stage and the cascade's half-band.
FASTAUDIO_HWY_TABLE(Decimate64, ref::decimate64) FASTAUDIO_X86_KERNEL(Avx512, decimate64_aligned_avx512);
FASTAUDIO_HWY_TABLE(DecimatePair, ref::decimate_pair) FASTAUDIO_X86_KERNEL(Avx512, decimate_pair_avx512);
FASTAUDIO_HWY_TABLE(Halfband, halfband_block) FASTAUDIO_X86_KERNEL(Avx512, halfband_block_avx512);
// Exact copies: stream splits and interleaves.
FASTAUDIO_HWY_TABLE(Split3, ref::split3) FASTAUDIO_X86_KERNEL(Avx512, split3_avx512);
FASTAUDIO_HWY_TABLE(Interleave4, ref::interleave4) FASTAUDIO_X86_KERNEL(Avx2, interleave4_avx2)
    FASTAUDIO_X86_KERNEL(Avx512, interleave4_avx512);
FASTAUDIO_HWY_TABLE(Deinterleave4, ref::deinterleave4) FASTAUDIO_X86_KERNEL(Avx2, deinterleave4_avx2);
FASTAUDIO_HWY_TABLE(Deinterleave2, ref::deinterleave2) FASTAUDIO_X86_KERNEL(Avx512, deinterleave2_avx512);
FASTAUDIO_HWY_TABLE(Interleave2, ref::interleave2) FASTAUDIO_X86_KERNEL(Avx512, interleave2_avx512);
// Integer interpolation, one channel and stereo.
const IsaKernels<Interpolate32Fn> kInterpolate32Kernels = IsaKernels<Interpolate32Fn> FASTAUDIO_HWY_KERNELS(
    Interpolate::mono32, ref::Interpolate::mono32) FASTAUDIO_X86_KERNEL(Avx512, interpolate32_avx512);
const IsaKernels<Interpolate64Fn> kInterpolate64Kernels = IsaKernels<Interpolate64Fn> FASTAUDIO_HWY_KERNELS(
    Interpolate::mono64, ref::Interpolate::mono64) FASTAUDIO_X86_KERNEL(Avx512, interpolate64_aligned_avx512);
const IsaKernels<InterpolateStereoFn> kInterpolate32x2Kernels = IsaKernels<InterpolateStereoFn> FASTAUDIO_HWY_KERNELS(
    Interpolate::stereo32, ref::Interpolate::stereo32) FASTAUDIO_X86_KERNEL(Avx512, interpolate32x2_aligned_avx512);
const IsaKernels<InterpolateStereoFn> kInterpolate40x2Kernels = IsaKernels<InterpolateStereoFn> FASTAUDIO_HWY_KERNELS(
    Interpolate::stereo40, ref::Interpolate::stereo40) FASTAUDIO_X86_KERNEL(Avx512, interpolate40x2_aligned_avx512);
const IsaKernels<InterpolateStereoFn> kInterpolate48x2Kernels =
    IsaKernels<InterpolateStereoFn> FASTAUDIO_HWY_KERNELS(Interpolate::stereo48, ref::Interpolate::stereo48);
// Rational ratios: Highway's on every target, their shared broadcasts and
// prefetched coefficients measure faster than the hand AVX-512 ones.
FASTAUDIO_HWY_TABLE(Spread16, ref::spread16);
FASTAUDIO_HWY_TABLE(Spread16x2, ref::spread16x2);
FASTAUDIO_HWY_TABLE(Spread16x4, ref::spread16x4);
// Not for Avx512, where spread16 alone keeps four sums per group.
FASTAUDIO_HWY_TABLE(Spread16Two, ref::spread16_two) FASTAUDIO_X86_KERNEL(Avx512, nullptr);

}  // namespace fastaudio::resample_detail
#endif
