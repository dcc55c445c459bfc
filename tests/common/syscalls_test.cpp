// The syscall wrappers: results and errno values instead of -1 and a
// global, O_CLOEXEC on every fd they open, and EINTR retried (proved with
// a real signal delivered while the call is blocked).
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "common/syscalls.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::atomic<bool> g_usr1_seen{false};
void on_usr1(int) { g_usr1_seen = true; }

struct Pipe {
  unique_fd r, w;
  Pipe() {
    int fds[2];
    CHECK_EQUAL(0, pipe2(fds, O_CLOEXEC));
    r.reset(fds[0]);
    w.reset(fds[1]);
  }
};

// The system call number the calling thread is blocked in, read by another
// thread from /proc/self/task/TID/syscall; -1 when it is running.
class BlockedIn {
 public:
  BlockedIn() : path_("/proc/self/task/" + std::to_string(syscall(SYS_gettid)) + "/syscall") {}
  [[nodiscard]] bool available() const {
    FILE* f = std::fopen(path_.c_str(), "r");
    if (f != nullptr) std::fclose(f);
    return f != nullptr;
  }
  [[nodiscard]] long now() const {
    FILE* f = std::fopen(path_.c_str(), "r");
    if (f == nullptr) return -1;
    long nr = -1;
    if (std::fscanf(f, "%ld", &nr) != 1) nr = -1;
    std::fclose(f);
    return nr;
  }

 private:
  std::string path_;
};

// Runs `call` on this thread while a helper waits until it is blocked in
// syscall `nr`, interrupts it with SIGUSR1 (no SA_RESTART, so the kernel
// returns EINTR), waits for the handler, then runs `release` to let the
// call complete.  Returns false if any step missed its deadline.
template <typename Call, typename Release>
bool interrupt_once(long nr, Call call, Release release) {
  const BlockedIn blocked;
  struct sigaction sa {}, old {};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  CHECK_EQUAL(0, sigaction(SIGUSR1, &sa, &old));
  g_usr1_seen = false;
  const pthread_t caller = pthread_self();
  std::atomic<bool> timed_out{false};
  std::thread helper([&] {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (blocked.now() != nr && Clock::now() < deadline) std::this_thread::yield();
    pthread_kill(caller, SIGUSR1);
    while (!g_usr1_seen && Clock::now() < deadline) std::this_thread::yield();
    timed_out = Clock::now() >= deadline;
    release();   // even after a timeout: the caller must never stay blocked
  });
  call();
  helper.join();
  sigaction(SIGUSR1, &old, nullptr);
  return !timed_out && g_usr1_seen;
}

}  // namespace

TEST_GROUP(Syscalls){};

TEST(Syscalls, ReadReturnsBytesThenEndOfFile) {
  Pipe p;
  CHECK_EQUAL(3u, sys_write(p.w.get(), "abc", 3).bytes);
  p.w.reset();
  char buf[8];
  const IoResult first = sys_read(p.r.get(), buf, sizeof buf);
  CHECK_TRUE(first.ok());
  CHECK_EQUAL(3u, first.bytes);
  const IoResult eof = sys_read(p.r.get(), buf, sizeof buf);
  CHECK_TRUE(eof.ok());
  CHECK_EQUAL(0u, eof.bytes);
}

TEST(Syscalls, FailuresCarryTheirErrno) {
  char buf[1];
  CHECK_EQUAL(EBADF, sys_read(-1, buf, 1).err);
  CHECK_EQUAL(EBADF, sys_write(-1, buf, 1).err);
  const FdResult missing = sys_open("/nonexistent/pmtr-syscalls-test", O_RDONLY);
  CHECK_FALSE(missing.ok());
  CHECK_EQUAL(ENOENT, missing.err);
  CHECK_FALSE(missing.fd.valid());
}

