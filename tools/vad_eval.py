#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs build/tools/vad-eval over a labelled corpus and scores it.

  tools/vad_eval.py CORPUS_DIR [--scorer score.py] [--bin build/tools/vad-eval]
                    [--grid name=v1,v2,... ...] [--markdown] [--VADOPTION=VALUE ...]

CORPUS_DIR holds *.wav and labels.json (e.g. /work/shared/vad/dev, which is a
tool input, never a build or test input). The scorer defaults to
CORPUS_DIR/../score.py. Prints BAcc / FAR / miss / F1 / onset latency for all
files, without babble, babble alone, and by noise and SNR; --grid tries every
combination of the listed option values and ranks them on the no-babble BAcc
(with FAR <= 8 % first), never on babble.
"""
import argparse
import importlib.util
import itertools
import json
import os
import subprocess
import sys
from collections import defaultdict


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("vad_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(binary, wavs, opts):
    out = subprocess.run([binary] + opts + wavs, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def evaluate(scorer, labels, pred, detail=False):
    per = {}
    for fid, meta in labels["files"].items():
        ref = scorer.np.array([c == "1" for c in meta["frames"]], dtype=bool)
        hyp = scorer.pred_to_frames(pred["files"].get(fid), len(ref))
        per[fid] = scorer.file_stats(ref, hyp)
    groups = defaultdict(list)
    for fid, st in per.items():
        m = labels["files"][fid]
        snr = "clean" if m["noise"] == "clean" else str(m["snr_db"])
        groups["all"].append(st)
        groups["babble" if m["noise"] == "babble" else "no babble"].append(st)
        groups["noise " + m["noise"]].append(st)
        groups["snr " + snr].append(st)
        if m["noise"] != "babble":
            groups["snr " + snr + " (no babble)"].append(st)
        groups["rate " + str(m["sr"])].append(st)
        if detail:
            groups[f"{m['noise']} {snr}" + ("" if snr == "clean" else " dB")].append(st)
    return {k: scorer.summarize(v) for k, v in groups.items()}


def order(name):
    first = ["all", "no babble", "babble"]
    if name in first:
        return (0, first.index(name), "")
    kinds = ["noise", "snr", "rate"]
    if name.split()[0] in kinds:
        return (1, kinds.index(name.split()[0]), name)
    snr = {"20": 0, "10": 1, "5": 2, "0": 3}.get(name.split()[1], -1) if " " in name else 9
    return (2, 0, name.split()[0], snr)


def print_table(res, markdown=False, out=sys.stdout):
    cols = ["BAcc", "FAR %", "miss %", "F1", "onsets", "onset lat. median ms", "p90 ms"]
    if markdown:
        print("| group | " + " | ".join(cols) + " |", file=out)
        print("|---" * (len(cols) + 1) + "|", file=out)
    else:
        print(f"{'group':26s} {'BAcc':>6s} {'FAR%':>6s} {'miss%':>6s} {'F1':>6s} {'onsets':>6s} "
              f"{'lat50':>6s} {'lat90':>6s}", file=out)
    for k in sorted(res, key=order):
        s = res[k]
        vals = [100 * s["bacc"], 100 * s["far"], 100 * s["miss"], 100 * s["f1"]]
        lat = [s["lat_median_ms"], s["lat_p90_ms"]]
        if markdown:
            print(f"| {k} | " + " | ".join(f"{v:.1f}" for v in vals) +
                  f" | {s['onsets']} | " + " | ".join(f"{v:.0f}" for v in lat) + " |", file=out)
        else:
            print(f"{k:26s} " + " ".join(f"{v:6.1f}" for v in vals) +
                  f" {s['onsets']:6d} " + " ".join(f"{v:6.0f}" for v in lat), file=out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--scorer")
    ap.add_argument("--bin", default=os.path.join(here, "..", "build", "tools", "vad-eval"))
    ap.add_argument("--grid", action="append", default=[], help="option=v1,v2,...")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--detail", action="store_true", help="also every noise x SNR condition")
    ap.add_argument("--pred", help="write the predictions JSON here")
    a, a.opts = ap.parse_known_args()
    a.opts = [o for o in a.opts if o != "--"]
    scorer = load_scorer(a.scorer or os.path.join(a.corpus, "..", "score.py"))
    with open(os.path.join(a.corpus, "labels.json")) as fh:
        labels = json.load(fh)
    wavs = sorted(os.path.join(a.corpus, f + ".wav") for f in labels["files"])

    if not a.grid:
        pred = run(a.bin, wavs, a.opts)
        if a.pred:
            with open(a.pred, "w") as fh:
                json.dump(pred, fh)
        print("params:", json.dumps(pred["params"]))
        t = pred["timing"]
        print(f"timing: {t['audio_s']:.1f} s of audio in {t['wall_s'] * 1e3:.1f} ms "
              f"({t['audio_s'] / t['wall_s']:.0f}x realtime)")
        print_table(evaluate(scorer, labels, pred, detail=a.detail), a.markdown)
        return

    names, values = [], []
    for g in a.grid:
        n, v = g.split("=", 1)
        names.append(n)
        values.append(v.split(","))
    rows = []
    for combo in itertools.product(*values):
        opts = a.opts + [f"--{n}={v}" for n, v in zip(names, combo)]
        res = evaluate(scorer, labels, run(a.bin, wavs, opts))
        nb, al = res["no babble"], res["all"]
        rows.append((nb["far"] <= 0.08, nb["bacc"], combo, nb, al, res["babble"]))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    print(" ".join(f"{n:>14s}" for n in names) + "   nbBAcc nbFAR nbMiss lat50 | allBAcc allFAR | babFAR")
    for ok, _, combo, nb, al, bb in rows[:25]:
        print(" ".join(f"{v:>14s}" for v in combo) +
              f"   {100 * nb['bacc']:6.1f} {100 * nb['far']:5.1f} {100 * nb['miss']:6.1f} "
              f"{nb['lat_median_ms']:5.0f} | {100 * al['bacc']:7.1f} {100 * al['far']:6.1f} | "
              f"{100 * bb['far']:6.1f}")


if __name__ == "__main__":
    main()
