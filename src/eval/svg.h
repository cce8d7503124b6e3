// A small SVG line-chart writer for evaluation reports (no external plotting
// tool at run time). One chart = axes, ticks, a legend and one polyline per series.
#pragma once

#include <string>
#include <vector>

namespace encore {

struct SvgSeries {
  std::string name;
  std::vector<double> x;  // same length as y; non-finite points are skipped
  std::vector<double> y;
  bool dashed = false;
  bool markers = false;   // draw a dot at each point
};

struct SvgChartOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;     // log10 axis; points <= 0 are skipped
  bool log_y = false;
  int width = 720;
  int height = 440;
};

// The chart as a complete SVG document.
std::string LineChartSvg(const std::vector<SvgSeries>& series, const SvgChartOptions& options);

// Escapes &, <, >, " for SVG/XML text.
std::string XmlEscape(const std::string& text);

}  // namespace encore
