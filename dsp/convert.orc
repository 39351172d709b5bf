# SPDX-License-Identifier: LGPL-2.1-or-later
# ORC kernels: the portable SIMD path (SSE, NEON, ...) where no AVX2 kernel
# applies. Each matches convert_reference.h bit for bit (tested).

.function fastaudio_orc_f32_to_s16
.dest 2 d1 int16_t
.source 4 s1 float
.temp 4 t1
.temp 4 ordered
# x * 32768, NaN -> 0, clamp, then round to nearest even by adding and
# removing 1.5 * 2^23 (exact for |v| <= 32768), then an exact conversion.
mulf t1, s1, 0x47000000
cmpeqf ordered, t1, t1
andl t1, t1, ordered
maxf t1, t1, 0xc7000000
minf t1, t1, 0x46fffe00
addf t1, t1, 0x4b400000
subf t1, t1, 0x4b400000
convfl t1, t1
convssslw d1, t1

.function fastaudio_orc_s16_to_f32
.dest 4 d1 float
.source 2 s1 int16_t
.temp 4 t1
convswl t1, s1
convlf t1, t1
mulf d1, t1, 0x38000000

.function fastaudio_orc_s32_to_f32
.dest 4 d1 float
.source 4 s1 int32_t
.temp 4 t1
convlf t1, s1
mulf d1, t1, 0x30000000

.function fastaudio_orc_s16_to_s32
.dest 4 d1 int32_t
.source 2 s1 int16_t
.temp 4 t1
convswl t1, s1
shll d1, t1, 16

# Round half up without overflow: floor((floor(x / 2^15) + 1) / 2).
.function fastaudio_orc_s32_to_s16
.dest 2 d1 int16_t
.source 4 s1 int32_t
.temp 4 t1
shrsl t1, s1, 15
addl t1, t1, 1
shrsl t1, t1, 1
convssslw d1, t1

.function fastaudio_orc_stereo_s16_to_mono_f32
.dest 4 d1 float
.source 4 s1 int32_t
.temp 2 left
.temp 2 right
.temp 4 l
.temp 4 r
splitlw right, left, s1
convswl l, left
convswl r, right
addl l, l, r
convlf l, l
mulf d1, l, 0x37800000
