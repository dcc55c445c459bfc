#include "common/syscalls.hpp"

namespace pmtr {

IoResult sys_sendmsg(int fd, const msghdr& msg, int flags) noexcept {
  const ssize_t n = retry_eintr([&] { return ::sendmsg(fd, &msg, flags); });
  if (n < 0) return IoResult{0, errno};
  return IoResult{static_cast<size_t>(n), 0};
}

IoResult sys_recvmsg(int fd, msghdr& msg, int flags) noexcept {
  const ssize_t n = retry_eintr([&] { return ::recvmsg(fd, &msg, flags); });
  if (n < 0) return IoResult{0, errno};
  return IoResult{static_cast<size_t>(n), 0};
}

Result<std::pair<unique_fd, unique_fd>> sys_socketpair(int domain, int type, int protocol) {
  int sv[2];
  if (::socketpair(domain, type, protocol, sv) != 0) return Error::from_errno("socketpair");
  return std::pair<unique_fd, unique_fd>(unique_fd(sv[0]), unique_fd(sv[1]));
}

}  // namespace pmtr
