// `stop signal SIG` through the real pmtr: the job's shell traps INT, TERM
// and USR1 and writes down which one came, so the test sees the signal the
// job itself got, when it leaves the config and when pmtr shuts down.
#include <sys/wait.h>

#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_stamps.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// A job that notes the first stop-like signal it gets in `marker` and
// exits 0; `up` tells the test the traps are in place.
std::string trapper_script(const TempDir& dir, const std::string& name) {
  const std::string marker = dir / (name + ".marker"), up = dir / (name + ".up");
  return "for s in INT TERM USR1; do trap \"echo $s >> " + marker + "; exit 0\" $s; done\n"
         "echo up > " + up + "\n"
         "while :; do /bin/sleep 0.1; done\n";
}

std::string job(const TempDir& dir, const std::string& name, const std::string& extra) {
  write_file(dir / (name + ".sh"), trapper_script(dir, name));
  return "job {\n  name " + name + "\n  cmd /bin/sh " + dir.file(name + ".sh") + "\n" + extra + "}\n";
}

bool traps_set(const TempDir& dir, const std::string& name) {
  return poll_until([&] { return read_file(dir / (name + ".up")) == "up\n"; }, 5000ms);
}

}  // namespace

TEST_GROUP(PolicyStopSignal) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(PolicyStopSignal, JobRemovedFromTheConfigGetsItsStopSignal) {
  const std::string other = "job {\n  name other\n  cmd /bin/sleep 3201\n}\n";
  write_file(conf, job(dir, "intjob", "  stop signal INT\n  stop timeout 20s\n") + other);
  Pmtr pmtr(conf);
  const pid_t pid = pmtr.wait_job("intjob", 5000ms);
  CHECK(pid > 0);
  CHECK(traps_set(dir, "intjob"));
  write_file(conf, other);
  CHECK(pmtr.wait_log("job intjob removed from configuration, stopping", 5000ms));
  // Its trap ran and it exited on its own, long before the timeout.
  CHECK(pmtr.wait_log("job intjob [" + std::to_string(pid) + "] exited after ", 5000ms));
  const std::string exit_line = lines_with(pmtr.log(), "job intjob [" + std::to_string(pid) + "] exited after ");
  CHECK_TEXT(exit_line.find(": exit status 0\n") != std::string::npos, exit_line.c_str());
  STRCMP_EQUAL("INT\n", read_file(dir / "intjob.marker").c_str());
  CHECK_EQUAL(0, pmtr.count_log("sending SIGKILL"));
  CHECK(poll_until([&] { return !process_exists(pid); }, 2000ms));
}

TEST(PolicyStopSignal, ShutdownSendsEachJobItsOwnStopSignal) {
  write_file(conf, job(dir, "usr1job", "  stop signal SIGUSR1\n  stop timeout 20s\n") +
                       job(dir, "termjob", "  stop timeout 20s\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("usr1job", 5000ms) > 0);
  CHECK(pmtr.wait_job("termjob", 5000ms) > 0);
  CHECK(traps_set(dir, "usr1job"));
  CHECK(traps_set(dir, "termjob"));
  const int st = pmtr.stop(10000ms);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  STRCMP_EQUAL("USR1\n", read_file(dir / "usr1job.marker").c_str());
  STRCMP_EQUAL("TERM\n", read_file(dir / "termjob.marker").c_str());   // the default
  CHECK_EQUAL(0, pmtr.count_log("sending SIGKILL"));
}
