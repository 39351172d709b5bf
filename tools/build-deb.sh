#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the Debian package gstreamer1.0-fastaudio from this tree into dist/
# and checks it with lintian (any error fails). Installs the build
# dependencies debian/control names; needs root for that.
set -e
cd "$(dirname "$0")/.."
tools/install-deps.sh deb
if ! dpkg-checkbuilddeps >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get build-dep -y -q ./
fi
version=$(dpkg-parsechangelog -S Version)
meson_version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" meson.build | head -n 1)
[ "$version" = "$meson_version" ] || {
  echo "build-deb: debian/changelog says $version, meson.build $meson_version" >&2; exit 1; }
dpkg-buildpackage -us -uc -b
mkdir -p dist
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
changes=../fastaudio_${version}_$arch.changes
for f in $(sed -n '/^Files:/,$ s/^ [0-9a-f]\{32\} [0-9]* [^ ]* [^ ]* //p' "$changes") $(basename "$changes"); do
  mv "../$f" dist/
done
lintian --fail-on error --suppress-tags-from-file /dev/null "dist/$(basename "$changes")"
echo "built: $(ls dist/*.deb)"
