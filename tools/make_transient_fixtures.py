#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Makes rmsvad's transient fixtures: impulsive sounds that are not speech.

  tools/make_transient_fixtures.py [OUT_DIR]     (default tests/files)

Writes two mono S16 16 kHz files over white noise at -70 dBFS:

- transients-typing-16k.wav (8 s): keyboard typing in bursts of 5, 8, 12
  and 15 keys per second. A key is a press (a 1-2 ms click, a band-passed
  noise burst decaying in 3-8 ms and a 150-400 Hz thump decaying in 8-20
  ms) and a release 70-140 ms later, 4-10 dB weaker; peaks -30 to -12 dBFS.
- transients-impacts-16k.wav (6 s): mouse clicks (1-3 ms), knocks on a
  door (two or three, 150-250 ms apart, 100-300 Hz body ringing 30-60 ms)
  and a dropped object (an impact and bounces at 0.7 times the previous
  interval and amplitude, 0.8-3 kHz modes ringing 20-60 ms).

Nothing in either file is speech: the tests take every frame as
non-speech. The mixes with speech are made at test time from
vad-speech-16k.wav. Seeded, so the output is the same on every run; needs
numpy. Run once and commit the output.
"""
import os
import sys

import numpy as np

from wav16 import RATE, write

rng = np.random.default_rng(20)


def t_axis(seconds):
    return np.arange(int(seconds * RATE)) / RATE


def decaying_noise(seconds, tau, lo_hz=None, hi_hz=None):
    n = rng.standard_normal(int(seconds * RATE))
    if lo_hz or hi_hz:
        spec = np.fft.rfft(n)
        f = np.fft.rfftfreq(len(n), 1 / RATE)
        spec[(f < (lo_hz or 0)) | (f > (hi_hz or RATE))] = 0
        n = np.fft.irfft(spec, len(n))
        n /= np.max(np.abs(n)) + 1e-12
    return n * np.exp(-t_axis(seconds) / tau)


def damped_sine(seconds, hz, tau):
    t = t_axis(seconds)
    return np.sin(2 * np.pi * hz * t + rng.uniform(0, 2 * np.pi)) * np.exp(-t / tau)


def add(x, at_s, sound, peak_db):
    i = int(at_s * RATE)
    scaled = sound / (np.max(np.abs(sound)) + 1e-12) * 10 ** (peak_db / 20)
    n = min(len(scaled), len(x) - i)
    if n > 0:
        x[i: i + n] += scaled[:n]


def key_sound(strength):
    click = decaying_noise(0.003, rng.uniform(0.0003, 0.0008))
    body = decaying_noise(0.04, rng.uniform(0.003, 0.008), 1500, 6000)
    thump = damped_sine(0.08, rng.uniform(150, 400), rng.uniform(0.008, 0.02))
    s = np.zeros(int(0.08 * RATE))
    s[: len(click)] += click
    s[: len(body)] += 0.7 * body
    s += rng.uniform(0.3, 0.6) * thump
    return s * strength


def typing(x, start_s, end_s, keys_per_s):
    t = start_s
    while t < end_s:
        peak = rng.uniform(-30, -12)
        add(x, t, key_sound(1.0), peak)
        add(x, t + rng.uniform(0.07, 0.14), key_sound(1.0), peak - rng.uniform(4, 10))
        t += rng.uniform(0.7, 1.3) / keys_per_s


def knock(x, at_s, count):
    t = at_s
    for _ in range(count):
        body = damped_sine(0.2, rng.uniform(100, 300), rng.uniform(0.03, 0.06))
        body += 0.4 * damped_sine(0.2, rng.uniform(600, 900), 0.015)
        body[:48] += decaying_noise(0.003, 0.0005)
        add(x, t, body, rng.uniform(-18, -8))
        t += rng.uniform(0.15, 0.25)


def dropped_object(x, at_s):
    modes = rng.uniform(800, 3000, 3)
    gap, peak, t = 0.25, -6.0, at_s
    while peak > -40:
        ring = sum(damped_sine(0.25, f, rng.uniform(0.02, 0.06)) for f in modes)
        ring[:48] += 2 * decaying_noise(0.003, 0.0005)
        add(x, t, ring, peak)
        t += gap
        gap *= 0.7
        peak -= 20 * np.log10(1 / 0.6)


def noise(seconds):
    return rng.standard_normal(int(seconds * RATE)) * 10 ** (-70 / 20)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "files")
    x = noise(8.0)
    for i, rate in enumerate([5, 8, 12, 15]):
        typing(x, 0.3 + 2 * i, 2.0 + 2 * i, rate)
    write(os.path.join(out, "transients-typing-16k.wav"), x)

    x = noise(6.0)
    for at in [0.3, 0.55, 1.1, 1.25, 4.6, 5.5]:
        add(x, at, decaying_noise(0.004, rng.uniform(0.0003, 0.001)), rng.uniform(-24, -10))
    knock(x, 1.6, 3)
    knock(x, 2.6, 2)
    dropped_object(x, 3.3)
    write(os.path.join(out, "transients-impacts-16k.wav"), x)


if __name__ == "__main__":
    main()
