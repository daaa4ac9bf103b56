#pragma once
/// \file
/// Bare SVG charts for `braid compare --report/--svg` and `braid trace`: grouped horizontal
/// bars, line curves over a logarithmic x axis, and a timeline of lanes. Each chart is one
/// standalone <svg> element whose series carry `data-series` attributes, so the report's tests
/// can find them in the DOM. All functions throw only std::bad_alloc.

#include <cstdint>
#include <string>
#include <vector>

namespace braid::tool::svg {

/// `text` with &, <, > and quotes escaped for XML.
std::string escape(const std::string& text);

/// One bar: a label on the left, a value drawn to scale, its text at the bar's end.
struct bar {
  std::string label;
  double value = 0;
  std::string value_text;  ///< "1.23 s"
  bool highlight = false;  ///< the recommended model
};

/// Horizontal bars, one per entry, scaled to the largest value.
std::string bar_chart(const std::string& title, const std::string& series,
                      const std::vector<bar>& bars);

/// One curve of a line chart: y values at the chart's x values (NaN for no point).
struct curve {
  std::string name;
  std::vector<double> y;
};

/// Curves over `x` (log scale when every x is positive and they span more than 10x), with
/// axis titles, a legend, and a vertical marker at `marker_x` if it is not NaN.
std::string line_chart(const std::string& title, const std::string& x_title,
                       const std::string& y_title, const std::vector<double>& x,
                       const std::vector<curve>& curves, double marker_x);

/// One interval of a timeline.
struct span {
  std::string lane;  ///< "pid 12 / braid-pool-worker"
  std::string name;  ///< task name, shown on hover
  std::string category;
  double start_us = 0;
  double dur_us = 0;
};

/// Lanes top to bottom in first-appearance order, time left to right, one colour per category.
std::string timeline(const std::string& title, const std::vector<span>& spans);

}  // namespace braid::tool::svg
