#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs every benchmark and writes docs/performance.md with its plots.

usage: tools/perf-report.py [BUILD_DIR]

Every figure in the report comes from this run: the benchmarks append their
figures to a record file ($FASTAUDIO_BENCH_RECORD) and print their tables;
this script lays the seed's tables out with our rows beside the anchors
measured in the same run, draws the plots and appends each benchmark's own
output. Nothing is typed by hand.
"""
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
DOCS = os.path.join(ROOT, "docs")
IMG = os.path.join(DOCS, "img")


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def machine_line():
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    flags = sh("grep -o -w -E 'avx2|avx512f|fma' /proc/cpuinfo | sort -u | tr '\\n' ' '")
    gst = sh("pkg-config --modversion gstreamer-1.0")
    orc = sh("pkg-config --modversion orc-0.4")
    cxx = sh("c++ --version | head -1")
    numpy = sh("/usr/bin/python3 -c 'import numpy; print(numpy.__version__)'")
    return (f"{cpu}, {os.cpu_count()} cores ({flags.strip()}), Linux {platform.release()}, "
            f"GStreamer {gst}, ORC {orc}, {cxx}, numpy {numpy}")


def run_benchmarks(record):
    env = dict(os.environ, FASTAUDIO_BENCH_RECORD=record)
    subprocess.run(["meson", "compile", "-C", BUILD], check=True)
    subprocess.run(["meson", "test", "-C", BUILD, "--benchmark", "--num-processes", "1", "--logbase", "perf"],
                   env=env, check=False)
    outputs = {}
    log = os.path.join(BUILD, "meson-logs", "perf.json")
    for line in open(log):
        entry = json.loads(line)
        outputs[entry["name"]] = (entry.get("stdout") or "", entry.get("result"), entry.get("duration"))
    return outputs


def load_records(path):
    records = {}
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            records[r["name"]] = (r["value"], r["unit"])
    return records


class Report:
    def __init__(self, records):
        self.r = records
        self.lines = []

    def v(self, key):
        return self.r[key][0] if key in self.r else None

    def fmt(self, key, digits=3):
        x = self.v(key)
        return "n/a" if x is None else f"{x:.{digits}f}"

    def ratio(self, num, den):
        a, b = self.v(num), self.v(den)
        return "n/a" if a is None or b is None or b == 0 else f"{a / b:.1f}x"

    def add(self, text=""):
        self.lines.append(text)

    def table(self, header, rows):
        self.add("| " + " | ".join(header) + " |")
        self.add("|" + "---|" * len(header))
        for row in rows:
            self.add("| " + " | ".join(row) + " |")
        self.add()


def seed_tables(rep):
    add = rep.add
    add("## The seed's tables, reproduced")
    add()
    add("Each table follows `shared/seed-results.md`; every anchor was measured again in this run, "
        "on this machine, and the ratios compare figures from the same run.")
    add()

    add("### Format conversion, 1M = 2^20 samples (ms)")
    add()
    rows = []
    for name in ["F32->S16", "S16->F32", "F32->S32", "S16->S32", "stereo S16->mono F32"]:
        k = f"convert/{name}"
        rows.append([name, rep.fmt(k + "/fastaudio"), rep.fmt(k + "/avx2-loop"), rep.fmt(k + "/GstAudioConverter"),
                     rep.fmt(k + "/numpy-seed"), rep.fmt(k + "/numpy-clip"),
                     rep.ratio(k + "/numpy-seed", k + "/fastaudio"), rep.ratio(k + "/GstAudioConverter", k + "/fastaudio")])
    rep.table(["conversion", "fastaudio", "plain AVX2 loop", "GstAudioConverter", "numpy (seed's code)",
               "numpy with clip", "numpy (seed) / fastaudio", "GstAudioConverter / fastaudio"], rows)

    add("### JSON path vs fast path, 1M samples F32 -> S16")
    add()
    rows = [
        ["JSON path (jsonbridge ! fastconvert)", rep.fmt("json/headline/1M/json-path"), "1.0x"],
        ["JSON path, 20 ms buffers (per 1M samples)", rep.fmt("json/headline/20ms/json-path"), ""],
        ["Fast path, 20 ms buffers (per 1M samples)", rep.fmt("json/headline/20ms/fast-path"),
         rep.ratio("json/headline/20ms/json-path", "json/headline/20ms/fast-path")],
        ["Fast path (fastconvert)", rep.fmt("json/headline/1M/fast-path"),
         rep.ratio("json/headline/1M/json-path", "json/headline/1M/fast-path")],
        ["Pure conversion (kernel)", rep.fmt("convert/F32->S16/fastaudio"),
         rep.ratio("json/headline/1M/json-path", "convert/F32->S16/fastaudio")],
        ["Python numpy (seed's code)", rep.fmt("convert/F32->S16/numpy-seed"),
         rep.ratio("json/headline/1M/json-path", "convert/F32->S16/numpy-seed")],
    ]
    rep.table(["implementation", "time (ms)", "speedup vs JSON path"], rows)

    add("### Resampling: the seed's one-shot rows, 48 kHz -> 16 kHz mono F32 (ms per call)")
    add()
    rows = []
    for secs in ["1s", "5s", "10s"]:
        rows.append([secs, rep.fmt(f"resample/seed/{secs}/fastaudio"), rep.fmt(f"resample/seed/{secs}/soxr-hq"),
                     rep.ratio(f"resample/seed/{secs}/soxr-hq", f"resample/seed/{secs}/fastaudio")])
    rep.table(["duration", "fastresample (high)", "libsoxr HQ one-shot (librosa's backend)", "libsoxr / fastresample"],
              rows)

    add("### Resampling, streaming: 10 s mono F32 in 20 ms chunks (x realtime, higher is better)")
    add()
    rows = []
    for ratio in ["48000->16000", "44100->16000", "16000->48000", "44100->48000"]:
        k = f"resample/stream/{ratio}/"
        rows.append([ratio, rep.fmt(k + "fastresample fast", 0), rep.fmt(k + "fastresample high", 0),
                     rep.fmt(k + "libsoxr HQ", 0), rep.fmt(k + "GstAudioResampler q4", 0),
                     rep.ratio(k + "fastresample high", k + "libsoxr HQ"),
                     rep.ratio(k + "fastresample fast", k + "GstAudioResampler q4")])
    rep.table(["ratio", "fastresample fast", "fastresample high", "libsoxr HQ", "GstAudioResampler q4",
               "high / libsoxr HQ", "fast / GstAudioResampler q4"], rows)

    add("### VAD, per frame (ns)")
    add()
    rows = []
    for frame in ["480@16000", "960@48000"]:
        k = f"vad/kernel/{frame}/"
        rows.append([frame.replace("@", " samples at ") + " Hz", rep.fmt(k + "fastaudio", 1), rep.fmt(k + "avx2-sumsq", 1),
                     rep.fmt(k + "numpy-loop", 0), rep.fmt(k + "numpy-vectorised", 1),
                     rep.ratio(k + "numpy-loop", k + "fastaudio")])
    rep.table(["frame", "rmsvad band-energy kernel", "plain AVX2 sum of squares", "numpy per-frame loop (seed's)",
               "numpy vectorised", "numpy loop / rmsvad"], rows)
    rows = []
    for rate in ["16000", "48000"]:
        k = f"vad/element/{rate}/"
        rows.append([rate, rep.fmt(k + "rmsvad", 0), rep.fmt(k + "level interval=20ms", 0),
                     rep.fmt(k + "webrtcdsp VAD only", 0), rep.fmt(k + "removesilence", 0),
                     rep.ratio(k + "webrtcdsp VAD only", k + "rmsvad")])
    rep.table(["rate (Hz)", "rmsvad (ns per 20 ms buffer)", "level", "webrtcdsp voice detection", "removesilence",
               "webrtcdsp / rmsvad"], rows)

    add("### Full pipeline, per second of audio (ms), 48 kHz stereo S16 -> 16 kHz mono + VAD")
    add()
    rows = []
    for ms in ["10ms", "20ms", "1000ms"]:
        k = f"pipeline/48 kHz/{ms}/"
        fast = k + "fastaudio: fastconvert ! fastresample ! rmsvad"
        stock = k + "stock: audioconvert ! audioresample ! level"
        vad = k + "stock + VAD: audioconvert ! audioresample ! webrtcdsp"
        rows.append([ms.replace("1000ms", "1 s"), rep.fmt(fast), rep.fmt(stock), rep.fmt(vad), rep.fmt(k + "python"),
                     rep.ratio(stock, fast), rep.ratio(k + "python", fast)])
    rep.table(["buffers", "fastaudio", "audioconvert ! audioresample ! level", "... ! webrtcdsp VAD",
               "Python (numpy + scipy)", "stock / fastaudio", "Python / fastaudio"], rows)
    add("Each chain receives its buffers as a source hands them over (it holds the only reference), so an "
        "element may write into them: fastconvert turns stereo S16 into mono F32 in the same memory.")
    add()
    fast20 = rep.v("pipeline/48 kHz/20ms/fastaudio: fastconvert ! fastresample ! rmsvad")
    stock20 = rep.v("pipeline/48 kHz/20ms/stock: audioconvert ! audioresample ! level")
    kernels = rep.v("pipeline/20ms-breakdown/kernels-48000")
    idle = rep.v("pipeline/20ms-breakdown/idle-topology-48000")
    if None not in (fast20, stock20, kernels, idle):
        chain, stock = fast20 * 20, stock20 * 20  # ms per s of audio -> µs per 20 ms buffer
        add("Where a 20 ms buffer's time goes (µs per buffer, same run):")
        add()
        rep.table(["part", "µs"], [
            ["fastaudio chain", f"{chain:.2f}"],
            ["its kernels called directly (conversion, `high` resampling, VAD)", f"{kernels:.2f}"],
            ["the rest: pad pushes, GstBaseTransform, buffers, metadata", f"{chain - kernels:.2f}"],
            ["five elements that do nothing (identity ! capsfilter ! identity ! capsfilter ! identity)", f"{idle:.2f}"],
            ["stock chain", f"{stock:.2f}"],
            ["budget for 5x the stock chain", f"{stock / 5:.2f}"],
        ])
        budget = stock / 5
        verdict = "within" if chain <= budget else "over"
        add(f"The chain takes {chain / budget:.0%} of the 5x budget ({verdict} it). Timed on their own, its kernels "
            f"take {kernels / budget:.0%} of the budget and five elements that do nothing {idle / budget:.0%}; the "
            "parts are timed separately (their caches are not the chain's), so they need not add up to it.")
        add()


def scaling(rep):
    """Many streams on this machine's cores, and what that means for a bigger host."""
    add = rep.add
    one, two = rep.v("streams/1"), rep.v("streams/2")
    if not one:
        return
    add("### Many streams: throughput against cores")
    add()
    rows = []
    for n in [1, 2, 4, 8]:
        x = rep.v(f"streams/{n}")
        rows.append([str(n), rep.fmt(f"streams/{n}", 0), "n/a" if x is None else f"{x / n:.0f}",
                     "n/a" if x is None else f"{x / one:.2f}x"])
    rep.table(["streams (one thread each)", "aggregate x realtime", "per stream", "vs 1 stream"], rows)
    cores = os.cpu_count() or 1
    eff = two / (2 * one) if two else 1.0
    most = rep.v("streams/8")
    if most is None or two is None:
        beyond = "was not measured"
    elif most < 0.9 * two:
        beyond = f"falls ({most / two:.2f}x the {cores}-stream figure at 8 streams: more threads than cores evict each other's caches)"
    elif most > 1.1 * two:
        beyond = f"still grows a little ({most / two:.2f}x the {cores}-stream figure at 8 streams: threads fill each other's stalls)"
    else:
        beyond = f"stays about where it was ({most / two:.2f}x the {cores}-stream figure at 8 streams)"
    add(f"This machine has {cores} cores. Up to {cores} streams, each added stream adds "
        f"{eff:.0%} of a single stream's throughput; past {cores} the threads time-share the cores and "
        f"the aggregate {beyond}. Each chain runs on its own streaming thread and the streams share nothing "
        "mutable: history, detector state and buffer pools are per element instance, filter banks are "
        "immutable and shared between streams that use the same one (built once, under a lock, when "
        "caps are set), nothing takes a process-wide lock per buffer, and one stream's working set "
        "(its filter bank, history and pooled buffers) is at most a few hundred kB, inside a core's L2. So on a host with 16 physical "
        f"cores the aggregate should be about 16 x {one:.0f} x {eff:.2f} = {16 * one * eff:.0f}x realtime: "
        f"that many live 48 kHz streams in 20 ms buffers, less what the application's own threads take. "
        "SMT siblings share a core's FMA units and do not count as cores here. The concurrency soak "
        "(16 pipelines, below) checks that concurrent outputs equal single-threaded ones.")
    add()


