#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's promise, checked: a freshly bootstrapped Debian 12 root
# (minbase, then only git and ca-certificates) clones this commit and runs
# the README's two commands. With --deb it instead builds the Debian package
# there, installs it with apt-get into a second fresh root and runs the
# plugin from the system plugin directory. Prints each step's exit status
# and the tail of its output, and exits non-zero if any step fails. Needs
# root and Debian's package mirror.
#
#   tools/fresh-check.sh [--deb | --aarch64] [--keep]
#
# --aarch64 runs the README's ARM64 command (tools/test-aarch64.sh) there.
#
# The bootstrapped base is cached as a tarball (FASTAUDIO_FRESH_CACHE,
# default /var/cache/fastaudio-fresh-check); every run unpacks a new root
# from it, so nothing a run installs reaches the next one. --keep leaves the
# root in place for a look around.
set -eu
cd "$(dirname "$0")/.."
repo=$PWD

mode=readme
keep=no
for arg in "$@"; do
  case "$arg" in
    --deb) mode=deb ;;
    --aarch64) mode=aarch64 ;;
    --keep) keep=yes ;;
    *) echo "usage: tools/fresh-check.sh [--deb | --aarch64] [--keep]" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then
  echo "fresh-check: needs root (debootstrap, chroot, mounts)" >&2
  exit 2
fi
command -v debootstrap >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
}

commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "fresh-check: note: uncommitted changes are not checked; testing commit $commit"
fi

cache=${FASTAUDIO_FRESH_CACHE:-/var/cache/fastaudio-fresh-check}
base=$cache/bookworm-minbase-git.tar
mkdir -p "$cache"

# The same mirror and suites this machine uses (main, updates, security).
host_sources() {
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -qi debian "$f" && echo "$f"
  done
  return 0
}
mirror=$(host_sources | xargs -r grep -hoE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ')

if [ ! -f "$base" ]; then
  echo "== bootstrapping Debian 12 (minbase) into the cache: $base"
  tmp=$(mktemp -d "$cache/bootstrap.XXXXXX")
  debootstrap --variant=minbase bookworm "$tmp" $mirror >"$cache/debootstrap.log" 2>&1 || {
    tail -n 20 "$cache/debootstrap.log"; rm -rf "$tmp"; exit 1; }
  for f in $(host_sources); do cp "$f" "$tmp/etc/apt/${f#/etc/apt/}"; done
  [ -f "$tmp/etc/apt/sources.list.d/debian.sources" ] && rm -f "$tmp/etc/apt/sources.list"
  cp /etc/resolv.conf "$tmp/etc/resolv.conf"
  chroot "$tmp" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive;
    apt-get update -q && apt-get install -y -q --no-install-recommends git ca-certificates && apt-get clean' \
    >>"$cache/debootstrap.log" 2>&1 || { tail -n 20 "$cache/debootstrap.log"; rm -rf "$tmp"; exit 1; }
  rm -rf "$tmp/var/lib/apt/lists/"*
  tar -C "$tmp" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$tmp"
fi

logs=$(mktemp -d "$cache/logs.XXXXXX")
roots=""
cleanup() {
  for r in $roots; do
    for m in dev/pts dev proc sys; do
      mountpoint -q "$r/$m" 2>/dev/null && umount -l "$r/$m"
    done
    [ "$keep" = yes ] && echo "fresh-check: root kept at $r" || rm -rf "$r"
  done
}
trap cleanup EXIT INT TERM

# new_root: a new root from the cached base, with a clone of exactly this
# commit in /root/fastaudio, as a user would have it. Prints its path.
new_root() {
  r=$(mktemp -d "$cache/root.XXXXXX")
  roots="$roots $r"
  tar -C "$r" -xf "$base"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  mount -t proc proc "$r/proc"
  mount -t sysfs sys "$r/sys"
  mount --bind /dev "$r/dev"
  mount --bind /dev/pts "$r/dev/pts"
  git clone -q --no-local "$repo" "$r/root/fastaudio"
  git -C "$r/root/fastaudio" checkout -q "$commit"
  root=$r
}

failed=0
# step NAME COMMAND: runs COMMAND in $root, in the clone, as a fresh login would.
step() {
  name=$1; shift
  log=$logs/$name.log
  start=$(date +%s)
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/sh -c "cd /root/fastaudio && $*" >"$log" 2>&1
  status=$?
  set -e
  echo
  echo "== $name: \`$*\` exited $status after $(( $(date +%s) - start )) s; last lines:"
  tail -n 15 "$log" | sed 's/^/   | /'
  [ $status -eq 0 ] || failed=$((failed + 1))
}

new_root
echo "== fresh Debian 12 root $root, fastaudio at $commit ($mode)"
if [ "$mode" = readme ]; then
  step readme-1 'tools/build.sh && tools/demo.sh'
  step readme-2 'tools/test.sh'
elif [ "$mode" = aarch64 ]; then
  step aarch64 'tools/test-aarch64.sh'
else
  step deb-build 'tools/build-deb.sh'
  # Installed into a second fresh root, which never saw the build
  # dependencies: the package must bring what the plugin needs.
  build_root=$root
  new_root
  echo
  echo "== second fresh root $root for the installation"
  mkdir -p "$root/root/fastaudio/dist"
  cp "$build_root"/root/fastaudio/dist/*.deb "$root/root/fastaudio/dist/" 2>/dev/null || true
  step deb-install 'apt-get update -q && apt-get install -y -q ./dist/gstreamer1.0-fastaudio_*_amd64.deb gstreamer1.0-tools gstreamer1.0-plugins-base-apps'
  # The installed plugin: no GST_PLUGIN_PATH, no build tree.
  step deb-inspect 'gst-inspect-1.0 fastconvert fastresample rmsvad jsonbridge >/dev/null && gst-inspect-1.0 fastaudio | head -n 12'
  step deb-demo 'tools/demo.sh --installed'
fi

echo
if [ $failed -eq 0 ]; then
  echo "fresh-check ($mode): PASS"
else
  echo "fresh-check ($mode): FAIL ($failed step(s)); full logs in $logs"
fi
[ $failed -ne 0 ] || [ "$keep" = yes ] || rm -rf "$logs"
exit $failed
