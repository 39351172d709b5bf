#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the element tests under valgrind memcheck (meson test setup `valgrind`,
# defined in the top meson.build): any definite or indirect leak or invalid
# access outside the GLib/GStreamer one-time allocations suppressed in
# tests/check/valgrind/ fails the run. Extra arguments go to `meson test`.
set -e
cd "$(dirname "$0")/.."
tools/build.sh test
# Build the plugin registry outside valgrind: a cold scan loads every system
# plugin and takes ~25 s under memcheck.
GST_PLUGIN_PATH_1_0="$PWD/build/gst" GST_REGISTRY_1_0="$PWD/build/tests/check/registry.dat" \
  gst-inspect-1.0 fastconvert >/dev/null
meson test -C build --setup valgrind --print-errorlogs --num-processes 2 "$@"
