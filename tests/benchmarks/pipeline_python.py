#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python speech front end the seed compared with, per chunk size:
numpy conversion (stereo S16 -> mono F32), scipy.signal.resample_poly to
16 kHz (stateless per chunk, as such scripts do), numpy RMS per 20 ms frame.

usage: pipeline_python.py WAV RATE_OUT CHUNK_MS [CHUNK_MS...]
prints: 'chunk_ms ms_per_second_of_audio' lines (median of 5 runs)
"""
import sys
import time
import wave
from math import gcd

import numpy as np
from scipy.signal import resample_poly


def main():
    path, rate_out = sys.argv[1], int(sys.argv[2])
    with wave.open(path) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, channels)
    g = gcd(rate, rate_out)
    up, down = rate_out // g, rate // g
    seconds = len(pcm) / rate
    frame = rate_out * 20 // 1000
    for chunk_ms in map(int, sys.argv[3:]):
        step = rate * chunk_ms // 1000
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            for at in range(0, len(pcm) - step + 1, step):
                mono = pcm[at:at + step].mean(axis=1, dtype=np.float32) / 32768
                y = resample_poly(mono, up, down).astype(np.float32)
                n = len(y) // frame * frame
                if n:
                    rms = np.sqrt(np.mean(y[:n].reshape(-1, frame) ** 2, axis=1))
                    20 * np.log10(rms + 1e-12)
            runs.append(time.perf_counter() - t)
        print(f"{chunk_ms}\t{np.median(runs) / seconds * 1e3:.4f}")


if __name__ == "__main__":
    main()
