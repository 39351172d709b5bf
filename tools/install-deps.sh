#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian 12 packages fastaudio needs; does nothing when they are
# all present, needs root otherwise.
#   tools/install-deps.sh [build]  building the plugin and running the demo
#   tools/install-deps.sh test     that, plus the tests, sanitizers and benchmarks
#   tools/install-deps.sh dev      that, plus what regenerates fixtures and reports
#   tools/install-deps.sh deb      what building the Debian package needs first
#   tools/install-deps.sh aarch64  the build packages and the ARM64 cross tools
# tests/install/check_install_list.py checks that every program, Python module
# and GStreamer element the scripts, recipes and examples use comes from a
# package listed here.
set -e
BUILD_PACKAGES="meson ninja-build pkg-config g++ \
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev liborc-0.4-dev liborc-0.4-dev-bin \
  libsimdjson-dev libfmt-dev libhwy-dev \
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-base-apps"
TEST_PACKAGES="gstreamer1.0-plugins-bad \
  python3 python3-numpy python3-scipy python3-matplotlib python3-jsonschema \
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 \
  libsoxr-dev valgrind clang-14 libclang-rt-14-dev binutils"
# Regenerating fixtures and reports (tools/make_vad_fixtures.py, perf-report.py).
DEV_PACKAGES="espeak-ng"
# The Debian package (tools/build-deb.sh; the rest comes from debian/control).
DEB_PACKAGES="dpkg-dev debhelper lintian"
# The ARM64 cross build and its tests under emulation (tools/test-aarch64.sh).
AARCH64_PACKAGES="crossbuild-essential-arm64 qemu-user-static debootstrap"

case "${1:-build}" in
  build) PACKAGES=$BUILD_PACKAGES ;;
  test) PACKAGES="$BUILD_PACKAGES $TEST_PACKAGES" ;;
  dev) PACKAGES="$BUILD_PACKAGES $TEST_PACKAGES $DEV_PACKAGES" ;;
  deb) PACKAGES=$DEB_PACKAGES ;;
  aarch64) PACKAGES="$BUILD_PACKAGES $AARCH64_PACKAGES" ;;
  --list-build) echo $BUILD_PACKAGES; exit 0 ;;
  --list-test) echo $TEST_PACKAGES; exit 0 ;;
  --list-dev) echo $DEV_PACKAGES; exit 0 ;;
  *) echo "usage: tools/install-deps.sh [build|test|dev|deb|aarch64]" >&2; exit 2 ;;
esac
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
