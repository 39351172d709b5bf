#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what building needs, configures build/ and compiles it.
# `tools/build.sh test` installs the test packages as well (tools/test.sh).
set -e
cd "$(dirname "$0")/.."
tools/install-deps.sh "${1:-build}"
# Optional parts (libsoxr anchors, the libFuzzer target) are found at
# configure time: configure again whenever packages changed since.
if [ ! -f build/build.ninja ]; then
  meson setup build
elif [ /var/lib/dpkg/status -nt build/build.ninja ]; then
  meson setup --reconfigure build
fi
meson compile -C build