def participants(rep):
    """A media server's load: 64 participants' front ends at 10 ms buffers."""
    add = rep.add
    agg, cpu = rep.v("participants/64/aggregate"), rep.v("participants/64/cpu per participant")
    if not agg or not cpu:
        return
    add("### Participants: how many callers one core serves")
    add()
    add("A media server runs one front end per participant (`fastconvert ! fastresample ! rmsvad`, 48 kHz "
        "stereo S16 in, 16 kHz mono F32 analysed), fed 10 ms buffers as WebRTC delivers them, on a pool of "
        "worker threads. `build/tests/benchmarks/bench-pipeline participants` (also the last table of the "
        "pipeline benchmark) builds 64 of them, gives each 3 s of speech and lets one worker thread per core "
        "push their buffers in turn, as they would arrive; medians of three passes:")
    add()
    rep.table(["participants", "aggregate x realtime", "CPU per participant (% of a core)", "participants per core"],
              [["64", f"{agg:.0f}", f"{cpu:.4f}", f"{100 / cpu:.0f}"]])
    add(f"**One core of this machine ({cpu_name()}) serves about {100 / cpu:.0f} live participants' front "
        "ends** (no decoding, jitter buffer or network). The CPU figure (process CPU time per second of one "
        "participant's audio) is the reliable one on a shared machine: wall time, and so the aggregate, "
        "includes the other tenants' load. At 10 ms buffers the per-buffer overhead counts twice as often as "
        "at 20 ms. A server that analyses received audio must also decode it (not measured here); one that "
        "only picks the active speaker needs neither, since it reads each packet's RFC 6464 level and voice "
        "flag (docs/recipes.md).")
    add()


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def save_line_plot(rep, plt, fig, ax, xlabel, ylabel, title, name, alt):
    """Labels, grid and legend for one of the report's line plots; saves it under IMG and links it."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(IMG, name), dpi=100)
    plt.close(fig)
    rep.add(f"![{alt}](img/{name})")
    rep.add()


def plots(rep):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        rep.add("(matplotlib missing: no plots)")
        return
    os.makedirs(IMG, exist_ok=True)
    rep.add("## Plots")
    rep.add()

    sizes = [480, 960, 1 << 20]
    ours = [rep.v(f"convert-element/{n}/fastconvert") for n in sizes]
    theirs = [rep.v(f"convert-element/{n}/audioconvert") for n in sizes]
    if all(x is not None for x in ours + theirs):
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.loglog(sizes, [o * 1e3 / n for o, n in zip(ours, sizes)], "o-", label="fastconvert")
        ax.loglog(sizes, [t * 1e3 / n for t, n in zip(theirs, sizes)], "s-", label="audioconvert dithering=none")
        save_line_plot(rep, plt, fig, ax, "samples per buffer", "own cost per sample (ns)",
                       "F32 -> S16 element cost vs buffer size", "convert-buffer-size.png",
                       "fastconvert vs audioconvert per buffer size")

    chunks = ["10ms", "20ms", "1000ms"]
    chains = {
        "fastaudio": "fastaudio: fastconvert ! fastresample ! rmsvad",
        "audioconvert ! audioresample ! level": "stock: audioconvert ! audioresample ! level",
        "... ! webrtcdsp": "stock + VAD: audioconvert ! audioresample ! webrtcdsp",
        "Python": "python",
    }
    fig, ax = plt.subplots(figsize=(6, 4))
    drawn = False
    for label, key in chains.items():
        ys = [rep.v(f"pipeline/48 kHz/{c}/{key}") for c in chunks]
        if all(y is not None for y in ys):
            ax.semilogy([10, 20, 1000], [1000 / y for y in ys], "o-", label=label)
            drawn = True
    if drawn:
        ax.set_xscale("log")
        save_line_plot(rep, plt, fig, ax, "buffer duration (ms)", "x realtime (one core)",
                       "Speech front end, 48 kHz stereo -> 16 kHz mono + VAD", "pipeline-buffer-size.png",
                       "full chain throughput per buffer size")
    else:
        plt.close(fig)

    for name, draw in (("resampler-response.png", plot_resampler_response), ("vad-example.png", plot_vad_example)):
        caption = draw(plt, os.path.join(IMG, name))
        if caption:
            rep.add(f"![{caption}](img/{name})")
            rep.add()
            rep.add(caption)
            rep.add()

    for extra in sorted(os.listdir(IMG)):
        if extra not in KNOWN_PLOTS and extra.endswith(".png"):
            rep.add(f"![{extra[:-4]}](img/{extra})")
            rep.add()


KNOWN_PLOTS = {"convert-buffer-size.png", "pipeline-buffer-size.png", "resampler-response.png", "vad-example.png"}


def plot_resampler_response(plt, path):
    tool = os.path.join(BUILD, "tests", "benchmarks", "resample-response")
    if not os.path.exists(tool):
        return None
    out = subprocess.run([tool], capture_output=True, text=True, env=dict(os.environ, GST_DEBUG="0"))
    rows = [line.split(",") for line in out.stdout.strip().splitlines()]
    if len(rows) < 3:
        return None
    names, data = rows[0][1:], [[float(x) for x in r] for r in rows[1:]]
    freqs = [r[0] for r in data]
    fig, (full, zoom) = plt.subplots(1, 2, figsize=(11, 4))
    for i, name in enumerate(names):
        ys = [r[i + 1] for r in data]
        full.plot(freqs, ys, label=name)
        zoom.plot([f for f in freqs if f <= 8000], [y for f, y in zip(freqs, ys) if f <= 8000], label=name)
    full.axvline(8000, color="grey", linestyle=":")
    full.set_ylim(-180, 5)
    full.set_xlabel("input tone (Hz), 48 kHz -> 16 kHz")
    full.set_ylabel("output power / input power (dB)")
    full.set_title("response below 8 kHz, alias level above")
    zoom.set_ylim(-0.1, 0.05)
    zoom.set_xlabel("input tone (Hz)")
    zoom.set_title("passband (zoom)")
    for ax in (full, zoom):
        ax.grid(True, alpha=0.3)
    full.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return "Resampler frequency response and alias floor, 48 kHz -> 16 kHz: fastresample vs libsoxr HQ vs audioresample"


def plot_vad_example(plt, path):
    """rmsvad on the project's fixture with pink noise at 10 dB SNR, against its labels."""
    import wave
    import numpy as np
    try:
        import gi
        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
    except (ImportError, ValueError):
        return None
    fixture = os.path.join(ROOT, "tests", "files", "vad-speech-16k.wav")
    labels = os.path.join(ROOT, "tests", "files", "vad-speech-16k.labels")
    if not (os.path.exists(fixture) and os.path.exists(labels)):
        return None
    with wave.open(fixture) as w:
        clean = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        rate = w.getframerate()
    truth = [tuple(map(float, l.split())) for l in open(labels) if l.strip() and not l.startswith("#")]
    rng = np.random.default_rng(7)
    white = rng.standard_normal(len(clean) + 1)
    spectrum = np.fft.rfft(white)
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))  # 1/f power: pink
    pink = np.fft.irfft(spectrum)[:len(clean)]
    speech_power = np.mean(clean[np.abs(clean) > 0] ** 2)
    noisy = clean + pink * np.sqrt(speech_power / 10 / np.mean(pink ** 2))
    noisy = np.clip(noisy, -1, 1).astype(np.float32)

    os.environ.setdefault("GST_PLUGIN_PATH_1_0", os.path.join(BUILD, "gst"))
    Gst.init(None)
    try:
        pipeline = Gst.parse_launch(f"appsrc name=src format=time caps=audio/x-raw,format=F32LE,layout=interleaved,"
                                    f"rate={rate},channels=1 ! rmsvad ! fakesink")
    except Exception:
        return None
    src = pipeline.get_by_name("src")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    src.emit("push-buffer", Gst.Buffer.new_wrapped(noisy.tobytes()))
    src.emit("end-of-stream")
    detected, start = [], None
    while True:
        msg = bus.timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.ELEMENT | Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if msg is None or msg.type != Gst.MessageType.ELEMENT:
            break
        st = msg.get_structure()
        if st.get_name() == "speech-start":
            start = st.get_value("timestamp") / Gst.SECOND
        elif st.get_name() == "speech-stop" and start is not None:
            detected.append((start, st.get_value("timestamp") / Gst.SECOND))
    pipeline.set_state(Gst.State.NULL)

    t = np.arange(len(noisy)) / rate
    fig, ax = plt.subplots(figsize=(11, 3.5))
    ax.plot(t[::4], noisy[::4], color="0.6", linewidth=0.4, label="input (speech + pink noise, 10 dB SNR)")
    for i, (a, b) in enumerate(truth):
        ax.axvspan(a, b, ymin=0.9, ymax=1.0, color="tab:green", alpha=0.8, label="ground truth" if i == 0 else None)
    for i, (a, b) in enumerate(detected):
        ax.axvspan(a, b, ymin=0.0, ymax=0.1, color="tab:blue", alpha=0.8, label="rmsvad (defaults)" if i == 0 else None)
    ax.set_xlabel("time (s)")
    ax.set_ylim(-1, 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=8)
    ax.set_title("rmsvad on tests/files/vad-speech-16k.wav with pink noise at 10 dB SNR")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return (f"VAD example: ground truth (top bars) and rmsvad's segments (bottom bars), "
            f"{len(detected)} detected vs {len(truth)} labelled")


