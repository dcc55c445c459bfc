// `pmtrctl status`: the table people read.
//
//   NAME       STATE     PID  UPTIME  RESTARTS  LAST EXIT                 NEXT START
//   web        running  1234  3d 4h          0  -
//   worker     delayed     -  -              7  exited 1 (2 s ago)        in 8 s
//
// Columns are as wide as their widest cell (at least the header), two
// spaces apart; NEXT START appears only when some job is delayed.  NAME
// takes what is left of `width` columns (80) and at least kMinNameWidth:
// a longer name is shortened in the middle with a '~' ("web-fr~west-1"),
// which keeps both the service prefix and an instance suffix.  Full names
// are in --json and --names.  No trailing spaces.
#pragma once

#include <cstddef>
#include <string>

#include "control/status_report.hpp"

namespace pmtr::ctl {

inline constexpr size_t kTableWidth = 80;
inline constexpr size_t kMinNameWidth = 12;

void format_status_table(const StatusReport& r, std::string& out, size_t width = kTableWidth);

// `name` in at most `width` columns: as is, or its head and tail around '~'.
void append_fitted_name(std::string& out, std::string_view name, size_t width);

// --names: one job name per line.
void format_status_names(const StatusReport& r, std::string& out);

}  // namespace pmtr::ctl
