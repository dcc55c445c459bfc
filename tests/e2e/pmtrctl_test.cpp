// pmtrctl against the real monitor: the commands an admin types, their
// output and their exit statuses (0 ok, 1 failed, 3 not up, 4 unknown
// job, 5 denied, 6 no pmtr).
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/pmtrctl_runner.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_GROUP(Pmtrctl) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(Pmtrctl, StatusTableJsonAndMetricsDescribeTheRunningJobs) {
  write_file(conf, job("web", "/bin/sleep 1501") + job("off", "/bin/sleep 1502", "  disable\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  const Ran table = pmtrctl(pmtr, {"status"});
  CHECK_EQUAL_TEXT(0, table.status, table.out.c_str());
  CHECK(contains(table.out, "NAME"));
  CHECK(contains(table.out, "web"));
  CHECK(contains(table.out, "running"));
  CHECK(contains(table.out, std::to_string(web)));
  CHECK(contains(table.out, "disabled"));
  for (size_t at = 0, nl; at < table.out.size(); at = nl + 1) {
    nl = table.out.find('\n', at);
    if (nl == std::string::npos) nl = table.out.size();
    CHECK_TEXT(nl - at <= 80, table.out.substr(at, nl - at).c_str());
  }
  const Ran json = pmtrctl(pmtr, {"status", "--json"});
  CHECK_EQUAL(0, json.status);
  CHECK(json.out.rfind("[", 0) == 0);
  CHECK(contains(json.out, "\"name\": \"web\"") || contains(json.out, "\"name\":\"web\""));
  CHECK(contains(json.out, std::to_string(web)));
  const Ran metrics = pmtrctl(pmtr, {"metrics"});
  CHECK_EQUAL(0, metrics.status);
  CHECK(contains(metrics.out, "pmtr_job_up{job=\"web\"} 1"));
  CHECK(contains(metrics.out, "pmtr_job_up{job=\"off\"} 0"));
  CHECK(contains(metrics.out, "# TYPE pmtr_job_restarts_total counter"));
}

TEST(Pmtrctl, ExitStatusesSayWhatHappened) {
  write_file(conf, job("web", "/bin/sleep 1511") + job("off", "/bin/sleep 1512", "  disable\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  CHECK(pmtr.wait_job("web", 5000ms) > 0);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"status", "web"}).status);
  CHECK_EQUAL(3, pmtrctl(pmtr, {"status", "off"}).status);   // named and not up
  const Ran unknown = pmtrctl(pmtr, {"stop", "wbe"});
  CHECK_EQUAL(4, unknown.status);
  CHECK_TEXT(contains(unknown.out, "no job 'wbe' (did you mean 'web'?)"), unknown.out.c_str());
  const Ran usage = pmtrctl(pmtr, {"frobnicate"});
  CHECK_EQUAL(2, usage.status);
  std::string out;
  CHECK_EQUAL(6, run_command({pmtrctl_bin(), "-s", dir.file("nothing-here"), "status"}, &out));
  CHECK(contains(out, dir.file("nothing-here")));
  const Ran refused = pmtrctl(pmtr, {"start", "off"});
  CHECK_EQUAL(1, refused.status);
  CHECK(contains(refused.out, "disable"));
}

TEST(Pmtrctl, StopWaitStartRestartAndSignal) {
  write_file(conf, job("web", "/bin/sleep 1521"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"stop", "web"}).status);
  const Ran down = pmtrctl(pmtr, {"wait", "down", "web", "--timeout", "5s"});
  CHECK_EQUAL_TEXT(0, down.status, down.out.c_str());
  CHECK(!process_alive(web));
  CHECK_EQUAL(3, pmtrctl(pmtr, {"status", "web"}).status);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"start", "web"}).status);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"wait", "up", "web", "--timeout", "5s"}).status);
  const pid_t web2 = pmtr.wait_new_pid("web", web, 5000ms);
  CHECK(web2 > 0);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"restart", "web"}).status);
  const pid_t web3 = pmtr.wait_new_pid("web", web2, 5000ms);
  CHECK(web3 > 0);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"signal", "TERM", "web"}).status);
  // TERM from an operator is an exit like any other: the job is restarted.
  CHECK(pmtr.wait_new_pid("web", web3, 15000ms) > 0);
  const Ran timeout = pmtrctl(pmtr, {"wait", "down", "web", "--timeout", "300ms"});
  CHECK_EQUAL(1, timeout.status);
}

TEST(Pmtrctl, ReloadPrintsTheParsersDiagnosticsWithTheConfigPath) {
  write_file(conf, job("web", "/bin/sleep 1531"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  CHECK_EQUAL(0, pmtrctl(pmtr, {"reload"}).status);
  write_in_place(conf, job("web", "/bin/sleep 1531") + "job {\n  nmae x\n}\n");
  const Ran bad = pmtrctl(pmtr, {"reload"});
  CHECK_EQUAL(1, bad.status);
  CHECK_TEXT(contains(bad.out, conf + ":5:"), bad.out.c_str());
  CHECK(contains(bad.out, "did you mean 'name'?"));
  CHECK_EQUAL(web, pmtr.job_pid("web"));
}

TEST(Pmtrctl, AnOrdinaryUserMayReadButIsToldWhichRightStopNeeds) {
  PMTR_REQUIRE_ROOT();
  TestUser user("ctl");
  CHECK_TEXT(user.ok(), user.error().c_str());
  write_file(conf, job("web", "/bin/sleep 1541"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  const std::string socket = pmtr.control_socket();
  const int read = user.run_as([&] {
    std::string out;
    return run_command({pmtrctl_bin(), "-s", socket, "status"}, &out);
  });
  CHECK_EQUAL(0, read);
  const std::string verdict = dir.file("stop.out");
  write_in_place(verdict, "");
  CHECK_EQUAL(0, chown(verdict.c_str(), user.uid(), user.gid()));
  const int stop = user.run_as([&] {
    std::string out;
    const int rc = run_command({pmtrctl_bin(), "-s", socket, "stop", "web"}, &out);
    write_in_place(verdict, out);
    return rc;
  });
  CHECK_EQUAL(5, stop);
  CHECK_TEXT(contains(read_file(verdict), "operate"), read_file(verdict).c_str());
  CHECK_EQUAL(web, pmtr.job_pid("web"));
  CHECK(process_alive(web));
}
