// The pmtr-parser seccomp filter alone (parser/sandbox_policy.cpp,
// apply_parser_seccomp), tested for real, because a filter that reads right
// can still let a call through or kill the parser at a call it needs:
// every test forks a child that applies the actual policy and then does one
// thing.  Death tests: a forbidden call must end the child with SIGSYS.
// Positive twins: what pmtr-parser needs must keep working, ending in a
// clean exit 0.  The parent only waits and reads; children are
// synchronised through pipes and sockets, never sleeps, and a child still
// alive when a test fails is killed by pid in teardown.  The whole sandbox
// (every step of enter_parser_sandbox) is in sandbox_test.cpp.
#include <fcntl.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/unique_fd.hpp"
#include "parser/sandbox.hpp"
#include "parser/sandbox_private.hpp"

#if PMTR_SANDBOX_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#include "tests/support/sandbox_support.hpp"
#include "tests/support/fd_passing.hpp"
#include "tests/support/skip.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;
using pmtr::SeccompAction;
using pmtr::unique_fd;

namespace {

Pair pipe_pair() {
  int p[2];
  CHECK_TEXT(pipe2(p, O_CLOEXEC) == 0, "pipe2");
  return {high_fd(unique_fd(p[0])), high_fd(unique_fd(p[1]))};
}

// Child side, before the policy: no core file (SIGSYS dumps core by
// default, into the repo root), and nothing left in stdio buffers that an
// exit could flush to fd 1.
void child_prepare() {
  const rlimit zero{0, 0};
  if (setrlimit(RLIMIT_CORE, &zero) != 0) _exit(kSetupFailed);
}

// Reads an fd to EOF (a pipe end whose writers have all gone).
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// Forks a child that applies the real policy, runs `body`, and _exits 0.
// Returns the child's wait status text.
template <typename Body>
std::string after_policy(Child& child, Body body, SeccompAction action = SeccompAction::Kill) {
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_prepare();
    if (!pmtr::apply_parser_seccomp(action)) _exit(kSetupFailed);
    body();
    _exit(0);
  }
  return status_text(child.wait());
}

// The same, but the filter is expected to kill the child at `body`.
template <typename Body>
void expect_sigsys(Child& child, Body body) {
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, body).c_str());
}

}  // namespace

// ============================================================================
// SandboxPolicy: the filter alone (apply_parser_seccomp), forbidden calls.
// ============================================================================

TEST_GROUP(SandboxPolicy) {
  Child child;
  void teardown() override { child.cleanup(); }
};

TEST(SandboxPolicy, OpenatKills) {
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(openat(AT_FDCWD, "/etc/passwd", O_RDONLY)); });
}

#ifdef SYS_open
TEST(SandboxPolicy, OpenKills) {
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(syscall(SYS_open, "/etc/passwd", O_RDONLY)); });
}
#endif

TEST(SandboxPolicy, SocketKills) {
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(socket(AF_INET, SOCK_STREAM, 0)); });
}

TEST(SandboxPolicy, ExecveKills) {
  // A path that does not exist: were execve allowed it would fail with
  // ENOENT and the child exit 0, so only the filter can produce SIGSYS.
  expect_sigsys(child, [] {
    char* const argv[] = {const_cast<char*>("pmtr-no-such-program"), nullptr};
    char* const envp[] = {nullptr};
    g_sink = static_cast<uintptr_t>(execve("/nonexistent/pmtr-no-such-program", argv, envp));
  });
}

TEST(SandboxPolicy, PtraceKills) {
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(ptrace(PTRACE_TRACEME, 0, nullptr, nullptr)); });
}

TEST(SandboxPolicy, ForkKills) {
  // glibc's fork is the clone syscall.  Were it allowed, the grandchild
  // would _exit at once and the child exit 0: the test would fail, not hang.
  expect_sigsys(child, [] {
    if (fork() == 0) _exit(0);
  });
}

TEST(SandboxPolicy, Clone3Kills) {
  // NULL arguments: EINVAL if the kernel ever saw the call.
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(syscall(SYS_clone3, nullptr, 0)); });
}

