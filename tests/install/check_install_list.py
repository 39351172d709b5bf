#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every program, Python module and GStreamer element that the project's
scripts, recipes, examples and CI call comes from a Debian package that
tools/install-deps.sh installs, so the README's commands work on a fresh
machine and not only on one where the package happens to be.

What the build command and the demo use must be in the build list; the rest
in the build or test list. A script that installs its own package (its own
`apt-get install` line naming it) covers that package itself.

usage: check_install_list.py SOURCE_DIR | --self-test
"""
import glob
import os
import re
import subprocess
import sys

SRC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "--self-test" else os.path.join(os.path.dirname(__file__), "..", ".."))

# Packages of a minbase Debian 12 root (Priority: required): always there.
ESSENTIAL = "essential"
PROGRAMS = {
    # GStreamer
    "gst-launch-1.0": "gstreamer1.0-tools", "gst-inspect-1.0": "gstreamer1.0-tools",
    "gst-discoverer-1.0": "gstreamer1.0-plugins-base-apps", "gst-play-1.0": "gstreamer1.0-plugins-base-apps",
    # build
    "meson": "meson", "ninja": "ninja-build", "pkg-config": "pkg-config", "orcc": "liborc-0.4-dev-bin",
    "g++": "g++", "c++": "g++", "gcc": "gcc", "cc": "gcc", "nm": "binutils", "objdump": "binutils",
    "clang++-14": "clang-14", "clang-14": "clang-14", "valgrind": "valgrind",
    "python3": "python3", "/usr/bin/python3": "python3",
    # packaging and the fresh-machine check
    "dpkg-buildpackage": "dpkg-dev", "dpkg-architecture": "dpkg-dev", "dh": "debhelper",
    "lintian": "lintian", "debootstrap": "debootstrap", "git": "git", "mk-build-deps": "devscripts",
    "equivs-build": "equivs", "qemu-aarch64-static": "qemu-user-static",
    # fixtures
    "espeak-ng": "espeak-ng", "sox": "sox", "xxd": "xxd", "curl": "curl",
    # minbase
    "aarch64-linux-gnu-g++": "crossbuild-essential-arm64", "aarch64-linux-gnu-gcc": "crossbuild-essential-arm64",
    **{p: ESSENTIAL for p in (
        "sh bash cat cp mv rm ln ls mkdir rmdir mktemp touch chmod chown head tail wc tr cut sort uniq "
        "tee date env id printf echo test true false sleep dirname basename readlink realpath seq od "
        "stat du df nproc timeout expr yes xargs find grep egrep sed awk mawk tar gzip gunzip cmp diff "
        "mount umount mountpoint lscpu chroot which dpkg dpkg-query dpkg-deb apt-get apt-cache apt perl uname "
        "kill ps hostname install md5sum sha256sum split tac paste fold nice time sync").split()},
}
# Python modules outside the standard library.
MODULES = {
    "numpy": "python3-numpy", "scipy": "python3-scipy", "matplotlib": "python3-matplotlib",
    "jsonschema": "python3-jsonschema", "gi": "python3-gi", "yaml": "python3-yaml",
}
# GObject-introspection namespaces (gi.require_version).
TYPELIBS = {
    "Gst": "gir1.2-gstreamer-1.0", "GstBase": "gir1.2-gstreamer-1.0", "GstCheck": "gir1.2-gstreamer-1.0",
    "GstAudio": "gir1.2-gst-plugins-base-1.0", "GstApp": "gir1.2-gst-plugins-base-1.0",
    "GstRtp": "gir1.2-gst-plugins-base-1.0", "GstVideo": "gir1.2-gst-plugins-base-1.0",
    # GLib's own typelib comes with PyGObject.
    "GLib": "python3-gi", "GObject": "python3-gi", "Gio": "python3-gi",
}
OUR_ELEMENTS = {"fastconvert", "fastresample", "rmsvad", "jsonbridge"}
ELEMENT_PACKAGES = {
    # GStreamer's core elements come with gst-launch-1.0.
    "gstreamer1.0-tools": "fakesink fakesrc filesrc filesink queue tee identity capsfilter fdsrc fdsink "
                         "appsrc appsink",
    "gstreamer1.0-plugins-base": "audioconvert audioresample audiotestsrc audiorate volume opusenc opusdec "
                                 "oggmux oggdemux decodebin uridecodebin playbin appsrc appsink rawaudioparse "
                                 "tcpserversink tcpclientsrc giosrc giosink",
    "gstreamer1.0-plugins-good": "wavparse wavenc level udpsrc udpsink rtpbin rtpjitterbuffer rtpopuspay "
                                 "rtpopusdepay rtpL16pay rtpL16depay rtpL24pay autoaudiosrc autoaudiosink "
                                 "pulsesrc pulsesink multifilesrc multifilesink flacenc flacdec flacparse "
                                 "cutter spectrum rtphdrextclientaudiolevel audioiirfilter audiofirfilter",
    "gstreamer1.0-plugins-bad": "webrtcdsp webrtcechoprobe removesilence audiobuffersplit",
}
ELEMENTS = {e: pkg for pkg, names in ELEMENT_PACKAGES.items() for e in names.split()}
# What the README's first command runs: its needs must be in the build list.
BUILD_STEP_FILES = {"tools/build.sh", "tools/demo.sh", "tools/install-deps.sh"}

SHELL_WORDS = set("""if then else elif fi for in do done while until case esac function return exit set
    shift export local readonly unset trap eval exec cd pwd read break continue source . : [ [[ ] ]] { } ! time
    command type wait getopts umask ulimit alias""".split())


def install_lists():
    """The package lists tools/install-deps.sh installs, read from its
    assignments (BUILD_PACKAGES, TEST_PACKAGES, DEV_PACKAGES, and the
    packaging and cross-build tools' DEB_PACKAGES and AARCH64_PACKAGES; a
    lone PACKAGES list counts as the build list)."""
    text = open(os.path.join(SRC, "tools", "install-deps.sh")).read()
    values = {}
    for m in re.finditer(r'^(\w*PACKAGES)="([^"]*)"', text, flags=re.M):
        words = m.group(2).replace("\\\n", " ").split()
        values[m.group(1)] = {p for w in words for p in (values.get(w[1:], set()) if w.startswith("$") else {w})}
    return {"build": values.get("BUILD_PACKAGES", values.get("PACKAGES", set())),
            "test": values.get("TEST_PACKAGES", set()), "dev": values.get("DEV_PACKAGES", set()),
            "tools": values.get("DEB_PACKAGES", set()) | values.get("AARCH64_PACKAGES", set())}


def split_heredocs(text):
    """The shell text without its here-documents, and the bodies fed to python3."""
    python = []

    def cut(m):
        if re.search(r"python3?\S*\s+-\s*$", m.group(1)):
            python.append(m.group(3))
        return m.group(1) + "\n"
    text = re.sub(r"^(.*?)<<-?\s*['\"]?(\w+)['\"]?[^\n]*\n(.*?)\n\s*\2\s*$", cut, text, flags=re.M | re.S)
    return text, "\n".join(python)


def strip_comments(text):
    return "\n".join(re.sub(r"(^|\s)#(?![!{]).*$", "", line) for line in text.splitlines())


def shell_commands(text):
    """First words of the simple commands in a shell script (one level of
    parsing: enough for scripts written to be read)."""
    functions = set(re.findall(r"^\s*([\w-]+)\s*\(\)\s*\{", text, flags=re.M))
    text = re.sub(r"\\\n", " ", strip_comments(text))
    text = re.sub(r"'[^']*'", "''", text, flags=re.S)  # single-quoted text is data
    text = re.sub(r"\$\(\([^)]*\)\)", "0", text)  # arithmetic, also inside double quotes
    # Double-quoted text is data too, but for the commands substituted in it.
    text = re.sub(r'"((?:[^"\\]|\\.)*)"', lambda m: " ; ".join(['""'] + re.findall(r"\$\(([^)]*)\)", m.group(1))),
                  text, flags=re.S)
    text = re.sub(r"\d*(?:>>|>|<)(?:&\d+|\s*[^\s;|&)]+)", " ", text)  # redirections
    found = []
    for line in text.splitlines():
        if re.match(r"^\s*[^\s()]+\)", line):
            line = line.split(")", 1)[1]  # a case pattern
        for seg in re.split(r"\|\||&&|[|;`&]|\$\(|\(|\)|\bthen\b|\bdo\b|\belse\b", line):
            words = seg.split()
            while words and (re.match(r"^\w+=", words[0]) or words[0] in ("!", "exec", "time", "nice", "env", "-i")):
                words.pop(0)
            if not words:
                continue
            word = words[0]
            if word in ("command", "which") and len(words) > 2 and words[1] == "-v":
                word = words[2]
            if word == "timeout" and len(words) > 2:
                word = words[2]
            if (word in SHELL_WORDS or word in functions or not re.match(r"^(?:[A-Za-z_][\w.+-]*|/(?:usr|bin|sbin)/[\w./+-]+)$", word)
                    or word.startswith(("tools/", "build", "./", "tests/", "$"))):
                continue
            found.append(word)
    return found


def python_needs(path, text):
    programs = re.findall(r"(?:run|Popen|check_output|check_call|call)\(\s*\[\s*[\"']([\w./+-]+)[\"']", text)
    programs += re.findall(r"\bcmd\s*=\s*\[\s*[\"']([\w./+-]+)[\"']", text)
    local = {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(os.path.dirname(path), "*.py"))}
    modules = set()
    for m in re.finditer(r"^\s*(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import)", text, flags=re.M):
        top = (m.group(1) or m.group(2)).split(".")[0]
        if top not in sys.stdlib_module_names and top not in local:
            modules.add(top)
    typelibs = set(re.findall(r"require_version\(\s*[\"'](\w+)[\"']", text))
    typelibs |= {t for line in re.findall(r"from gi\.repository import ([\w, ]+)", text)
                 for t in re.split(r"[,\s]+", line) if t}
    return programs, modules, typelibs


def pipeline_elements(text):
    """Element factory names in launch lines: the word after each '!' on a line
    with gst-launch-1.0 or two '!', and the first word after gst-launch-1.0's
    options or inside a parse_launch string."""
    lines = [l for l in re.sub(r"\\\n", " ", text).splitlines() if l.count("!") >= 2 or "gst-launch-1.0" in l and "!" in l]
    names = re.findall(r"!\s*([a-z][\w-]*)(?=[\s\"'\\]|$)", "\n".join(lines), flags=re.M)
    names += re.findall(r"gst-launch-1\.0(?:\s+-[\w-]+)*\s+([a-z][\w-]*)\s", "\n".join(lines))
    names += re.findall(r"(?:parse_launch|PIPELINE=)\(?\s*[f]?[\"']([a-z][\w-]*)\s", text)
    names += re.findall(r"ElementFactory\.make\(\s*[\"']([\w-]+)[\"']", text)
    names += re.findall(r"gst_element_factory_make\s*\(\s*\"([\w-]+)\"", text)
    return {n for n in names if n not in OUR_ELEMENTS and n not in ("x", "t")}


def package_of_program(program):
    """The table's package for a program: the same answer on every machine,
    whatever happens to be installed on it."""
    name = os.path.basename(program)
    if name in PROGRAMS:
        return PROGRAMS[name]
    if name.startswith("dh_"):
        return "debhelper"
    if name.startswith("dpkg-") and name not in ("dpkg-query", "dpkg-deb", "dpkg-split", "dpkg-divert"):
        return "dpkg-dev"
    return None


def sources():
    """(relative path, kind, text) of every file whose commands users or CI run."""
    patterns = ["tools/*.sh", "tools/*.py", ".ci/run", "tests/**/*.py", "tests/**/*.sh", "examples/*",
                "debian/rules", "docs/recipes.md", "README.md"]
    seen = set()
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(SRC, pattern), recursive=True)):
            rel = os.path.relpath(path, SRC)
            if rel in seen or not os.path.isfile(path) or os.path.samefile(path, __file__):
                continue
            seen.add(rel)
            text = open(path, encoding="utf-8", errors="replace").read()
            if rel.endswith(".md"):
                blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
                yield rel, "sh", "\n".join(blocks)
            elif rel.endswith(".py") or text.startswith("#!/usr/bin/python3") or text.startswith("#!/usr/bin/env python3"):
                yield rel, "py", text
            elif rel.endswith((".sh", "run")) or rel == "debian/rules" or text.startswith("#!"):
                yield rel, "sh", text
            elif rel.endswith((".cc", ".c")):
                yield rel, "c", text


def installs_itself(rel, text):
    """Packages a script installs on its own: named on its apt-get install
    line or in a *PACKAGES list it installs."""
    if not re.search(r"apt-get\b[^\n]*\binstall\b", text):
        return set()
    named = {w for line in re.findall(r"apt-get\b[^\n]*\binstall\b([^\n]*)", text) for w in line.split()}
    for m in re.finditer(r'^\s*\w*PACKAGES="([^"]*)"', text, flags=re.M):
        named |= set(m.group(1).split())
    return named


def main():
    lists = install_lists()
    if not lists["build"]:
        print("install-deps.sh --list-build printed no packages")
        return 1
    problems = []
    checked = 0

    def need(rel, what, name, package, text):
        nonlocal checked
        checked += 1
        if package == ESSENTIAL:
            return
        if package is None:
            problems.append(f"{rel}: {what} '{name}': no Debian package known for it "
                            f"(add it to tests/install/check_install_list.py)")
            return
        allowed = (lists["build"] if rel in BUILD_STEP_FILES
                   else lists["build"] | lists["test"] | lists["dev"] | lists["tools"])
        self_installed = package in installs_itself(rel, text)
        if package not in allowed and not self_installed:
            where = "build" if rel in BUILD_STEP_FILES else "build or test"
            problems.append(f"{rel}: {what} '{name}' needs the Debian package {package}, "
                            f"which tools/install-deps.sh does not install ({where} list)")

    for rel, kind, text in sources():
        programs, modules, typelibs = [], set(), set()
        if kind == "sh":
            shell, inline_python = split_heredocs(text)
            programs = shell_commands(shell)
            _, modules, typelibs = python_needs(os.path.join(SRC, rel), inline_python)
            text = strip_comments(text)
        elif kind == "py":
            programs, modules, typelibs = python_needs(os.path.join(SRC, rel), text)
        for program in dict.fromkeys(programs):
            package = package_of_program(program)
            if program.startswith(("/work", "/tmp")) or os.path.exists(os.path.join(SRC, program)):
                continue
            need(rel, "program", program, package, text)
        for module in sorted(modules):
            need(rel, "Python module", module, MODULES.get(module), text)
        for typelib in sorted(typelibs):
            need(rel, "GObject typelib", typelib, TYPELIBS.get(typelib), text)
        for element in sorted(pipeline_elements(text)):
            need(rel, "GStreamer element", element, ELEMENTS.get(element), text)

    for p in problems:
        print("FAIL", p)
    print(f"install list: {checked} uses checked, {len(problems)} problems")
    return 1 if problems else 0


def self_test():
    """The check itself: a tree whose script calls a program from a package
    that install-deps.sh lacks must fail, naming both; listing it passes."""
    import tempfile
    global SRC
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "tools"))
        with open(os.path.join(tree, "tools", "demo.sh"), "w") as f:
            f.write("#!/bin/sh\necho \"$(gst-discoverer-1.0 x.wav | grep Rate)\"\n"
                    "python3 - <<'EOF'\nimport scipy\nEOF\n")
        deps = os.path.join(tree, "tools", "install-deps.sh")
        SRC = tree
        results = []
        for listed in ("gstreamer1.0-tools", "gstreamer1.0-plugins-base-apps python3 python3-scipy"):
            with open(deps, "w") as f:
                f.write(f'#!/bin/sh\nBUILD_PACKAGES="{listed}"\n')
            out = subprocess.run([sys.executable, __file__, tree], capture_output=True, text=True)
            results.append((out.returncode, out.stdout))
    missing, listed = results
    ok = (missing[0] == 1 and "gst-discoverer-1.0" in missing[1] and "gstreamer1.0-plugins-base-apps" in missing[1]
          and "python3-scipy" in missing[1] and listed[0] == 0)
    print("self-test:", "passed" if ok else f"FAILED\n{missing}\n{listed}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(self_test() if "--self-test" in sys.argv else main())
