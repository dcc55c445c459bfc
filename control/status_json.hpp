// `pmtrctl status --json`: one JSON array, one object per job, one object
// per line (so `grep` still works on it):
//
//   [
//   {"name":"web","state":"running","pid":1234,"uptime_s":273900,"restarts":0,
//    "last_exit":null,"next_start_s":null,"backoff_ms":0},
//   {"name":"worker","state":"delayed","pid":null,"uptime_s":null,"restarts":7,
//    "last_exit":{"code":1,"at":1699999998},"next_start_s":8,"backoff_ms":10000}
//   ]
//
// (each object on one line; wrapped here).
//
// The field names and meanings are a contract (pmtrctl(8), JSON OUTPUT):
// new fields may be added, these keep their meaning.  uptime_s is rounded
// down, next_start_s up (a pending start is never 0), "at" is Unix seconds
// rounded down.
#pragma once

#include <string>
#include <string_view>

#include "control/status_report.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {

void format_status_json(const StatusReport& r, OutBuffer& out);

// `s` as a JSON string, quotes included: ", \ and control bytes escaped.
void append_json_string(std::string& out, std::string_view s);

}  // namespace pmtr::ctl
