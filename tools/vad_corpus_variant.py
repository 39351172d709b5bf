#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a transformed copy of a labelled VAD corpus (WAVs + labels.json),
to check that rmsvad's defaults generalise beyond the files they were tuned on.

  tools/vad_corpus_variant.py CORPUS_DIR OUT_DIR --rate 44100 [--stereo-f32]
  tools/vad_corpus_variant.py CORPUS_DIR OUT_DIR --gain -35
  tools/vad_corpus_variant.py CORPUS_DIR OUT_DIR --step -25     (second half quieter)

then: tools/vad_eval.py OUT_DIR --scorer CORPUS_DIR/../score.py
Resampling is band-limited (FFT); output is F32 (or S16 for --rate alone).
"""
import argparse
import os
import shutil
import struct
import wave

import numpy as np


def write_wav(path, y, rate, f32, channels=1):
    if f32:
        data = y.astype("<f4").tobytes()
        hdr = struct.pack("<IHHIIHH", 16, 3, channels, rate, rate * 4 * channels, 4 * channels, 32)
    else:
        data = np.clip(np.round(y * 32767), -32768, 32767).astype("<i2").tobytes()
        hdr = struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    with open(path, "wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + hdr + b"data" +
                 struct.pack("<I", len(data)) + data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--rate", type=int)
    ap.add_argument("--stereo-f32", action="store_true")
    ap.add_argument("--gain", type=float, default=0.0)
    ap.add_argument("--step", type=float, default=0.0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    shutil.copy(os.path.join(a.corpus, "labels.json"), a.out)
    for f in sorted(os.listdir(a.corpus)):
        if not f.endswith(".wav"):
            continue
        with wave.open(os.path.join(a.corpus, f)) as w:
            sr = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64) / 32768
        rate = a.rate or sr
        if rate != sr:
            n = int(round(len(x) * rate / sr))
            X = np.fft.rfft(x)
            X = X[: n // 2 + 1] if n // 2 + 1 <= len(X) else np.concatenate([X, np.zeros(n // 2 + 1 - len(X))])
            x = np.fft.irfft(X, n) * (n / len(x))
        x = x * 10 ** (a.gain / 20)
        if a.step:
            x[len(x) // 2:] *= 10 ** (a.step / 20)
        path = os.path.join(a.out, f)
        if a.stereo_f32:
            write_wav(path, np.stack([x, 0.5 * x], 1), rate, True, 2)
        else:
            write_wav(path, x, rate, f32=bool(a.gain or a.step))


if __name__ == "__main__":
    main()
