#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds fastaudio for ARM64 (aarch64) with Debian's cross compiler against
# an ARM64 sysroot, and runs the dsp and element test suites under
# qemu-user-static: every suite that needs no program missing from the
# sysroot (gst-launch-1.0, Python). Prints `N passed, N failed`; exits
# non-zero on any failure. Needs root the first time (packages, sysroot).
#
# The sysroot is an ARM64 Debian 12 root fetched but not installed
# (debootstrap --foreign, then dpkg -x of each package), cached in
# FASTAUDIO_ARM64_SYSROOT (default /var/cache/fastaudio-arm64-sysroot).
# Extra arguments go to `meson test`.
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh aarch64

# What building and testing need on the target side.
SYSROOT_PACKAGES="libc6-dev,libstdc++-12-dev,libgcc-12-dev,libgstreamer1.0-dev,libgstreamer-plugins-base1.0-dev,\
liborc-0.4-dev,libglib2.0-dev,libsimdjson-dev,libfmt-dev,libhwy-dev,gstreamer1.0-plugins-base,gstreamer1.0-plugins-good,\
gstreamer1.0-plugins-bad"
sysroot=${FASTAUDIO_ARM64_SYSROOT:-/var/cache/fastaudio-arm64-sysroot}
stamp="$sysroot/.fastaudio-packages"
if [ "$(cat "$stamp" 2>/dev/null)" != "$SYSROOT_PACKAGES" ]; then
  echo "== fetching the ARM64 sysroot into $sysroot"
  rm -rf "$sysroot"
  mkdir -p "$sysroot"
  # The same Debian mirror this machine uses.
  mirror=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
           /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 | tr -d ' ' || true)
  debootstrap --arch=arm64 --foreign --variant=minbase --include="$SYSROOT_PACKAGES" bookworm "$sysroot" $mirror \
    >"$sysroot.log" 2>&1 || { tail -n 20 "$sysroot.log"; exit 1; }
  for deb in "$sysroot"/var/cache/apt/archives/*.deb; do
    dpkg -x "$deb" "$sysroot"
  done
  echo "$SYSROOT_PACKAGES" >"$stamp"
fi

build=build-aarch64
cross=$build.ini
mkdir -p "$build"
cat >"$cross" <<EOF
[binaries]
c = 'aarch64-linux-gnu-gcc'
cpp = 'aarch64-linux-gnu-g++'
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'
pkgconfig = 'pkg-config'
exe_wrapper = ['qemu-aarch64-static', '-L', '$sysroot']

[properties]
sys_root = '$sysroot'
pkg_config_libdir = ['$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig', '$sysroot/usr/share/pkgconfig']

[built-in options]
c_args = ['--sysroot=$sysroot']
cpp_args = ['--sysroot=$sysroot']
c_link_args = ['--sysroot=$sysroot']
cpp_link_args = ['--sysroot=$sysroot']

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
EOF
export PKG_CONFIG_SYSROOT_DIR="$sysroot"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --cross-file "$cross" -Dbenchmarks=disabled -Dsoxr=disabled
fi
meson compile -C "$build"

# GStreamer under qemu: scan plugins in-process (the scanner is an ARM64
# program too) and look for system plugins in the sysroot.
export GST_REGISTRY_FORK=no
export GST_PLUGIN_SYSTEM_PATH_1_0="$sysroot/usr/lib/aarch64-linux-gnu/gstreamer-1.0"
export QEMU_LD_PREFIX="$sysroot"
# Programs a test script starts itself, and Check's own per-test timeout,
# which emulation stretches (meson's is --timeout-multiplier below).
export FASTAUDIO_EXE_WRAPPER="qemu-aarch64-static -L $sysroot"
export CK_TIMEOUT_MULTIPLIER=6
# Tests that time the code report instead of asserting under emulation.
export FASTAUDIO_EMULATED=1
uname_m=$(qemu-aarch64-static -L "$sysroot" "$sysroot/usr/bin/uname" -m 2>/dev/null || echo "?")
echo "== running the test suites as $uname_m under qemu-aarch64-static"
set +e
meson test -C "$build" --print-errorlogs --num-processes 2 --suite dsp --suite elements --timeout-multiplier 6 "$@"
status=$?
set -e
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"aarch64: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