ISA_ORDER = ["scalar", "orc", "neon", "avx2", "avx512"]
# The targets for the full chain against the stock one, by ISA (Intel CPU).
CHAIN_TARGETS = {"avx2": ">= 3.0x", "avx512": ">= 4.0x (Intel)"}
CONVERT_PAIRS = ["F32LE->S16LE", "S16LE->F32LE", "F32LE->S32LE", "S32LE->F32LE", "S16LE->S32LE", "S32LE->S16LE",
                 "F32LE->F64LE", "F64LE->F32LE", "stereo S16LE->mono F32LE", "stereo F32LE->mono F32LE"]
VAD_FRAMES = [("480@16000", "480 samples at 16 kHz (30 ms)"), ("320@16000", "320 at 16 kHz (20 ms)"),
              ("960@48000", "960 at 48 kHz (20 ms)"), ("1440@48000", "1440 at 48 kHz (30 ms)")]


def isas_in(rep, prefix):
    """The ISAs this run recorded figures for under `prefix` (pipeline/isa/, ...), in the Isa enum's order."""
    return [isa for isa in ISA_ORDER if any(k.startswith(f"{prefix}{isa}/") for k in rep.r)]


def per_isa(rep):
    """Every ISA this CPU has side by side: the full chain (a child process per ISA), then the kernels."""
    add = rep.add
    chain_isas = isas_in(rep, "pipeline/isa/")
    if not chain_isas:
        return
    add(f"## Per instruction set ({cpu_name()})")
    add()
    add("Each ISA this CPU has, capped with `FASTAUDIO_ISA` (the elements pick the best one once per process, so "
        "`bench-pipeline` runs each row's chains in a child process with the variable set; the stock chain is "
        "measured in the same child and run). Kernels take the ISA as an argument and run in one process.")
    add()
    add("### Full chain, 48 kHz stereo S16 -> 16 kHz mono + VAD, 20 ms buffers (ms of CPU per second of audio)")
    add()
    rows = []
    for isa in chain_isas:
        k = f"pipeline/isa/{isa}/20ms/"
        rows.append([isa, rep.fmt(k + "fastaudio"), rep.fmt(k + "stock"), rep.ratio(k + "stock", k + "fastaudio"),
                     CHAIN_TARGETS.get(isa, "")])
    rep.table(["ISA", "fastaudio chain", "stock chain", "stock / fastaudio", "target"], rows)

    convert_isas = isas_in(rep, "convert/isa/")
    if convert_isas:
        add("### Conversion kernels, 960 samples in (a 20 ms buffer), ns per call")
        add()
        rows = [[pair] + [rep.fmt(f"convert/isa/{isa}/{pair}/960", 1) for isa in convert_isas] for pair in CONVERT_PAIRS]
        rep.table(["conversion"] + convert_isas, rows)

    vad_isas = isas_in(rep, "vad/kernel-isa/")
    if vad_isas:
        add("### VAD band energy per frame, ns")
        add()
        rows = [[label] + [rep.fmt(f"vad/kernel-isa/{isa}/{frame}/fastaudio", 1) for isa in vad_isas]
                for frame, label in VAD_FRAMES]
        rep.table(["frame"] + vad_isas, rows)


