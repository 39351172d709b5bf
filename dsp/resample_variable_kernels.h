// SPDX-License-Identifier: LGPL-2.1-or-later
// The variable path's kernel (resample_variable.cc): one output of one
// channel from its window and the four consecutive bank rows around its
// position, combined with the cubic's weights. The scalar reference and the
// Highway kernels of each target (resample_variable_kernels.cc).
#pragma once

#include <cstddef>

#include "isa.h"

namespace fastaudio::resample_detail {

// sum_k w[k] * (x . rows[k * taps .. k * taps + taps)) for k = 0..3, rounded
// once to F32. Taps [centre_from, centre_to) are summed in F64 (products of
// two floats are exact there), the others in F32: F32 sums round at the
// size of their partial sums, which only the centre taps bring near the
// output's own. centre_from, centre_to and taps are multiples of
// kVariableTapAlign; centre_from == centre_to sums every tap in F32.
using VariableDotFn = float (*)(const float *x, const float *rows, size_t taps, size_t centre_from,
                                size_t centre_to, const double w[4]);
inline constexpr size_t kVariableTapAlign = 8;

// Four outputs that share the rows, windows x[g] and weights w[g]; each
// bit-identical to VariableDotFn's of the same ISA.
using VariableDot4Fn = void (*)(const float *const x[4], const float *rows, size_t taps, size_t centre_from,
                                size_t centre_to, const double *const w[4], float out[4]);

// The references: each sum in tap order.
float variable_dot_scalar(const float *x, const float *rows, size_t taps, size_t centre_from, size_t centre_to,
                          const double w[4]);
void variable_dot4_scalar(const float *const x[4], const float *rows, size_t taps, size_t centre_from,
                          size_t centre_to, const double *const w[4], float out[4]);

extern const IsaKernels<VariableDotFn> kVariableDotKernels;
extern const IsaKernels<VariableDot4Fn> kVariableDot4Kernels;

}  // namespace fastaudio::resample_detail
