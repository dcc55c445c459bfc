// What `pmtrctl listen` prints for each datagram: a report as one table
// under a header line, or one line saying why it is not a report.  All
// text from the datagram is escaped: it comes from anyone on the network.
#pragma once

#include <string>
#include <string_view>

#include "common/udp_report.hpp"

namespace pmtr::ctl {

// "HOST [IP] from SENDER at WHEN", the columns NAME STATE UP PID CMD, one
// row per job, then an empty line.
[[nodiscard]] std::string format_report_table(const Report& r, std::string_view sender, std::string_view when);

// "from SENDER: not a report: WHY"
[[nodiscard]] std::string format_not_a_report(std::string_view sender, std::string_view why);

}  // namespace pmtr::ctl
