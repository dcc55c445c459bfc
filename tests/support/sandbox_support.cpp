#include "tests/support/sandbox_support.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/sandbox_asan.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

namespace pmtr::test {

volatile uintptr_t g_sink;

std::string status_text(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return std::string("signal SIG") + (name ? name : std::to_string(WTERMSIG(status)).c_str());
  }
  return "status " + std::to_string(status);
}

unique_fd high_fd(unique_fd fd) {
  const int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, 10);
  CHECK_TEXT(moved >= 0, "F_DUPFD_CLOEXEC");
  return unique_fd(moved);
}

Pair seqpacket_pair() {
  int sv[2];
  CHECK_TEXT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
  return {high_fd(unique_fd(sv[0])), high_fd(unique_fd(sv[1]))};
}

void child_place(int fd, int target) {
  if (dup2(fd, target) != target) _exit(kSetupFailed);
}

bool send_text(int fd, const std::string& s) {
  return send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}
std::string recv_text(int fd) {
  char buf[4096];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n;
  do n = recvmsg(fd, &msg, 0);
  while (n < 0 && errno == EINTR);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

int Child::wait() {
  int status = 0;
  pid_t r;
  do r = waitpid(pid, &status, 0);
  while (r < 0 && errno == EINTR);
  CHECK_EQUAL(pid, r);
  pid = -1;
  return status;
}

void Child::cleanup() {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid = -1;
}

pid_t fork_flushed() {
  std::fflush(nullptr);   // a child must inherit no buffered output
  const pid_t pid = fork();
  CHECK_TEXT(pid >= 0, "fork");
  return pid;
}

std::string golden_mismatch(const std::string& path, const std::string& now, const std::string& regenerate,
                            bool* rewritten) {
  *rewritten = false;
  if (const char* update = std::getenv("PMTR_UPDATE_GOLDEN"); update && std::strcmp(update, "1") == 0) {
    std::ofstream(path, std::ios::binary) << now;
    *rewritten = true;
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) return "cannot open " + path + " (tests run from the repo root)";
  const std::string golden((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (golden == now) return {};
  // The first differing line, then how to accept a deliberate change.
  std::istringstream a(golden), b(now);
  std::string la, lb;
  int line = 0;
  for (;;) {
    ++line;
    const bool ga = static_cast<bool>(std::getline(a, la));
    const bool gb = static_cast<bool>(std::getline(b, lb));
    if (!ga) la = "(end of file)";
    if (!gb) lb = "(end of filter)";
    if (la != lb || (!ga && !gb)) break;
  }
  return "the seccomp filter differs from " + path + " at line " + std::to_string(line) + ":\n  golden: " + la +
         "\n  now:    " + lb +
         "\nIf the policy change is intended, regenerate the dump from the repo root with\n"
         "  PMTR_UPDATE_GOLDEN=1 " + regenerate + "\nthen review `git diff " + path +
         "`, update SECURITY.md, and commit both.";
}

std::string status_after(Child& child, const std::function<bool()>& apply, const std::function<void()>& body) {
  child.pid = fork_flushed();
  if (child.pid == 0) {
    const rlimit zero{0, 0};   // no core file from SIGSYS
    if (setrlimit(RLIMIT_CORE, &zero) != 0 || !apply()) _exit(kSetupFailed);
    body();
    _exit(0);
  }
  return status_text(child.wait());
}

std::string golden_dump_unavailable() {
  if (PMTR_SANDBOX_ASAN) return "SANITIZE=1 adds the marked sanitizer block; the golden dump describes the production policy";
#if !defined(__x86_64__)
  return "the golden dump is of the x86_64 filter";
#endif
  const scmp_version* v = seccomp_version();
  if (v->major != 2 || v->minor != 5) return "the golden dump was written by libseccomp 2.5; its PFC text varies between releases";
  return {};
}

}  // namespace pmtr::test
