// The shared spawn-failure channel: many children, one pipe, records
// tagged with the failing child's pid; a child that exec'd says nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <dirent.h>

#include "spawner/spawn.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

JobDesc job_running(std::vector<std::string> argv) {
  JobDesc j;
  j.name = "shared";
  j.argv = std::move(argv);
  return j;
}

int reap(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  return st;
}

size_t open_fds() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n;
}

}  // namespace

TEST_GROUP(SharedReports) {
  SpawnReports reports;
  void setup() override { CHECK(reports.open().ok()); }
};

// Jobs that name in, out or err are forked (their opens may block): their
// failures travel on the shared pipe, tagged with the pid.
JobDesc forked(JobDesc j) {
  j.out = "/dev/null";
  return j;
}

TEST(SharedReports, FailuresCarryTheirPidAndSuccessSaysNothing) {
  auto bad1 = spawn_job(forked(job_running({"/nonexistent/a"})), reports);
  auto good = spawn_job(forked(job_running({"/bin/true"})), reports);
  JobDesc nodir = forked(job_running({"/bin/true"}));
  nodir.dir = "/nonexistent-dir";
  auto bad2 = spawn_job(nodir, reports);
  CHECK(bad1.ok() && good.ok() && bad2.ok());
  CHECK_FALSE(bad1->error_pipe.valid());   // no per-job fd held
  CHECK_FALSE(bad1->failure.has_value());  // forked: the news comes later
  CHECK_EQUAL(127, WEXITSTATUS(reap(bad1->pid)));
  CHECK_EQUAL(0, WEXITSTATUS(reap(good->pid)));
  CHECK_EQUAL(127, WEXITSTATUS(reap(bad2->pid)));

  auto records = reports.drain();   // every record is in once its child is reaped
  CHECK_EQUAL(2u, records.size());
  // The children ran in parallel: records come in the order they failed.
  if (records[0].pid != bad1->pid) std::swap(records[0], records[1]);
  CHECK_EQUAL(bad1->pid, records[0].pid);
  CHECK(records[0].failure.step == SpawnStep::Exec);
  CHECK_EQUAL(ENOENT, records[0].failure.err);
  CHECK_EQUAL(bad2->pid, records[1].pid);
  CHECK(records[1].failure.step == SpawnStep::Chdir);
  CHECK(reports.drain().empty());
}

// Jobs with the default streams are vforked: spawn_job returns after the
// child's exec, so a failure is known at once and the pipe stays silent.
TEST(SharedReports, VforkedFailureComesBackWithThePid) {
#if defined(__SANITIZE_ADDRESS__)
  PMTR_SKIP("AddressSanitizer builds fork every job (spawner/spawn.cpp)");
#endif
  auto bad = spawn_job(job_running({"/nonexistent/a"}), reports);
  JobDesc nodir = job_running({"/bin/true"});
  nodir.dir = "/nonexistent-dir";
  auto bad_dir = spawn_job(nodir, reports);
  auto good = spawn_job(job_running({"/bin/true"}), reports);
  CHECK(bad.ok() && bad_dir.ok() && good.ok());
  CHECK(bad->failure.has_value());
  CHECK(bad->failure->step == SpawnStep::Exec);
  CHECK_EQUAL(ENOENT, bad->failure->err);
  CHECK(bad_dir->failure.has_value());
  CHECK(bad_dir->failure->step == SpawnStep::Chdir);
  CHECK_EQUAL(ENOENT, bad_dir->failure->err);
  CHECK_FALSE(good->failure.has_value());
  CHECK_EQUAL(127, WEXITSTATUS(reap(bad->pid)));
  CHECK_EQUAL(127, WEXITSTATUS(reap(bad_dir->pid)));
  CHECK_EQUAL(0, WEXITSTATUS(reap(good->pid)));
  CHECK(reports.drain().empty());
}

TEST(SharedReports, ManyJobsHoldNoFdEach) {
  const size_t before = open_fds();
  std::vector<pid_t> pids;
  for (int i = 0; i < 200; ++i) {
    auto s = spawn_job(job_running({"/bin/sleep", "1000"}), reports);
    CHECK(s.ok());
    pids.push_back(s->pid);
  }
  CHECK_EQUAL(before, open_fds());
  for (pid_t p : pids) kill(p, SIGKILL);
  for (pid_t p : pids) reap(p);
  CHECK(reports.drain().empty());
}

TEST(SharedReports, MalformedRecordEndsTheBatch) {
  const unsigned char junk[3] = {1, 2, 3};
  CHECK_EQUAL(3, ::write(reports.write_fd(), junk, sizeof junk));
  CHECK(reports.drain().empty());
}
