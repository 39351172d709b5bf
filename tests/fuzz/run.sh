#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs a libFuzzer binary for a bounded time on the committed seed corpus.
# New inputs go to a scratch directory, never into the source tree.
# usage: run.sh FUZZER SEED_DIR SECONDS   (FUZZER "skip": exit 77, no clang)
set -e
[ "$1" = skip ] && { echo "clang with libFuzzer was not found at configure time: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$1" -max_total_time="$3" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/" -print_final_stats=1 "$work" "$2" && exit 0
status=$?
for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
  [ -e "$f" ] && { echo "reproducer: $f"; od -c "$f" | head -20; }
done
exit $status
