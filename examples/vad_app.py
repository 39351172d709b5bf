#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A speech-aware application in a few lines of PyGObject.

Runs the fastaudio front end on a WAV file (or live test input) and reacts to
rmsvad's speech-start / speech-stop messages: here it prints each utterance
with its times; a real app would start and stop a recogniser there.

usage: vad_app.py FILE.wav        a file, as fast as the CPU goes
       vad_app.py --live SECONDS  live input (audiotestsrc standing in for a microphone)
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

FRONT_END = ("fastconvert ! audio/x-raw,format=F32LE,channels=1 ! fastresample ! "
             "audio/x-raw,rate=16000 ! rmsvad name=vad ! fakesink sync={sync}")


def build(argv):
    if argv[1:2] == ["--live"]:
        return Gst.parse_launch("audiotestsrc is-live=true wave=ticks ! audio/x-raw,rate=48000,channels=2 ! "
                                + FRONT_END.format(sync="true")), float(argv[2])
    return Gst.parse_launch(f"filesrc location={argv[1]} ! wavparse ! " + FRONT_END.format(sync="false")), None


def main(argv):
    Gst.init(None)
    pipeline, seconds = build(argv)
    loop = GLib.MainLoop()
    utterances = []
    started = {}

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.get_name() == "speech-start":
                started["t"] = s.get_value("timestamp") / Gst.SECOND
                print(f"speech-start {started['t']:.3f} s (level {s.get_value('level'):.1f} dB, "
                      f"floor {s.get_value('noise-floor'):.1f} dB)", flush=True)
            elif s.get_name() == "speech-stop":
                stop = s.get_value("timestamp") / Gst.SECOND
                utterances.append((started.pop("t", 0.0), stop))
                print(f"speech-stop  {stop:.3f} s", flush=True)
        elif msg.type == Gst.MessageType.EOS:
            loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print(f"error: {err.message} ({debug})", file=sys.stderr)
            loop.quit()
            sys.exit(1)

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    if seconds:
        GLib.timeout_add(int(seconds * 1000), lambda: pipeline.send_event(Gst.Event.new_eos()) and False)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    print(f"{len(utterances)} utterances: " + ", ".join(f"{a:.2f}-{b:.2f} s" for a, b in utterances))


if __name__ == "__main__":
    main(sys.argv)