ARM64_TEXT = """## ARM64

Built with Debian's cross compiler and tested under qemu-aarch64
(`tools/test-aarch64.sh`, run by CI): every dsp and element suite passes
there, the kernel tests comparing the NEON kernels with the scalar
reference. Emulated timings say nothing about a real ARM core, so no speed
is claimed for ARM64; what is known is what runs vectorised:

| kernels | on ARM64 | width |
|---|---|---|
| conversion: F32 <-> S16, F32 <-> S32, S16 <-> S32, F32 <-> F64, stereo S16/F32 -> mono F32 | NEON (Highway), bit-identical to the reference | 4 x F32 |
| other conversions | ORC's NEON code where it has a program (not F32 -> S16: ORC 0.4.33's is wrong on ARM64), otherwise scalar | 4 x F32 |
| channel mixing (2 -> 1, 1 -> 2, any N >= 3 -> M), rpdf/tpdf dither | NEON (Highway), bit-identical to the reference | 4 x F32 |
| VAD sum of squares and band energy, decimations 1-32 | NEON (Highway) | 4 x F32 |
| resampler four-output dot products (F32, and F64 accumulation for very-high) | NEON: every path | 4 x F32 / 2 x F64 |
| resampler half-band stage and stream splits | the compiler's vectorisation of plain loops | NEON |
| resampler AVX-512 block kernels (2/3 stage, integer ratios, gather) | no ARM64 counterpart: the generic path runs | - |

Not measured: speed on any real ARM64 CPU."""


