#include "net/reporter.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/udp_report.hpp"

namespace pmtr {

std::vector<std::string> Reporter::send(const std::vector<NetJob>& jobs, uint64_t now_ns) {
  Report r;
  r.host = hostname_;
  for (const auto& j : jobs) {
    if (!j.reported) continue;
    const bool running = j.pid > 0 && j.started_ns != 0 && j.started_ns <= now_ns;
    r.rows.push_back(ReportRow{j.name, j.enabled, running ? (now_ns - j.started_ns) / 1000000000u : 0,
                               running ? j.pid : 0, j.argv0});
  }
  std::vector<std::string> failures;
  for (const auto& t : targets_) {
    if (!t.resolved) continue;
    r.ip = t.ip;
    for (const auto& d : format_report(r)) {
      const ssize_t n = ::sendto(t.fd, d.data(), d.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                                 reinterpret_cast<const sockaddr*>(&t.to.addr), t.to.len);
      if (n < 0) {
        failures.push_back("report to " + t.label + ": " + std::strerror(errno));
        break;
      }
    }
  }
  return failures;
}

}  // namespace pmtr
