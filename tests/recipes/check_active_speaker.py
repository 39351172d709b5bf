#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks examples/active_speaker.py's output against the call's script.

  check_active_speaker.py SCRIPT.json FLOOR.log [--tolerance 0.3]

SCRIPT.json comes from tools/make_active_speaker_clips.py. Every "floor T
NAME" line of the log is a change of floor; they must be the script's
turns, in order, each within the tolerance of the turn's start, and the
typist must never hold the floor. Exit status 1 otherwise.
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("script")
    ap.add_argument("log")
    ap.add_argument("--tolerance", type=float, default=0.3)
    args = ap.parse_args()
    script = json.load(open(args.script))
    changes = []
    for line in open(args.log):
        parts = line.split()
        if len(parts) == 3 and parts[0] == "floor":
            changes.append((float(parts[1]), parts[2]))
    want = [(f["from_s"], f["who"]) for f in script["floor"]]
    print("floor: " + " ".join(who for _, who in changes))
    problems = []
    if script["typist"] in {who for _, who in changes}:
        problems.append(f"the typist {script['typist']} took the floor")
    if [w for _, w in changes] != [w for _, w in want]:
        problems.append("expected floor: " + " ".join(w for _, w in want))
    else:
        late = [(w, t - s) for (t, w), (s, _) in zip(changes, want)]
        worst = max(abs(d) for _, d in late)
        print("switches after the turn started (ms): " + " ".join(f"{w} {d * 1000:+.0f}" for w, d in late))
        if worst > args.tolerance:
            problems.append(f"a switch is {worst * 1000:.0f} ms off the script")
        else:
            print(f"every switch within {args.tolerance * 1000:.0f} ms (worst {worst * 1000:.0f} ms)")
    if not problems:
        print(f"the typist {script['typist']} never took the floor")
    for p in problems:
        print("FAILED: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
