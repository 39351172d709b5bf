#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Makes the participants of the active-speaker recipe (docs/recipes.md).

  tools/make_active_speaker_clips.py OUT_DIR

Writes OUT_DIR/{alice,bob,carol,dave,erin}.wav (mono S16, 16 kHz, 15.5 s,
over -65 dBFS noise) and OUT_DIR/script.json. The talkers say sentences cut
at the labelled segments of tests/files/vad-speech-16k.wav, in turns at
scripted times and levels; carol also says a short "Yes." during alice's
first turn (a backchannel, which must not take the floor); erin only types
(tests/files/transients-typing-16k.wav at 5-12 keys per second, over and
over). script.json lists
the turns and the expected floor: who holds it from when. Deterministic;
needs numpy.
"""
import json
import os
import sys

import numpy as np

import wav16
from wav16 import RATE, write

LENGTH_S = 15.5
FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "files")
# (participant, labelled segment of the speech fixture, start in the call, gain dB)
TURNS = [
    ("alice", 0, 0.3, 0.0),
    ("bob", 1, 4.8, -4.0),
    ("carol", 4, 8.2, -2.0),
    ("dave", 5, 11.2, -8.0),
    ("alice", 6, 13.6, 0.0),
]
BACKCHANNELS = [("carol", 10, 2.0, -6.0)]
TYPIST = "erin"


def read(name):
    return wav16.read(os.path.join(FILES, name))


def labels():
    with open(os.path.join(FILES, "vad-speech-16k.labels")) as fh:
        return [tuple(map(float, line.split())) for line in fh if line.strip() and not line.startswith("#")]


def main():
    out = sys.argv[1]
    speech, segs = read("vad-speech-16k.wav"), labels()
    rng = np.random.default_rng(20)
    n = int(LENGTH_S * RATE)
    names = sorted({t[0] for t in TURNS + BACKCHANNELS} | {TYPIST})
    clips = {name: rng.standard_normal(n) * 10 ** (-65 / 20) for name in names}
    placed = []
    for who, seg, at, gain in TURNS + BACKCHANNELS:
        a, b = segs[seg]
        part = speech[int(a * RATE):int(b * RATE)] * 10 ** (gain / 20)
        i = int(at * RATE)
        clips[who][i:i + len(part)] += part
        placed.append({"who": who, "start_s": at, "end_s": round(at + b - a, 2),
                       "backchannel": (who, seg, at, gain) in BACKCHANNELS})
    # The fixture's bursts at 5, 8 and 12 keys per second, over and over. (Its
    # last 2 s at 15 keys per second still give rmsvad one 0.14 s blip, which
    # no floor rule can tell from a short word: docs/rmsvad.md.)
    typing = read("transients-typing-16k.wav")[:int(6.0 * RATE)]
    clips[TYPIST] += np.resize(typing, n)
    for name, x in clips.items():
        write(os.path.join(out, name + ".wav"), x)
    floor = [{"who": t[0], "from_s": t[2]} for t in TURNS]
    with open(os.path.join(out, "script.json"), "w") as fh:
        json.dump({"participants": names, "typist": TYPIST, "speech": placed, "floor": floor}, fh, indent=1)
    print(f"{len(names)} participants, {LENGTH_S} s: floor " + " ".join(f["who"] for f in floor))


if __name__ == "__main__":
    main()
