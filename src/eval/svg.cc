#include "eval/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace encore {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
constexpr int kMarginLeft = 70, kMarginRight = 170, kMarginTop = 40, kMarginBottom = 55;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string TickLabel(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) std::snprintf(buf, sizeof(buf), "%.0e", v);
  else std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

// "Nice" linear ticks covering [lo, hi].
std::vector<double> LinearTicks(double lo, double hi) {
  const double span = hi - lo;
  const double raw = span / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);  // no "-0" from rounding
  }
  return ticks;
}

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  double Map(double v) const { return log ? std::log10(v) : v; }
  void Fit(const std::vector<double>& values) {
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    for (double v : values) {
      if (!std::isfinite(v) || (log && v <= 0)) continue;
      mn = std::min(mn, Map(v));
      mx = std::max(mx, Map(v));
    }
    if (!std::isfinite(mn)) mn = 0, mx = 1;
    if (mx - mn < 1e-12) {
      const double pad = mn == 0 ? 1 : std::fabs(mn) * 0.1;
      mn -= pad;
      mx += pad;
    }
    if (log) {
      lo = std::floor(mn);
      hi = std::ceil(mx);
      if (hi == lo) hi = lo + 1;
    } else {
      const double pad = (mx - mn) * 0.05;
      lo = mn >= 0 && mn - pad < 0 ? 0 : mn - pad;
      hi = mx + pad;
    }
  }
  std::vector<double> Ticks() const {  // in data units
    std::vector<double> t;
    if (log) {
      for (double e = lo; e <= hi + 1e-9; e += 1) t.push_back(std::pow(10.0, e));
    } else {
      t = LinearTicks(lo, hi);
    }
    return t;
  }
};

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string LineChartSvg(const std::vector<SvgSeries>& series, const SvgChartOptions& o) {
  Axis ax, ay;
  ax.log = o.log_x;
  ay.log = o.log_y;
  std::vector<double> xs, ys;
  for (const SvgSeries& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  ax.Fit(xs);
  ay.Fit(ys);
  const double plot_w = o.width - kMarginLeft - kMarginRight;
  const double plot_h = o.height - kMarginTop - kMarginBottom;
  auto px = [&](double v) { return kMarginLeft + (ax.Map(v) - ax.lo) / (ax.hi - ax.lo) * plot_w; };
  auto py = [&](double v) { return kMarginTop + plot_h - (ay.Map(v) - ay.lo) / (ay.hi - ay.lo) * plot_h; };

  std::string svg;
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(o.width) + "\" height=\"" +
         std::to_string(o.height) + "\" viewBox=\"0 0 " + std::to_string(o.width) + " " +
         std::to_string(o.height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + Num(o.width / 2.0) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
         XmlEscape(o.title) + "</text>\n";
  // Grid and ticks.
  for (double t : ax.Ticks()) {
    const double x = px(t);
    svg += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(kMarginTop) + "\" x2=\"" + Num(x) + "\" y2=\"" +
           Num(kMarginTop + plot_h) + "\" stroke=\"#e0e0e0\"/>\n";
    svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(kMarginTop + plot_h + 16) + "\" text-anchor=\"middle\">" +
           TickLabel(t) + "</text>\n";
  }
  for (double t : ay.Ticks()) {
    const double y = py(t);
    svg += "<line x1=\"" + Num(kMarginLeft) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(kMarginLeft + plot_w) +
           "\" y2=\"" + Num(y) + "\" stroke=\"#e0e0e0\"/>\n";
    svg += "<text x=\"" + Num(kMarginLeft - 6) + "\" y=\"" + Num(y + 4) + "\" text-anchor=\"end\">" +
           TickLabel(t) + "</text>\n";
  }
  svg += "<rect x=\"" + Num(kMarginLeft) + "\" y=\"" + Num(kMarginTop) + "\" width=\"" + Num(plot_w) +
         "\" height=\"" + Num(plot_h) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + Num(kMarginLeft + plot_w / 2) + "\" y=\"" + Num(o.height - 12.0) +
         "\" text-anchor=\"middle\">" + XmlEscape(o.x_label) + "</text>\n";
  svg += "<text transform=\"translate(16," + Num(kMarginTop + plot_h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + XmlEscape(o.y_label) + "</text>\n";

  // Series and legend.
  for (size_t s = 0; s < series.size(); ++s) {
    const SvgSeries& ser = series[s];
    const std::string color = kPalette[s % std::size(kPalette)];
    std::string points;
    std::string dots;
    for (size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i) {
      const double x = ser.x[i], y = ser.y[i];
      if (!std::isfinite(x) || !std::isfinite(y) || (o.log_x && x <= 0) || (o.log_y && y <= 0)) continue;
      points += Num(px(x)) + "," + Num(py(y)) + " ";
      if (ser.markers) {
        dots += "<circle cx=\"" + Num(px(x)) + "\" cy=\"" + Num(py(y)) + "\" r=\"3\" fill=\"" + color + "\"/>\n";
      }
    }
    svg += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"" +
           (ser.dashed ? " stroke-dasharray=\"6,4\"" : "") + " points=\"" + points + "\"/>\n" + dots;
    const double ly = kMarginTop + 10 + 20.0 * static_cast<double>(s);
    const double lx = kMarginLeft + plot_w + 12;
    svg += "<line x1=\"" + Num(lx) + "\" y1=\"" + Num(ly) + "\" x2=\"" + Num(lx + 24) + "\" y2=\"" + Num(ly) +
           "\" stroke=\"" + color + "\" stroke-width=\"2\"" + (ser.dashed ? " stroke-dasharray=\"6,4\"" : "") +
           "/>\n";
    svg += "<text x=\"" + Num(lx + 30) + "\" y=\"" + Num(ly + 4) + "\">" + XmlEscape(ser.name) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace encore
