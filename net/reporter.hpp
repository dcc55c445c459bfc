// The `report to` side of pmtr-net: the original pmtr's report datagram
// (common/udp_report.hpp) to every target, every kReportPeriod and soon
// after the monitor tells of a change.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/net_messages.hpp"
#include "net/resolve.hpp"

namespace pmtr {

inline constexpr std::chrono::milliseconds kReportPeriod{10000};
// A change is reported this long after it arrives: changes that come
// together (a reload, a job's exit and restart) go out in one report.
inline constexpr std::chrono::milliseconds kReportCoalesce{100};

struct ReportTarget {
  std::string label;         // as written: HOST:PORT[@iface]
  std::string ip;            // the @iface's address (second word of the report line), or empty
  int fd = -1;               // the socket the monitor made for it
  bool resolved = false;
  ResolvedAddress to;
};

class Reporter {
 public:
  Reporter(std::string hostname, std::vector<ReportTarget> targets) noexcept
      : hostname_(std::move(hostname)), targets_(std::move(targets)) {}
  // Sends the report of `jobs` (seconds up from CLOCK_MONOTONIC `now_ns`)
  // to every resolved target.  Failed sends are returned as one line per
  // target, for the caller to log (at most once a second).
  std::vector<std::string> send(const std::vector<NetJob>& jobs, uint64_t now_ns);
  [[nodiscard]] bool empty() const noexcept { return targets_.empty(); }

 private:
  std::string hostname_;
  std::vector<ReportTarget> targets_;
};

}  // namespace pmtr
