// A job's `ready fd`: the write end of pmtr's pipe becomes fd N in the job
// (not close-on-exec), whatever N is, in forked and vforked children, and
// a failure before exec is still reported when N takes the report's place.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

#include "common/unique_fd.hpp"
#include "spawner/spawn.hpp"
#include "tests/spawner/spawn_fixture.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::spawntest;

namespace {

std::string fd_target(pid_t pid, int fd) {
  char buf[PATH_MAX];
  const std::string link = pid > 0 ? "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd)
                                   : "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Reads until a newline or the deadline; the job writes one line.
std::string read_line(int fd, int timeout_ms) {
  std::string got;
  pmtr::test::poll_until([&] {
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    return got.find('\n') != std::string::npos || n == 0;
  }, std::chrono::milliseconds(timeout_ms));
  return got;
}

}  // namespace

TEST_GROUP(ReadyFd) {
  Children children;
  SpawnReports reports;
  unique_fd rd, wr;
  void setup() override {
    CHECK(reports.open().ok());
    int ends[2];
    CHECK_EQUAL(0, pipe2(ends, O_CLOEXEC | O_NONBLOCK));
    rd.reset(ends[0]);
    wr.reset(ends[1]);
  }
  // Starts a job that says "ready" on fd `target` and then sleeps.
  pid_t start(int target, bool fork_it) {
    const std::string n = std::to_string(target);
    // bash, not dash: dash redirects only fds 0-9.
    JobDesc j = make_job({"/bin/bash", "-c", "echo ready >&" + n + "; exec /bin/sleep 1000"});
    j.name = "ready-" + n;
    if (fork_it) j.out = "/dev/null";   // jobs naming out are forked, the rest vforked
    const FdPlacement ready{wr.get(), target};
    auto s = spawn_job(j, reports, std::span<const FdPlacement>(&ready, 1));
    CHECK_TEXT(s.ok(), s.ok() ? "" : s.error().message().c_str());
    if (!s) return -1;
    children.add(s->pid);
    CHECK_FALSE(s->failure.has_value());
    return s->pid;
  }
};

TEST(ReadyFd, TheJobGetsThePipeAsFdNAndNothingElseWhateverN) {
  for (bool fork_it : {false, true}) {
    for (int target : {3, 4, 5, 9, 200}) {
      const std::string what = std::string(fork_it ? "forked" : "vforked") + ", fd " + std::to_string(target);
      const pid_t pid = start(target, fork_it);
      CHECK_TEXT(pid > 0, what.c_str());
      STRCMP_EQUAL_TEXT("ready\n", read_line(rd.get(), kDeadlineMs).c_str(), what.c_str());
      // The same pipe as ours, and the job holds 0, 1, 2 and N only.
      CHECK(pmtr::test::poll_until([&] { return read_text("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; },
                                   std::chrono::milliseconds(kDeadlineMs)));
      STRCMP_EQUAL(fd_target(-1, wr.get()).c_str(), fd_target(pid, target).c_str());
      // Polled: the program's own startup opens and closes files (sleep
      // reads its locale), so a stray fd may show for an instant.
      const std::set<int> want{0, 1, 2, target};
      CHECK_TEXT(pmtr::test::poll_until([&] { return open_fds(pid) == want; },
                                        std::chrono::milliseconds(kDeadlineMs)),
                 what.c_str());
      kill(pid, SIGKILL);
      children.reap(pid);
    }
  }
}

TEST(ReadyFd, AFailureIsStillReportedWhenTheReadyFdTakesTheReportsPlace) {
  JobDesc j = make_job({"/nonexistent/prog"});
  j.name = "ready-fail";
  j.out = "/dev/null";   // forked: the failure travels on the shared channel
  const FdPlacement ready{wr.get(), 3};
  auto s = spawn_job(j, reports, std::span<const FdPlacement>(&ready, 1));
  CHECK(s.ok());
  children.add(s->pid);
  CHECK_EQUAL(127 << 8, children.reap(s->pid));
  const auto records = reports.drain();
  CHECK_EQUAL(1u, records.size());
  CHECK_EQUAL(s->pid, records.at(0).pid);
  CHECK(records.at(0).failure.step == SpawnStep::Exec);
  CHECK_EQUAL(ENOENT, records.at(0).failure.err);
}

TEST(ReadyFd, AReadyFdAboveTheJobsFdLimitFailsAtItsOwnStep) {
  JobDesc j = make_job({"/bin/true"});
  j.name = "ready-limit";
  j.out = "/dev/null";
  j.ulimits = {{RLIMIT_NOFILE, 64}};
  const FdPlacement ready{wr.get(), 100};
  auto s = spawn_job(j, reports, std::span<const FdPlacement>(&ready, 1));
  CHECK(s.ok());
  children.add(s->pid);
  CHECK_EQUAL(127 << 8, children.reap(s->pid));
  const auto records = reports.drain();
  CHECK_EQUAL(1u, records.size());
  CHECK(records.at(0).failure.step == SpawnStep::PlaceFds);
  CHECK_EQUAL(EBADF, records.at(0).failure.err);
  STRCMP_EQUAL("place fds", spawn_step_name(SpawnStep::PlaceFds));
}
