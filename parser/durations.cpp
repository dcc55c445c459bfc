#include "parser/durations.hpp"

#include <array>
#include <string>

#include "common/limits.hpp"
#include "parser/diag_sink.hpp"

namespace pmtr::conf {
namespace {

struct Unit {
  std::string_view name;
  uint32_t ms;
};
constexpr std::array<Unit, 5> kUnits = {{{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}}};

// With the fraction's trailing zeros gone, a fraction of more than this
// many digits can never make whole milliseconds: a unit is at most
// 2^10 * 5^5 * 27 ms, so 10^k divides fraction * unit only for k <= 10.
// Up to it, fraction * unit < 10^10 * 86400000 fits 64 bits.
constexpr size_t kFractionDigitsMax = 10;

constexpr std::string_view kUsage = "a number and a unit, as in '30s', '1.5s' or '2m'; units ms, s, m, h, d";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The errors, each written once.
Error invalid(std::string_view word) { return Error{0, cat({"invalid duration ", quote(word), " (", kUsage, ")"})}; }

Error no_unit(std::string_view word) {
  return Error{0, cat({"duration ", quote(word), " has no unit (as in ", quote(cat({word, "s"})),
                       "; units ms, s, m, h, d)"})};
}

Error too_long(std::string_view word) {
  return Error{0, cat({"duration ", quote(word), " is too long (max ",
                       std::to_string(limits::kDurationMsMax / 86400000), "d)"})};
}

Error not_whole(std::string_view word) {
  return Error{0, cat({"duration ", quote(word), " is not a whole number of milliseconds"})};
}

}  // namespace

std::optional<uint32_t> duration_unit_ms(std::string_view unit) noexcept {
  for (const Unit& u : kUnits)
    if (u.name == unit) return u.ms;
  return std::nullopt;
}

bool is_bare_number(std::string_view word) noexcept {
  if (word.empty()) return false;
  for (char c : word)
    if (!is_digit(c)) return false;
  return true;
}

Result<uint32_t> parse_duration(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && is_digit(word[i])) ++i;
  const std::string_view whole = word.substr(0, i);
  std::string_view fraction;
  if (i < word.size() && word[i] == '.') {
    const size_t from = ++i;
    while (i < word.size() && is_digit(word[i])) ++i;
    fraction = word.substr(from, i - from);
    if (fraction.empty()) return invalid(word);
  }
  const std::string_view unit = word.substr(i);
  if (whole.empty()) return invalid(word);
  if (unit.empty()) return no_unit(word);
  const auto scale = duration_unit_ms(unit);
  if (!scale) return invalid(word);

  // Whole part: anything past the cap is too long whatever the unit.
  uint64_t ms = 0;
  for (char c : whole) {
    ms = ms * 10 + static_cast<uint64_t>(c - '0');
    if (ms > limits::kDurationMsMax) return too_long(word);
  }
  ms *= *scale;
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (!fraction.empty()) {
    if (fraction.size() > kFractionDigitsMax)
      return not_whole(word);
    uint64_t digits = 0, denominator = 1;
    for (char c : fraction) {
      digits = digits * 10 + static_cast<uint64_t>(c - '0');
      denominator *= 10;
    }
    const uint64_t scaled = digits * *scale;
    if (scaled % denominator != 0)
      return not_whole(word);
    ms += scaled / denominator;
  }
  if (ms > limits::kDurationMsMax) return too_long(word);
  return static_cast<uint32_t>(ms);
}

}  // namespace pmtr::conf