def arm64(rep):
    for line in ARM64_TEXT.splitlines():
        rep.add(line)
    rep.add()


def headline(rep):
    """The README's few lines: each ours vs its anchor from this run, as a ratio."""
    rows = [
        ("fastconvert, F32 -> S16 kernel, 1M samples", "convert/F32->S16/numpy-clip", "convert/F32->S16/fastaudio",
         "numpy with clip"),
        ("fastconvert, F32 -> S16 kernel, 1M samples", "convert/F32->S16/GstAudioConverter",
         "convert/F32->S16/fastaudio", "GstAudioConverter"),
        ("fastconvert element, 480-sample buffers", "convert-element/480/audioconvert",
         "convert-element/480/fastconvert", "audioconvert dithering=none"),
        ("fastresample high, 48 kHz -> 16 kHz streaming", "resample/stream/48000->16000/fastresample high",
         "resample/stream/48000->16000/libsoxr HQ", "libsoxr HQ"),
        ("fastresample element, 48 kHz -> 16 kHz, 20 ms buffers", "resample/element/48000->16000/fastresample",
         "resample/element/48000->16000/audioresample-q4", "audioresample quality=4"),
        ("rmsvad element, 20 ms buffers at 16 kHz", "vad/element/16000/webrtcdsp VAD only", "vad/element/16000/rmsvad",
         "webrtcdsp voice detection"),
        ("JSON path vs fast path (jsonbridge ! fastconvert vs fastconvert), 20 ms buffers",
         "json/headline/20ms/json-path", "json/headline/20ms/fast-path", "the serialised path"),
        ("full chain at 20 ms buffers, 48 kHz stereo -> 16 kHz mono + VAD",
         "pipeline/48 kHz/20ms/stock: audioconvert ! audioresample ! level",
         "pipeline/48 kHz/20ms/fastaudio: fastconvert ! fastresample ! rmsvad", "audioconvert ! audioresample ! level"),
    ]
    lines = ["| what | faster than | by |", "|---|---|---|"]
    for what, num, den, anchor in rows:
        lines.append(f"| {what} | {anchor} | {rep.ratio(num, den)} |")
    return lines


