// open_config: sshd's rule for pmtr.conf (regular file, owned by root or
// us, not writable by group or others), refused under Enforce and reported
// under Warn (-t).
#include "monitor/config_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

std::string read_all(int fd) {
  std::string s;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

}  // namespace

TEST_GROUP(ConfigFile) {
  std::string dir;
  std::string path;

  void setup() override {
    char tmpl[] = "/tmp/pmtr-config-file.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/pmtr.conf";
  }
  void teardown() override {
    ::unlink(path.c_str());
    ::rmdir((dir + "/sub").c_str());
    ::rmdir(dir.c_str());
  }

  void write_file(mode_t mode, const char* text = "job {\n}\n") {
    ::unlink(path.c_str());   // a fresh file: the last one may be read-only
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    CHECK(::write(fd, text, std::char_traits<char>::length(text)) >= 0);
    ::close(fd);
    // chmod, not the create mode: the umask would mask group/other bits.
    CHECK_EQUAL(0, ::chmod(path.c_str(), mode));
  }

  void check_refused(OwnershipRule rule, const char* problem) {
    auto r = open_config(path, rule);
    CHECK_FALSE(r.ok());
    const std::string msg = r.error().message();
    CHECK_TEXT(contains(msg, path), msg.c_str());
    CHECK_TEXT(contains(msg, problem), msg.c_str());
  }

  void check_warned(const char* problem) {
    auto r = open_config(path, OwnershipRule::Warn);
    CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message().c_str());
    CHECK(r->fd.valid());
    CHECK_TEXT(contains(r->warning, path), r->warning.c_str());
    CHECK_TEXT(contains(r->warning, problem), r->warning.c_str());
  }
};

TEST(ConfigFile, RegularFileOwnedByUsIsOpenedReadable) {
  write_file(0644, "job {\n name a\n}\n");
  for (OwnershipRule rule : {OwnershipRule::Enforce, OwnershipRule::Warn}) {
    auto r = open_config(path, rule);
    CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message().c_str());
    CHECK(r->fd.valid());
    CHECK(r->warning.empty());
    // Handed over in blocking mode, close-on-exec.
    const int fl = fcntl(r->fd.get(), F_GETFL);
    CHECK_EQUAL(0, fl & O_NONBLOCK);
    CHECK_EQUAL(O_RDONLY, fl & O_ACCMODE);
    CHECK(fcntl(r->fd.get(), F_GETFD) & FD_CLOEXEC);
    STRCMP_EQUAL("job {\n name a\n}\n", read_all(r->fd.get()).c_str());
  }
}

TEST(ConfigFile, ReadOnlyModesAreFine) {
  for (mode_t mode : {0600, 0400, 0444, 0640, 0755}) {
    write_file(mode);
    auto r = open_config(path, OwnershipRule::Enforce);
    CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message().c_str());
  }
}

TEST(ConfigFile, GroupWritableIsRefusedUnderEnforce) {
  write_file(0664);
  check_refused(OwnershipRule::Enforce, "group");
}

TEST(ConfigFile, OtherWritableIsRefusedUnderEnforce) {
  write_file(0646);
  check_refused(OwnershipRule::Enforce, "others");
  write_file(0666);
  check_refused(OwnershipRule::Enforce, "writable");
}

TEST(ConfigFile, WritableIsOnlyAWarningUnderWarn) {
  write_file(0664);
  check_warned("group");
  write_file(0646);
  check_warned("others");
}

TEST(ConfigFile, DirectoryIsRefused) {
  path = dir + "/sub";
  CHECK_EQUAL(0, ::mkdir(path.c_str(), 0755));
  check_refused(OwnershipRule::Enforce, "not a regular file");
  check_refused(OwnershipRule::Warn, "not a regular file");
}

TEST(ConfigFile, FifoIsRefusedWithoutHanging) {
  CHECK_EQUAL(0, ::mkfifo(path.c_str(), 0644));
  // In a child with an alarm: a blocking open of a FIFO with no writer
  // would hang forever, and must fail the test instead.
  std::fflush(nullptr);
  const pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    alarm(5);
    auto enforce = open_config(path, OwnershipRule::Enforce);
    auto warn = open_config(path, OwnershipRule::Warn);
    const bool ok = !enforce.ok() && contains(enforce.error().message(), "not a regular file") &&
                    !warn.ok() && contains(warn.error().message(), "not a regular file");
    _exit(ok ? 0 : 1);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  CHECK_TEXT(!WIFSIGNALED(st), "open_config hung on a FIFO");
  CHECK(WIFEXITED(st));
  CHECK_EQUAL(0, WEXITSTATUS(st));
}

TEST(ConfigFile, MissingFileFailsWithEnoent) {
  auto r = open_config(path, OwnershipRule::Enforce);
  CHECK_FALSE(r.ok());
  CHECK_EQUAL(ENOENT, r.error().err);
  CHECK(contains(r.error().message(), path));
  auto w = open_config(path, OwnershipRule::Warn);
  CHECK_FALSE(w.ok());
  CHECK_EQUAL(ENOENT, w.error().err);
}

TEST(ConfigFile, OwnedBySomeoneElseIsRefused) {
  PMTR_REQUIRE_ROOT();
  write_file(0644);
  CHECK_EQUAL(0, ::chown(path.c_str(), 65534, 65534));
  check_refused(OwnershipRule::Enforce, "65534");
  check_warned("65534");
}

TEST(ConfigFile, OwnedByRootWithAnotherGroupIsFine) {
  PMTR_REQUIRE_ROOT();
  write_file(0644);
  CHECK_EQUAL(0, ::chown(path.c_str(), 0, 65534));
  auto r = open_config(path, OwnershipRule::Enforce);
  CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message().c_str());
}
