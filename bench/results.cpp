#include "bench/results.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pmtr::bench {

Summary summarize(std::vector<double> samples) {
  Summary s;
  s.n = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  s.median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  // Nearest rank: the smallest sample with at least 90 % of them at or below it.
  const auto rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
  s.p90 = samples[std::max<size_t>(rank, 1) - 1];
  s.min = samples.front();
  s.max = samples.back();
  return s;
}

std::string format_quantity(double v, Unit unit) {
  char buf[64];
  auto scaled = [&](const char* suffix) {
    const double a = std::fabs(v);
    const int digits = a == 0 ? 0 : a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0;
    std::snprintf(buf, sizeof buf, "%.*f%s", digits, v, suffix);
  };
  switch (unit) {
    case Unit::Millis:
      scaled(" ms");
      break;
    case Unit::Micros:
      scaled(" us");
      break;
    case Unit::KiB:
      if (v >= 1024) {
        std::snprintf(buf, sizeof buf, "%.2f MiB", v / 1024);
      } else {
        std::snprintf(buf, sizeof buf, "%.0f KiB", v);
      }
      break;
    case Unit::Percent:
      std::snprintf(buf, sizeof buf, "%.2f %%", v);
      break;
    case Unit::PerSecond:
      scaled("/s");
      break;
    case Unit::Count:
      std::snprintf(buf, sizeof buf, "%.0f", v);
      break;
    case Unit::Times:
      std::snprintf(buf, sizeof buf, "%.2fx", v);
      break;
  }
  return buf;
}

Target at_most(double limit, std::string text) { return {true, limit, false, false, std::move(text), false}; }
Target below(double limit, std::string text) { return {true, limit, false, true, std::move(text), false}; }
Target at_most_floor(double ratio, std::string text) { return {true, ratio, true, false, std::move(text), false}; }
Target at_least(double limit, std::string text) { return {true, limit, false, false, std::move(text), true}; }

const char* verdict_name(Verdict v) noexcept {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Miss: return "MISS";
    case Verdict::Info: return "-";
    case Verdict::Void: return "VOID";
  }
  return "?";
}

double floor_ratio(const Result& r) {
  if (r.floor.empty() || r.samples.empty()) return 0;
  const double f = summarize(r.floor).median;
  return f > 0 ? summarize(r.samples).median / f : 0;
}

double pmtr_ratio(const Result& r) {
  if (r.pmtr.empty() || r.samples.empty()) return 0;
  const double peer = summarize(r.samples).median;
  return peer > 0 ? summarize(r.pmtr).median / peer : 0;
}

Verdict judge(const Result& r) {
  if (!r.void_reason.empty() || r.samples.empty()) return Verdict::Void;
  if (!r.target.set) return Verdict::Info;
  double value = summarize(r.samples).median;
  if (r.target.vs_floor) {
    if (r.floor.empty()) return Verdict::Void;
    value = floor_ratio(r);
  }
  const bool ok = r.target.at_least ? value >= r.target.limit
                  : r.target.strict ? value < r.target.limit
                                    : value <= r.target.limit;
  return ok ? Verdict::Pass : Verdict::Miss;
}

std::string render_table(const std::vector<Result>& results) {
  std::vector<std::vector<std::string>> rows;
  const bool peers = std::any_of(results.begin(), results.end(), [](const Result& r) { return !r.pmtr.empty(); });
  rows.push_back({"Scenario", "Metric", "n", "Median", "p90", "Min..max", "Floor", "x floor", "Target", "Verdict"});
  if (peers) rows[0].insert(rows[0].begin() + 8, "pmtr vs peer");
  const size_t first_text = peers ? 9 : 8;
  for (const auto& r : results) {
    const Summary s = summarize(r.samples);
    const bool empty = s.n == 0;
    std::vector<std::string> row{r.scenario, r.metric, std::to_string(s.n)};
    row.push_back(empty ? "-" : format_quantity(s.median, r.unit));
    row.push_back(empty || s.n < 2 ? "-" : format_quantity(s.p90, r.unit));
    row.push_back(empty || s.n < 2 ? "-" : format_quantity(s.min, r.unit) + ".." + format_quantity(s.max, r.unit));
    row.push_back(r.floor.empty() ? "-" : format_quantity(summarize(r.floor).median, r.unit));
    row.push_back(r.floor.empty() || empty ? "-" : format_quantity(floor_ratio(r), Unit::Times));
    if (peers) {
      const double ratio = pmtr_ratio(r);
      row.push_back(ratio > 0 ? format_quantity(ratio, Unit::Times) : "-");
    }
    row.push_back(r.target.set ? r.target.text : "-");
    std::string verdict = verdict_name(judge(r));
    if (!r.void_reason.empty()) verdict += " (" + r.void_reason + ")";
    row.push_back(verdict);
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(rows[0].size(), 3);   // a Markdown delimiter needs a dash
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    out += "|";
    for (size_t i = 0; i < row.size(); ++i) {
      // Text columns left-aligned, numbers right-aligned.
      const bool left = i < 2 || i >= first_text;
      const std::string pad(width[i] - row[i].size(), ' ');
      out += " " + (left ? row[i] + pad : pad + row[i]) + " |";
    }
    out += "\n";
  };
  emit(rows[0]);
  out += "|";
  for (size_t i = 0; i < width.size(); ++i) {
    const bool left = i < 2 || i >= first_text;
    out += left ? " " + std::string(width[i], '-') + " |" : " " + std::string(width[i] - 1, '-') + ": |";
  }
  out += "\n";
  for (size_t i = 1; i < rows.size(); ++i) emit(rows[i]);
  return out;
}

}  // namespace pmtr::bench
