// What SECURITY.md says of jobs without a `user` line (issue 11, finding
// 8): they run as root, and their dir, in, out and err are opened as root,
// following symlinks.  Whoever can write the directories those paths
// pass through can point a root job's output at any file; keep them root's.
// (Jobs with a `user` line open them as that user:
// SpawnAsUser.SymlinkPlantedByTheUserGainsNothing.)
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(RootJobFiles) {
  TempDir dir;
};

TEST(RootJobFiles, DirAndStreamsAreOpenedAsRootFollowingSymlinks) {
  PMTR_REQUIRE_ROOT();
  const std::string hidden = dir.file("root-only");
  CHECK_EQUAL(0, mkdir(hidden.c_str(), 0700));
  const std::string target = hidden + "/target.log";
  write_file(target, "root's\n", 0600);
  CHECK_EQUAL(0, symlink(target.c_str(), dir.file("out.log").c_str()));
  CHECK_EQUAL(0, symlink(hidden.c_str(), dir.file("work").c_str()));
  const std::string conf = dir.file("pmtr.conf");
  write_file(conf, "job {\n  name r\n  cmd /bin/sh -c \"echo appended; exec /bin/sleep 1351\"\n  dir " +
                       dir.file("work") + "\n  out " + dir.file("out.log") + "\n}\n");
  Pmtr pmtr(conf);
  const pid_t r = pmtr.wait_job("r", 5000ms);
  CHECK(r > 0);
  CHECK(poll_until([&] { return read_file(target) == "root's\nappended\n"; }, 5000ms));
  char cwd[4096] = {};
  CHECK(poll_until([&] {
    const ssize_t n = readlink(("/proc/" + std::to_string(r) + "/cwd").c_str(), cwd, sizeof cwd - 1);
    return n > 0 && std::string(cwd, static_cast<size_t>(n)) == hidden;
  }, 5000ms));
  STRCMP_EQUAL("0\t0\t0\t0", proc_status_field(r, "Uid").c_str());
  CHECK(pmtr.stop(5000ms) != -1);
}
