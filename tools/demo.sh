#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job: the speech front end on the shipped clip (48 kHz stereo S16
# in), run with gst-launch-1.0: mono F32, 16 kHz, voice activity detection,
# 16 kHz S16 WAV out. Prints each speech segment rmsvad reports and a summary.
set -e
cd "$(dirname "$0")/.."
export GST_PLUGIN_PATH_1_0="$PWD/build/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
IN=tests/files/speech-48k-stereo.wav
OUT=build/demo-speech-16k.wav
PIPELINE="filesrc location=$IN ! wavparse ! fastconvert ! audio/x-raw,format=F32LE,channels=1 ! fastresample ! audio/x-raw,rate=16000 ! rmsvad ! fastconvert ! audio/x-raw,format=S16LE ! wavenc ! filesink location=$OUT"
echo "pipeline: gst-launch-1.0 -m $PIPELINE"
echo
# -m prints every bus message; keep rmsvad's and the outcome.
gst-launch-1.0 -m $PIPELINE 2>&1 | awk '
  /speech-(start|stop)/ {
    match($0, /speech-(start|stop)/); kind = substr($0, RSTART, RLENGTH)
    match($0, /timestamp=\(guint64\)[0-9]+/); ts = substr($0, RSTART + 19, RLENGTH - 19) / 1e9
    match($0, /level=\(double\)-?[0-9.e+-]+/); level = substr($0, RSTART + 14, RLENGTH - 14)
    match($0, /noise-floor=\(double\)-?[0-9.e+-]+/); floor = substr($0, RSTART + 20, RLENGTH - 20)
    printf "%-12s at %7.3f s   level %6.1f dB   noise floor %6.1f dB\n", kind, ts, level, floor
    if (kind == "speech-stop") segments++
  }
  /ERROR|WARNING/ { print }
  /Got EOS/ { print ""; print "end of stream" }
  END { printf "%d speech segments\n", segments }'
echo "input:  $(gst-discoverer-1.0 $IN | grep -E 'Sample rate|Channels|Depth|Duration' | tr -s ' \n' ' ')"
echo "output: $(gst-discoverer-1.0 $OUT | grep -E 'Sample rate|Channels|Depth|Duration' | tr -s ' \n' ' ')"
