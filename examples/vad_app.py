#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A speech-aware application in a few lines of PyGObject.

Runs the fastaudio front end on a WAV file and reacts to rmsvad's
speech-start / speech-stop messages: here it prints each utterance with its
times; a real app would start and stop a recogniser there.

usage: vad_app.py FILE.wav                  a file, as fast as the CPU goes
       vad_app.py --live SECONDS [FILE.wav]  the file looped in real time for SECONDS, standing in
                                             for a microphone (default: the shipped speech clip)
"""
import argparse
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

SPEECH_CLIP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "files",
                           "speech-48k-stereo.wav")


def make(factory, **properties):
    element = Gst.ElementFactory.make(factory, None)
    if element is None:
        sys.exit(f"error: no GStreamer element {factory} (is GST_PLUGIN_PATH set to the fastaudio build?)")
    for name, value in properties.items():
        element.set_property(name.replace("_", "-"), value)
    return element


def capsfilter(caps):
    return make("capsfilter", caps=Gst.Caps.from_string(caps))


def build(path, live):
    """filesrc ! wavparse ! fastconvert ! F32 mono ! fastresample ! 16 kHz ! rmsvad ! fakesink, built from
    elements: the path is a property value, never pipeline text, whatever characters it holds."""
    pipeline = Gst.Pipeline.new("vad-app")
    source, parser = make("filesrc", location=path), make("wavparse")
    front_end = [make("fastconvert"), capsfilter("audio/x-raw,format=F32LE,channels=1"), make("fastresample"),
                 capsfilter("audio/x-raw,rate=16000"), make("rmsvad"), make("fakesink", sync=live)]
    chain = [source, parser, *front_end]
    for element in chain:
        pipeline.add(element)
    for upstream, downstream in zip(chain, chain[1:]):
        if not upstream.link(downstream):
            sys.exit(f"error: cannot link {upstream.get_name()} to {downstream.get_name()}")
    return pipeline


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="vad_app.py", description="Prints the utterances rmsvad finds.")
    parser.add_argument("--live", metavar="SECONDS", type=float,
                        help="play the file looped in real time for SECONDS (a stand-in for a microphone)")
    parser.add_argument("file", metavar="FILE.wav", nargs="?", help="a WAV file")
    args = parser.parse_args(argv)
    if args.file is None and args.live is None:
        parser.error("give a WAV file, or --live SECONDS")
    if args.live is not None and args.live <= 0:
        parser.error("--live needs a positive number of seconds")
    return args.file or SPEECH_CLIP, args.live


def main(argv):
    path, seconds = parse_args(argv)
    Gst.init(None)
    pipeline = build(path, live=seconds is not None)
    loop = GLib.MainLoop()
    utterances = []
    started = {}
    failed = []

    def loop_again():
        # A segment seek without FLUSH: the next pass follows on the same running time.
        pipeline.seek(1.0, Gst.Format.TIME, Gst.SeekFlags.SEGMENT, Gst.SeekType.SET, 0, Gst.SeekType.NONE, -1)

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            # running-time keeps growing when the file loops; it is the timestamp otherwise.
            if s.get_name() == "speech-start":
                started["t"] = s.get_value("running-time") / Gst.SECOND
                print(f"speech-start {started['t']:.3f} s (level {s.get_value('level'):.1f} dB, "
                      f"floor {s.get_value('noise-floor'):.1f} dB)", flush=True)
            elif s.get_name() == "speech-stop":
                stop = s.get_value("running-time") / Gst.SECOND
                utterances.append((started.pop("t", 0.0), stop))
                print(f"speech-stop  {stop:.3f} s", flush=True)
        elif msg.type == Gst.MessageType.SEGMENT_DONE:
            loop_again()
        elif msg.type == Gst.MessageType.EOS:
            loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print(f"error: {err.message} ({debug})", file=sys.stderr)
            failed.append(err.message)
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    if seconds is not None:
        pipeline.set_state(Gst.State.PAUSED)
        if pipeline.get_state(Gst.CLOCK_TIME_NONE)[0] == Gst.StateChangeReturn.SUCCESS:
            pipeline.seek(1.0, Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.SEGMENT, Gst.SeekType.SET, 0,
                          Gst.SeekType.NONE, -1)
        GLib.timeout_add(int(seconds * 1000), lambda: loop.quit() or False)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    if failed:
        return 1
    print(f"{len(utterances)} utterances: " + ", ".join(f"{a:.2f}-{b:.2f} s" for a, b in utterances))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
