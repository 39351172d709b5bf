#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The plugin as users meet it: gst-inspect-1.0 shows four complete elements,
and `meson install` puts the plugin where GStreamer looks for it.

usage: check_plugin.py BUILD_DIR ELEMENT...
"""
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

pluginsdir = subprocess.run(["pkg-config", "--variable=pluginsdir", "gstreamer-1.0"], capture_output=True,
                            text=True).stdout.strip()
with tempfile.TemporaryDirectory() as dest:
    run = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild", "--quiet"],
                         capture_output=True, text=True)
    installed = os.path.join(dest + pluginsdir, "libgstfastaudio.so")
    check(run.returncode == 0 and os.path.exists(installed), f"meson install puts the plugin in {pluginsdir}")

print(f"plugin: {len(failures) == 0 and 'all' or len(failures)} checks {'passed' if not failures else 'failed'}")
sys.exit(1 if failures else 0)
