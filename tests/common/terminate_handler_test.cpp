// Our replacement of libstdc++'s default terminate handler: an uncaught
// exception ends the process with one line of ours (libstdc++'s would say
// "terminate called after throwing an instance of ...", through the
// demangler we keep out of the binaries).
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "common/syscalls.hpp"
#include "common/terminate_handler.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

namespace {

struct Outcome {
  int status = 0;
  std::string err;
};

// Runs `body` in a child with stderr on a pipe.
template <typename F>
Outcome run_child(F body) {
  int p[2];
  if (pipe(p) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 2);
    close(p[0]);
    body();
    _exit(0);
  }
  close(p[1]);
  Outcome o;
  char buf[512];
  for (pmtr::IoResult r; (r = pmtr::sys_read(p[0], buf, sizeof buf)).ok() && r.bytes > 0;) o.err.append(buf, r.bytes);
  close(p[0]);
  o.status = pmtr::sys_waitpid(pid, 0).status;
  return o;
}

[[noreturn]] void throw_uncaught() { throw std::runtime_error("nobody catches this"); }

}  // namespace

TEST_GROUP(TerminateHandler){};

TEST(TerminateHandler, DefaultHandlerIsOursAndAborts) {
  const Outcome o = run_child([] {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGABRT, &dfl, nullptr);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    throw_uncaught();
  });
  CHECK_TRUE(WIFSIGNALED(o.status));
  CHECK_EQUAL(SIGABRT, WTERMSIG(o.status));
  CHECK_TRUE_TEXT(o.err.find(": fatal: unhandled exception or out of memory\n") != std::string::npos, o.err.c_str());
  CHECK_TRUE_TEXT(o.err.find("terminate called") == std::string::npos, o.err.c_str());
}

TEST(TerminateHandler, ExitVariantLeavesWithStatus70) {
  const Outcome o = run_child([] {
    std::set_terminate(pmtr::terminate_with_exit);
    throw_uncaught();
  });
  CHECK_TRUE(WIFEXITED(o.status));
  CHECK_EQUAL(70, WEXITSTATUS(o.status));
  CHECK_TRUE_TEXT(o.err.find(": fatal: unhandled exception or out of memory\n") != std::string::npos, o.err.c_str());
}
