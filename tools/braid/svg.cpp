#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace braid::tool::svg {
namespace {

// A colour-blind-safe palette (Okabe and Ito), one colour per series or category.
constexpr const char* palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                   "#56B4E9", "#D55E00", "#F0E442", "#000000"};
const char* colour(std::size_t i) {
  return palette[i % std::size(palette)];
}

std::string open_svg(int width, int height, const std::string& title, const std::string& kind) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"sans-serif\" font-size=\"12\" data-chart=\"{2}\">\n"
      "<title>{3}</title>\n<text x=\"8\" y=\"18\" font-size=\"14\" "
      "font-weight=\"bold\">{3}</text>\n",
      width, height, kind, escape(title));
}

std::string nice_number(double v) {
  if (v == 0) return "0";
  if (std::abs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 1) return fmt::format("{:.3g}", v);
  return fmt::format("{:.2g}", v);
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string bar_chart(const std::string& title, const std::string& series,
                      const std::vector<bar>& bars) {
  constexpr int label_w = 150, bar_w = 360, row_h = 22, top = 30;
  const int height = top + row_h * static_cast<int>(bars.size()) + 10;
  std::string out = open_svg(label_w + bar_w + 110, height, title, "bars");
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  out += fmt::format("<g data-series=\"{}\">\n", escape(series));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const int y = top + row_h * static_cast<int>(i);
    const double w = max > 0 ? bar_w * b.value / max : 0;
    out += fmt::format(
        "<g data-label=\"{0}\" data-value=\"{1}\"><text x=\"{2}\" y=\"{3}\" "
        "text-anchor=\"end\">{0}</text><rect x=\"{4}\" y=\"{5}\" width=\"{6:.1f}\" height=\"16\" "
        "fill=\"{7}\"><title>{0}: {8}</title></rect><text x=\"{9:.1f}\" y=\"{3}\">{8}</text></g>\n",
        escape(b.label), b.value, label_w - 6, y + 13, label_w, y + 2, std::max(w, 1.0),
        b.highlight ? "#009E73" : "#0072B2", escape(b.value_text), label_w + w + 6);
  }
  out += "</g>\n</svg>\n";
  return out;
}

std::string line_chart(const std::string& title, const std::string& x_title,
                       const std::string& y_title, const std::vector<double>& x,
                       const std::vector<curve>& curves, double marker_x) {
  constexpr int left = 70, right = 170, top = 30, bottom = 50, plot_w = 420, plot_h = 240;
  std::string out = open_svg(left + plot_w + right, top + plot_h + bottom, title, "lines");
  if (x.empty()) return out + "</svg>\n";
  const bool log_x =
      std::all_of(x.begin(), x.end(), [](double v) { return v > 0; }) &&
      *std::max_element(x.begin(), x.end()) > 10 * *std::min_element(x.begin(), x.end());
  auto fx = [&](double v) { return log_x ? std::log10(v) : v; };
  const double x0 = fx(*std::min_element(x.begin(), x.end()));
  const double x1 = fx(*std::max_element(x.begin(), x.end()));
  double y1 = 0;
  for (const auto& c : curves) {
    for (double v : c.y) {
      if (std::isfinite(v)) y1 = std::max(y1, v);
    }
  }
  if (y1 <= 0) y1 = 1;
  auto px = [&](double v) { return left + (x1 > x0 ? (fx(v) - x0) / (x1 - x0) : 0.5) * plot_w; };
  auto py = [&](double v) { return top + plot_h - v / y1 * plot_h; };
  // Axes, ticks at each x value and at quarters of y.
  out += fmt::format(
      "<g stroke=\"#888\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/><line x1=\"{0}\" "
      "y1=\"{3}\" x2=\"{0}\" y2=\"{1}\"/></g>\n",
      left, top + plot_h, left + plot_w, top);
  for (double v : x) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(v),
                       top + plot_h + 16, nice_number(v));
  }
  for (int q = 0; q <= 4; ++q) {
    const double v = y1 * q / 4;
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6,
                       py(v) + 4, nice_number(v));
  }
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n<text x=\"14\" y=\"{}\" "
      "transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">{}</text>\n",
      left + plot_w / 2, top + plot_h + 38, escape(x_title + (log_x ? " (log scale)" : "")),
      top + plot_h / 2, top + plot_h / 2, escape(y_title));
  if (std::isfinite(marker_x)) {
    out += fmt::format(
        "<line data-marker=\"{0}\" x1=\"{1:.1f}\" y1=\"{2}\" x2=\"{1:.1f}\" y2=\"{3}\" "
        "stroke=\"#D55E00\" stroke-dasharray=\"4 3\"/>\n",
        marker_x, px(marker_x), top, top + plot_h);
  }
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const auto& c = curves[i];
    std::string points;
    for (std::size_t j = 0; j < x.size() && j < c.y.size(); ++j) {
      if (!std::isfinite(c.y[j])) continue;
      points += fmt::format("{:.1f},{:.1f} ", px(x[j]), py(c.y[j]));
    }
    out += fmt::format(
        "<g data-series=\"{0}\"><polyline points=\"{1}\" fill=\"none\" stroke=\"{2}\" "
        "stroke-width=\"2\"/>",
        escape(c.name), points, colour(i));
    for (std::size_t j = 0; j < x.size() && j < c.y.size(); ++j) {
      if (!std::isfinite(c.y[j])) continue;
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{} at {}: {}</title>"
          "</circle>",
          px(x[j]), py(c.y[j]), colour(i), escape(c.name), nice_number(x[j]), nice_number(c.y[j]));
    }
    out += fmt::format(
        "<rect x=\"{0}\" y=\"{1}\" width=\"12\" height=\"12\" fill=\"{2}\"/><text x=\"{3}\" "
        "y=\"{4}\">{5}</text></g>\n",
        left + plot_w + 14, top + 18 * static_cast<int>(i), colour(i), left + plot_w + 30,
        top + 18 * static_cast<int>(i) + 10, escape(c.name));
  }
  out += "</svg>\n";
  return out;
}

