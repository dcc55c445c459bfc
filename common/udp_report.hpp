// The original pmtr's UDP status report (its src/net.c), byte for byte, so
// that collectors written for it keep working:
//   report HOSTNAME[ IP]\n                  IP: the @iface's address, if given
//   NAME e|d SECONDS_UP PID ARGV0\n         one per restartable job
// `e` enabled, `d` disabled or stopped; one-shot jobs are left out.  A
// report too large for one datagram is sent as several, each starting with
// the report line (pmtr(8) REPORTS).  Formatted by pmtr-net, parsed (as
// hostile input) by `pmtrctl listen`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

// The largest datagram a report is cut into (well under the 65,507 bytes
// of UDP over IPv4).
inline constexpr size_t kReportDatagramBytes = 60000;

struct ReportRow {
  std::string name;
  bool enabled = false;
  uint64_t seconds_up = 0;
  int32_t pid = 0;          // 0 when not running
  std::string argv0;
  bool operator==(const ReportRow&) const = default;
};

struct Report {
  std::string host;
  std::string ip;           // empty: no @iface
  std::vector<ReportRow> rows;
  bool operator==(const Report&) const = default;
};

// One or more datagrams, each at most kReportDatagramBytes and each
// starting with the report line.  A row that alone would not fit (names
// and argv0 are bounded, so it cannot) is never split.
[[nodiscard]] std::vector<std::string> format_report(const Report& r);

// One datagram, strictly: the report line, then rows of exactly five
// fields; the error names the line and what is wrong with it.
[[nodiscard]] Result<Report> parse_report(std::string_view datagram);

}  // namespace pmtr
