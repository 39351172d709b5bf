#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Who has the floor? A media server's active-speaker detection in PyGObject.

Each participant sends Opus over RTP with the client-to-mixer audio level
header extension (RFC 6464, "vad=on"), which rmsvad fills on the sender
(docs/rmsvad.md). The receiver decodes nothing: it reads every packet's
level and voice flag and applies a dominant-speaker rule:

- a participant is speaking when at least half of their packets of the
  last 0.3 s carry the voice flag; their speech level is the power average
  of their voiced packets' levels over the last second;
- nobody holds the floor yet: the loudest speaking participant takes it;
- the holder speaks: a challenger takes it only HYSTERESIS dB louder;
- the holder is silent: the loudest speaking participant takes it;
- either way, only after the holder has held it for a second.

Packet times come from each sender's RTP clock, anchored at the arrival of
its first packet, so that a busy receiver does not misdate them. Prints
"floor <time> <name>" at every change and, at the end (after IDLE seconds
without packets), each participant's packet counts and "floor: <names in
order>".

usage: active_speaker.py --port BASE --names alice,bob,...
       (participant i sends to UDP port BASE + i on 127.0.0.1)
"""
import argparse
import collections
import math
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtp", "1.0")
from gi.repository import GLib, Gst, GstRtp  # noqa: E402

AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
EXT_ID = 1
CLOCK_RATE = 48000
CAPS = ("application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=96,"
        f'extmap-{EXT_ID}=(string)<"",{AUDIO_LEVEL_URI},"vad=on">')


class DominantSpeaker:
    """The floor rule, fed packet by packet: (participant, time, -dBov, voice)."""

    def __init__(self, window=0.3, level_window=1.0, hold=1.0, hysteresis_db=6.0):
        self.window, self.level_window = window, level_window
        self.hold, self.hysteresis_db = hold, hysteresis_db
        self.packets = collections.defaultdict(collections.deque)
        self.holder, self.since = None, None
        self.changes = []

    def speaking(self, who, now):
        """Speech level (dBov) of `who`, or None when not speaking now."""
        q = self.packets[who]
        while q and q[0][0] <= now - self.level_window:
            q.popleft()
        recent = [voice for t, _, voice in q if t > now - self.window]
        if not recent or sum(recent) * 2 < len(recent):
            return None
        # Power average over the longer window: the quiet packets at the end
        # of a phrase do not drag a talker below a click.
        voiced = [10 ** (-level / 10) for _, level, voice in q if voice]
        return 10 * math.log10(sum(voiced) / len(voiced))

    def packet(self, who, t, level, voice):
        self.packets[who].append((t, level, voice))
        levels = {p: self.speaking(p, t) for p in self.packets}
        speakers = {p: lv for p, lv in levels.items() if lv is not None}
        if not speakers:
            return None
        loudest = max(speakers, key=speakers.get)
        if loudest == self.holder:
            return None
        if self.holder is not None:
            if t - self.since < self.hold:
                return None
            held = speakers.get(self.holder)
            if held is not None and speakers[loudest] < held + self.hysteresis_db:
                return None
        self.holder, self.since = loudest, t
        self.changes.append((t, loudest))
        return loudest


class Receiver:
    def __init__(self, names, base_port, idle_s):
        self.names, self.idle_s = names, idle_s
        self.floor = DominantSpeaker()
        self.lock = threading.Lock()
        self.anchor = {}  # participant -> (first RTP timestamp, call time of its arrival)
        self.counts = {name: [0, 0] for name in names}  # packets, voiced packets
        self.start = None  # running time of the first packet of the call
        self.last_arrival = None
        branches = [f"udpsrc address=127.0.0.1 port={base_port + i} caps=\"{CAPS}\" ! "
                    f"appsink name={name} emit-signals=true sync=false"
                    for i, name in enumerate(names)]
        self.pipeline = Gst.parse_launch(" ".join(branches))
        for name in names:
            self.pipeline.get_by_name(name).connect("new-sample", self.on_sample, name)

    def on_sample(self, sink, who):
        buf = sink.emit("pull-sample").get_buffer()
        ok, rtp = GstRtp.RTPBuffer.map(buf, Gst.MapFlags.READ)
        if not ok:
            return Gst.FlowReturn.OK
        ts = rtp.get_timestamp()
        found, ext = rtp.get_extension_onebyte_header(EXT_ID, 0)
        rtp.unmap()
        if not found or len(ext) < 1:
            return Gst.FlowReturn.OK  # a sender without the extension has no say
        with self.lock:
            arrival = buf.pts / Gst.SECOND
            self.last_arrival = GLib.get_monotonic_time()
            if self.start is None:
                self.start = arrival
            self.counts[who][0] += 1
            self.counts[who][1] += bool(ext[0] & 0x80)
            first_ts, first_t = self.anchor.setdefault(who, (ts, arrival - self.start))
            t = first_t + ((ts - first_ts) & 0xFFFFFFFF) / CLOCK_RATE
            holder = self.floor.packet(who, t, ext[0] & 0x7F, bool(ext[0] & 0x80))
            if holder:
                print(f"floor {t:.2f} {holder}", flush=True)
        return Gst.FlowReturn.OK

    def run(self, max_s):
        loop = GLib.MainLoop()
        started = GLib.get_monotonic_time()

        def check():
            now = GLib.get_monotonic_time()
            with self.lock:
                idle = self.last_arrival is not None and now - self.last_arrival > self.idle_s * 1e6
            if idle or now - started > max_s * 1e6:
                loop.quit()
                return False
            return True

        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", lambda _b, m: (print(m.parse_error()[0].message, file=sys.stderr),
                                                     loop.quit()))
        self.pipeline.set_state(Gst.State.PLAYING)
        self.pipeline.get_state(Gst.CLOCK_TIME_NONE)
        print(f"listening for {len(self.names)} participants", flush=True)
        GLib.timeout_add(100, check)
        loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        for name, (packets, voiced) in self.counts.items():
            print(f"{name}: {packets} packets, {voiced} with voice", flush=True)
        print("floor: " + " ".join(who for _, who in self.floor.changes), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True, help="UDP port of the first participant")
    ap.add_argument("--names", required=True, help="participants, comma-separated, in port order")
    ap.add_argument("--idle", type=float, default=1.5, help="stop after this many seconds without packets")
    ap.add_argument("--max", type=float, default=60, help="stop after this many seconds in any case")
    args = ap.parse_args()
    Gst.init(None)
    Receiver(args.names.split(","), args.port, args.idle).run(args.max)


if __name__ == "__main__":
    main()
