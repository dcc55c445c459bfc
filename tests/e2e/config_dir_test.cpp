// The config's directory (issue 11, finding 4), end to end with a test
// user: with pmtr.conf owned by root in a directory that user owns, the
// user swapped in a symlink to a root-only file, and the reload's error
// messages printed that file's lines into the log.  Now the directory is
// refused by name (startup and reload alike), the secret is never read,
// and `-t` only warns.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {
const char* kConfig = "job {\n  name a\n  cmd /bin/sleep 1321\n}\n";
const char* kSecret = "SECRET-LINE-4242 hunter2\n";
}  // namespace

TEST_GROUP(ConfigDirectory) {
  TestUser user{"cfg"};
  TempDir dir;
  std::string cfgdir, conf, secret;
  void setup() override {
    cfgdir = dir.file("etc");
    conf = cfgdir + "/pmtr.conf";
    secret = dir.file("secret");
    write_file(secret, kSecret, 0600);
    CHECK_EQUAL(0, mkdir(cfgdir.c_str(), 0755));
    write_file(conf, kConfig, 0644);
  }
  void give_dir_to_user() {
    CHECK_TEXT(user.ok(), user.error().c_str());
    CHECK_EQUAL(0, chown(cfgdir.c_str(), user.uid(), user.gid()));
  }
};

TEST(ConfigDirectory, UserOwnedDirectoryIsRefusedAtStartup) {
  PMTR_REQUIRE_ROOT();
  give_dir_to_user();
  Pmtr pmtr(conf);
  const int st = pmtr.wait_exit(5000ms);
  CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1);
  CHECK(pmtr.log().find("refusing config " + conf + ": directory " + cfgdir + " is owned by uid " +
                        std::to_string(user.uid()) + ", not root") != std::string::npos);
  CHECK_EQUAL(0, pmtr.count_log("started job a"));
}

// The attack itself: the directory is handed to the user while pmtr runs;
// the user replaces pmtr.conf with a symlink to a root-only file.
TEST(ConfigDirectory, SymlinkSwappedInByTheDirectorysOwnerIsNeverRead) {
  PMTR_REQUIRE_ROOT();
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms);
  CHECK(a > 0);
  give_dir_to_user();
  CHECK_EQUAL(0, user.run_as([&] {
    const std::string tmp = cfgdir + "/.tmp";
    if (symlink(secret.c_str(), tmp.c_str()) != 0) return 1;
    return std::rename(tmp.c_str(), conf.c_str()) == 0 ? 0 : 2;
  }));
  CHECK(pmtr.wait_log("refusing config " + conf + ": directory " + cfgdir + " is owned by uid", 5000ms));
  pmtr.signal(SIGHUP);   // a forced re-read is refused the same way
  CHECK(pmtr.wait_log("configuration unchanged", 5000ms, 2));
  CHECK_EQUAL(0, pmtr.count_log("SECRET-LINE"));
  CHECK_EQUAL(a, pmtr.job_pid("a"));
  CHECK(process_alive(a));
  CHECK(pmtr.stop(5000ms) != -1);
}

// CI checkouts are not root's: -t reports the directory and goes on.
TEST(ConfigDirectory, CheckModeOnlyWarns) {
  CHECK_EQUAL(0, chmod(cfgdir.c_str(), 0777));
  std::string out;
  CHECK_EQUAL(0, run_command({pmtr_bin(), "-t", "-c", conf}, &out));
  CHECK_TEXT(out.find(conf + ": warning: directory " + cfgdir + " is writable by others") != std::string::npos,
             out.c_str());
  CHECK(out.find("ok (1 job)") != std::string::npos);
}
