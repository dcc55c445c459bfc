// The stamp of every captured line and the name of every archive: ISO 8601
// in UTC with microseconds, "2026-12-07T09:15:02.123456Z".  Fixed width, so
// stamps and archive names sort as text in time order.  Computed from the
// clock by arithmetic alone: gmtime would read /etc/localtime on its first
// call, a file pmtr-log may not open.
#pragma once

#include <time.h>

#include <cstddef>

namespace pmtr {

inline constexpr size_t kStampBytes = 27;

// Writes exactly kStampBytes bytes (no NUL).  Years outside 0..9999 are
// clamped: a clock that far off still gives a stamp of the same width.
void format_stamp(const timespec& t, char* out) noexcept;
// Its inverse, for the archive names already there; false for anything
// that is not exactly a stamp.
[[nodiscard]] bool parse_stamp(const char* in, timespec& t) noexcept;

}  // namespace pmtr
