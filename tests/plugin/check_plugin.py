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
