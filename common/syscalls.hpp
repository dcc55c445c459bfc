// Thin syscall wrappers: EINTR retried here, so callers never loop on it,
// and failures come back as an errno value instead of a global to be read
// in time.  Kept in one file so an auditor finds every raw call in one place.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
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

// Outcome of a transfer: bytes moved, or the errno of the failure.
struct IoResult {
  size_t bytes = 0;
  int err = 0;   // 0 on success
  [[nodiscard]] bool ok() const noexcept { return err == 0; }
};

[[nodiscard]] IoResult sys_sendmsg(int fd, const msghdr& msg, int flags) noexcept;
[[nodiscard]] IoResult sys_recvmsg(int fd, msghdr& msg, int flags) noexcept;

// socketpair(); both ends already owned when this returns.  type should
// carry SOCK_CLOEXEC.
[[nodiscard]] Result<std::pair<unique_fd, unique_fd>> sys_socketpair(int domain, int type,
                                                                      int protocol);

}  // namespace pmtr
