// SPDX-License-Identifier: LGPL-2.1-or-later
// Registering Highway kernels: a kernel source is compiled once per target
// through hwy/foreach_target.h (namespace fastaudio::N_AVX2, N_AVX3, N_NEON,
// ...); after the last pass (#if HWY_ONCE) it lists each kernel with
//
//   const IsaKernels<Fn> kFoo = FASTAUDIO_HWY_KERNELS(Foo, ref::foo);
//
// which maps Isa::Avx512 to Highway's AVX3 target, Avx2 to AVX2 and Neon to
// NEON, with the scalar reference as Isa::Scalar. dsp/meson.build limits
// the targets to those (HWY_DISABLED_TARGETS) so no other copy is compiled.
#pragma once

#include <hwy/highway.h>

#include "isa.h"

#if HWY_TARGETS & HWY_AVX3
#define FASTAUDIO_HWY_AVX3(fn) &N_AVX3::fn
#else
#define FASTAUDIO_HWY_AVX3(fn) nullptr
#endif
#if HWY_TARGETS & HWY_AVX2
#define FASTAUDIO_HWY_AVX2(fn) &N_AVX2::fn
#else
#define FASTAUDIO_HWY_AVX2(fn) nullptr
#endif
#if HWY_TARGETS & HWY_NEON
#define FASTAUDIO_HWY_NEON(fn) &N_NEON::fn
#else
#define FASTAUDIO_HWY_NEON(fn) nullptr
#endif

// Order of the Isa enum: Scalar, Orc, Neon, Avx2, Avx512.
#define FASTAUDIO_HWY_KERNELS(fn, scalar) \
  {{{&(scalar), nullptr, FASTAUDIO_HWY_NEON(fn), FASTAUDIO_HWY_AVX2(fn), FASTAUDIO_HWY_AVX3(fn)}}}
// The same for a kernel whose scalar reference is not a function of the
// same signature (Isa::Scalar has no entry; the caller runs its own loop).
#define FASTAUDIO_HWY_KERNELS_NO_SCALAR(fn) \
  {{{nullptr, nullptr, FASTAUDIO_HWY_NEON(fn), FASTAUDIO_HWY_AVX2(fn), FASTAUDIO_HWY_AVX3(fn)}}}

// Defines kNameKernels, an IsaKernels<NameFn> of Highway's kernel Name
// for each target with `scalar` as Isa::Scalar; FASTAUDIO_X86_KERNEL
// entries may follow:
//
//   FASTAUDIO_HWY_TABLE(Split3, ref::split3) FASTAUDIO_X86_KERNEL(Avx512, split3_avx512);
#define FASTAUDIO_HWY_TABLE(Name, scalar) \
  const IsaKernels<Name##Fn> k##Name##Kernels = IsaKernels<Name##Fn> FASTAUDIO_HWY_KERNELS(Name, scalar)

// Appended to a row's IsaKernels: where a hand-written x86 kernel measures
// faster than the Highway one, it replaces that ISA's entry (a null AVX-512
// entry falls back to the AVX2 kernel). Nothing on other architectures.
#if defined(__x86_64__)
#define FASTAUDIO_X86_KERNEL(isa, fn) .with(Isa::isa, fn)
#else
#define FASTAUDIO_X86_KERNEL(isa, fn)
#endif
