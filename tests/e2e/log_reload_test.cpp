// Log capture across reloads and around pmtr-log's start, through the real
// binaries: a job captured by a reload is captured from its next start; a
// removed job's pipe is drained and closed; new settings restart pmtr-log
// without losing a line; jobs get back the open-files limit pmtr was
// started with; a log directory that is a symlink, or a non-empty one of
// root's, is not taken.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_files.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(LogReload) {
  TempDir dir;
  std::string conf, logs;
  void setup() override {
    conf = dir.file("pmtr.conf");
    logs = dir.file("logs");
  }
  size_t lines(const std::string& job) const { return numbered(log_records(logs + "/" + job), "line").size(); }
};

TEST(LogReload, AJobCapturedByAReloadIsCapturedFromItsNextStart) {
  const std::string head = "log to " + logs + "\n";
  write_file(conf, head + job("w", line_writer("-n 1"), "  restart never\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("job w will not be restarted", 10000ms));
  CHECK_EQUAL(0u, lines("w"));
  write_file(conf, head + job("w", line_writer("-n 1"), "  restart never\n  log\n"));
  CHECK(poll_until([&] { return lines("w") == 1; }, 10000ms));
}

TEST(LogReload, ARemovedJobsPipeIsDrainedAndClosed) {
  const std::string head = "log to " + logs + "\n";
  write_file(conf, head + job("keep", line_writer("-n 1"), "  restart never\n  log\n"));
  Pmtr pmtr(conf);
  CHECK(poll_until([&] { return lines("keep") == 1; }, 10000ms));
  const size_t fds = proc_fds(pmtr.pid()).size();
  write_file(conf, head + job("keep", line_writer("-n 1"), "  restart never\n  log\n") +
                       job("gone", line_writer("-n 3"), "  restart never\n  log\n"));
  CHECK(poll_until([&] { return lines("gone") == 3; }, 10000ms));
  CHECK_EQUAL(fds + 2, proc_fds(pmtr.pid()).size());   // both ends of its pipe
  write_file(conf, head + job("keep", line_writer("-n 1"), "  restart never\n  log\n"));
  CHECK(poll_until([&] { return proc_fds(pmtr.pid()).size() == fds; }, 10000ms));
  CHECK_EQUAL(0, pmtr.count_log("new pmtr-log in"));
}

TEST(LogReload, NewSettingsRestartPmtrLogAndLoseNoLine) {
  const std::string state = dir.file("state");
  const std::string body = job("w", line_writer("-i 2 -s " + state), "  log\n");
  write_file(conf, "log to " + logs + "\n" + body);
  Pmtr pmtr(conf);
  CHECK(poll_until([&] { return lines("w") >= 20; }, 10000ms));
  const pid_t first = pmtr.logger_pid();
  write_file(conf, "log to " + logs + "\nlog rotate 1M keep 2\n" + body);
  CHECK(pmtr.wait_log("log settings changed: restarting pmtr-log", 10000ms));
  CHECK(poll_until([&] { const pid_t p = pmtr.logger_pid(); return p > 0 && p != first; }, 10000ms));
  const size_t before = lines("w");
  CHECK(poll_until([&] { return lines("w") > before + 10; }, 10000ms));
  CHECK(pmtr.stop() >= 0);
  const auto nums = numbered(log_records(logs + "/w"), "line");
  CHECK_EQUAL(1, nums.front());
  STRCMP_EQUAL("", contiguity_problem(nums).c_str());
}

TEST(LogReload, JobsGetTheOpenFilesLimitPmtrWasStartedWith) {
  rlimit saved{};
  CHECK_EQUAL(0, getrlimit(RLIMIT_NOFILE, &saved));
  if (saved.rlim_max <= 256) PMTR_SKIP("the hard open-files limit is too low to tell");
  // pmtr inherits soft 256 and raises it for itself; its jobs get 256.
  rlimit low{256, saved.rlim_max};
  CHECK_EQUAL(0, setrlimit(RLIMIT_NOFILE, &low));
  write_file(conf, "log to " + logs + "\n" +
                       job("n", "/bin/sh -c \"echo line $(ulimit -n)\"", "  restart never\n  log\n") +
                       job("own", "/bin/sh -c \"echo line $(ulimit -n)\"", "  restart never\n  log\n  ulimit -n 300\n"));
  Pmtr pmtr(conf);
  CHECK_EQUAL(0, setrlimit(RLIMIT_NOFILE, &saved));
  CHECK(poll_until([&] { return lines("n") == 1 && lines("own") == 1; }, 10000ms));
  CHECK_EQUAL(256, numbered(log_records(logs + "/n"), "line").front());
  CHECK_EQUAL(300, numbered(log_records(logs + "/own"), "line").front());
  const std::string limits = read_file("/proc/" + std::to_string(pmtr.pid()) + "/limits");
  CHECK_TEXT(limits.find("Max open files            256 ") == std::string::npos, limits.c_str());
}

TEST(LogReload, ALogDirectoryThatIsASymlinkIsNotTaken) {
  mkdir(dir.file("elsewhere").c_str(), 0755);
  CHECK_EQUAL(0, symlink(dir.file("elsewhere").c_str(), logs.c_str()));
  write_file(conf, "log to " + logs + "\n" + job("w", line_writer("-n 1"), "  log\n  restart never\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("not a directory (a symbolic link is not followed)", 10000ms));
  // The job is not held up by it: it ran (its line waits in its pipe).
  CHECK(pmtr.wait_log("job w will not be restarted", 10000ms));
  struct stat st {};
  CHECK_EQUAL(0, stat(dir.file("elsewhere").c_str(), &st));
  CHECK_EQUAL(0755u, st.st_mode & 07777u);
}

TEST(LogReload, ANonEmptyDirectoryOfRootsIsNotHandedOver) {
  PMTR_REQUIRE_ROOT();
  mkdir(logs.c_str(), 0755);
  write_file(logs + "/someone-elses.log", "x");
  write_file(conf, "log to " + logs + "\n" + job("w", line_writer("-n 1"), "  log\n  restart never\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("a directory of root's with files in it", 10000ms));
  struct stat st {};
  CHECK_EQUAL(0, stat(logs.c_str(), &st));
  CHECK_EQUAL(0u, st.st_uid);
  CHECK_EQUAL(0755u, st.st_mode & 07777u);
}
