#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer
# in build-asan/ and runs it: any report fails the run.
set -e
cd "$(dirname "$0")/.."
tools/install-deps.sh test
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
  -Dbuildtype=debugoptimized -Dbenchmarks=disabled
meson compile -C build-asan
# The sanitizers run the same code several times slower: Check's per-test
# timeouts (and meson's) stretch with it, as they do under emulation.
export CK_TIMEOUT_MULTIPLIER=3
# gst-launch-1.0 and gst-inspect-1.0 are not built with the sanitizer runtime and
# cannot load the instrumented plugin: the plugin and recipes suites run in build/ only.
meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite plugin --no-suite recipes \
  --timeout-multiplier 3