TEST(SandboxPolicy, MmapExecKills) {
  expect_sigsys(child, [] {
    g_sink = reinterpret_cast<uintptr_t>(
        mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  });
}

TEST(SandboxPolicy, MprotectExecKills) {
  expect_sigsys(child, [] {
    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) _exit(kSetupFailed);   // allowed: RW mapping
    g_sink = static_cast<uintptr_t>(mprotect(page, 4096, PROT_READ | PROT_EXEC));
  });
}

TEST(SandboxPolicy, WriteToStdoutKills) {
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(write(STDOUT_FILENO, "x", 1)); });
}

TEST(SandboxPolicy, KillKills) {
  // Signal 0 to our own test process: harmless if it were allowed.
  static pid_t parent;
  parent = getpid();
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(kill(parent, 0)); });
}

TEST(SandboxPolicy, SetuidKills) {
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(setuid(0)); });
}

TEST(SandboxPolicy, SendmsgOffTheChannelFdKills) {
  // A socket anywhere but kParserChannelFd is unusable, even one the
  // parser holds by mistake.
  static Pair pair;
  pair = seqpacket_pair();
  expect_sigsys(child, [] {
    iovec iov{const_cast<char*>("x"), 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    g_sink = static_cast<uintptr_t>(sendmsg(pair.a.get(), &msg, MSG_NOSIGNAL));
  });
  pair = Pair{};
}

TEST(SandboxPolicy, FutexWaitKills) {
  // Only FUTEX_WAKE_PRIVATE is allowed.  The value differs from the
  // expected one, so an allowed wait would return EAGAIN at once.
  expect_sigsys(child, [] {
    static uint32_t word = 0;
    g_sink = static_cast<uintptr_t>(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, nullptr, nullptr, 0));
  });
}

#if defined(__x86_64__)
TEST(SandboxPolicy, ForeignArchitectureKills) {
  // getpid through the i386 ABI (int 0x80).  First, unsandboxed, whether
  // this kernel has that ABI at all (IA32 emulation may be compiled out).
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_prepare();
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    _exit(ret == getpid() ? 0 : 1);
  }
  if (status_text(child.wait()) != "exit 0") PMTR_SKIP("kernel without the i386 syscall ABI");

  expect_sigsys(child, [] {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    g_sink = static_cast<uintptr_t>(ret);
  });
}

TEST(SandboxPolicy, X32SyscallKills) {
  // getpid with the x32 bit: the filter kills before the kernel would
  // answer ENOSYS (or run it, on kernels with x32 support).
  expect_sigsys(child, [] { g_sink = static_cast<uintptr_t>(syscall(SYS_getpid | 0x40000000)); });
}
#endif

// ============================================================================
// SandboxPolicy: positive twins — what pmtr-parser does must keep working.
// ============================================================================

TEST(SandboxPolicy, ReadFromPipeAfterPolicy) {
  Pair p = pipe_pair();
  const std::string text = "job {\n  name a\n  cmd /bin/true\n}\n";
  CHECK_EQUAL(static_cast<ssize_t>(text.size()), write(p.b.get(), text.data(), text.size()));
  p.b.reset();
  static int rd;
  static std::string expected;
  rd = p.a.get();
  expected = text;
  STRCMP_EQUAL("exit 0", after_policy(child, [] {
                           if (read_all(rd) != expected) _exit(1);
                           if (close(rd) != 0) _exit(2);
                         }).c_str());
}

