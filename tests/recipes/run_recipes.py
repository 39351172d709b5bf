#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs every ```sh block of docs/recipes.md and checks its `# expect:` lines.

usage: run_recipes.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import subprocess
import sys
import tempfile


def blocks(markdown):
    heading = ""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("## "):
            heading = lines[i][3:]
        if lines[i].strip() == "```sh":
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            yield heading, "\n".join(lines[i + 1:j])
            i = j
        i += 1


def main():
    src, build = map(os.path.abspath, sys.argv[1:3])
    passed = failed = 0
    for heading, script in blocks(open(os.path.join(src, "docs", "recipes.md")).read()):
        expects = [l.split("# expect:", 1)[1].strip() for l in script.splitlines() if "# expect:" in l]
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, OUT=out, BUILD=build)
            env["GST_PLUGIN_PATH_1_0"] = os.path.join(build, "gst")
            try:
                run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=src, env=env,
                                     capture_output=True, text=True, timeout=120)
                output, code = run.stdout + run.stderr, run.returncode
            except subprocess.TimeoutExpired as e:
                output, code = f"timed out: {e}", -1
        missing = [e for e in expects if not re.search(e, output, flags=re.M)]
        if code == 0 and not missing:
            passed += 1
            print(f"ok: {heading}")
        else:
            failed += 1
            print(f"FAILED: {heading} (exit {code}; missing {missing})\n{output[-3000:]}")
    print(f"recipes: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
