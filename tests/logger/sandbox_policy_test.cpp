// The pmtr-log seccomp filter alone (logger/sandbox_policy.cpp), tested
// for real: each test forks a child that applies the actual policy and then
// does one thing.  A forbidden call must end the child with SIGSYS; what
// pmtr-log needs (tee, splice, opens with O_NOFOLLOW, rotation) must keep
// working.  The whole sandbox, ids and chroot included, is checked on the
// running pmtr-log by the end-to-end group LogFiles.
#include <fcntl.h>
#include <linux/fs.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <string>

#include "common/sandbox_asan.hpp"
#include "common/unique_fd.hpp"
#include "logger/landlock.hpp"
#include "logger/sandbox.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/sandbox_support.hpp"
#include "tests/support/skip.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;
using pmtr::unique_fd;

namespace {

std::string after_policy(Child& child, const std::function<void()>& body) {
  return status_after(child, [] { return pmtr::apply_log_seccomp(pmtr::SeccompAction::Kill).ok(); }, body);
}

}  // namespace

TEST_GROUP(LogSandboxPolicy) {
  Child child;
  TempDir dir;
  void teardown() override { child.cleanup(); }
};

TEST(LogSandboxPolicy, AnOpenThatWouldFollowASymlinkKills) {
  STRCMP_EQUAL("signal SIGSYS",
               after_policy(child, [] { g_sink = static_cast<uintptr_t>(::openat(AT_FDCWD, "/etc/hostname", O_RDONLY)); })
                   .c_str());
}

TEST(LogSandboxPolicy, SocketExecChmodAndKillKill) {
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::socket(AF_INET, SOCK_DGRAM, 0)); }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] {
                                  char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
                                  ::execve("/bin/true", argv, nullptr);
                                }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::fchmod(2, 0777)); }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::kill(1, 0)); }).c_str());
  STRCMP_EQUAL("signal SIGSYS",
               after_policy(child, [] { g_sink = static_cast<uintptr_t>(::syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", 0)); })
                   .c_str());
}

TEST(LogSandboxPolicy, WhatPmtrLogDoesKeepsWorking) {
  const unique_fd root(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int job[2], scratch[2], counter[2];
  CHECK_EQUAL(0, ::pipe2(job, O_CLOEXEC));
  CHECK_EQUAL(0, ::pipe2(scratch, O_CLOEXEC | O_NONBLOCK));
  CHECK_EQUAL(0, ::pipe2(counter, O_CLOEXEC | O_NONBLOCK));
  const std::string status = after_policy(child, [&] {
    if (::write(job[1], "line\n", 5) != 5) _exit(1);
    // Copy without consuming, read the copy, write the record, consume.
    if (::tee(job[0], scratch[1], 65536, SPLICE_F_NONBLOCK) != 5) _exit(2);
    char buf[16];
    if (::read(scratch[0], buf, sizeof buf) != 5) _exit(3);
    if (::mkdirat(root.get(), "w", 0750) != 0) _exit(4);
    const int dfd = ::openat(root.get(), "w", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) _exit(5);
    const int f = ::openat(dfd, "current", O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (f < 0 || ::write(f, buf, 5) != 5) _exit(6);
    struct stat st {};
    if (::fstat(f, &st) != 0 || !S_ISREG(st.st_mode) || ::ftruncate(f, 5) != 0) _exit(7);
    if (::splice(job[0], nullptr, counter[1], nullptr, 5, SPLICE_F_NONBLOCK) != 5) _exit(8);
    int level = 0;
    if (::ioctl(counter[0], FIONREAD, &level) != 0 || level != 5) _exit(9);
    // Rotation: rename without replacing, list, delete.
    if (::syscall(SYS_renameat2, dfd, "current", dfd, "@x.log", RENAME_NOREPLACE) != 0) _exit(10);
    char dents[1024];
    if (::syscall(SYS_getdents64, dfd, dents, sizeof dents) <= 0) _exit(11);
    if (::unlinkat(dfd, "@x.log", 0) != 0) _exit(12);
    ::close(f);
    ::close(dfd);
  });
  STRCMP_EQUAL("exit 0", status.c_str());
  for (int fd : {job[0], job[1], scratch[0], scratch[1], counter[0], counter[1]}) ::close(fd);
}

TEST(LogSandboxPolicy, FilterMatchesGoldenDump) {
  if (const std::string why = golden_dump_unavailable(); !why.empty()) PMTR_SKIP(why.c_str());
  pmtr::Result<std::string> now = pmtr::export_log_seccomp_pfc();
  CHECK_TEXT(now.ok(), now.ok() ? "" : now.error().message().c_str());
  bool rewritten = false;
  const std::string problem =
      golden_mismatch("tests/logger/sandbox_filter.pfc", *now,
                      "build/tests/logger_tests -sg LogSandboxPolicy -sn FilterMatchesGoldenDump", &rewritten);
  if (rewritten) PMTR_SKIP("rewrote tests/logger/sandbox_filter.pfc; review it with git diff, then commit it");
  if (!problem.empty()) FAIL(problem.c_str());
}

// Landlock (logger/landlock.hpp): beneath the log directory pmtr-log may
// create and write; anywhere else, even a file its user could write and
// opened with O_NOFOLLOW, it may not; under `log to stderr`, nowhere.
TEST(LogSandboxPolicy, LandlockConfinesFilesToTheLogDirectory) {
  TempDir other;
  const unique_fd root(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  const unique_fd outside(::open(other.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  child.pid = fork_flushed();
  if (child.pid == 0) {
    bool applied = false;
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !pmtr::confine_to_directory(root.get(), &applied)) _exit(kSetupFailed);
    if (!applied) _exit(42);
    const int in = ::openat(root.get(), "f", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (in < 0 || ::mkdirat(root.get(), "d", 0750) != 0) _exit(1);
    if (::openat(outside.get(), "f", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640) >= 0 || errno != EACCES) _exit(2);
    if (::unlinkat(AT_FDCWD, "/etc/hostname", 0) == 0 || errno != EACCES) _exit(3);
    _exit(0);
  }
  const std::string status = status_text(child.wait());
  if (status == "exit 42") PMTR_SKIP("no Landlock in this kernel");
  STRCMP_EQUAL("exit 0", status.c_str());
  CHECK_FALSE(access(other.file("f").c_str(), F_OK) == 0);

  child.pid = fork_flushed();
  if (child.pid == 0) {
    bool applied = false;
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !pmtr::confine_to_directory(-1, &applied)) _exit(kSetupFailed);
    if (::openat(root.get(), "g", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640) >= 0 || errno != EACCES) _exit(1);
    _exit(0);
  }
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}
