// The pmtr-net seccomp filter alone (net/sandbox_policy.cpp), tested for
// real: each test forks a child that applies the actual policy and then
// does one thing.  A forbidden call must end the child with SIGSYS; what
// pmtr-net needs (the channel, recvmmsg on the listen socket, sendto on a
// report socket, stderr) must keep working.  The whole sandbox, ids
// included, is checked on the running pmtr-net by the end-to-end group
// NetProcess.
#include <fcntl.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "common/net_fds.hpp"
#include "common/sandbox_asan.hpp"
#include "common/unique_fd.hpp"
#include "net/sandbox.hpp"
#include "tests/support/sandbox_support.hpp"
#include "tests/support/skip.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;
using pmtr::unique_fd;

namespace {

std::string after_policy(Child& child, const std::function<void()>& body) {
  return status_after(child, [] { return pmtr::apply_net_seccomp(pmtr::SeccompAction::Kill).ok(); }, body);
}

// A UDP socket bound to a free loopback port; its address in *addr.
unique_fd bound_udp(sockaddr_in* addr) {
  unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return {};
  socklen_t len = sizeof a;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  *addr = a;
  return fd;
}

}  // namespace

TEST_GROUP(NetSandboxPolicy) {
  Child child;
  void teardown() override { child.cleanup(); }
};

TEST(NetSandboxPolicy, OpenSocketConnectExecAndKillKill) {
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::open("/etc/hostname", O_RDONLY)); }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::socket(AF_INET, SOCK_DGRAM, 0)); }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] {
                                  char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
                                  ::execve("/bin/true", argv, nullptr);
                                }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::kill(1, 0)); }).c_str());
  STRCMP_EQUAL("signal SIGSYS", after_policy(child, [] { g_sink = static_cast<uintptr_t>(::getpid() + ::fork()); }).c_str());
}

TEST(NetSandboxPolicy, SendingOnAnFdOutsideTheReportRangeKills) {
  sockaddr_in to{};
  unique_fd sink = bound_udp(&to);
  CHECK(bool(sink));
  unique_fd out = high_fd(unique_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)));
  // At the listen socket's number: receiving is allowed there, sending is not.
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_place(out.get(), pmtr::kNetListenFd);
    const rlimit zero{0, 0};
    if (setrlimit(RLIMIT_CORE, &zero) != 0) _exit(kSetupFailed);
    if (!pmtr::apply_net_seccomp(pmtr::SeccompAction::Kill)) _exit(kSetupFailed);
    g_sink = static_cast<uintptr_t>(::sendto(pmtr::kNetListenFd, "x", 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to));
    _exit(0);
  }
  STRCMP_EQUAL("signal SIGSYS", status_text(child.wait()).c_str());
}

TEST(NetSandboxPolicy, WhatPmtrNetDoesKeepsWorking) {
  sockaddr_in listen_addr{}, report_addr{};
  // Above the numbers the child places them at.
  unique_fd listen = high_fd(bound_udp(&listen_addr));
  unique_fd collector = bound_udp(&report_addr);
  unique_fd report = high_fd(unique_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)));
  Pair channel = seqpacket_pair();
  channel.b = high_fd(std::move(channel.b));
  unique_fd sender(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  CHECK(::sendto(sender.get(), "enable web", 10, 0, reinterpret_cast<const sockaddr*>(&listen_addr), sizeof listen_addr) == 10);
  // The parent's side must not wait forever for a child the filter killed.
  const timeval tv{10, 0};
  CHECK_EQUAL(0, ::setsockopt(channel.a.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_place(channel.b.get(), pmtr::kNetChannelFd);
    child_place(listen.get(), pmtr::kNetListenFd);
    child_place(report.get(), pmtr::kNetReportFd0 + 1);
    const rlimit zero{0, 0};
    if (setrlimit(RLIMIT_CORE, &zero) != 0) _exit(kSetupFailed);
    if (!pmtr::apply_net_seccomp(pmtr::SeccompAction::Kill)) _exit(kSetupFailed);
    char buf[64];
    iovec iov{buf, sizeof buf};
    mmsghdr m{};
    m.msg_hdr.msg_iov = &iov;
    m.msg_hdr.msg_iovlen = 1;
    if (::recvmmsg(pmtr::kNetListenFd, &m, 1, 0, nullptr) != 1 || m.msg_len != 10) _exit(1);
    if (::sendto(pmtr::kNetReportFd0 + 1, "report h\n", 9, 0, reinterpret_cast<const sockaddr*>(&report_addr),
                 sizeof report_addr) != 9)
      _exit(2);
    if (!send_text(pmtr::kNetChannelFd, "op") || recv_text(pmtr::kNetChannelFd) != "status") _exit(3);
    if (::write(STDERR_FILENO, "", 0) != 0) _exit(4);
    _exit(0);
  }
  CHECK_EQUAL("op", recv_text(channel.a.get()));
  CHECK(send_text(channel.a.get(), "status"));
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
  char got[64] = {};
  CHECK_EQUAL(9, ::recv(collector.get(), got, sizeof got, MSG_DONTWAIT));
  STRCMP_EQUAL("report h\n", got);
}

TEST(NetSandboxPolicy, FilterMatchesGoldenDump) {
  if (const std::string why = golden_dump_unavailable(); !why.empty()) PMTR_SKIP(why.c_str());
  pmtr::Result<std::string> now = pmtr::export_net_seccomp_pfc();
  CHECK_TEXT(now.ok(), now.ok() ? "" : now.error().message().c_str());
  bool rewritten = false;
  const std::string problem = golden_mismatch("tests/net/sandbox_filter.pfc", *now,
                                              "build/tests/net_tests -sg NetSandboxPolicy -sn FilterMatchesGoldenDump", &rewritten);
  if (rewritten) PMTR_SKIP("rewrote tests/net/sandbox_filter.pfc; review it with git diff, then commit it");
  if (!problem.empty()) FAIL(problem.c_str());
}
