#!/bin/sh
# The main job: a speech front end on the shipped clip (48 kHz stereo S16 in,
# mono F32 out), run with gst-launch-1.0, then a summary of what came out.
set -e
cd "$(dirname "$0")/.."
export GST_PLUGIN_PATH_1_0="$PWD/build/gst${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
IN=tests/files/speech-48k-stereo.wav
OUT=build/demo-out.wav
PIPELINE="filesrc location=$IN ! wavparse ! fastconvert ! audio/x-raw,format=F32LE,channels=1 ! wavenc ! filesink location=$OUT"
echo "pipeline: $PIPELINE"
# -m prints every bus message (element messages from the analysis elements among them).
gst-launch-1.0 -m $PIPELINE | grep -E "\((element|error|warning)\)|Got EOS|Execution ended" || true
echo "input:  $(gst-discoverer-1.0 $IN | grep -E 'Sample rate|Channels|Depth|Duration' | tr -s ' \n' ' ')"
echo "output: $(gst-discoverer-1.0 $OUT | grep -E 'Sample rate|Channels|Depth|Duration' | tr -s ' \n' ' ')"
