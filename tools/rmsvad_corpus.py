#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the rmsvad ELEMENT (not the dsp tool) over a labelled corpus and
scores it: checks that the element's speech-start / speech-stop messages
give the same accuracy as tools/vad_eval.py's direct detector run.

  GST_PLUGIN_PATH_1_0=build/gst tools/rmsvad_corpus.py CORPUS_DIR [ELEMENT PROPERTIES ...]

e.g. tools/rmsvad_corpus.py /work/shared/vad/dev hangover=100000000
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vad_eval  # noqa: E402

MSG = re.compile(r"(speech-start|speech-stop), timestamp=\(guint64\)(\d+)")


def run_file(path, props):
    cmd = ["gst-launch-1.0", "-m", "filesrc", f"location={path}", "!", "wavparse", "!", "rmsvad"] + props + \
          ["!", "fakesink", "sync=false"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    segs, start = [], None
    for kind, ts in MSG.findall(out):
        t = int(ts) / 1e9
        if kind == "speech-start":
            start = t
        elif start is not None:
            segs.append([start, t])
            start = None
    return segs


def main():
    corpus, props = sys.argv[1], sys.argv[2:]
    scorer = vad_eval.load_scorer(os.path.join(corpus, "..", "score.py"))
    with open(os.path.join(corpus, "labels.json")) as fh:
        labels = json.load(fh)
    pred = {"detector": "rmsvad element", "params": {"properties": props}, "files": {}}
    for fid in sorted(labels["files"]):
        pred["files"][fid] = {"segments": run_file(os.path.join(corpus, fid + ".wav"), props)}
    vad_eval.print_table(vad_eval.evaluate(scorer, labels, pred))


if __name__ == "__main__":
    main()
