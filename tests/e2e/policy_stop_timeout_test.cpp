// `stop timeout T` through the real pmtr: a job whose whole process group
// ignores its stop signal is SIGKILLed T after it, not after the default
// 10 s; `stop timeout 0s` sends SIGKILL at once.
#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_stamps.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// Ignores SIGTERM (its sleeps inherit that); `up` tells the test so.
std::string stubborn(const TempDir& dir, const std::string& name, const std::string& extra) {
  write_file(dir / (name + ".sh"), "trap '' TERM\n"
                                   "echo up > " + dir.file(name + ".up") + "\n"
                                   "while :; do /bin/sleep 0.1; done\n");
  return "job {\n  name " + name + "\n  cmd /bin/sh " + dir.file(name + ".sh") + "\n" + extra + "}\n";
}

bool ignoring(const TempDir& dir, const std::string& name) {
  return poll_until([&] { return read_file(dir / (name + ".up")) == "up\n"; }, 5000ms);
}

const std::string kOther = "job {\n  name other\n  cmd /bin/sleep 3301\n}\n";

}  // namespace

TEST_GROUP(PolicyStopTimeout) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(PolicyStopTimeout, JobIgnoringItsStopSignalIsKilledAfterTwoSeconds) {
  write_file(conf, stubborn(dir, "deaf", "  stop timeout 2s\n") + kOther);
  Pmtr pmtr(conf);
  const pid_t pid = pmtr.wait_job("deaf", 5000ms);
  CHECK(pid > 0);
  CHECK(ignoring(dir, "deaf"));
  write_file(conf, kOther);
  const std::string tag = "job deaf [" + std::to_string(pid) + "] ";
  CHECK(pmtr.wait_log(tag + "still running 2 s after SIGTERM, sending SIGKILL", 5000ms));
  CHECK(pmtr.wait_log(tag + "exited after ", 2000ms));
  const std::string log = pmtr.log();
  CHECK(lines_with(log, tag + "exited after ").find(": signal 9 (Killed)\n") != std::string::npos);
  const double asked = stamp_of(log, "job deaf removed from configuration, stopping");
  const double killed = stamp_of(log, tag + "still running");
  CHECK_TRUE(asked > 0 && killed > 0);
  CHECK_TEXT(killed - asked >= 1.9 && killed - asked < 3.0, std::to_string(killed - asked).c_str());
  // The whole group went, not only the shell.
  CHECK(poll_until([&] { return find_descendant(pmtr.pid(), "/bin/sleep 0.1") == -1; }, 2000ms));
  CHECK(process_alive(pmtr.job_pid("other")));
}

TEST(PolicyStopTimeout, ZeroSendsSigkillAtOnce) {
  write_file(conf, stubborn(dir, "deaf0", "  stop timeout 0s\n") + kOther);
  Pmtr pmtr(conf);
  const pid_t pid = pmtr.wait_job("deaf0", 5000ms);
  CHECK(pid > 0);
  CHECK(ignoring(dir, "deaf0"));
  write_file(conf, kOther);
  const std::string tag = "job deaf0 [" + std::to_string(pid) + "] ";
  CHECK(pmtr.wait_log(tag + "exited after ", 5000ms));
  const std::string log = pmtr.log();
  CHECK(lines_with(log, tag + "exited after ").find(": signal 9 (Killed)\n") != std::string::npos);
  const double gap = stamp_of(log, tag + "exited after ") -
                     stamp_of(log, "job deaf0 removed from configuration, stopping");
  CHECK_TEXT(gap >= 0 && gap < 0.5, std::to_string(gap).c_str());
  CHECK_EQUAL(0, pmtr.count_log("still running"));
}