def update_readme(lines):
    path = os.path.join(ROOT, "README.md")
    text = open(path).read()
    start, end = "<!-- perf:start -->", "<!-- perf:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        block = "\n".join([start, f"Measured by `tools/perf-report.py` on {datetime.date.today()} on an "
                            f"{cpu_name()} (kernels for the best ISA it has); ratios of figures from one run "
                            "(details in docs/performance.md):", ""] + lines + [end])
        open(path, "w").write(head + block + tail)


def main():
    record = tempfile.NamedTemporaryFile(prefix="fastaudio-bench-", suffix=".jsonl", delete=False).name
    os.environ["FASTAUDIO_IMG_DIR"] = IMG
    outputs = run_benchmarks(record)
    rep = Report(load_records(record))
    os.unlink(record)
    rep.add("# fastaudio performance")
    rep.add()
    rep.add(f"Generated by `tools/perf-report.py` on {datetime.date.today()} (do not edit by hand).")
    rep.add()
    rep.add(f"Machine: {machine_line()}.")
    rep.add()
    rep.add("Shared, noisy virtual machines: every figure is a median of repeated runs, and every anchor "
            "is measured again in the same run; compare the ratios, not the absolute times.")
    rep.add()
    rep.add("## Headline")
    rep.add()
    top = headline(rep)
    for line in top:
        rep.add(line)
    rep.add()
    seed_tables(rep)
    per_isa(rep)
    scaling(rep)
    participants(rep)
    arm64(rep)
    plots(rep)
    rep.add("## Every benchmark's own output")
    rep.add()
    for name, (stdout, result, duration) in sorted(outputs.items()):
        rep.add(f"### {name} ({result}, {duration:.0f} s)")
        rep.add()
        rep.add(stdout.strip())
        rep.add()
    with open(os.path.join(DOCS, "performance.md"), "w") as f:
        f.write("\n".join(rep.lines) + "\n")
    update_readme(top)
    print(f"wrote {os.path.join(DOCS, 'performance.md')} and README.md's headline")


if __name__ == "__main__":
    main()
