// open_config and the directories above pmtr.conf (issue 11, finding 4):
// sshd's StrictModes checks them too.  Every directory the path passes
// through, and every symlink on the way, must be owned by root (or by the
// user running pmtr) and not writable by group or others unless sticky;
// refused under Enforce naming the directory, a warning under Warn (-t).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "monitor/config_file.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {
bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }
}  // namespace

TEST_GROUP(ConfigDir) {
  std::string top;   // 0700, ours, in sticky /tmp: trusted
  std::string sub;   // top/sub, holding pmtr.conf
  std::string conf;

  void setup() override {
    char tmpl[] = "/tmp/pmtr-config-dir.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    top = tmpl;
    sub = top + "/sub";
    CHECK_EQUAL(0, mkdir(sub.c_str(), 0755));
    conf = sub + "/pmtr.conf";
    put(conf);
  }
  void teardown() override {
    for (const std::string& f : {conf, sub + "/link", top + "/other/pmtr.conf", top + "/link"}) ::unlink(f.c_str());
    ::rmdir((top + "/other").c_str());
    ::rmdir(sub.c_str());
    ::rmdir(top.c_str());
  }
  static void put(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    CHECK(::write(fd, "# ok\n", 5) == 5);
    ::close(fd);
  }
  static void check_refused(const std::string& path, const std::string& problem) {
    auto r = open_config(path, OwnershipRule::Enforce);
    CHECK_FALSE(r.ok());
    const std::string msg = r.error().message();
    CHECK_TEXT(contains(msg, problem), msg.c_str());
  }
  static void check_ok(const std::string& path) {
    auto r = open_config(path, OwnershipRule::Enforce);
    CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message().c_str());
  }
};

TEST(ConfigDir, TrustedDirectoriesAreFine) { check_ok(conf); }

TEST(ConfigDir, GroupWritableDirectoryIsRefusedNamingIt) {
  CHECK_EQUAL(0, chmod(sub.c_str(), 0775));
  check_refused(conf, "directory " + sub + " is writable by its group (chmod go-w " + sub + ")");
}

TEST(ConfigDir, OtherWritableParentIsRefusedNamingIt) {
  CHECK_EQUAL(0, chmod(top.c_str(), 0777));
  check_refused(conf, "directory " + top + " is writable by others");
}

// /tmp's own case: others may add entries, not replace ours.
TEST(ConfigDir, StickyWorldWritableParentIsFine) {
  CHECK_EQUAL(0, chmod(top.c_str(), 01777));
  check_ok(conf);
}

TEST(ConfigDir, DirectoryOwnedBySomeoneElseIsRefused) {
  PMTR_REQUIRE_ROOT();
  CHECK_EQUAL(0, chown(sub.c_str(), 65534, 65534));
  check_refused(conf, "directory " + sub + " is owned by uid 65534, not root");
}

// A relative path and `..` are resolved like the kernel does.
TEST(ConfigDir, RelativeAndDotDotPathsAreWalked) {
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != nullptr);
  CHECK_EQUAL(0, chdir(top.c_str()));
  check_ok("sub/../sub/./pmtr.conf");
  CHECK_EQUAL(0, chmod(sub.c_str(), 0757));
  check_refused("sub/pmtr.conf", "directory " + sub + " is writable by others");
  CHECK_EQUAL(0, chdir(cwd));
}

// A config that is a symlink: the link's owner and the directories of the
// link and of its target pass the same test.
TEST(ConfigDir, SymlinkedConfigIsCheckedAlongTheWholeWay) {
  CHECK_EQUAL(0, mkdir((top + "/other").c_str(), 0755));
  put(top + "/other/pmtr.conf");
  const std::string link = top + "/link";
  CHECK_EQUAL(0, symlink("other/pmtr.conf", link.c_str()));
  check_ok(link);
  CHECK_EQUAL(0, chmod((top + "/other").c_str(), 0777));
  check_refused(link, "directory " + top + "/other is writable by others");
}

TEST(ConfigDir, SymlinkOwnedBySomeoneElseIsRefused) {
  PMTR_REQUIRE_ROOT();
  const std::string link = sub + "/link";
  CHECK_EQUAL(0, symlink(conf.c_str(), link.c_str()));
  CHECK_EQUAL(0, lchown(link.c_str(), 65534, 65534));
  check_refused(link, "symlink " + link + " is owned by uid 65534, not root");
}

// A symlinked directory on the way: its target is what is checked.
TEST(ConfigDir, SymlinkedDirectoryIsCheckedAtItsTarget) {
  const std::string link = top + "/link";
  CHECK_EQUAL(0, symlink(sub.c_str(), link.c_str()));
  check_ok(link + "/pmtr.conf");
  CHECK_EQUAL(0, chmod(sub.c_str(), 0777));
  check_refused(link + "/pmtr.conf", "directory " + sub + " is writable by others");
}

TEST(ConfigDir, WarnModeOpensItAndWarnsNamingTheDirectory) {
  CHECK_EQUAL(0, chmod(sub.c_str(), 0777));
  auto r = open_config(conf, OwnershipRule::Warn);
  CHECK(r.ok());
  CHECK(r->fd.valid());
  CHECK_TEXT(contains(r->warning, "directory " + sub + " is writable by others"), r->warning.c_str());
}
