#include "control/duration.hpp"

namespace pmtr::ctl {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Milliseconds per unit, 0 when `u` is not a unit.
uint64_t unit_ms(std::string_view u) {
  if (u == "ms") return 1;
  if (u == "s") return 1000;
  if (u == "m") return 60 * 1000;
  if (u == "h") return 3600 * 1000;
  if (u == "d") return 24 * 3600 * 1000;
  return 0;
}

DurationResult bad(std::string_view text, const char* why) {
  return DurationResult{0, "invalid duration '" + std::string(text) + "': " + why};
}

}  // namespace

DurationResult parse_duration(std::string_view text) {
  if (text.empty()) return bad(text, "empty (e.g. 30s, 1.5s, 250ms, 2m, 1h30m)");
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    // Whole part: capped long before uint64 overflow (30 days are 2.6e9 ms).
    uint64_t whole = 0;
    size_t start = i;
    while (i < text.size() && digit(text[i])) {
      whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
      if (whole > kMaxDurationMs) return bad(text, "too long (at most 30d)");
      ++i;
    }
    // Fraction: kept as digits over a power of ten, so 1.5s is exactly 1500 ms.
    uint64_t frac = 0, scale = 1;
    bool has_frac = false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      has_frac = true;
      while (i < text.size() && digit(text[i])) {
        if (scale < 1000000000) {   // digits beyond nanoseconds change nothing
          frac = frac * 10 + static_cast<uint64_t>(text[i] - '0');
          scale *= 10;
        }
        ++i;
      }
    }
    if (i == start || (has_frac && i == start + 1)) return bad(text, "expected a number (e.g. 30s, 1.5s)");
    const size_t unit_start = i;
    while (i < text.size() && !digit(text[i]) && text[i] != '.') ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) return bad(text, "a unit is needed: ms, s, m, h or d (e.g. 30s)");
    const uint64_t per = unit_ms(unit);
    if (per == 0) return bad(text, "unknown unit (ms, s, m, h or d)");
    total += whole * per + frac * per / scale;
    if (total > kMaxDurationMs) return bad(text, "too long (at most 30d)");
  }
  if (total == 0) return bad(text, "must be at least 1ms");
  return DurationResult{total, {}};
}

}  // namespace pmtr::ctl
