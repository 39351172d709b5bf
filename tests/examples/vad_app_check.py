#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""examples/vad_app.py is safe to copy: a path is a path (spaces, pipeline
syntax), no argument prints usage and exits 2, and the live mode finds speech.

usage: vad_app_check.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(ok, what, output=""):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)
        print(output[-2000:])


def run(app, *args, timeout=60):
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(BUILD, "gst"))
    r = subprocess.run(["/usr/bin/python3", app, *args], capture_output=True, text=True, env=env, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


SRC, BUILD = map(os.path.abspath, sys.argv[1:3])
app = os.path.join(SRC, "examples", "vad_app.py")
clip = os.path.join(SRC, "tests", "files", "speech-48k-stereo.wav")
utterances = re.compile(r"^([1-9][0-9]*) utterances", re.M)

code, out = run(app)
check(code == 2 and "usage: vad_app.py" in out, f"no argument: usage, exit 2 (exit {code})", out)

with tempfile.TemporaryDirectory() as tmp:
    spaced = os.path.join(tmp, "a folder", "my speech.wav")
    os.makedirs(os.path.dirname(spaced))
    shutil.copy(clip, spaced)
    code, out = run(app, spaced)
    check(code == 0 and utterances.search(out), f"a path with spaces: utterances found (exit {code})", out)

    # Pipeline text in a file name must stay a file name: nothing gets written.
    stolen = os.path.join(tmp, "stolen.wav")
    shutil.copy(clip, os.path.join(tmp, "x.wav"))
    injected = os.path.join(tmp, "x.wav") + f" ! tee name=t ! queue ! filesink location={stolen} t."
    code, out = run(app, injected)
    check(code == 1 and not os.path.exists(stolen) and "error:" in out,
          f"a path holding pipeline syntax: an error, nothing written (exit {code})", out)

code, out = run(app, "--live", "4")
m = utterances.search(out)
check(code == 0 and m is not None, f"--live 4: the looped clip shows speech (exit {code})", out)

print(f"vad_app: {'all checks passed' if not failures else f'{len(failures)} failed'}")
sys.exit(1 if failures else 0)
