#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Validates the encoder's output (from json_schema_lines) against
docs/jsonbridge.schema.json, checks that the schema lists exactly the fields
the encoder writes, and that it refuses objects the decoder refuses."""
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: skipping")
    sys.exit(77)

lines_exe, schema_path = sys.argv[1], sys.argv[2]
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

# A cross build runs its program through the emulator (tools/test-aarch64.sh).
wrapper = os.environ.get("FASTAUDIO_EXE_WRAPPER", "").split()
out = subprocess.run(wrapper + [lines_exe], check=True, capture_output=True, text=True).stdout
lines = out.splitlines()
assert len(lines) == 16, f"expected 16 lines, got {len(lines)}"
written = set()
for line in lines:
    obj = json.loads(line)
    errors = list(validator.iter_errors(obj))
    assert not errors, f"{obj['format']}: {errors[0].message}"
    written |= set(obj)

assert written == set(schema["properties"]), f"encoder writes {sorted(written)}, schema lists {sorted(schema['properties'])}"
assert set(schema["required"]) <= written

good = json.loads(lines[4])  # S16LE
bad = [
    dict(good, samples=[1, 40000]),
    dict(good, samples=[1, 2.5]),
    dict(good, format="S16BE"),
    dict(good, version=2),
    dict(good, rate=0),
    dict(good, channels="2"),
    {k: v for k, v in good.items() if k != "rate"},
    dict(json.loads(lines[12]), samples=["nan"]),  # F32LE
    dict(good, **{"channel-mask": 1 << 28}),
    dict(good, **{"channel-mask": "0x3"}),
]
for obj in bad:
    assert list(validator.iter_errors(obj)), f"schema accepts {obj}"
print(f"{len(lines)} encoder lines valid; {len(bad)} bad objects refused; fields: {sorted(written)}")