TEST(Syscalls, OpenAlwaysSetsCloseOnExec) {
  const FdResult f = sys_open("/dev/null", O_RDONLY);
  CHECK_TRUE(f.ok());
  CHECK_TRUE((fcntl(f.fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
  const FdResult root = sys_open("/", O_RDONLY | O_DIRECTORY);
  const FdResult at = sys_openat(root.fd.get(), "dev/null", O_WRONLY);
  CHECK_TRUE(at.ok());
  CHECK_TRUE((fcntl(at.fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
}

// More than a pipe holds (64 KiB), drained by another thread: write(2)
// returns short counts and write_all keeps going until everything is out.
TEST(Syscalls, WriteAllWritesEverythingThroughShortWrites) {
  Pipe p;
  const std::string text(1 << 20, 'x');
  std::string got;
  std::thread reader([&] {
    char buf[4096];
    for (IoResult r; (r = sys_read(p.r.get(), buf, sizeof buf)).ok() && r.bytes > 0;) got.append(buf, r.bytes);
  });
  const IoResult w = sys_write_all(p.w.get(), text.data(), text.size());
  p.w.reset();
  reader.join();
  CHECK_TRUE(w.ok());
  CHECK_EQUAL(text.size(), w.bytes);
  CHECK_TRUE(got == text);
}

TEST(Syscalls, WaitpidReportsNothingYetThenTheStatus) {
  Pipe go;
  const pid_t pid = fork();
  if (pid == 0) {
    go.w.reset();   // or the read below never sees the parent close it
    char c;
    (void)!read(go.r.get(), &c, 1);
    _exit(7);
  }
  const WaitResult early = sys_waitpid(pid, WNOHANG);
  CHECK_TRUE(early.ok());
  CHECK_EQUAL(0, early.pid);
  go.w.reset();
  const WaitResult done = sys_waitpid(pid, 0);
  CHECK_TRUE(done.ok());
  CHECK_EQUAL(pid, done.pid);
  CHECK_TRUE(WIFEXITED(done.status) && WEXITSTATUS(done.status) == 7);
  CHECK_EQUAL(ECHILD, sys_waitpid(pid, 0).err);
}

TEST(Syscalls, ReadRetriesAfterASignal) {
  if (!BlockedIn().available()) PMTR_SKIP("no /proc/self/task/TID/syscall");
  Pipe p;
  IoResult r;
  char c = 0;
  CHECK_TRUE(interrupt_once(
      SYS_read, [&] { r = sys_read(p.r.get(), &c, 1); }, [&] { (void)sys_write(p.w.get(), "y", 1); }));
  CHECK_TRUE(r.ok());
  CHECK_EQUAL(1u, r.bytes);
  CHECK_EQUAL('y', c);
}

TEST(Syscalls, WaitpidRetriesAfterASignal) {
  if (!BlockedIn().available()) PMTR_SKIP("no /proc/self/task/TID/syscall");
  Pipe go;
  const pid_t pid = fork();
  if (pid == 0) {
    go.w.reset();   // or the read below never sees the parent close it
    char c;
    (void)!read(go.r.get(), &c, 1);
    _exit(3);
  }
  WaitResult w;
  CHECK_TRUE(interrupt_once(
      SYS_wait4, [&] { w = sys_waitpid(pid, 0); }, [&] { go.w.reset(); }));
  CHECK_TRUE(w.ok());
  CHECK_EQUAL(pid, w.pid);
  CHECK_TRUE(WIFEXITED(w.status) && WEXITSTATUS(w.status) == 3);
}

// epoll_wait is the one call not retried: the event loop recomputes its
// timeout instead.  An interrupted wait is "nothing ready", not an error.
TEST(Syscalls, InterruptedEpollWaitIsNoEventNotAnError) {
  if (!BlockedIn().available()) PMTR_SKIP("no /proc/self/task/TID/syscall");
  unique_fd ep(epoll_create1(EPOLL_CLOEXEC));
  CHECK_TRUE(ep.valid());
  epoll_event ev[1];
  ReadyResult r{-1, -1};
  CHECK_TRUE(interrupt_once(
      SYS_epoll_wait, [&] { r = sys_epoll_wait(ep.get(), ev, 1, 20000); }, [] {}));
  CHECK_TRUE(r.ok());
  CHECK_EQUAL(0, r.count);
}
