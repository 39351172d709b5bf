#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job: the speech front end on the shipped clip (48 kHz stereo S16
# in), run with gst-launch-1.0: mono F32, 16 kHz, voice activity detection,
# 16 kHz S16 WAV out. Prints each speech segment rmsvad reports and a summary;
# exits non-zero, naming the step, when any step fails.
#   tools/demo.sh              the plugin in build/gst (tools/build.sh)
#   tools/demo.sh --installed  the plugin GStreamer finds on its own
cd "$(dirname "$0")/.."
fail() { echo "demo: $*" >&2; exit 1; }

case "${1:-}" in
  "")
    [ -f build/gst/libgstfastaudio.so ] || fail "build/gst/libgstfastaudio.so is missing: run tools/build.sh first"
    export GST_PLUGIN_PATH_1_0="$PWD/build/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
    OUT=build/demo-speech-16k.wav ;;
  --installed)
    OUT=$(mktemp -d)/demo-speech-16k.wav ;;
  *) echo "usage: tools/demo.sh [--installed]" >&2; exit 2 ;;
esac
for program in gst-launch-1.0 gst-discoverer-1.0; do
  command -v $program >/dev/null || fail "$program not found (tools/install-deps.sh installs it)"
done

IN=tests/files/speech-48k-stereo.wav
PIPELINE="filesrc location=$IN ! wavparse ! fastconvert ! audio/x-raw,format=F32LE,channels=1 ! fastresample ! audio/x-raw,rate=16000 ! rmsvad ! fastconvert ! audio/x-raw,format=S16LE ! wavenc ! filesink location=$OUT"
echo "pipeline: gst-launch-1.0 -m $PIPELINE"
echo
rm -f "$OUT"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# -m prints every bus message; keep rmsvad's and the outcome.
gst-launch-1.0 -m $PIPELINE >"$log" 2>&1
status=$?
awk '
  /speech-(start|stop)/ {
    match($0, /speech-(start|stop)/); kind = substr($0, RSTART, RLENGTH)
    match($0, /timestamp=\(guint64\)[0-9]+/); ts = substr($0, RSTART + 19, RLENGTH - 19) / 1e9
    match($0, /level=\(double\)-?[0-9.e+-]+/); level = substr($0, RSTART + 14, RLENGTH - 14)
    match($0, /noise-floor=\(double\)-?[0-9.e+-]+/); floor = substr($0, RSTART + 20, RLENGTH - 20)
    printf "%-12s at %7.3f s   level %6.1f dB   noise floor %6.1f dB\n", kind, ts, level, floor
    if (kind == "speech-stop") segments++
  }
  /ERROR|WARNING|erroneous pipeline|no element/ { print }
  /Got EOS/ { print ""; print "end of stream" }
  END { printf "%d speech segments\n", segments }' "$log"
[ $status -eq 0 ] || fail "the pipeline failed (gst-launch-1.0 exited $status)"
grep -q "Got EOS" "$log" || fail "the pipeline ended without EOS"
[ -s "$OUT" ] || fail "no output file $OUT"

describe() {
  gst-discoverer-1.0 "$1" >"$log" 2>&1 || fail "gst-discoverer-1.0 could not read $1: $(tail -n 1 "$log")"
  grep -E 'Sample rate|Channels|Depth|Duration' "$log" | tr -s ' \n' ' '
}
input=$(describe $IN) || exit 1
output=$(describe "$OUT") || exit 1
echo "input:  $input"
echo "output: $output"
