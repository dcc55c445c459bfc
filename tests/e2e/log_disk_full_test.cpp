// A full disk under pmtr-log (a small tmpfs filled to the brim): the
// failed write is taken back, the job's output waits in its pipe and the
// job blocks on it, one line says so; once space is freed, writing
// resumes and every line arrives, none twice.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_files.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(LogDiskFull) {
  TempDir dir;
  std::string disk, logs;
  bool mounted = false;
  void setup() override {
    disk = dir.file("disk");
    logs = disk + "/logs";
  }
  void teardown() override {
    if (mounted) umount2(disk.c_str(), MNT_DETACH);
  }
};

TEST(LogDiskFull, TheJobBlocksNothingIsLostAndWritingResumesWhenSpaceIsFreed) {
  PMTR_REQUIRE_ROOT();
  mkdir(disk.c_str(), 0755);
  if (mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=1m,mode=0755") != 0) PMTR_SKIP("cannot mount a tmpfs here");
  mounted = true;
  // Room for a few hundred records and no more (20,000 records take 800 KiB).
  const std::string filler = disk + "/filler";
  write_in_place(filler, std::string(1000 * 1024, 'x'));
  const std::string conf = dir.file("pmtr.conf"), state = dir.file("state");
  write_file(conf, "log to " + logs + "\n" +
                       job("w", line_writer("-n 20000 -s " + state), "  log\n  restart never\n"));
  Pmtr pmtr(conf);
  // Deadlines for a loaded sanitized run (one CI run under load did not see
  // the job block within 20 s; it blocks within 2 s here): polls end when done.
  CHECK_TEXT(pmtr.wait_log("No space left on device; holding its output", 60000ms), pmtr.log().c_str());
  // The job blocks: its count stops short of the end and stays put.
  long last = -1;
  auto since = std::chrono::steady_clock::now();
  const bool blocked = poll_until(
      [&] {
        const long now = writer_state(state);
        if (now != last) {
          last = now;
          since = std::chrono::steady_clock::now();
        }
        return std::chrono::steady_clock::now() - since > 500ms;
      },
      60000ms);
  CHECK_TEXT(blocked, ("the writer is at " + std::to_string(last) + "\n" + pmtr.log()).c_str());
  CHECK_TEXT(last < 20000, ("the writer got to " + std::to_string(last) + "\n" + pmtr.log()).c_str());
  // What reached the file so far is whole records only, in order.
  STRCMP_EQUAL("", contiguity_problem(numbered(log_records(logs + "/w"), "line")).c_str());

  CHECK_EQUAL(0, unlink(filler.c_str()));
  CHECK_TEXT(pmtr.wait_log("writing its output again", 30000ms), pmtr.log().c_str());
  CHECK_TEXT(poll_until([&] { const auto n = numbered(log_records(logs + "/w"), "line"); return !n.empty() && n.back() == 20000; },
                        60000ms),
             pmtr.log().c_str());
  const auto nums = numbered(log_records(logs + "/w"), "line");
  CHECK_EQUAL(20000u, nums.size());
  CHECK_EQUAL(1, nums.front());
  STRCMP_EQUAL("", contiguity_problem(nums).c_str());
  CHECK_EQUAL(1, pmtr.count_log("holding its output"));
}
