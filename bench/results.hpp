// The bench's results: samples per metric, summarised (median, p90,
// min..max), compared with the floor measured in the same run and with the
// target an issue names, and rendered as one Markdown table that reads as
// well in a terminal as in docs/benchmarks.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pmtr::bench {

struct Summary {
  size_t n = 0;
  double median = 0;
  double p90 = 0;   // nearest rank
  double min = 0;
  double max = 0;
};
[[nodiscard]] Summary summarize(std::vector<double> samples);

enum class Unit : uint8_t { Millis, Micros, KiB, Percent, PerSecond, Count, Times };
// "812 ms", "0.53 ms", "1.21 MiB", "3.2 %", "0/s", "12"...
[[nodiscard]] std::string format_quantity(double v, Unit unit);

struct Target {
  bool set = false;
  double limit = 0;        // in the row's unit, or a multiple of the floor
  bool vs_floor = false;   // limit is "x floor"
  bool strict = false;     // "<" rather than "<="
  std::string text;        // as the issue says it: "<= 1.15x floor"
  bool at_least = false;   // ">=": a floor for the result, not a ceiling
};
[[nodiscard]] Target at_most(double limit, std::string text);
[[nodiscard]] Target below(double limit, std::string text);
[[nodiscard]] Target at_most_floor(double ratio, std::string text);
[[nodiscard]] Target at_least(double limit, std::string text);

enum class Verdict : uint8_t { Pass, Miss, Info, Void };
[[nodiscard]] const char* verdict_name(Verdict v) noexcept;

struct Result {
  std::string scenario;
  std::string metric;
  Unit unit = Unit::Millis;
  std::vector<double> samples;
  std::vector<double> floor;   // the floor's samples in the same run; may be empty
  Target target;
  std::string void_reason;     // non-empty: the measurement failed
  std::vector<double> pmtr;    // a peer's row: pmtr's samples of the same metric, same run
};

// pmtr's median / this row's median (a peer's), 0 when either is missing.
[[nodiscard]] double pmtr_ratio(const Result& r);

// Median against the target (and against the floor's median when the
// target is relative).
[[nodiscard]] Verdict judge(const Result& r);
// Median / floor median, 0 when there is no floor.
[[nodiscard]] double floor_ratio(const Result& r);

// Columns padded to equal width: | Scenario | Metric | n | Median | p90 |
// Min..max | Floor | x floor | Target | Verdict |, and | pmtr vs peer |
// after x floor when any row is a peer's.
[[nodiscard]] std::string render_table(const std::vector<Result>& results);

}  // namespace pmtr::bench
