#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The plugin as users meet it: gst-inspect-1.0 shows four complete elements,
`meson install` lays it out as GStreamer's own plugins are, and the module
exports its entry point only.

usage: check_plugin.py BUILD_DIR ELEMENT...
"""
import json
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)


def inspect(*args):
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(BUILD, "gst"))
    return subprocess.run(["gst-inspect-1.0", *args], capture_output=True, text=True, env=env).stdout


BUILD = os.path.abspath(sys.argv[1])
elements = sys.argv[2:]

plugin = inspect("fastaudio")
listed = re.findall(r"^  (\w+): ", plugin, flags=re.M)
check(sorted(listed) == sorted(elements), f"gst-inspect-1.0 fastaudio lists {sorted(elements)} (got {sorted(listed)})")

for name in elements:
    text = inspect(name)
    check("Long-name" in text and "Description" in text, f"{name}: factory details")
    check("SINK template" in text and "SRC template" in text, f"{name}: pad templates")
    props = text.split("Element Properties:", 1)[-1]
    # Every property of our own (not GstObject's name/parent or basetransform's qos) has a blurb and a type line.
    for match in re.finditer(r"^  ([\w-]+)\s+: (.*)$", props, flags=re.M):
        prop, blurb = match.group(1), match.group(2).strip()
        check(len(blurb) >= 10, f"{name}.{prop}: blurb '{blurb}'")
    for match in re.finditer(r"^\s+(Unsigned Integer64|Integer|Unsigned Integer|Double|Float|Integer64)\. Range: (.*)$",
                             props, flags=re.M):
        check("Default" in match.group(2), f"{name}: range with default ({match.group(0).strip()})")

# A figure in a blurb is the one the docs give (tests/check/dsp/vad.cc measures it).
if "rmsvad" in elements:
    blurb = re.search(r"absolute-threshold\s+: (.*)", inspect("rmsvad")).group(1)
    band = re.search(r"\d+-\d+ Hz", blurb)
    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "rmsvad.md")).read()
    check(band is not None and f"roughly {band.group(0)}" in doc,
          f"rmsvad absolute-threshold blurb names the band docs/rmsvad.md gives ({blurb})")


def launch(pipeline):
    """gst-launch-1.0's output (stdout and stderr) for `pipeline`, also when it hangs after an error."""
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(BUILD, "gst"))
    try:
        run = subprocess.run(["gst-launch-1.0", *pipeline.split()], capture_output=True, text=True, env=env,
                             timeout=20)
        return run.stdout + run.stderr
    except subprocess.TimeoutExpired as e:  # rawaudioparse sometimes leaves gst-launch waiting after an error
        return (e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(errors="replace")


# A caps refusal is one error, the first gst-launch prints (the source's "Internal data stream error" may
# follow), with the hint for the field refused.
if "fastconvert" in elements:
    tmp = tempfile.TemporaryDirectory()
    wav = os.path.join(tmp.name, "48k.wav")
    launch(f"audiotestsrc num-buffers=5 ! audio/x-raw,format=S16LE,rate=48000,channels=2 ! wavenc ! filesink location={wav}")
    for run in range(3):
        # wavparse's caps come at run time, so the refusal is fastconvert's, not the parser's link check.
        out = launch(f"filesrc location={wav} ! wavparse ! fastconvert ! audio/x-raw,rate=44100 ! fakesink")
        errors = re.findall(r"^ERROR: from element \S+: (.*)$", out, flags=re.M)
        check(errors[:1] == ["fastconvert cannot convert S16LE, 48000 Hz, 2 channels to any format downstream "
                             "accepts: downstream wants rate 44100, fastconvert can output rate 48000"]
              and sum(e.startswith("fastconvert") for e in errors) == 1 and "put fastresample before it" in out
              and "WARNING" not in out,
              f"48000 -> 44100 Hz, run {run + 1}: one error with the rate hint ({errors})")
    tmp.cleanup()

# `meson install` lays the plugin out as GStreamer's own: <prefix>/<libdir>/gstreamer-1.0
# (or -Dplugindir), the docs and examples under <datadir>/doc/fastaudio.
options = {o["name"]: o["value"] for o in json.loads(subprocess.run(
    ["meson", "introspect", "--buildoptions", BUILD], capture_output=True, text=True).stdout)}
pluginsdir = options["plugindir"] or os.path.join(options["prefix"], options["libdir"], "gstreamer-1.0")
docdir = os.path.join(options["prefix"], options["datadir"], "doc", "fastaudio")
with tempfile.TemporaryDirectory() as dest:
    run = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild", "--quiet"],
                         capture_output=True, text=True)
    check(run.returncode == 0, f"meson install runs ({run.stderr.strip()[-200:]})")
    installed = dest + os.path.join(pluginsdir, "libgstfastaudio.so")
    check(os.path.exists(installed), f"meson install puts the plugin in {pluginsdir}")
    for doc in ("README.md", "COPYING", "docs/fastconvert.md", "docs/recipes.md", "examples/vad_app.py",
                "examples/embed.cc"):
        check(os.path.exists(dest + os.path.join(docdir, doc)), f"meson install puts {doc} in {docdir}")

# Only the entry point GStreamer loads is exported: nothing of ours (kernels,
# C++ template instances) can clash with another library in the process.
symbols = subprocess.run(["nm", "-D", "--defined-only", os.path.join(BUILD, "gst", "libgstfastaudio.so")],
                         capture_output=True, text=True).stdout.split()
exported = sorted(symbols[i + 2] for i in range(0, len(symbols) - 2, 3) if symbols[i + 1] in "TtWwVviuDdBbRr")
check(exported == ["gst_plugin_fastaudio_get_desc"], f"the only exported symbol is the entry point (got {exported[:5]})")

print(f"plugin: {len(failures) == 0 and 'all' or len(failures)} checks {'passed' if not failures else 'failed'}")
sys.exit(1 if failures else 0)
