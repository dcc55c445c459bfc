// The pidfile end to end: in a world-writable directory a user could plant
// it (pmtr wrote into the user's file) (issue 11, finding 6); and starting
// pmtr again right after a failed start found it still locked (issue 12).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

const char* kJob = "job {\n  name a\n  cmd /bin/sleep 1331\n}\n";

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// True when nobody holds a lock on the file at `path` (or it is gone).
bool lockable(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;
  const bool ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST_GROUP(PidfileRestart) {
  TempDir dir;
  std::string conf, pidfile;
  void setup() override {
    conf = dir.file("pmtr.conf");
    pidfile = dir.file("pmtr.pid");
    write_file(conf, "job {\n  nmae a\n}\n");   // fails to parse
  }
};

// `pmtr` (daemon mode) returns 1 for a config that does not parse; the
// moment it has returned, the pidfile is free, and the next start says
// why it failed, never that the pidfile is held.  The failed daemon used
// to report first and give the pidfile up on its way out.
TEST(PidfileRestart, FailedStartReleasesThePidfileBeforeReturning) {
  for (int i = 0; i < 20; ++i) {
    std::string out;
    CHECK_EQUAL(1, run_command({pmtr_bin(), "-c", conf, "-p", pidfile}, &out));
    CHECK_TEXT(lockable(pidfile), ("run " + std::to_string(i) + ": pidfile still locked").c_str());
    CHECK_TEXT(contains(out, "parse failed"), out.c_str());
    CHECK_TEXT(!contains(out, "is held by a running pmtr"), out.c_str());
  }
  // No failed daemon lingers on it.
  CHECK(poll_until([&] { return access(pidfile.c_str(), F_OK) != 0; }, 2000ms));
}

TEST_GROUP(PidfileShared) {
  TestUser user{"pid"};
  TempDir dir;
  std::string shared, pidfile, conf;
  void setup() override {
    shared = dir.file("shared");
    pidfile = shared + "/pmtr.pid";
    conf = dir.file("pmtr.conf");
    write_file(conf, kJob);
    mkdir(shared.c_str(), 0755);
    chmod(shared.c_str(), 01777);   // like /tmp
  }
  void expect_refused(const std::string& problem) {
    Pmtr pmtr(conf, {"-p", pidfile});
    const int st = pmtr.wait_exit(5000ms);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1);
    CHECK_TEXT(contains(pmtr.log(), problem), pmtr.log().c_str());
    CHECK_EQUAL(0, pmtr.count_log("started job"));
  }
};

// The user's own file: pmtr neither writes into it nor removes it.
TEST(PidfileShared, FilePlantedByAUserIsRefusedAndLeftAlone) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  CHECK_EQUAL(0, user.run_as([&] {
    const int fd = ::open(pidfile.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return 1;
    const bool ok = ::write(fd, "1\n", 2) == 2;
    ::close(fd);
    return ok ? 0 : 2;
  }));
  expect_refused("refusing pidfile " + pidfile + ": owned by uid " + std::to_string(user.uid()) + ", not root");
  STRCMP_EQUAL("1\n", read_file(pidfile).c_str());
  struct stat st {};
  CHECK_EQUAL(0, stat(pidfile.c_str(), &st));
  CHECK_EQUAL(user.uid(), st.st_uid);
}

TEST(PidfileShared, SymlinkPlantedByAUserIsNotFollowed) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  const std::string target = dir.file("precious");
  write_file(target, "keep\n");
  CHECK_EQUAL(0, user.run_as([&] { return symlink(target.c_str(), pidfile.c_str()) == 0 ? 0 : 1; }));
  expect_refused("refusing pidfile " + pidfile + ": a symlink");
  STRCMP_EQUAL("keep\n", read_file(target).c_str());
}

TEST(PidfileShared, FifoPlantedByAUserIsRefusedWithoutHanging) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  CHECK_EQUAL(0, user.run_as([&] { return mkfifo(pidfile.c_str(), 0644) == 0 ? 0 : 1; }));
  expect_refused("refusing pidfile " + pidfile + ": ");
}
