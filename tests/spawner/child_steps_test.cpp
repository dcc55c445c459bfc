// The execution context a job gets (SPEC §2): real processes spawned with
// spawn_job and inspected through /proc while they sit in read(0) on a
// FIFO the test holds open, or through the facts they write to their out
// file.  Every process is reaped; a stuck one is killed by its pid.
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "spawner/spawn.hpp"
#include "tests/spawner/spawn_fixture.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::spawntest::make_job;
using pmtr::spawntest::read_text;
using pmtr::spawntest::status_field;

namespace {

constexpr const char* kMarker = "PMTR_SPAWN_TEST_MARKER";

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) != nullptr ? buf : p;
}

}  // namespace

TEST_GROUP(ChildSteps) {
  spawntest::TempDir tmp;
  spawntest::Children children;
  unique_fd fifo;                  // keeps a `cat` job blocked until closed
  std::vector<unique_fd> extra;    // fds the "monitor" holds while spawning
  // Process state a test changes, restored in teardown.
  bool signals_changed = false;
  sigset_t saved_mask{};
  struct sigaction saved_usr2 {}, saved_pipe {}, saved_int {};
  mode_t saved_umask = 0;
  bool umask_changed = false;
  bool affinity_changed = false;
  cpu_set_t saved_affinity{};

  void teardown() override {
    if (signals_changed) {
      sigaction(SIGUSR2, &saved_usr2, nullptr);
      sigaction(SIGPIPE, &saved_pipe, nullptr);
      sigaction(SIGINT, &saved_int, nullptr);
      sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    }
    if (umask_changed) umask(saved_umask);
    if (affinity_changed) sched_setaffinity(0, sizeof saved_affinity, &saved_affinity);
    unsetenv(kMarker);
  }

  // Spawns the job and requires that its program was executed.
  pid_t start(const JobDesc& job) { return spawntest::expect_spawn_exec(children, job); }

  // `cat` reading a FIFO whose only writer is this test: it blocks in
  // read(0) until finish() closes the FIFO.
  pid_t start_blocked(JobDesc job) {
    const std::string path = tmp / "stdin";
    CHECK_EQUAL(0, mkfifo(path.c_str(), 0600));
    fifo.reset(open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    CHECK(fifo.valid());
    job.argv = {"/bin/cat"};
    job.in = path;
    const pid_t pid = start(job);
    CHECK(spawntest::wait_blocked_reading_stdin(pid));
    return pid;
  }

  void finish(pid_t pid) {
    fifo.reset();
    const int status = children.reap(pid);
    CHECK(WIFEXITED(status));
    CHECK_EQUAL(0, WEXITSTATUS(status));
  }

  // Runs a job to its end; the exit status.
  int run(const JobDesc& job) {
    const int status = children.reap(start(job));
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
  }

  std::string dir(const std::string& name) {
    const std::string d = tmp / name;
    CHECK_EQUAL(0, mkdir(d.c_str(), 0755));
    return d;
  }
};

TEST(ChildSteps, OwnSessionAndProcessGroup) {
  const pid_t pid = start_blocked(make_job({}));
  CHECK_EQUAL(pid, getsid(pid));
  CHECK_EQUAL(pid, getpgid(pid));
  CHECK(getsid(0) != pid);
  finish(pid);
}

TEST(ChildSteps, SignalMaskAndDispositionsAreReset) {
  // What a monitor looks like: signals blocked for its signalfd, some
  // ignored, one caught.
  sigset_t block;
  sigemptyset(&block);
  for (int s : {SIGHUP, SIGTERM, SIGCHLD, SIGUSR1, SIGALRM}) sigaddset(&block, s);
  CHECK_EQUAL(0, sigprocmask(SIG_BLOCK, &block, &saved_mask));
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  struct sigaction caught {};
  caught.sa_handler = [](int) {};
  sigaction(SIGUSR2, &ign, &saved_usr2);
  sigaction(SIGPIPE, &ign, &saved_pipe);
  sigaction(SIGINT, &caught, &saved_int);
  signals_changed = true;
  CHECK(status_field(getpid(), "SigBlk") != "0000000000000000");
  CHECK(status_field(getpid(), "SigIgn") != "0000000000000000");

  const pid_t pid = start_blocked(make_job({}));
  STRCMP_EQUAL("0000000000000000", status_field(pid, "SigBlk").c_str());
  STRCMP_EQUAL("0000000000000000", status_field(pid, "SigIgn").c_str());
  STRCMP_EQUAL("0000000000000000", status_field(pid, "SigCgt").c_str());
  finish(pid);
}

TEST(ChildSteps, UmaskIs022) {
  saved_umask = umask(077);
  umask_changed = true;
  const pid_t pid = start_blocked(make_job({}));
  STRCMP_EQUAL("0022", status_field(pid, "Umask").c_str());
  finish(pid);
}

TEST(ChildSteps, OnlyStandardStreamsReachTheJob) {
  // Inheritable and close-on-exec fds alike, at low and high numbers.
  const int plain = open("/dev/null", O_RDONLY);   // deliberately without O_CLOEXEC
  CHECK(plain >= 0);
  extra.emplace_back(plain);
  extra.emplace_back(fcntl(plain, F_DUPFD, 200));
  extra.emplace_back(fcntl(plain, F_DUPFD_CLOEXEC, 300));
  const pid_t pid = start_blocked(make_job({}));
  const std::set<int> fds = spawntest::open_fds(pid);
  CHECK_EQUAL(3u, fds.size());
  CHECK(fds == (std::set<int>{0, 1, 2}));
  finish(pid);
}

TEST(ChildSteps, PmtrsOwnFdsDoNotCountAgainstTheJobsFileLimit) {
  // A monitor with hundreds of jobs holds hundreds of fds; the job's
  // streams must still be openable under a small `ulimit -n`.
  for (int i = 0; i < 100; ++i) extra.emplace_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const std::string work = dir("work");
  JobDesc job = make_job({"/bin/sh", "-c", "echo ok"}, work);
  job.out = "o.txt";
  job.ulimits = {Ulimit{RLIMIT_NOFILE, 16}};
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL("ok\n", read_text(work + "/o.txt").c_str());
}

TEST(ChildSteps, EnvironmentIsCleanPlusJobLines) {
  CHECK_EQUAL(0, setenv(kMarker, "leaked", 1));
  const std::string work = dir("work");
  JobDesc job = make_job({"/usr/bin/env"}, work);
  job.out = "env.txt";
  job.env = {"FOO=bar baz", "EMPTY="};
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL(
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
      "FOO=bar baz\nEMPTY=\n",
      read_text(work + "/env.txt").c_str());
}

TEST(ChildSteps, JobPathOverridesTheDefault) {
  const std::string work = dir("work");
  JobDesc job = make_job({"/usr/bin/env"}, work);
  job.out = "env.txt";
  job.env = {"A=1", "PATH=/opt/bin"};
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL("A=1\nPATH=/opt/bin\n", read_text(work + "/env.txt").c_str());
}

TEST(ChildSteps, WorkingDirectoryIsDir) {
  const std::string work = dir("work");
  JobDesc job = make_job({"/bin/sh", "-c", "pwd"}, work);
  job.out = "where.txt";
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL((real_path(work) + "\n").c_str(), read_text(work + "/where.txt").c_str());
}

TEST(ChildSteps, StreamsAreRelativeToDirOrAbsolute) {
  const std::string work = dir("work");
  spawntest::write_text(work + "/input.txt", "hello\n");
  JobDesc job = make_job({"/bin/sh", "-c", "cat; echo oops >&2"}, work);
  job.in = "input.txt";
  job.out = "o.txt";
  job.err = tmp / "e.txt";
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL("hello\n", read_text(work + "/o.txt").c_str());
  STRCMP_EQUAL("oops\n", read_text(tmp / "e.txt").c_str());
}

TEST(ChildSteps, OutputIsAppendedAndCreated0640) {
  const std::string work = dir("work");
  spawntest::write_text(work + "/o.txt", "old\n");
  JobDesc job = make_job({"/bin/sh", "-c", "echo new; echo err >&2"}, work);
  job.out = "o.txt";
  job.err = "e.txt";
  CHECK_EQUAL(0, run(job));
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL("old\nnew\nnew\n", read_text(work + "/o.txt").c_str());
  STRCMP_EQUAL("err\nerr\n", read_text(work + "/e.txt").c_str());
  struct stat st {};
  CHECK_EQUAL(0, stat((work + "/e.txt").c_str(), &st));
  CHECK_EQUAL(0640u, st.st_mode & 07777u);
}

TEST(ChildSteps, StreamsDefaultToDevNull) {
  const std::string work = dir("work");
  JobDesc job = make_job({"/bin/sh", "-c", "readlink /proc/$$/fd/0 /proc/$$/fd/2"}, work);
  job.out = "o.txt";
  CHECK_EQUAL(0, run(job));
  STRCMP_EQUAL("/dev/null\n/dev/null\n", read_text(work + "/o.txt").c_str());
}

TEST(ChildSteps, NiceIsApplied) {
  JobDesc job = make_job({});
  job.has_nice = true;
  job.nice = 7;
  const pid_t pid = start_blocked(job);
  errno = 0;
  CHECK_EQUAL(7, getpriority(PRIO_PROCESS, static_cast<id_t>(pid)));
  CHECK_EQUAL(0, errno);
  finish(pid);
}

TEST(ChildSteps, NegativeNiceAsRoot) {
  PMTR_REQUIRE_ROOT();
  JobDesc job = make_job({});
  job.has_nice = true;
  job.nice = -4;
  const pid_t pid = start_blocked(job);
  errno = 0;
  CHECK_EQUAL(-4, getpriority(PRIO_PROCESS, static_cast<id_t>(pid)));
  finish(pid);
}

TEST(ChildSteps, AffinityCpu0Only) {
  JobDesc job = make_job({});
  job.cpus = {0};
  const pid_t pid = start_blocked(job);
  STRCMP_EQUAL("0", status_field(pid, "Cpus_allowed_list").c_str());
  finish(pid);
}

TEST(ChildSteps, AbsentCpusAreIgnored) {
  JobDesc job = make_job({});
  job.cpus = {0, 1023};
  const pid_t pid = start_blocked(job);
  STRCMP_EQUAL("0", status_field(pid, "Cpus_allowed_list").c_str());
  finish(pid);
}

TEST(ChildSteps, OnlyAbsentCpusLeaveAffinityUntouched) {
  // Pin ourselves to the last CPU we may use, so "untouched" (inherited)
  // is told apart from "all CPUs".
  CHECK_EQUAL(0, sched_getaffinity(0, sizeof saved_affinity, &saved_affinity));
  int last = -1;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &saved_affinity)) last = c;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(last, &one);
  CHECK_EQUAL(0, sched_setaffinity(0, sizeof one, &one));
  affinity_changed = true;

  JobDesc job = make_job({});
  job.cpus = {1022, 1023};
  const pid_t pid = start_blocked(job);
  STRCMP_EQUAL(std::to_string(last).c_str(), status_field(pid, "Cpus_allowed_list").c_str());
  finish(pid);
}

TEST(ChildSteps, UlimitsSetSoftAndHard) {
  JobDesc job = make_job({});
  job.ulimits = {Ulimit{RLIMIT_CORE, 0}, Ulimit{RLIMIT_NOFILE, 64}};
  const pid_t pid = start_blocked(job);
  STRCMP_EQUAL("Max open files 64 64 files", spawntest::limits_line(pid, "Max open files").c_str());
  STRCMP_EQUAL("Max core file size 0 0 bytes", spawntest::limits_line(pid, "Max core file size").c_str());
  finish(pid);
}
