#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""numpy anchors for the conversion benchmark: prints 'name median_ms' lines.

Seed-style code scales by 32767 and casts (wraps on overflow, truncates);
the correct version rounds and clips.
"""
import sys
import time

import numpy as np

N = 1 << 20
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 31
rng = np.random.default_rng(1)
f32 = rng.uniform(-1, 1, N).astype(np.float32)
s16 = rng.integers(-32768, 32767, N, dtype=np.int16)


def median_ms(fn):
    fn()
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)) * 1e3


cases = {
    "F32->S16 seed": lambda: (f32 * 32767).astype(np.int16),
    "F32->S16 clip": lambda: np.clip(np.rint(f32 * 32768), -32768, 32767).astype(np.int16),
    "S16->F32 seed": lambda: s16.astype(np.float32) / 32768,
    "F32->S32 seed": lambda: (f32 * 2147483647).astype(np.int32),
    "F32->S32 clip": lambda: np.clip(np.rint(f32.astype(np.float64) * 2147483648), -2147483648, 2147483647).astype(np.int32),
    "S16->S32 seed": lambda: s16.astype(np.int32) << 16,
    "stereo S16->mono F32": lambda: s16.reshape(-1, 2).mean(axis=1, dtype=np.float32) / 32768,
}
for name, fn in cases.items():
    print(f"{name}\t{median_ms(fn):.4f}")
