// Durations on the command line (`wait --timeout`): one or more NUMBER UNIT
// pairs, NUMBER with an optional fraction, UNIT one of ms s m h d:
// "30s", "1.5s", "250ms", "1h30m".  A unit is required: a bare "30" could
// mean seconds or milliseconds, and guessing wrong waits 1000 times too long.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pmtr::ctl {

// The longest --timeout: 30 days, as for the config's durations.
inline constexpr uint64_t kMaxDurationMs = 30ull * 24 * 3600 * 1000;

struct DurationResult {
  uint64_t ms = 0;
  std::string error;   // empty when ms is valid
};

// At least 1 ms and at most kMaxDurationMs; fractions below a
// millisecond are dropped.
[[nodiscard]] DurationResult parse_duration(std::string_view text);

}  // namespace pmtr::ctl
