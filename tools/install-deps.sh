#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian 12 packages fastaudio builds, tests and benchmarks with.
# Does nothing when they are all present; needs root otherwise.
set -e
PACKAGES="meson ninja-build pkg-config g++ \
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev liborc-0.4-dev liborc-0.4-dev-bin \
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
  libsoxr-dev libsimdjson-dev python3 python3-numpy python3-scipy python3-matplotlib \
  python3-gi gir1.2-gstreamer-1.0 valgrind"
# jsonbridge: float text ({fmt}, header-only)
PACKAGES="$PACKAGES libfmt-dev"
# jsonbridge: schema test (python3-jsonschema)
PACKAGES="$PACKAGES python3-jsonschema"
# jsonbridge: fuzz target (clang libFuzzer); the test skips itself without it
PACKAGES="$PACKAGES clang-14 libclang-rt-14-dev"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends $missing
fi
