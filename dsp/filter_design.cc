// SPDX-License-Identifier: LGPL-2.1-or-later
#include "filter_design.h"

#include <algorithm>
#include <cmath>

namespace fastaudio {

namespace {

struct Grid {
  std::vector<double> f, desired, weight;
  std::vector<size_t> band_end;  // one past the last grid index of each band
};

Grid make_grid(const std::vector<FilterBand> &bands, size_t basis) {
  Grid g;
  const double step = 0.5 / double(16 * basis);
  for (const FilterBand &b : bands) {
    const size_t n = std::max<size_t>(2, size_t(std::ceil((b.hi - b.lo) / step)) + 1);
    for (size_t i = 0; i < n; i++) {
      g.f.push_back(b.lo + (b.hi - b.lo) * double(i) / double(n - 1));
      g.desired.push_back(b.gain);
      g.weight.push_back(1.0 / b.max_error);
    }
    g.band_end.push_back(g.f.size());
  }
  return g;
}

// Barycentric weights of the nodes x (scaled by a common factor: the formulas
// using them are ratios). Computed in logs: products of ~200 factors overflow.
std::vector<double> barycentric_weights(const std::vector<double> &x) {
  const size_t n = x.size();
  std::vector<double> logs(n), signs(n);
  for (size_t i = 0; i < n; i++) {
    double s = 0, sign = 1;
    for (size_t j = 0; j < n; j++) {
      if (j == i) continue;
      const double d = 2 * (x[i] - x[j]);
      s += std::log(std::fabs(d));
      if (d < 0) sign = -sign;
    }
    logs[i] = -s;
    signs[i] = sign;
  }
  const double top = *std::max_element(logs.begin(), logs.end());
  std::vector<double> w(n);
  for (size_t i = 0; i < n; i++) w[i] = signs[i] * std::exp(logs[i] - top);
  return w;
}

// Polynomial through (x[k], c[k]) evaluated at xv.
double interpolate(const std::vector<double> &x, const std::vector<double> &w, const std::vector<double> &c,
                   double xv) {
  double num = 0, den = 0;
  for (size_t k = 0; k < x.size(); k++) {
    const double d = xv - x[k];
    if (d == 0) return c[k];
    const double t = w[k] / d;
    num += t * c[k];
    den += t;
  }
  return num / den;
}

// New extremal set: local extrema of the error within each band,
// alternating in sign, the largest kept, at most r of them.
std::vector<size_t> next_extremal_set(const Grid &g, const std::vector<double> &err, size_t r) {
  std::vector<size_t> cand;
  size_t start = 0;
  for (size_t band = 0; band < g.band_end.size(); band++) {
    const size_t end = g.band_end[band];
    for (size_t j = start; j < end; j++) {
      const double e = err[j];
      const bool left = j == start || (e > 0 ? e >= err[j - 1] : e <= err[j - 1]);
      const bool right = j + 1 == end || (e > 0 ? e >= err[j + 1] : e <= err[j + 1]);
      if (left && right && e != 0) cand.push_back(j);
    }
    start = end;
  }
  std::vector<size_t> alt;
  for (size_t j : cand) {
    if (!alt.empty() && (err[alt.back()] > 0) == (err[j] > 0)) {
      if (std::fabs(err[j]) > std::fabs(err[alt.back()])) alt.back() = j;
    } else {
      alt.push_back(j);
    }
  }
  while (alt.size() > r) {
    if (std::fabs(err[alt.front()]) < std::fabs(err[alt.back()])) alt.erase(alt.begin());
    else alt.pop_back();
  }
  return alt;
}

// Impulse response of `length` (= 2m + 1) taps from the amplitude, the
// polynomial through (xi, c), at length equally spaced frequencies.
std::vector<double> taps_from_amplitude(size_t length, size_t m, const std::vector<double> &xi,
                                        const std::vector<double> &wi, const std::vector<double> &c) {
  std::vector<double> amp(m + 1);
  for (size_t k = 0; k <= m; k++) amp[k] = interpolate(xi, wi, c, std::cos(2 * M_PI * double(k) / double(length)));
  std::vector<double> taps(length, 0.0);
  for (size_t i = 0; i < length; i++) {
    double s = amp[0];
    for (size_t k = 1; k <= m; k++)
      s += 2 * amp[k] * std::cos(2 * M_PI * double(k) * (double(i) - double(m)) / double(length));
    taps[i] = s / double(length);
  }
  return taps;
}

}  // namespace

double amplitude_response(const std::vector<double> &taps, double f) {
  const size_t m = taps.size() / 2;
  double a = taps[m];
  for (size_t k = 1; k <= m; k++) a += 2 * taps[m + k] * std::cos(2 * M_PI * f * double(k));
  return a;
}

EquirippleResult design_equiripple(size_t length, const std::vector<FilterBand> &bands) {
  EquirippleResult result;
  if (length % 2 == 0) length++;
  const size_t m = (length - 1) / 2, r = m + 2;
  const Grid g = make_grid(bands, m + 1);
  const size_t n = g.f.size();
  std::vector<double> xg(n);
  for (size_t i = 0; i < n; i++) xg[i] = std::cos(2 * M_PI * g.f[i]);

  std::vector<size_t> ext(r);
  for (size_t i = 0; i < r; i++) ext[i] = i * (n - 1) / (r - 1);

  std::vector<double> err(n), x(r), c, xi, wi;
  double delta = 0;
  for (int iter = 0; iter < 200; iter++) {
    result.iterations = iter + 1;
    for (size_t i = 0; i < r; i++) x[i] = xg[ext[i]];
    const std::vector<double> b = barycentric_weights(x);
    double num = 0, den = 0;
    for (size_t i = 0; i < r; i++) {
      num += b[i] * g.desired[ext[i]];
      den += b[i] * ((i % 2) ? -1.0 : 1.0) / g.weight[ext[i]];
    }
    delta = num / den;
    // The degree-m polynomial through the first m + 1 extremal points.
    xi.assign(x.begin(), x.begin() + long(m + 1));
    wi = barycentric_weights(xi);
    c.resize(m + 1);
    for (size_t i = 0; i <= m; i++)
      c[i] = g.desired[ext[i]] - ((i % 2) ? -1.0 : 1.0) * delta / g.weight[ext[i]];
    double worst = 0;
    for (size_t j = 0; j < n; j++) {
      err[j] = g.weight[j] * (g.desired[j] - interpolate(xi, wi, c, xg[j]));
      worst = std::max(worst, std::fabs(err[j]));
    }
    result.weighted_error = worst;
    if (worst - std::fabs(delta) <= 1e-6 * std::fabs(delta)) {
      result.converged = true;
      break;
    }
    const std::vector<size_t> alt = next_extremal_set(g, err, r);
    if (alt.size() < r) break;  // degenerate: keep the last solution
    if (alt == ext) {
      result.converged = true;
      break;
    }
    ext = alt;
  }
  result.taps = taps_from_amplitude(length, m, xi, wi, c);
  return result;
}

}  // namespace fastaudio