TEST(SandboxPolicy, RecvmsgReceivesFdAndSendsReplyAfterPolicy) {
  // The parser's whole I/O: a record with one fd on the channel (fd 3),
  // the config read from that fd, replies with sendmsg and send.
  Pair chan = seqpacket_pair();
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_prepare();
    child_place(chan.b.get(), pmtr::kParserChannelFd);
    if (!pmtr::apply_parser_seccomp(SeccompAction::Kill)) _exit(kSetupFailed);

    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) unsigned char cbuf[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    if (recvmsg(pmtr::kParserChannelFd, &msg, MSG_CMSG_CLOEXEC) != 1 || byte != 'P') _exit(1);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) _exit(2);
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    const std::string config = read_all(fd);
    if (close(fd) != 0) _exit(3);

    const std::string reply = "read " + std::to_string(config.size()) + ": " + config;
    iovec out{const_cast<char*>(reply.data()), reply.size()};
    msghdr m2{};
    m2.msg_iov = &out;
    m2.msg_iovlen = 1;
    if (sendmsg(pmtr::kParserChannelFd, &m2, MSG_NOSIGNAL) != static_cast<ssize_t>(reply.size())) _exit(4);
    if (!send_text(pmtr::kParserChannelFd, "done")) _exit(5);
    _exit(0);
  }
  chan.b.reset();

  // The config: a memfd standing in for the file the monitor opened.
  unique_fd cfg(memfd_create("pmtr-test-config", MFD_CLOEXEC));
  CHECK(cfg.valid());
  const std::string text = "job { name x cmd /bin/true }\n";
  CHECK_EQUAL(static_cast<ssize_t>(text.size()), pwrite(cfg.get(), text.data(), text.size(), 0));
  const std::byte byte{'P'};
  CHECK(send_with_fd(chan.a.get(), std::span(&byte, 1), cfg.get()));

  STRCMP_EQUAL(("read " + std::to_string(text.size()) + ": " + text).c_str(), recv_text(chan.a.get()).c_str());
  STRCMP_EQUAL("done", recv_text(chan.a.get()).c_str());
  chan.a.reset();
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(SandboxPolicy, ChannelMessagesRoundTripAfterPolicy) {
  // The same through pmtr's own channel code (common/channel.cpp), which
  // is what pmtr-parser runs.
  Pair chan = seqpacket_pair();
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_prepare();
    child_place(chan.b.get(), pmtr::kParserChannelFd);
    if (!pmtr::apply_parser_seccomp(SeccompAction::Kill)) _exit(kSetupFailed);
    pmtr::RecvResult r = pmtr::recv_message(pmtr::kParserChannelFd, true);
    if (r.status != pmtr::RecvStatus::Message || !r.received->fd.valid()) _exit(1);
    if (!std::holds_alternative<pmtr::MsgParse>(r.received->message)) _exit(2);
    pmtr::MsgDiag d;
    d.severity = pmtr::Severity::Warning;
    d.line = 1;
    d.col = 1;
    d.text = read_all(r.received->fd.get());
    r.received->fd.reset();
    if (!pmtr::send_message(pmtr::kParserChannelFd, d)) _exit(3);
    _exit(0);
  }
  chan.b.reset();

  unique_fd cfg(memfd_create("pmtr-test-config", MFD_CLOEXEC));
  CHECK(cfg.valid());
  const std::string text = "job { name y cmd /bin/false }";
  CHECK_EQUAL(static_cast<ssize_t>(text.size()), pwrite(cfg.get(), text.data(), text.size(), 0));
  CHECK(pmtr::send_message(chan.a.get(), pmtr::MsgParse{7}, cfg.get()).ok());

  pmtr::RecvResult r = pmtr::recv_message(chan.a.get(), false);
  CHECK_TEXT(r.status == pmtr::RecvStatus::Message, r.why.c_str());
  const auto* d = std::get_if<pmtr::MsgDiag>(&r.received->message);
  CHECK(d != nullptr);
  STRCMP_EQUAL(text.c_str(), d->text.c_str());
  chan.a.reset();
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(SandboxPolicy, MallocSmallAndLargeAfterPolicy) {
  STRCMP_EQUAL("exit 0", after_policy(child, [] {
                           // Small blocks from the heap (brk), many of them.
                           std::vector<std::string> words;
                           for (int i = 0; i < 100000; ++i) words.push_back("word-" + std::to_string(i));
                           // Large blocks (mmap), grown (mremap), freed (munmap).
                           void* (*volatile alloc)(size_t) = std::malloc;
                           char* big = static_cast<char*>(alloc(32u << 20));
                           if (big == nullptr) _exit(1);
                           std::memset(big, 'x', 32u << 20);
                           char* bigger = static_cast<char*>(std::realloc(big, 96u << 20));
                           if (bigger == nullptr || bigger[(32u << 20) - 1] != 'x') _exit(2);
                           std::free(bigger);
                           // A config-sized string, as the parser reads one.
                           std::string text;
                           for (size_t i = 0; i < pmtr::limits::kConfigBytes / 4096; ++i) text.append(4096, 'y');
                           g_sink = text.size() + words.size();
                           words.clear();
                           words.shrink_to_fit();
                         }).c_str());
}

