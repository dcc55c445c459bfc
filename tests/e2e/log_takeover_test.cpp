// A pmtr-log taken over, played by a substitute (tests/tools/fake_log.cpp)
// that pmtr runs as its pmtr-log: every record from it is decoded as
// hostile input.  A record that does not decode, one only the monitor may
// send, a Drained for a pipe the monitor never let go, or any fd: the
// monitor logs it, kills that pmtr-log and starts another, and the
// captured job goes on untouched (same pid, one start).
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_files.hpp"
#include "tests/support/paths.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// pmtr, the real pmtr-parser and the substitute as pmtr-log, side by side
// in a directory only root can change: that pmtr runs the substitute.
bool stage(const TempDir& bin) {
  namespace fs = std::filesystem;
  std::error_code e1, e2, e3;
  fs::copy_file(pmtr_bin(), bin.file("pmtr"), fs::copy_options::overwrite_existing, e1);
  fs::copy_file(parser_bin(), bin.file("pmtr-parser"), fs::copy_options::overwrite_existing, e2);
  fs::copy_file(fake_log_bin(), bin.file("pmtr-log"), fs::copy_options::overwrite_existing, e3);
  return !e1 && !e2 && !e3 && chmod(bin.file("pmtr").c_str(), 0755) == 0 &&
         chmod(bin.file("pmtr-parser").c_str(), 0755) == 0 && chmod(bin.file("pmtr-log").c_str(), 0755) == 0;
}

}  // namespace

TEST_GROUP(LogTakeover) {
  TempDir bin, dir;
  void setup() override { CHECK_TEXT(stage(bin), "cannot stage pmtr beside the substitute pmtr-log"); }

  // Runs pmtr with the substitute in `mode`; true when it was killed for
  // `why` and replaced, the job untouched.
  void expect_killed(const std::string& mode, const std::string& why) {
    write_file(bin.file("fake-log.mode"), mode + "\n");
    const std::string conf = dir.file(mode + ".conf");
    write_file(conf, "log to " + dir.file("logs-" + mode) + "\n" +
                         job("w", line_writer("-i 50"), "  log\n"));
    Pmtr pmtr(bin.file("pmtr"), conf, {}, {});
    const pid_t job_pid = pmtr.wait_job("w", 10000ms);
    CHECK(job_pid > 0);
    CHECK_TEXT(pmtr.wait_log(why + "; killing it", 10000ms), (mode + ":\n" + pmtr.log()).c_str());
    CHECK(pmtr.wait_log("new pmtr-log in", 10000ms));
    CHECK(pmtr.wait_log("started pmtr-log [", 10000ms, 2));
    CHECK(process_alive(job_pid));
    CHECK_EQUAL(1, pmtr.count_log("started job w ["));
    CHECK(pmtr.stop() >= 0);
  }
};

TEST(LogTakeover, AnUndecodableRecordGetsItKilledAndReplaced) {
  expect_killed("malformed", "malformed message: unknown message type");
}

TEST(LogTakeover, DrainedForAPipeNeverLetGoGetsItKilled) {
  expect_killed("foreign-slot", "protocol violation: drained pipe 999 was not let go");
}

TEST(LogTakeover, ARecordOnlyTheMonitorSendsGetsItKilled) {
  expect_killed("monitor-type", "protocol violation: a record only the monitor sends");
}

TEST(LogTakeover, AnFdFromItIsRefusedAndGetsItKilled) {
  expect_killed("with-fd", "malformed message: unexpected file descriptor");
}

TEST(LogTakeover, AQuietOneIsLeftAlone) {
  write_file(bin.file("fake-log.mode"), "quiet\n");
  const std::string conf = dir.file("quiet.conf");
  write_file(conf, "log to " + dir.file("logs") + "\n" + job("w", line_writer("-i 50"), "  log\n"));
  Pmtr pmtr(bin.file("pmtr"), conf, {}, {});
  CHECK(pmtr.wait_job("w", 10000ms) > 0);
  CHECK(pmtr.wait_log("started pmtr-log [", 10000ms));
  CHECK(pmtr.stop() >= 0);
  CHECK_EQUAL(0, pmtr.count_log("killing it"));
  CHECK_EQUAL(1, pmtr.count_log("started pmtr-log ["));
}
