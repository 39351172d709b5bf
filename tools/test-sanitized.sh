#!/bin/sh
# Builds the whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer
# in build-asan/ and runs it: any report fails the run.
set -e
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
  -Dbuildtype=debugoptimized -Dbenchmarks=disabled
meson compile -C build-asan
meson test -C build-asan --print-errorlogs --num-processes 2
