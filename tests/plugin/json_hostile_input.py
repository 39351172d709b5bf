#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What a PyGObject application meets when jsonbridge mode=decode reads
hostile bytes: every error and warning parses (valid UTF-8, input bytes
escaped), the warnings of on-error=skip stay few, and the process stays small.

usage: json_hostile_input.py   (GST_PLUGIN_PATH_1_0 pointing at the build)
"""
import os
import random
import resource
import sys
import tempfile
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

MAX_RSS_MB = 50
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)


def run(path, on_error):
    """Runs the decoder over `path`; returns the (type, text, debug) of every error and warning."""
    pipeline = Gst.parse_launch(f"filesrc name=src ! jsonbridge mode=decode on-error={on_error} ! fakesink")
    pipeline.get_by_name("src").set_property("location", path)  # any path, unquoted nowhere
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    seen = []
    while True:
        msg = bus.timed_pop_filtered(30 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.WARNING
                                     | Gst.MessageType.EOS)
        if msg is None:
            seen.append(("timeout", "", ""))
            break
        if msg.type == Gst.MessageType.EOS:
            break
        parse = msg.parse_error if msg.type == Gst.MessageType.ERROR else msg.parse_warning
        try:
            err, debug = parse()
            seen.append(("error" if msg.type == Gst.MessageType.ERROR else "warning", err.message, debug or ""))
        except UnicodeDecodeError as e:
            seen.append(("undecodable", str(e), ""))
        if msg.type == Gst.MessageType.ERROR:
            break
    pipeline.set_state(Gst.State.NULL)
    return seen


def main():
    Gst.init(None)
    with tempfile.TemporaryDirectory() as tmp:
        noise = os.path.join(tmp, "bad.ndjson")
        with open(noise, "wb") as f:
            f.write(random.Random(19).randbytes(1 << 20))

        start = time.monotonic()
        seen = run(noise, "skip")
        seconds = time.monotonic() - start
        kinds = [k for k, _, _ in seen]
        check("undecodable" not in kinds and "timeout" not in kinds,
              f"1 MB of random bytes, on-error=skip: {len(seen)} messages, all parse ({set(kinds)})")
        check(any("\\x" in text for _, text, _ in seen), "input bytes appear escaped as \\xNN")
        # The first 5 in full, at most one summary a second, one final count.
        check(5 < len(seen) <= 5 + int(seconds) + 2, f"{len(seen)} warnings in {seconds:.1f} s")
        check(seen and "bad JSON objects in this stream" in seen[-1][1], f"final count: {seen[-1][1] if seen else ''}")

        flood = os.path.join(tmp, "x.ndjson")
        with open(flood, "w") as f:
            f.write("x\n" * 1000000)
        start = time.monotonic()
        seen = run(flood, "skip")
        seconds = time.monotonic() - start
        check(5 < len(seen) <= 5 + int(seconds) + 2 and "skipped 1000000 bad JSON objects" in seen[-1][1],
              f"1,000,000 bad lines: {len(seen)} warnings in {seconds:.1f} s, the last: {seen[-1][1]}")

        seen = run(noise, "fail")
        check(len(seen) == 1 and seen[0][0] == "error", f"on-error=fail: one error that parses ({seen})")

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    check(rss_mb < MAX_RSS_MB, f"peak RSS {rss_mb:.1f} MB < {MAX_RSS_MB} MB")
    print(f"json hostile input: {'all checks passed' if not failures else f'{len(failures)} failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
