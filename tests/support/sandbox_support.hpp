// What the sandbox tests (pmtr-parser's and pmtr-log's) share:
// forking a child that is killed and reaped by pid if a test fails before
// waiting for it, reading its wait status as text, and the channel-like
// sockets through which parent and child synchronise (never sleeps).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "common/unique_fd.hpp"

namespace pmtr::test {

inline constexpr int kSetupFailed = 100;   // a child's own preparation failed

extern volatile uintptr_t g_sink;   // keeps results of probe calls observable

// "exit N" or "signal NAME": failures then read as what happened.
std::string status_text(int status);

// Moves an fd above the low numbers, so a child can put its channel at 3
// without clobbering anything it still needs.
unique_fd high_fd(unique_fd fd);

struct Pair {
  unique_fd a, b;
};
Pair seqpacket_pair();

// Child side: `fd` becomes `target` (dup2 clears close-on-exec, as the
// monitor's placement of the parser's channel does).
void child_place(int fd, int target);

// Sends / receives one text record on a SOCK_SEQPACKET socket.  send() is
// sendto and the receive uses recvmsg: both are what the filter allows.
bool send_text(int fd, const std::string& s);
std::string recv_text(int fd);

// A child pid that teardown kills and reaps if the test failed before
// waiting for it.  Only ever a pid this test forked.
struct Child {
  pid_t pid = -1;

  int wait();
  void cleanup();
};

pid_t fork_flushed();

// Forks a child that turns core files off, calls `apply` (a helper's
// seccomp step; false: exit kSetupFailed), runs `body` and exits 0.
// Returns the child's status text ("signal SIGSYS" when the filter killed it).
std::string status_after(Child& child, const std::function<bool()>& apply, const std::function<void()>& body);

// Why a helper's golden filter dump cannot be compared here, or "": it is
// of the production policy (not SANITIZE=1), on x86_64, as libseccomp 2.5
// writes it.
std::string golden_dump_unavailable();

// A seccomp filter's PFC text against its golden dump (the path is
// relative to the repo root, where tests run): "" when equal, else the
// first differing line and how to accept a deliberate change (rerun
// `regenerate` with PMTR_UPDATE_GOLDEN=1).  With PMTR_UPDATE_GOLDEN=1 set,
// the file is rewritten and *rewritten set.
std::string golden_mismatch(const std::string& path, const std::string& now, const std::string& regenerate,
                            bool* rewritten);

}  // namespace pmtr::test
