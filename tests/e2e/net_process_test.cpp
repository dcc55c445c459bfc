// pmtr-net as a process: unprivileged, no capabilities, no_new_privs, its
// seccomp filter on, holding only the fds it was given (/proc is the
// proof, as for the parser and pmtr-log); and killed twenty times, it
// comes back each time with the jobs untouched, and the reports resume.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <string>
#include <vector>

#include "common/net_fds.hpp"
#include "common/udp_report.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/udp_support.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(NetProcess) {
  TempDir dir;
  UdpCollector collector;
  std::string conf;
  uint16_t port = 0;
  void setup() override {
    port = free_udp_port();
    conf = dir.file("pmtr.conf");
    write_file(conf, "report to " + collector.url() + "\nlisten on udp://127.0.0.1:" + std::to_string(port) + "\n" +
                         job("web", "/bin/sleep 1000"));
  }
};

TEST(NetProcess, PmtrNetRunsUnprivilegedUnderSeccompWithOnlyItsFds) {
  Pmtr pmtr(conf);
  pid_t np = -1;
  CHECK(poll_until([&] { return (np = pmtr.net_pid()) > 0 && proc_status_field(np, "Seccomp") == "2"; }, 10000ms));
  STRCMP_EQUAL("1", proc_status_field(np, "NoNewPrivs").c_str());
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapAmb"})
    STRCMP_EQUAL_TEXT("0000000000000000", proc_status_field(np, set).c_str(), set);
  // stdin/stdout (/dev/null), stderr (a pipe to pmtr), the channel, the
  // nonce cache, the listen socket, one report socket, its epoll fd.
  const std::vector<int> fds = proc_fds(np);
  CHECK_EQUAL(8u, fds.size());
  for (int fd : {0, 1, 2, pmtr::kNetChannelFd, pmtr::kNetNoncesFd, pmtr::kNetListenFd, pmtr::kNetReportFd0})
    CHECK_TEXT(std::find(fds.begin(), fds.end(), fd) != fds.end(), std::to_string(fd).c_str());
  if (geteuid() != 0) PMTR_SKIP("ids and bounding set: needs root");
  STRCMP_EQUAL("0000000000000000", proc_status_field(np, "CapBnd").c_str());
  const std::string uid = proc_status_field(np, "Uid");
  CHECK(uid.rfind("0\t", 0) != 0);
  // The same unprivileged user as the parser's.
  const std::string first = uid.substr(0, uid.find('\t'));
  STRCMP_EQUAL((first + "\t" + first + "\t" + first + "\t" + first).c_str(), uid.c_str());
}

TEST(NetProcess, KilledTwentyTimesItComesBackJobsUntouchedReportsResume) {
  Pmtr pmtr(conf, {"-v"});   // -vv: "pmtr-net [PID] is up"
  const pid_t web = pmtr.wait_job("web", 10000ms);
  CHECK(web > 0);
  for (int k = 0; k < 20; ++k) {
    // Up (its backoff reset): each kill is of a pmtr-net that got going.
    CHECK_TEXT(pmtr.wait_log("] is up", 10000ms, k + 1), pmtr.log().c_str());
    const pid_t old = pmtr.net_pid();
    CHECK(old > 0);
    CHECK_EQUAL(0, kill(old, SIGKILL));
    CHECK_TEXT(poll_until([&] { const pid_t p = pmtr.net_pid(); return p > 0 && p != old; }, 10000ms), pmtr.log().c_str());
  }
  CHECK_EQUAL(20, pmtr.count_log("new pmtr-net in"));
  collector.drain();
  // Reports resume, the job untouched; and it still listens.
  bool reported = false;
  CHECK(poll_until(
      [&] {
        auto d = collector.next(100ms);
        if (!d) return false;
        auto r = pmtr::parse_report(*d);
        reported = r && !r->rows.empty() && r->rows.front().pid == web;
        return reported;
      },
      15000ms));
  CHECK(process_alive(web));
  CHECK_EQUAL(1, pmtr.count_log("started job web ["));
  CHECK(send_udp(port, "disable web"));
  CHECK_TEXT(pmtr.wait_log("udp: stop of job web", 10000ms), pmtr.log().c_str());
}
