// SPDX-License-Identifier: LGPL-2.1-or-later
// Helpers for the benchmarks' tables per instruction set: the CPU's name
// (every figure names it), and a run of this benchmark in a child process
// with FASTAUDIO_ISA set, for what picks best_isa() once per process (the
// elements).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "isa.h"

namespace bench {

// The CPU model as /proc/cpuinfo names it ("unknown CPU" elsewhere).
inline std::string cpu_model() {
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) != 0 && line.rfind("Model", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
  }
  return "unknown CPU";
}

// This executable run again with `args`, FASTAUDIO_ISA=<isa> and no record
// file (the parent records what the child prints): its standard output.
inline std::string run_with_isa(fastaudio::Isa isa, const std::string &args) {
  char exe[4096];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return "";
  exe[len] = '\0';
  const std::string cmd = std::string("FASTAUDIO_ISA=") + fastaudio::isa_name(isa) + " FASTAUDIO_BENCH_RECORD= '" +
                          exe + "' " + args;
  std::string out;
  if (FILE *p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

}  // namespace bench
