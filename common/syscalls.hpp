// Thin syscall wrappers: EINTR retried here, so callers never loop on it,
// and failures come back as an errno value instead of a global to be read
// in time.  Kept in one file so an auditor finds every retry loop in one
// place.
//
// The wrappers returning IoResult, FdResult, WaitResult or ReadyResult only
// make the system call and read errno: no allocation, no lock, no logging.
// They are async-signal-safe, so a post-fork child may use them (and
// retry_eintr) as well; sys_socketpair, which builds an Error, is not.
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <utility>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// Calls f() again for as long as it fails with EINTR.
template <typename F>
auto retry_eintr(F&& f) noexcept(noexcept(f())) -> decltype(f()) {
  for (;;) {
    auto r = f();
    if (!(r == -1 && errno == EINTR)) return r;
  }
}

// Outcome of a transfer: bytes moved (0 from a read: end of file), or the
// errno of the failure.
struct IoResult {
  size_t bytes = 0;
  int err = 0;   // 0 on success
  [[nodiscard]] bool ok() const noexcept { return err == 0; }
};

[[nodiscard]] IoResult sys_read(int fd, void* buf, size_t len) noexcept;
// One write(2): a pipe, socket or full disk may take less than len.
[[nodiscard]] IoResult sys_write(int fd, const void* buf, size_t len) noexcept;
// write(2) until all of len is written or one fails; bytes says how much
// was written before the failure.
[[nodiscard]] IoResult sys_write_all(int fd, const void* buf, size_t len) noexcept;
[[nodiscard]] IoResult sys_recv(int fd, void* buf, size_t len, int flags) noexcept;
[[nodiscard]] IoResult sys_sendmsg(int fd, const msghdr& msg, int flags) noexcept;
[[nodiscard]] IoResult sys_recvmsg(int fd, msghdr& msg, int flags) noexcept;

// An fd, owned from the moment it exists, or the errno of the failure.
struct FdResult {
  unique_fd fd;
  int err = 0;   // 0 on success
  [[nodiscard]] bool ok() const noexcept { return err == 0; }
};

// open(2) / openat(2) with O_CLOEXEC always added: no fd of ours may reach
// a job.  (open on a FIFO or a slow device is where EINTR happens.)
[[nodiscard]] FdResult sys_open(const char* path, int flags, mode_t mode = 0) noexcept;
[[nodiscard]] FdResult sys_openat(int dirfd, const char* path, int flags, mode_t mode = 0) noexcept;

// A reaped (or, with WNOHANG, not yet exited) child.
struct WaitResult {
  pid_t pid = 0;    // 0: WNOHANG and no child has changed state
  int status = 0;   // the wait status when pid > 0
  int err = 0;      // ECHILD: no such child (left)
  [[nodiscard]] bool ok() const noexcept { return err == 0; }
};

[[nodiscard]] WaitResult sys_waitpid(pid_t pid, int options) noexcept;
// The same, with the child's resource usage (CPU time) in *usage.
[[nodiscard]] WaitResult sys_wait4(pid_t pid, int options, rusage* usage) noexcept;

// How many fds (or events) are ready, or the errno of the failure.
struct ReadyResult {
  int count = 0;
  int err = 0;   // 0 on success
  [[nodiscard]] bool ok() const noexcept { return err == 0; }
};

// poll(2).  After a signal the whole timeout starts again: callers with a
// deadline pass what is left of it.
[[nodiscard]] ReadyResult sys_poll(pollfd* fds, nfds_t n, int timeout_ms) noexcept;
// epoll_wait(2).  EINTR is not retried but reported as no event ready: the
// caller's loop then recomputes its timeout (a stopped and continued
// process must not wait the whole timeout again).
[[nodiscard]] ReadyResult sys_epoll_wait(int epfd, epoll_event* events, int max, int timeout_ms) noexcept;

// socketpair(); both ends already owned when this returns.  type should
// carry SOCK_CLOEXEC.
[[nodiscard]] Result<std::pair<unique_fd, unique_fd>> sys_socketpair(int domain, int type,
                                                                      int protocol);

}  // namespace pmtr
