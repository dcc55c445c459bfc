// Live reload end to end (pmtr(8) DESCRIPTION, pmtr.conf(5) RELOAD RULES;
// issue 3): the real pmtr, the real sandboxed parser, jobs observed
// through the log and /proc.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(Reload) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(Reload, AddRemoveChangeKeepsUnchangedPids) {
  write_file(conf, job("keep", "/bin/sleep 1001") + job("change", "/bin/sleep 1002") +
                       job("drop", "/bin/sleep 1003"));
  Pmtr pmtr(conf);
  const pid_t keep = pmtr.wait_job("keep", 5000ms);
  const pid_t change = pmtr.wait_job("change", 5000ms);
  const pid_t drop = pmtr.wait_job("drop", 5000ms);
  CHECK(keep > 0 && change > 0 && drop > 0);

  write_file(conf, job("keep", "/bin/sleep 1001") + job("change", "/bin/sleep 1012") +
                       job("added", "/bin/sleep 1004"));
  const pid_t changed = pmtr.wait_new_pid("change", change, 5000ms);
  CHECK(changed > 0);
  CHECK(pmtr.wait_job("added", 5000ms) > 0);
  CHECK(poll_until([&] { return !process_alive(drop) && !process_alive(change); }, 5000ms));
  CHECK_EQUAL(keep, pmtr.job_pid("keep"));
  CHECK(process_alive(keep));
  CHECK_EQUAL(1, pmtr.count_log("started job keep ["));
  // Right after fork the child may not have exec'd yet: poll.
  CHECK(poll_until([&] {
    const std::string cmd = read_file("/proc/" + std::to_string(changed) + "/cmdline");
    return cmd.find(std::string("sleep\0" "1012", 10)) != std::string::npos;
  }, 5000ms));
}

TEST(Reload, CommentOutAndDisableStopJobs) {
  write_file(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sleep 1002") + job("c", "/bin/sleep 1003"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms), b = pmtr.wait_job("b", 5000ms), c = pmtr.wait_job("c", 5000ms);
  CHECK(a > 0 && b > 0 && c > 0);
  // b commented out, c disabled.
  write_file(conf, job("a", "/bin/sleep 1001") + "# job {\n#  name b\n#  cmd /bin/sleep 1002\n# }\n" +
                       job("c", "/bin/sleep 1003", "  disable\n"));
  CHECK(poll_until([&] { return !process_alive(b) && !process_alive(c); }, 5000ms));
  CHECK(process_alive(a));
  CHECK_EQUAL(1, pmtr.count_log("started job c ["));
  // Re-enabling starts c again.
  write_file(conf, job("a", "/bin/sleep 1001") + job("c", "/bin/sleep 1003"));
  CHECK(pmtr.wait_new_pid("c", c, 5000ms) > 0);
  CHECK_EQUAL(a, pmtr.job_pid("a"));
}

TEST(Reload, InPlaceWriteAndSighup) {
  write_file(conf, job("a", "/bin/sleep 1001"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms);
  CHECK(a > 0);
  write_in_place(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sleep 1002"));
  CHECK(pmtr.wait_job("b", 5000ms) > 0);
  const int rescans = pmtr.count_log("rescanning job configuration");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("rescanning job configuration", 5000ms, rescans + 1));
  CHECK(pmtr.wait_log("applying configuration: 2 kept, 0 added, 0 changed, 0 removed", 5000ms));
  CHECK_EQUAL(a, pmtr.job_pid("a"));
  CHECK_EQUAL(1, pmtr.count_log("started job a ["));
}

TEST(Reload, InvalidEditKeepsJobsAndFixApplies) {
  write_file(conf, job("a", "/bin/sleep 1001"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms);
  CHECK(a > 0);
  write_file(conf, job("a", "/bin/sleep 1001") + "job {\n  nmae b\n  cmd /bin/sleep 1002\n}\n");
  CHECK(pmtr.wait_log("parse failed", 5000ms));
  CHECK(pmtr.wait_log(conf + ":6:3: error: unknown option 'nmae' (did you mean 'name'?)", 1000ms));
  CHECK(process_alive(a));
  write_file(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sleep 1002"));
  CHECK(pmtr.wait_job("b", 5000ms) > 0);
  CHECK_EQUAL(a, pmtr.job_pid("a"));
}

TEST(Reload, DependsChangeRestartsOnlyItsJob) {
  const std::string dep = dir.file("dep.conf");
  write_file(dep, "v1\n");
  write_file(conf, job("dep", "/bin/sleep 1001", "  depends {\n    " + dep + "\n  }\n") +
                       job("other", "/bin/sleep 1002"));
  Pmtr pmtr(conf);
  const pid_t d = pmtr.wait_job("dep", 5000ms), o = pmtr.wait_job("other", 5000ms);
  CHECK(d > 0 && o > 0);
  write_file(dep, "v2\n");
  CHECK(pmtr.wait_new_pid("dep", d, 5000ms) > 0);
  // Same content rewritten: no restart.
  const pid_t d2 = pmtr.job_pid("dep");
  write_file(dep, "v2\n");
  write_file(dir.file("unrelated"), "x");
  // Barrier: once a SIGHUP's parse is applied, the earlier inotify events
  // have been handled too.
  const int applied = pmtr.count_log("applying configuration");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("applying configuration", 5000ms, applied + 1));
  CHECK_EQUAL(1, pmtr.count_log("dep.conf changed"));
  CHECK_EQUAL(d2, pmtr.job_pid("dep"));
  CHECK_EQUAL(o, pmtr.job_pid("other"));
}

TEST(Reload, RootOwned0600ConfigWorks) {
  PMTR_REQUIRE_ROOT();
  write_file(conf, job("a", "/bin/sleep 1001"), 0600);
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
}

TEST(Reload, GroupWritableConfigRefused) {
  write_file(conf, job("a", "/bin/sleep 1001"), 0664);
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("refusing config: " + conf + " is writable by its group", 5000ms));
  int st = pmtr.stop(5000ms);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
  CHECK_EQUAL(0, pmtr.count_log("started job"));
}

TEST(Reload, GroupWritableEditRefusedJobsKept) {
  write_file(conf, job("a", "/bin/sleep 1001"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms);
  CHECK(a > 0);
  write_file(conf, job("b", "/bin/sleep 1002"), 0666);
  CHECK(pmtr.wait_log("is writable by others", 5000ms));
  CHECK(process_alive(a));
  CHECK_EQUAL(-1, pmtr.job_pid("b"));
  chmod(conf.c_str(), 0644);   // IN_ATTRIB: now acceptable, applied
  CHECK(pmtr.wait_job("b", 5000ms) > 0);
}
