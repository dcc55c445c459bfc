// `report to` through the real binaries: the original pmtr's report
// datagram reaches a collector on loopback soon after pmtr starts, again
// soon after a change, and every 10 s; its fields match /proc.  One-shot
// jobs are left out, as the original does.
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/sandbox_asan.hpp"
#include "common/udp_report.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/pmtrctl_runner.hpp"
#include "tests/support/udp_support.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// "Within 1 s after a change": the deadline, with room for a loaded
// sanitized run (the change and the report are both well before the next
// periodic report, 10 s on).
constexpr auto kChangeDeadline = PMTR_SANDBOX_ASAN ? 3000ms : 1500ms;

const pmtr::ReportRow* row(const pmtr::Report& r, const std::string& name) {
  for (const auto& x : r.rows)
    if (x.name == name) return &x;
  return nullptr;
}

// The next datagram that parses as a report and satisfies `want`.
std::optional<pmtr::Report> report_where(UdpCollector& c, std::chrono::milliseconds timeout,
                                         const std::function<bool(const pmtr::Report&)>& want) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto d = c.next(left);
    if (!d) return std::nullopt;
    auto r = pmtr::parse_report(*d);
    if (r && want(*r)) return *r;
  }
}

std::string hostname() {
  char h[256] = {};
  ::gethostname(h, sizeof h - 1);
  return h;
}

}  // namespace

TEST_GROUP(NetReport) {
  TempDir dir;
  UdpCollector collector;
};

TEST(NetReport, AReportComesSoonAndItsFieldsMatchProc) {
  const std::string conf = dir.file("pmtr.conf");
  write_file(conf, "report to " + collector.url() + "\n" + job("web", "/bin/sleep 1000") +
                       job("init", "/bin/true", "  once\n"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 10000ms);
  CHECK(web > 0);
  auto r = report_where(collector, 11000ms, [&](const pmtr::Report& x) {
    const auto* w = row(x, "web");
    return w != nullptr && w->pid == web;
  });
  CHECK_TEXT(r.has_value(), pmtr.log().c_str());
  STRCMP_EQUAL(hostname().c_str(), r->host.c_str());
  STRCMP_EQUAL("", r->ip.c_str());
  const auto* w = row(*r, "web");
  CHECK(w->enabled);
  STRCMP_EQUAL("/bin/sleep", w->argv0.c_str());
  CHECK(w->seconds_up <= 11);
  // The pid is the job's, running /bin/sleep.
  CHECK(process_alive(web));
  STRCMP_EQUAL("/bin/sleep 1000", proc_cmdline(web).c_str());
  // The one-shot job is not in it.
  CHECK(row(*r, "init") == nullptr);
  CHECK_EQUAL(1u, r->rows.size());
}

TEST(NetReport, AChangeIsReportedWithinASecondAndAReportComesEveryTenSeconds) {
  const std::string conf = dir.file("pmtr.conf");
  write_file(conf, "report to " + collector.url() + "\n" + job("web", "/bin/sleep 1000"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 10000ms);
  CHECK(report_where(collector, 11000ms, [&](const pmtr::Report& x) { return row(x, "web") && row(x, "web")->pid == web; })
            .has_value());
  // Stopped by an operator: `d` and, once it is gone, no pid; soon.  (A
  // report may come between the two: `d` with the pid of the job still
  // stopping.)
  CHECK_EQUAL(0, pmtrctl(pmtr, {"stop", "web"}).status);
  auto stopped = report_where(collector, kChangeDeadline,
                              [](const pmtr::Report& x) { return row(x, "web") && !row(x, "web")->enabled && row(x, "web")->pid == 0; });
  CHECK_TEXT(stopped.has_value(), pmtr.log().c_str());
  CHECK_EQUAL(0u, row(*stopped, "web")->seconds_up);
  // Nothing changes now: the next report comes with the period, 10 s on.
  const auto t0 = std::chrono::steady_clock::now();
  collector.drain();
  auto periodic = report_where(collector, 11000ms, [](const pmtr::Report& x) { return row(x, "web") != nullptr; });
  CHECK(periodic.has_value());
  CHECK(std::chrono::steady_clock::now() - t0 >= 5000ms);
  // Started again: `e` and the new pid, soon.
  CHECK_EQUAL(0, pmtrctl(pmtr, {"start", "web"}).status);
  const pid_t again = pmtr.wait_new_pid("web", web, 10000ms);
  CHECK(again > 0);
  CHECK(report_where(collector, kChangeDeadline + 1000ms,
                     [&](const pmtr::Report& x) { return row(x, "web") && row(x, "web")->enabled && row(x, "web")->pid == again; })
            .has_value());
}

TEST(NetReport, SeveralTargetsAndAHostNameEachGetTheReport) {
  UdpCollector second;
  const std::string conf = dir.file("pmtr.conf");
  write_file(conf, "report to " + collector.url() + "\nreport to udp://localhost:" + std::to_string(second.port()) + "\n" +
                       job("web", "/bin/sleep 1000"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 10000ms);
  auto has_web = [&](const pmtr::Report& x) { return row(x, "web") && row(x, "web")->pid == web; };
  CHECK_TEXT(report_where(collector, 11000ms, has_web).has_value(), pmtr.log().c_str());
  CHECK_TEXT(report_where(second, 11000ms, has_web).has_value(), pmtr.log().c_str());
}

TEST(NetReport, AnInterfaceAddsItsAddressToTheReportLine) {
  // @lo: the report leaves through lo (IP_MULTICAST_IF) and names lo's
  // address; a unicast collector on loopback receives it as well.
  const std::string conf = dir.file("pmtr.conf");
  write_file(conf, "report to " + collector.url() + "@lo\n" + job("web", "/bin/sleep 1000"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 10000ms);
  auto r = report_where(collector, 11000ms, [&](const pmtr::Report& x) { return row(x, "web") && row(x, "web")->pid == web; });
  CHECK_TEXT(r.has_value(), pmtr.log().c_str());
  STRCMP_EQUAL(hostname().c_str(), r->host.c_str());
  STRCMP_EQUAL("127.0.0.1", r->ip.c_str());
}