TEST(SandboxPolicy, ThrowAndCatchAfterPolicy) {
  STRCMP_EQUAL("exit 0", after_policy(child, [] {
                           try {
                             throw std::runtime_error("config error");
                           } catch (const std::exception& e) {
                             g_sink = std::strlen(e.what());
                           }
                           try {
                             g_sink = static_cast<uintptr_t>(std::stoi("not a number"));
                             _exit(1);
                           } catch (const std::invalid_argument&) {
                           }
                         }).c_str());
}

TEST(SandboxPolicy, WriteToStderrAfterPolicy) {
  // Stderr is a pipe here, so the text can be checked.
  Pair p = pipe_pair();
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_prepare();
    child_place(p.b.get(), STDERR_FILENO);
    if (!pmtr::apply_parser_seccomp(SeccompAction::Kill)) _exit(kSetupFailed);
    const char msg[] = "pmtr-parser: last words\n";
    _exit(write(STDERR_FILENO, msg, sizeof msg - 1) == static_cast<ssize_t>(sizeof msg - 1) ? 0 : 1);
  }
  p.b.reset();
  STRCMP_EQUAL("pmtr-parser: last words\n", read_all(p.a.get()).c_str());
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(SandboxPolicy, ExitNormallyAfterPolicy) {
  // exit(), not _exit(): atexit handlers, stdio flush and static
  // destructors all run inside the filter, as when pmtr-parser returns
  // from main.
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_prepare();
#if PMTR_SANDBOX_ASAN
    // LeakSanitizer's exit-time check needs ptrace; pmtr-parser turns it
    // off (common/helper_sanitizer_options.hpp), this test binary keeps it on.
    // Checking now, unsandboxed, also disables the check at exit.
    __lsan_do_leak_check();
#endif
    if (!pmtr::apply_parser_seccomp(SeccompAction::Kill)) _exit(kSetupFailed);
    std::atexit([] { g_sink = 1; });
    std::exit(0);
  }
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(SandboxPolicy, FstatIsRefusedWithEaccesNotKilled) {
  // The errno list: stdio's fstat probe fails softly.
  STRCMP_EQUAL("exit 0", after_policy(child, [] {
                           struct stat st;
                           // glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH).
                           if (fstat(STDIN_FILENO, &st) != -1 || errno != EACCES) _exit(1);
                           if (fstatat(AT_FDCWD, "/etc/passwd", &st, 0) != -1 || errno != EACCES) _exit(2);
#ifdef SYS_fstat
                           if (syscall(SYS_fstat, STDIN_FILENO, &st) != -1 || errno != EACCES) _exit(3);
#endif
                         }).c_str());
}

TEST(SandboxPolicy, LogModeReportsInsteadOfKilling) {
  // The debug switch: a forbidden call is logged (audit log) and allowed.
  STRCMP_EQUAL("exit 0", after_policy(
                             child, [] { g_sink = static_cast<uintptr_t>(getppid()); }, SeccompAction::Log)
                             .c_str());
}

TEST(SandboxPolicy, FilterMatchesGoldenDump) {
  if (const std::string why = golden_dump_unavailable(); !why.empty()) PMTR_SKIP(why.c_str());

  pmtr::Result<std::string> now = pmtr::export_parser_seccomp_pfc();
  CHECK_TEXT(now.ok(), now.ok() ? "" : now.error().message().c_str());
  bool rewritten = false;
  const std::string problem =
      golden_mismatch("tests/parser/sandbox_filter.pfc", *now,
                      "build/tests/parser_tests -sg SandboxPolicy -sn FilterMatchesGoldenDump", &rewritten);
  if (rewritten) PMTR_SKIP("rewrote tests/parser/sandbox_filter.pfc; review it with git diff, then commit it");
  if (!problem.empty()) FAIL(problem.c_str());
}
