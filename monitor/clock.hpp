// Monotonic time for every timer of the monitor; passed in as a value so the
// restart policy and timer logic are tested with a fake clock.
#pragma once

#include <chrono>

namespace pmtr {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

inline constexpr TimePoint kNever = TimePoint::max();

}  // namespace pmtr
