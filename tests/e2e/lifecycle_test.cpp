// The job lifecycle end to end (pmtr.conf(5) RESTART RULES: start, `wait`,
// `order`, `disable`, `bounce`, orphans, spawn failures): the real pmtr,
// jobs observed through its log and /proc.  The slow rules (10 s restart
// delay, 10 s uptime) each have a group of their own so that
// tests/run_all.sh runs them side by side.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/e2e_harness.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Waits for the log line and returns when it was seen (or nullopt).
bool wait_log_at(const Pmtr& pmtr, const std::string& needle, std::chrono::milliseconds timeout,
                 Clock::time_point* at, int count = 1) {
  const bool ok = pmtr.wait_log(needle, timeout, count);
  *at = Clock::now();
  return ok;
}

std::string exited_line(const std::string& name, pid_t pid) {
  return "job " + name + " [" + std::to_string(pid) + "] exited after ";
}

std::vector<std::string> started_names(const Pmtr& pmtr) {
  std::vector<std::string> out;
  for (const auto& [name, pid] : pmtr.started_jobs()) out.push_back(name);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// A SIGHUP's parse being applied means every earlier event was handled.
void rescan_barrier(const Pmtr& pmtr) {
  const int applied = pmtr.count_log("applying configuration");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("applying configuration", 5000ms, applied + 1));
}

}  // namespace

// ---- fast rules ---------------------------------------------------------------

TEST_GROUP(LifecycleStart) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleStart, StartsEveryJob) {
  write_file(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sh -c \"exec /bin/sleep 1002\""));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms), b = pmtr.wait_job("b", 5000ms);
  CHECK(a > 0 && b > 0);
  CHECK(process_alive(a) && process_alive(b));
  CHECK_EQUAL(pmtr.pid(), parent_of(a));
  CHECK_EQUAL(pmtr.pid(), parent_of(b));
  CHECK(poll_until([&] { return proc_cmdline(a) == "/bin/sleep 1001"; }, 2000ms));
  CHECK(poll_until([&] { return proc_cmdline(b) == "/bin/sleep 1002"; }, 2000ms));
}

