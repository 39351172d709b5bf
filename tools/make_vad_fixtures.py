#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Makes the rmsvad accuracy fixture: clean espeak-ng speech and its labels.

  tools/make_vad_fixtures.py [OUT_DIR]     (default tests/files)

Writes vad-speech-16k.wav (mono S16, 16 kHz: sentences in four voices with
pauses of 0.35-1.6 s) and vad-speech-16k.labels (one "start_s end_s" speech
segment per line). Labels come from the clean speech only: 10 ms frames
within 35 dB of the loudest frame are speech, pauses under 150 ms are
filled. The accuracy test (tests/check/dsp/vad_accuracy.cc) mixes seeded
noise into it at known SNRs, so no noisy audio is stored. Needs espeak-ng
and numpy; run once and commit the output (deterministic for a given
espeak-ng version).
"""
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

RATE = 16000
SENTENCES = [
    ("en", 150, "The quick brown fox jumps over the lazy dog near the river bank."),
    ("en-us", 170, "Please call me back when you have finished reading the report."),
    ("de", 140, "Heute ist das Wetter schön, aber morgen soll es regnen."),
    ("fr-fr", 160, "Nous avons rendez-vous à la gare demain matin à huit heures."),
    ("en", 190, "Seven silver spoons sat on the shelf."),
    ("en-us", 130, "Is anybody there?"),
    ("de", 170, "Der Zug nach Berlin fährt um zehn Uhr ab."),
    ("fr-fr", 140, "Merci beaucoup, à bientôt."),
    ("en-us", 150, "Yes."),
]
PAUSES = [0.8, 1.2, 0.35, 1.6, 0.5, 0.9, 0.4, 1.3, 0.7, 1.0]


def speak(voice, speed, text):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", path, text], check=True)
        with wave.open(path) as w:
            sr = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64) / 32768
    # Band-limited resampling by FFT (espeak-ng speaks at 22050 Hz).
    n = int(round(len(x) * RATE / sr))
    X = np.fft.rfft(x)
    y = np.fft.irfft(X[: n // 2 + 1], n) * (n / len(x))
    nz = np.nonzero(np.abs(y) > 1e-4)[0]
    return y[nz[0]: nz[-1] + 1] if len(nz) else y


def labels(x):
    hop = RATE // 100
    frames = len(x) // hop
    e = np.array([np.mean(x[i * hop:(i + 1) * hop] ** 2) for i in range(frames)])
    db = 10 * np.log10(e + 1e-12)
    speech = db > db.max() - 35
    segs, start = [], None
    for i, s in enumerate(np.append(speech, False)):
        if s and start is None:
            start = i
        elif not s and start is not None:
            segs.append([start, i])
            start = None
    merged = []
    for s in segs:
        if merged and s[0] - merged[-1][1] < 15:
            merged[-1][1] = s[1]
        else:
            merged.append(s)
    return [(a / 100, b / 100) for a, b in merged]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "files")
    parts = [np.zeros(int(0.9 * RATE))]
    for (voice, speed, text), pause in zip(SENTENCES, PAUSES):
        s = speak(voice, speed, text)
        parts += [0.5 * s / np.max(np.abs(s)), np.zeros(int(pause * RATE))]
    x = np.concatenate(parts)
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    with wave.open(os.path.join(out, "vad-speech-16k.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    segs = labels(pcm.astype(np.float64) / 32768)
    with open(os.path.join(out, "vad-speech-16k.labels"), "w") as fh:
        fh.write("# start_s end_s of speech in vad-speech-16k.wav (tools/make_vad_fixtures.py)\n")
        for a, b in segs:
            fh.write(f"{a:.2f} {b:.2f}\n")
    print(f"{len(x) / RATE:.1f} s, {len(segs)} segments, "
          f"{sum(b - a for a, b in segs) / (len(x) / RATE) * 100:.0f} % speech")


if __name__ == "__main__":
    main()
