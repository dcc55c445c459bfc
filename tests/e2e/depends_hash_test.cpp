// `depends` files that root must not read (issue 11, finding 1): a device,
// a FIFO, a symlink swapped in by the job's own user, a 10 GiB sparse file.
// Each is refused without being read, logged once, and the monitor stays
// responsive: jobs start, another depends file still restarts its job at
// once, a config edit applies, a quick exit is restarted on time, SIGTERM
// stops pmtr.  Before the fix each of these froze the monitor.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

std::string depends(const std::string& path) { return "  depends {\n    " + path + "\n  }\n"; }

// The config every test runs: `hog` depends on the hostile path, `watched`
// on an ordinary file, `tick` on nothing.
struct Setup {
  std::string conf, watched_file;
  std::string jobs(const std::string& hog_extra) const {
    return job("hog", "/bin/sleep 1001", hog_extra) + job("watched", "/bin/sleep 1002", depends(watched_file)) +
           job("tick", "/bin/sleep 1003");
  }
};

// Everything a responsive monitor does, each with a deadline far below
// what a frozen one would need.  Also a barrier: once `watched` restarted,
// the watches set up after the last reload are in place.
void expect_responsive(Pmtr& pmtr, Setup& s, const std::string& hog_extra, int edit) {
  const pid_t watched = pmtr.wait_job("watched", 5000ms);
  CHECK(watched > 0);
  write_file(s.watched_file, "v" + std::to_string(edit) + "\n");
  CHECK(pmtr.wait_new_pid("watched", watched, 5000ms) > 0);
  const std::string late = "late" + std::to_string(edit);
  write_file(s.conf, s.jobs(hog_extra) + job(late, "/bin/sleep 1004"));
  CHECK(pmtr.wait_job(late, 5000ms) > 0);
}

void expect_stops_on_sigterm(Pmtr& pmtr) {
  const int st = pmtr.stop(5000ms);
  CHECK_TEXT(st != -1, "pmtr did not exit within 5 s of SIGTERM");
}

}  // namespace

TEST_GROUP(DependsDevices) {
  TempDir dir;
  Setup s;
  void setup() override {
    s.conf = dir.file("pmtr.conf");
    s.watched_file = dir.file("watched.conf");
    write_file(s.watched_file, "v0\n");
  }
};

// /dev/zero never ends: read to EOF it kept the monitor at 100% CPU forever.
// Here also: a job's quick exit is restarted after its 10 s delay, on time.
TEST(DependsDevices, DevZeroIsRefusedAndTheMonitorStaysResponsive) {
  write_file(s.conf, s.jobs(depends("/dev/zero")));
  Pmtr pmtr(s.conf);
  CHECK(pmtr.wait_job("hog", 5000ms) > 0);
  const pid_t tick = pmtr.wait_job("tick", 5000ms);
  CHECK(tick > 0);
  CHECK(pmtr.wait_log("depends file /dev/zero not hashed: a character device", 5000ms));
  CHECK(poll_until([&] { return process_alive(tick); }, 5000ms));
  kill(tick, SIGKILL);   // a quick exit: restarted 10 s later
  const auto killed = std::chrono::steady_clock::now();
  expect_responsive(pmtr, s, depends("/dev/zero"), 1);
  CHECK(pmtr.wait_log("job tick restarting too fast", 5000ms));
  CHECK(pmtr.wait_new_pid("tick", tick, 14000ms) > 0);
  const auto waited = std::chrono::steady_clock::now() - killed;
  CHECK(waited > 9s && waited < 14s);
  // The reload above hashed it again: still one line.
  CHECK_EQUAL(1, pmtr.count_log("depends file /dev/zero not hashed"));
  expect_stops_on_sigterm(pmtr);
}

// A FIFO without a writer: a blocking open would wait forever; O_PATH
// never opens it.
TEST(DependsDevices, FifoIsRefusedAndTheMonitorStaysResponsive) {
  const std::string fifo = dir.file("input.fifo");
  CHECK_EQUAL(0, mkfifo(fifo.c_str(), 0644));
  write_file(s.conf, s.jobs(depends(fifo)));
  Pmtr pmtr(s.conf);
  CHECK(pmtr.wait_job("hog", 5000ms) > 0);
  CHECK(pmtr.wait_log("depends file " + fifo + " not hashed: a FIFO", 5000ms));
  expect_responsive(pmtr, s, depends(fifo), 1);
  CHECK_EQUAL(1, pmtr.count_log("not hashed: a FIFO"));
  expect_stops_on_sigterm(pmtr);
}

