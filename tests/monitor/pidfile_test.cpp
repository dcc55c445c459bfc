// PidFile (issue 11, finding 6; issue 12): only a file that is plainly ours
// is written and locked; anything planted at the path is refused and left
// alone; release() gives the lock up and removes only what was verified.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "monitor/daemon.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

std::string slurp(const std::string& path) {
  std::string s;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return s;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return s;
}

void put(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK(fd >= 0);
  CHECK(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  CHECK_EQUAL(0, chmod(path.c_str(), mode));
}

// True when nobody holds a lock on the file at `path`.
bool lockable(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;   // gone: nothing to hold
  const bool ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST_GROUP(PidFile) {
  std::string dir, path;
  void setup() override {
    char tmpl[] = "/tmp/pmtr-pidfile.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/pmtr.pid";
  }
  void teardown() override {
    for (const char* n : {"pmtr.pid", "other", "target"}) ::unlink((dir + "/" + n).c_str());
    ::rmdir(dir.c_str());
  }
  void check_refused(const char* problem) {
    PidFile p;
    const Status s = p.create(path);
    CHECK_FALSE(s.ok());
    CHECK_TEXT(contains(s.error().message(), "refusing pidfile " + path + ": " + problem), s.error().message().c_str());
  }
};

TEST(PidFile, WritesOurPidLocksAndRemovesItAtTheEnd) {
  {
    PidFile p;
    CHECK(p.create(path).ok());
    STRCMP_EQUAL((std::to_string(getpid()) + "\n").c_str(), slurp(path).c_str());
    CHECK_FALSE(lockable(path));
    PidFile second;
    const Status s = second.create(path);
    CHECK_FALSE(s.ok());
    CHECK(contains(s.error().message(), "is held by a running pmtr (pid " + std::to_string(getpid()) + ")"));
  }
  CHECK(access(path.c_str(), F_OK) != 0);
}

TEST(PidFile, StaleFileOfOursIsTakenOver) {
  put(path, "999999\n", 0644);
  PidFile p;
  CHECK(p.create(path).ok());
  STRCMP_EQUAL((std::to_string(getpid()) + "\n").c_str(), slurp(path).c_str());
}

// Before a failed start is reported: the lock is gone at once.
TEST(PidFile, ReleaseFreesTheLockWhileTheObjectLives) {
  PidFile p;
  CHECK(p.create(path).ok());
  p.release();
  CHECK(access(path.c_str(), F_OK) != 0);
  PidFile again;
  CHECK(again.create(path).ok());
  p.release();   // idempotent, and not the new file's owner
  CHECK(access(path.c_str(), F_OK) == 0);
}

TEST(PidFile, ReleaseRemovesOnlyTheFileItVerified) {
  PidFile p;
  CHECK(p.create(path).ok());
  put(dir + "/other", "someone else's\n", 0644);
  CHECK_EQUAL(0, rename((dir + "/other").c_str(), path.c_str()));
  p.release();
  STRCMP_EQUAL("someone else's\n", slurp(path).c_str());
}

TEST(PidFile, GroupOrOtherWritableIsRefused) {
  put(path, "1\n", 0664);
  check_refused("writable by group or others");
  STRCMP_EQUAL("1\n", slurp(path).c_str());
}

TEST(PidFile, HardLinkedFileIsRefused) {
  put(dir + "/target", "1\n", 0644);
  CHECK_EQUAL(0, link((dir + "/target").c_str(), path.c_str()));
  check_refused("it has 2 hard links");
  STRCMP_EQUAL("1\n", slurp(dir + "/target").c_str());
}

TEST(PidFile, SymlinkIsNotFollowed) {
  put(dir + "/target", "keep\n", 0644);
  CHECK_EQUAL(0, symlink((dir + "/target").c_str(), path.c_str()));
  PidFile p;
  const Status s = p.create(path);
  CHECK_FALSE(s.ok());
  CHECK_EQUAL(ELOOP, s.error().err);
  CHECK(contains(s.error().message(), "refusing pidfile " + path + ": a symlink"));
  STRCMP_EQUAL("keep\n", slurp(dir + "/target").c_str());
}

TEST(PidFile, FifoIsRefusedWithoutBlocking) {
  CHECK_EQUAL(0, mkfifo(path.c_str(), 0644));
  check_refused("not a regular file");
}

TEST(PidFile, SomeoneElsesFileIsRefusedAndLeftAlone) {
  PMTR_REQUIRE_ROOT();
  put(path, "4242\n", 0644);
  CHECK_EQUAL(0, chown(path.c_str(), 65534, 65534));
  check_refused("owned by uid 65534, not root");
  STRCMP_EQUAL("4242\n", slurp(path).c_str());
}
