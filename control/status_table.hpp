// `pmtrctl status`: the table people read.
//
//   NAME    STATE      PID  UPTIME  RESTARTS  LAST EXIT                 NEXT START
//   web     running   1234  3d 4h          0  -
//   worker  delayed      -  -              7  exited 1 (2 s ago)        in 8 s
//
// Columns are as wide as their widest cell (at least the header); NEXT
// START appears only when some job is delayed.  Two spaces separate the
// columns when every whole name fits in `width` (80) that way; otherwise
// one space, and NAME takes what is left, at least kMinNameWidth: a longer
// name is shortened in the middle with a '~' ("web-fro~west-1"), keeping
// both the service prefix and an instance suffix.  Full names are in
// --json and --names.  Only extreme cells (ten-digit restart counts,
// realtime signals days ago) can push a row past 80.  No trailing spaces.
#pragma once

#include <cstddef>
#include <string>

#include "control/status_report.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {

inline constexpr size_t kTableWidth = 80;
inline constexpr size_t kMinNameWidth = 10;

void format_status_table(const StatusReport& r, OutBuffer& out, size_t width = kTableWidth);

// `name` in at most `width` columns: as is, or its head and tail around '~'.
void append_fitted_name(std::string& out, std::string_view name, size_t width);

// --names: one job name per line.
void format_status_names(const StatusReport& r, OutBuffer& out);

}  // namespace pmtr::ctl
