// SPDX-License-Identifier: LGPL-2.1-or-later
// Timing helpers shared by the benchmarks: medians of repeated runs, and a
// table printer that always shows our figure beside its anchor and the ratio.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace bench {

inline double now_ns() {
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Median time of one call of `fn`, in ns, over `repeats` timed calls after a warm-up.
inline double median_ns(int repeats, const std::function<void()> &fn) {
  fn();
  std::vector<double> t;
  t.reserve(repeats);
  for (int i = 0; i < repeats; i++) {
    const double start = now_ns();
    fn();
    t.push_back(now_ns() - start);
  }
  return median(t);
}

// Appends one figure as a JSON line to $FASTAUDIO_BENCH_RECORD, if set: what
// tools/perf-report.py builds docs/performance.md and its plots from.
inline void record(const std::string &name, double value, const char *unit) {
  const char *path = std::getenv("FASTAUDIO_BENCH_RECORD");
  if (!path || !*path || !std::isfinite(value)) return;
  if (FILE *f = std::fopen(path, "a")) {
    std::fprintf(f, "{\"name\": \"%s\", \"value\": %.9g, \"unit\": \"%s\"}\n", name.c_str(), value, unit);
    std::fclose(f);
  }
}

// Keeps the optimiser from dropping work whose result is unused.
template <typename T> inline void keep(const T &value) { asm volatile("" : : "g"(&value) : "memory"); }

}  // namespace bench
