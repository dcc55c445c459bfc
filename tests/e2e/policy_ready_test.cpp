// Readiness through the real pmtr: `ready fd N` gives the job a pipe on fd
// N; `wait ready` holds the jobs after it until a line arrives there; and
// `ready timeout T` stops a job that stays silent and counts that as a
// quick exit (restarted after its backoff, whatever its uptime).
#include <signal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_stamps.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

std::string state_of(const Pmtr& p, const std::string& name) {
  const CtlExchange x = ctl(p.control_socket(), CtlStatusRequest{{name}});
  const JobStatus* s = find_status(x, name);
  return s ? public_state_name(s->state) : "?";
}

// A SIGHUP's parse being applied means every earlier event was handled.
void rescan_barrier(const Pmtr& pmtr) {
  const int applied = pmtr.count_log("applying configuration");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("applying configuration", 5000ms, applied + 1));
}

bool has_fd(pid_t pid, int fd) {
  const std::vector<int> fds = proc_fds(pid);
  return std::find(fds.begin(), fds.end(), fd) != fds.end();
}

}  // namespace

TEST_GROUP(PolicyReady) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(PolicyReady, WaitReadyHoldsLaterJobsUntilTheLineArrives) {
  // db says it is ready on fd 5 once the test creates `go`, then stays up.
  const std::string go = dir / "go", up = dir / "up";
  write_file(dir / "db.sh", "echo up > " + up + "\n"
                            "while [ ! -e " + go + " ]; do /bin/sleep 0.05; done\n"
                            "echo ready >&5\n"
                            "exec /bin/sleep 3401\n");
  write_file(conf, "job {\n  name db\n  cmd /bin/sh " + dir.file("db.sh") + "\n  ready fd 5\n  wait ready\n}\n" +
                       "job {\n  name app\n  cmd /bin/sleep 3402\n}\n");
  Pmtr pmtr(conf);
  const pid_t db = pmtr.wait_job("db", 5000ms);
  CHECK(db > 0);
  CHECK(poll_until([&] { return read_file(up) == "up\n"; }, 5000ms));
  CHECK(has_fd(db, 5));
  rescan_barrier(pmtr);
  STRCMP_EQUAL("starting", state_of(pmtr, "db").c_str());
  STRCMP_EQUAL("waiting", state_of(pmtr, "app").c_str());
  CHECK_EQUAL(-1, pmtr.job_pid("app"));

  write_file(go, "");
  CHECK(pmtr.wait_log("job db [" + std::to_string(db) + "] is ready", 5000ms));
  const pid_t app = pmtr.wait_job("app", 5000ms);
  CHECK(app > 0);
  const std::string log = pmtr.log();
  CHECK(log.find("] is ready") < log.find("started job app ["));
  STRCMP_EQUAL("ready", state_of(pmtr, "db").c_str());
  STRCMP_EQUAL("running", state_of(pmtr, "app").c_str());
  CHECK_EQUAL(db, pmtr.job_pid("db"));   // readiness is not a restart
  CHECK(process_alive(db));
}

TEST(PolicyReady, SilentJobIsStoppedAtItsReadyTimeoutAsAQuickExit) {
  // Uptime 500 ms, past `stable after 100ms`: only the failed readiness
  // makes it a quick exit, delayed the first time, given up the second.
  write_file(conf, "job {\n  name mute\n  cmd /bin/sleep 3411\n  ready fd 3\n  ready timeout 500ms\n"
                   "  stable after 100ms\n  backoff 1s to 1s\n  give up after 2 in 1m\n}\n");
  Pmtr pmtr(conf);
  const pid_t first = pmtr.wait_job("mute", 5000ms);
  CHECK(first > 0);
  const std::string tag = "job mute [" + std::to_string(first) + "] ";
  CHECK(pmtr.wait_log(tag + "not ready within 500 ms; stopping it", 5000ms));
  CHECK(pmtr.wait_log(tag + "exited after 0 s: signal 15 (Terminated); restart 1 in 1 s", 2000ms));
  CHECK(pmtr.wait_log("job mute restarting too fast, delaying restart 1 s", 1000ms));
  CHECK(poll_until([&] { return !process_exists(first); }, 2000ms));
  STRCMP_EQUAL("delayed", state_of(pmtr, "mute").c_str());

  const pid_t second = pmtr.wait_new_pid("mute", first, 5000ms);
  CHECK(second > 0);
  const std::string tag2 = "job mute [" + std::to_string(second) + "] ";
  CHECK(pmtr.wait_log(tag2 + "exited after 0 s: signal 15 (Terminated); giving up", 5000ms));
  CHECK(pmtr.wait_log("job mute gave up after 2 quick exits within 60 s", 1000ms));
  STRCMP_EQUAL("failed", state_of(pmtr, "mute").c_str());

  const std::string log = pmtr.log();
  const double started = stamp_of(log, "started job mute ["), timed_out = stamp_of(log, tag + "not ready within");
  const double exited = stamp_of(log, tag + "exited after"), restarted = stamp_of(log, "started job mute [", 1);
  // The ready timeout runs from the fork; "started job" is logged once the
  // spawn returns, later by the spawn's own time (tens of ms when every job
  // is forked, as under AddressSanitizer): the interval seen in the log is
  // the timeout less that.  Not at once, and not never.
  CHECK_TEXT(timed_out - started >= 0.25 && timed_out - started < 1.5, std::to_string(timed_out - started).c_str());
  CHECK_TEXT(restarted - exited >= 0.95 && restarted - exited < 2.0, std::to_string(restarted - exited).c_str());
  CHECK_FALSE(pmtr.wait_log("started job mute [", 1500ms, 3));
}
