// Durations of the lifecycle options (`backoff 1s to 5m`, `stop timeout
// 30s`, ...): a decimal number glued to one of the units ms, s, m, h, d,
// converted to whole milliseconds within limits::kDurationMsMax (30 days).
// The unit table is shared with `bounce every` (values.cpp), which keeps
// its own, older syntax.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.hpp"

namespace pmtr::conf {

// Milliseconds per unit: "ms" 1, "s" 1000, "m" 60000, "h" 3600000,
// "d" 86400000; nullopt for anything else (units are lowercase).
[[nodiscard]] std::optional<uint32_t> duration_unit_ms(std::string_view unit) noexcept;

// "30s", "1.5s", "2m", "250ms", "0s" -> milliseconds.  A fraction must
// come to a whole number of milliseconds ("1.0005s" is rejected, never
// rounded); no sign, no blanks, no unit-less number, a digit on both sides
// of the point.  The error text is the diagnostic, quoting the word.
[[nodiscard]] Result<uint32_t> parse_duration(std::string_view word);

// True for a plain run of digits: a duration written without its unit.
[[nodiscard]] bool is_bare_number(std::string_view word) noexcept;

}  // namespace pmtr::conf