std::string timeline(const std::string& title, const std::vector<span>& spans) {
  constexpr int label_w = 280, plot_w = 600, row_h = 20, top = 30, legend_h = 24;
  std::vector<std::string> lanes;
  std::map<std::string, std::size_t> lane_index, category_index;
  double end = 0;
  for (const auto& s : spans) {
    if (lane_index.emplace(s.lane, lanes.size()).second) lanes.push_back(s.lane);
    category_index.emplace(s.category, category_index.size());
    end = std::max(end, s.start_us + s.dur_us);
  }
  const int height = top + row_h * static_cast<int>(lanes.size()) + legend_h + 24;
  std::string out = open_svg(label_w + plot_w + 20, height, title, "timeline");
  if (end <= 0) end = 1;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const int y = top + row_h * static_cast<int>(i);
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><line x1=\"{}\" y1=\"{}\" x2=\"{}\" "
        "y2=\"{}\" stroke=\"#eee\"/>\n",
        label_w - 6, y + 14, escape(lanes[i]), label_w, y + row_h, label_w + plot_w, y + row_h);
  }
  std::map<std::string, std::string> groups;  // per category, so each is one data-series
  for (const auto& s : spans) {
    const double x = label_w + s.start_us / end * plot_w;
    const double w = std::max(s.dur_us / end * plot_w, 0.5);
    const int y = top + row_h * static_cast<int>(lane_index[s.lane]) + 3;
    groups[s.category] += fmt::format(
        "<rect x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"14\"><title>{} ({:.1f} µs at "
        "{:.1f} ms)</title></rect>",
        x, y, w, escape(s.name), s.dur_us, s.start_us / 1000);
  }
  for (const auto& [cat, rects] : groups) {
    out += fmt::format("<g data-series=\"{}\" fill=\"{}\">{}</g>\n", escape(cat),
                       colour(category_index[cat]), rects);
  }
  const int axis_y = top + row_h * static_cast<int>(lanes.size()) + 14;
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\">0 ms</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.1f} "
      "ms</text>\n",
      label_w, axis_y, label_w + plot_w, axis_y, end / 1000);
  int lx = label_w;
  for (const auto& [cat, index] : category_index) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" "
        "y=\"{}\">{}</text>\n",
        lx, axis_y + 8, colour(index), lx + 16, axis_y + 18, escape(cat));
    lx += 30 + 8 * static_cast<int>(cat.size());
  }
  out += "</svg>\n";
  return out;
}

}  // namespace braid::tool::svg
