#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every source, build and script file names its licence in an SPDX line
near its top, as meson.build and COPYING declare: LGPL-2.1-or-later.

usage: check_licence_headers.py SOURCE_DIR
"""
import os
import re
import sys

SRC = os.path.abspath(sys.argv[1])
SOURCE = re.compile(r"\.(cc|h|c|py|sh|orc|map)$|^(meson\.build|meson_options\.txt|run|rules)$")
SKIP_DIRS = {".git", "files", "corpus", "img"}
TAG = "SPDX-License-Identifier: LGPL-2.1-or-later"

missing, checked = [], 0
for top in ("dsp", "gst", "examples", "tests", "tools", ".ci", "debian", "."):
    for dirpath, dirnames, filenames in os.walk(os.path.join(SRC, top)):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(("build", "obj-"))]
        if top == "." and dirpath != SRC:
            continue
        for name in filenames:
            if not SOURCE.search(name):
                continue
            path = os.path.join(dirpath, name)
            checked += 1
            with open(path, encoding="utf-8", errors="replace") as f:
                head = "".join(f.readline() for _ in range(3))
            if TAG not in head:
                missing.append(os.path.relpath(path, SRC))
for path in sorted(set(missing)):
    print(f"FAIL {path}: no '{TAG}' line in its first three lines")
print(f"licence headers: {checked} files checked, {len(set(missing))} without")
sys.exit(1 if missing or checked == 0 else 0)