TEST(LifecycleStart, LowerOrderFirstTiesKeepFileOrder) {
  // File order deliberately differs from start order; the tie (zz, yy) is
  // in reverse alphabetical order, so neither name order nor hash order
  // can pass for file order.
  write_file(conf, job("late", "/bin/sleep 1011", "  order 3\n") +
                       job("first", "/bin/sleep 1012", "  order 1\n") +
                       job("zz", "/bin/sleep 1013", "  order 2\n") +
                       job("yy", "/bin/sleep 1014", "  order 2\n") +
                       job("dflt", "/bin/sleep 1015") +
                       job("neg", "/bin/sleep 1016", "  order -1\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("started job ", 5000ms, 6));
  STRCMP_EQUAL("neg,dflt,first,zz,yy,late", join(started_names(pmtr)).c_str());
}

TEST(LifecycleStart, DisabledJobNeverStarts) {
  write_file(conf, job("a", "/bin/sleep 1021") + job("off", "/bin/sleep 1022", "  disable\n") +
                       job("c", "/bin/sleep 1023"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
  CHECK(pmtr.wait_job("c", 5000ms) > 0);
  rescan_barrier(pmtr);
  CHECK_EQUAL(-1, pmtr.job_pid("off"));
  CHECK_EQUAL(-1, find_descendant(pmtr.pid(), "/bin/sleep 1022"));
}

TEST(LifecycleStart, WaitJobHoldsBackLaterJobsUntilItExits) {
  write_file(conf, job("before", "/bin/sleep 1031") + job("w", "/bin/sleep 1", "  wait\n") +
                       job("later", "/bin/sleep 1032"));
  Pmtr pmtr(conf);
  Clock::time_point w_seen{}, later_seen{};
  CHECK(wait_log_at(pmtr, "started job w [", 5000ms, &w_seen));
  const pid_t w = pmtr.job_pid("w");
  CHECK(pmtr.job_pid("before") > 0);   // ahead of the wait job: not held
  CHECK_EQUAL(-1, pmtr.job_pid("later"));
  CHECK(wait_log_at(pmtr, "started job later [", 5000ms, &later_seen));
  const std::string log = pmtr.log();
  const size_t w_exit = log.find(exited_line("w", w));
  CHECK(w_exit != std::string::npos);
  CHECK(log.find("started job later [") > w_exit);
  CHECK(seconds_between(w_seen, later_seen) > 0.8);
}

TEST(LifecycleStart, ChangedWaitJobKeepsHoldingLaterJobs) {
  // The wait job never exited on its own; restarting it for a new
  // definition must not release the jobs behind it, not even while its
  // old process is being stopped.
  write_file(conf, job("w", "/bin/sleep 1033", "  wait\n") + job("later", "/bin/sleep 1034"));
  Pmtr pmtr(conf);
  const pid_t w = pmtr.wait_job("w", 5000ms);
  CHECK(w > 0);
  write_file(conf, job("w", "/bin/sleep 1035", "  wait\n") + job("later", "/bin/sleep 1034"));
  const pid_t w2 = pmtr.wait_new_pid("w", w, 5000ms);
  CHECK(w2 > 0);
  rescan_barrier(pmtr);
  CHECK(process_alive(w2));
  CHECK_EQUAL(-1, pmtr.job_pid("later"));
}

TEST(LifecycleStart, ChangedJobRestartsAtOnceWhateverItsUptime) {
  write_file(conf, job("c", "/bin/sleep 1041") + job("keep", "/bin/sleep 1042"));
  Pmtr pmtr(conf);
  const pid_t c = pmtr.wait_job("c", 5000ms), keep = pmtr.wait_job("keep", 5000ms);
  CHECK(c > 0 && keep > 0);
  // Uptime well under 10 s: still no restart delay for a changed job.
  const Clock::time_point edited = Clock::now();
  write_file(conf, job("c", "/bin/sleep 1043") + job("keep", "/bin/sleep 1042"));
  const pid_t c2 = pmtr.wait_new_pid("c", c, 5000ms);
  CHECK(c2 > 0);
  CHECK(seconds_between(edited, Clock::now()) < 3.0);
  CHECK(pmtr.wait_log("job c changed, restarting", 1000ms));
  CHECK(poll_until([&] { return !process_alive(c); }, 2000ms));
  CHECK(poll_until([&] { return proc_cmdline(c2) == "/bin/sleep 1043"; }, 2000ms));
  CHECK_EQUAL(0, pmtr.count_log("restarting too fast"));
  CHECK_EQUAL(keep, pmtr.job_pid("keep"));
}

TEST(LifecycleStart, ChangedJobInItsRestartDelayStartsAtOnce) {
  write_file(conf, job("q", "/bin/true"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("job q restarting too fast, delaying restart 10 s", 5000ms));
  const pid_t q = pmtr.job_pid("q");
  const Clock::time_point edited = Clock::now();
  write_file(conf, job("q", "/bin/sleep 1044"));
  const pid_t q2 = pmtr.wait_new_pid("q", q, 5000ms);
  CHECK(q2 > 0);
  CHECK(seconds_between(edited, Clock::now()) < 3.0);
  CHECK(poll_until([&] { return proc_cmdline(q2) == "/bin/sleep 1044"; }, 2000ms));
}

// ---- bounce -------------------------------------------------------------------

TEST_GROUP(LifecycleBounce) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleBounce, BounceEveryTwoSecondsRestartsTwice) {
  write_file(conf, job("b", "/bin/sleep 1051", "  bounce every 2s\n") + job("steady", "/bin/sleep 1052"));
  Pmtr pmtr(conf);
  Clock::time_point t1{}, t2{}, t3{};
  CHECK(wait_log_at(pmtr, "started job b [", 5000ms, &t1));
  const pid_t p1 = pmtr.job_pid("b"), steady = pmtr.wait_job("steady", 5000ms);
  CHECK(wait_log_at(pmtr, "started job b [", 5000ms, &t2, 2));
  const pid_t p2 = pmtr.job_pid("b");
  CHECK(wait_log_at(pmtr, "started job b [", 5000ms, &t3, 3));
  const pid_t p3 = pmtr.job_pid("b");
  CHECK(p1 != p2 && p2 != p3 && p1 != p3);
  for (const double gap : {seconds_between(t1, t2), seconds_between(t2, t3)}) {
    CHECK(gap > 1.5);
    CHECK(gap < 4.0);
  }
  CHECK(pmtr.count_log("bouncing job b [") >= 2);
  CHECK(!process_alive(p1));
  CHECK(poll_until([&] { return !process_alive(p2); }, 2000ms));
  CHECK_EQUAL(steady, pmtr.job_pid("steady"));
  CHECK(process_alive(steady));
}

// ---- orphans ------------------------------------------------------------------

TEST_GROUP(LifecycleOrphans) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleOrphans, DaemonizedGrandchildIsReapedByPmtr) {
  // The job forks a background sleep and exits: the sleep is orphaned and,
  // pmtr being a child subreaper, becomes pmtr's child.
  write_file(conf, job("dbl", "/bin/sh -c \"/bin/sleep 1061 &\"", "  once\n"));
  Pmtr pmtr(conf);
  const pid_t sh = pmtr.wait_job("dbl", 5000ms);
  CHECK(sh > 0);
  CHECK(pmtr.wait_log(exited_line("dbl", sh), 5000ms));
  pid_t orphan = -1;
  CHECK(poll_until([&] { return (orphan = find_descendant(pmtr.pid(), "/bin/sleep 1061")) > 0; }, 5000ms));
  CHECK(poll_until([&] { return parent_of(orphan) == pmtr.pid(); }, 5000ms));
  kill(orphan, SIGKILL);
  // Reaped, not left a zombie: its /proc entry disappears.
  CHECK(poll_until([&] { return !process_exists(orphan); }, 5000ms));
  CHECK(pmtr.wait_log("reaped orphan [" + std::to_string(orphan) + "]", 2000ms));
  CHECK(process_alive(pmtr.pid()));
}

// ---- slow: the 10 s restart delay ---------------------------------------------

TEST_GROUP(LifecycleRestartDelay) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleRestartDelay, QuickExitRestartsTenSecondsLater) {
  write_file(conf, job("quick", "/bin/true"));
  Pmtr pmtr(conf);
  const pid_t first = pmtr.wait_job("quick", 5000ms);
  CHECK(first > 0);
  Clock::time_point exited{}, restarted{};
  CHECK(wait_log_at(pmtr, exited_line("quick", first), 5000ms, &exited));
  CHECK(pmtr.wait_log("job quick restarting too fast, delaying restart 10 s", 1000ms));
  CHECK(pmtr.wait_new_pid("quick", first, 14000ms) > 0);
  restarted = Clock::now();
  const double delay = seconds_between(exited, restarted);
  CHECK(delay >= 9.0);
  CHECK(delay <= 12.0);
}

// ---- slow: a job that ran 10 s is restarted at once ---------------------------

TEST_GROUP(LifecycleLongRunner) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleLongRunner, JobThatRanTenSecondsRestartsAtOnce) {
  // One exits on its own after 10.5 s; the other is killed after 10.2 s.
  write_file(conf, job("natural", "/bin/sleep 10.5") + job("killed", "/bin/sleep 1071"));
  Pmtr pmtr(conf);
  const pid_t n1 = pmtr.wait_job("natural", 5000ms), k1 = pmtr.wait_job("killed", 5000ms);
  const Clock::time_point seen = Clock::now();
  CHECK(n1 > 0 && k1 > 0);
  // Waiting out the uptime is the point here: nothing to poll for.
  std::this_thread::sleep_until(seen + 10200ms);
  Clock::time_point killed_at = Clock::now();
  kill(k1, SIGKILL);
  const pid_t k2 = pmtr.wait_new_pid("killed", k1, 3000ms);
  CHECK(k2 > 0);
  CHECK(seconds_between(killed_at, Clock::now()) < 2.0);
  Clock::time_point natural_exit{};
  CHECK(wait_log_at(pmtr, exited_line("natural", n1), 5000ms, &natural_exit));
  const pid_t n2 = pmtr.wait_new_pid("natural", n1, 3000ms);
  CHECK(n2 > 0);
  CHECK(seconds_between(natural_exit, Clock::now()) < 2.0);
  CHECK_EQUAL(0, pmtr.count_log("restarting too fast"));
  CHECK(process_alive(k2));
}

// ---- slow: exit status 33 and `once` ------------------------------------------

TEST_GROUP(LifecycleNoRestart) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleNoRestart, ExitStatus33AndOnceAreNeverRestarted) {
  // `control` exits quickly too and is restarted after 10 s: once it has
  // been, the other two would have been as well.
  write_file(conf, job("e33", "/bin/sh -c \"exit 33\"") + job("one", "/bin/true", "  once\n") +
                       job("control", "/bin/true"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("job e33 will not be restarted (exit status 33)", 5000ms));
  CHECK(pmtr.wait_log("job one will not be restarted (once)", 5000ms));
  CHECK(pmtr.wait_log("started job control [", 14000ms, 2));
  // The three would-be restart deadlines lie within milliseconds of each
  // other; give a wrong restart a second to show.
  CHECK_FALSE(pmtr.wait_log("started job e33 [", 1000ms, 2));
  CHECK_EQUAL(1, pmtr.count_log("started job e33 ["));
  CHECK_EQUAL(1, pmtr.count_log("started job one ["));
  CHECK_EQUAL(0, pmtr.count_log("job e33 restarting too fast"));
  CHECK_EQUAL(0, pmtr.count_log("job one restarting too fast"));
}

// ---- slow: failures in the child's setup ----------------------------------------

TEST_GROUP(LifecycleSpawnFailure) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(LifecycleSpawnFailure, ExecChdirAndUserFailuresAreLoggedAndDelayed) {
  write_file(conf, job("noexec", "/nonexistent/x") +
                       job("nodir", "/bin/sleep 1081", "  dir /nonexistent\n") +
                       job("nouser", "/bin/sleep 1082", "  user pmtr-e2e-no-such-user\n") +
                       job("fine", "/bin/sleep 1083"));
  Pmtr pmtr(conf);
  const pid_t fine = pmtr.wait_job("fine", 5000ms);
  CHECK(fine > 0);
  Clock::time_point exec_failed{}, chdir_failed{};
  CHECK(wait_log_at(pmtr, "job noexec: exec /nonexistent/x: No such file or directory", 5000ms, &exec_failed));
  CHECK(wait_log_at(pmtr, "job nodir: chdir: No such file or directory", 5000ms, &chdir_failed));
  // A user the host lacks is a host fact: refused before fork (no
  // process), and `failed` until started or changed (SPEC 2.1), not
  // retried.
  CHECK(pmtr.wait_log("job nouser: user 'pmtr-e2e-no-such-user' does not exist; it stays down (failed)", 5000ms));
  for (const char* name : {"noexec", "nodir"})
    CHECK(pmtr.wait_log(std::string("job ") + name + " restarting too fast, delaying restart 10 s", 2000ms));
  CHECK_EQUAL(-1, pmtr.job_pid("nouser"));

  // Each is retried after the delay, not before.
  Clock::time_point exec_retry{}, chdir_retry{};
  CHECK(wait_log_at(pmtr, "job noexec: exec /nonexistent/x: No such file or directory", 14000ms, &exec_retry, 2));
  CHECK(wait_log_at(pmtr, "job nodir: chdir: No such file or directory", 3000ms, &chdir_retry, 2));
  CHECK_EQUAL(1, pmtr.count_log("job nouser: user 'pmtr-e2e-no-such-user' does not exist"));
  CHECK_EQUAL(0, pmtr.count_log("job nouser restarting too fast"));
  for (const double d : {seconds_between(exec_failed, exec_retry), seconds_between(chdir_failed, chdir_retry)}) {
    CHECK(d >= 9.0);
    CHECK(d <= 12.0);
  }
  CHECK_EQUAL(fine, pmtr.job_pid("fine"));
  CHECK(process_alive(fine));
}
