// Times as people read them in a table: an uptime to two units ("3d 4h",
// "5m 12s", "42s"), and how long ago or how soon to one ("12 s ago",
// "in 3 m").  Each appends to a string the caller reuses across rows.
#pragma once

#include <cstdint>
#include <string>

namespace pmtr::ctl {

// The two largest non-zero units of d, h, m, s; a zero second unit is left
// out ("2h", not "2h 0m").  Under a second: "0s".
void append_uptime(std::string& out, uint64_t ms);
// One unit, rounded down: "12 s", "3 m", "5 h", "2 d".
void append_coarse(std::string& out, uint64_t ms);
// "12 s ago"
void append_ago(std::string& out, uint64_t ms);
// "in 8 s", seconds rounded up (a restart due in 200 ms is "in 1 s");
// "now" at 0.
void append_in(std::string& out, uint64_t ms);

}  // namespace pmtr::ctl