TEST_GROUP(DependsSparse) {
  TempDir dir;
  Setup s;
  void setup() override {
    s.conf = dir.file("pmtr.conf");
    s.watched_file = dir.file("watched.conf");
    write_file(s.watched_file, "v0\n");
  }
};

// 10 GiB of holes: refused by its size (one fstat), never read.  Growing a
// small depends file past the cap is refused the same way, and shrinking
// it back makes it a depends file like any other.
TEST(DependsSparse, TenGibibyteSparseFileIsRefusedByItsSize) {
  const std::string big = dir.file("big.conf");
  write_file(big, "small\n");
  write_file(s.conf, s.jobs(depends(big)));
  Pmtr pmtr(s.conf);
  const pid_t hog = pmtr.wait_job("hog", 5000ms);
  CHECK(hog > 0);
  expect_responsive(pmtr, s, depends(big), 1);
  {   // grown in place: closing it is the IN_CLOSE_WRITE the monitor sees
    const int fd = open(big.c_str(), O_WRONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQUAL(0, ftruncate(fd, off_t{10} << 30));
    close(fd);
  }
  CHECK(pmtr.wait_log("depends file " + big + " not hashed: larger than 1 MiB (10737418240 bytes)", 5000ms));
  // From hashable to refused is a change: the job restarts once.
  const pid_t hog2 = pmtr.wait_new_pid("hog", hog, 5000ms);
  CHECK(hog2 > 0);
  expect_responsive(pmtr, s, depends(big), 2);
  write_file(big, "small again\n");
  CHECK(pmtr.wait_log("depends file " + big + " is hashed again", 5000ms));
  CHECK(pmtr.wait_new_pid("hog", hog2, 5000ms) > 0);
  expect_stops_on_sigterm(pmtr);
}

TEST_GROUP(DependsUserSymlink) {
  TestUser user{"dep"};
  TempDir dir;
  Setup s;
  std::string home;
  void setup() override {
    s.conf = dir.file("pmtr.conf");
    s.watched_file = dir.file("watched.conf");
    write_file(s.watched_file, "v0\n");
    home = dir.file("home");
  }
  // The user's own directory, holding the file its job depends on.
  void make_home() {
    CHECK_TEXT(user.ok(), user.error().c_str());
    CHECK_EQUAL(0, mkdir(home.c_str(), 0755));
    CHECK_EQUAL(0, chown(home.c_str(), user.uid(), user.gid()));
    CHECK_EQUAL(0, user.run_as([&] {
      FILE* f = std::fopen((home + "/app.conf").c_str(), "w");
      if (f == nullptr) return 1;
      std::fputs("v1\n", f);
      return std::fclose(f) == 0 ? 0 : 1;
    }));
  }
  // ln -s TARGET .tmp && mv -f .tmp app.conf, as the user.
  void swap_in_symlink(const std::string& target) {
    CHECK_EQUAL(0, user.run_as([&] {
      const std::string tmp = home + "/.tmp";
      if (symlink(target.c_str(), tmp.c_str()) != 0) return 1;
      return rename(tmp.c_str(), (home + "/app.conf").c_str()) == 0 ? 0 : 2;
    }));
  }
};

// The job's user cannot make root read /dev/zero (a hang) or a root-only
// file (a leak of when it changes) through a symlink it owns.
TEST(DependsUserSymlink, SymlinkSwappedInByTheJobsUserIsNotFollowed) {
  PMTR_REQUIRE_ROOT();
  make_home();
  const std::string app = home + "/app.conf";
  const std::string hog_extra = "  user " + user.name() + "\n  dir " + home + "\n" + depends(app);
  write_file(s.conf, s.jobs(hog_extra));
  Pmtr pmtr(s.conf);
  const pid_t hog = pmtr.wait_job("hog", 5000ms);
  CHECK(hog > 0);
  expect_responsive(pmtr, s, hog_extra, 1);

  swap_in_symlink("/dev/zero");
  const std::string refused =
      "depends file " + app + " not hashed: a symlink owned by uid " + std::to_string(user.uid());
  CHECK(pmtr.wait_log(refused, 5000ms));
  const pid_t hog2 = pmtr.wait_new_pid("hog", hog, 5000ms);   // hashable -> refused is a change
  CHECK(hog2 > 0);
  expect_responsive(pmtr, s, hog_extra, 2);

  // Pointed at a root-only file instead: still not followed, not logged again.
  swap_in_symlink("/etc/shadow");
  expect_responsive(pmtr, s, hog_extra, 3);
  CHECK_EQUAL(1, pmtr.count_log(refused));
  CHECK_EQUAL(hog2, pmtr.job_pid("hog"));
  expect_stops_on_sigterm(pmtr);
}
