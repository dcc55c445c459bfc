#include "common/syscalls.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pmtr {
namespace {

IoResult io_result(ssize_t n) noexcept {
  if (n < 0) return IoResult{0, errno};
  return IoResult{static_cast<size_t>(n), 0};
}

FdResult fd_result(int fd) noexcept {
  if (fd < 0) return FdResult{unique_fd(), errno};
  return FdResult{unique_fd(fd), 0};
}

WaitResult wait_result(pid_t pid, int status) noexcept {
  if (pid < 0) return WaitResult{0, 0, errno};
  return WaitResult{pid, pid > 0 ? status : 0, 0};
}

}  // namespace

IoResult sys_read(int fd, void* buf, size_t len) noexcept {
  return io_result(retry_eintr([&] { return ::read(fd, buf, len); }));
}

IoResult sys_write(int fd, const void* buf, size_t len) noexcept {
  return io_result(retry_eintr([&] { return ::write(fd, buf, len); }));
}

IoResult sys_write_all(int fd, const void* buf, size_t len) noexcept {
  const auto* p = static_cast<const char*>(buf);
  size_t done = 0;
  while (done < len) {
    const IoResult r = sys_write(fd, p + done, len - done);
    if (!r.ok()) return IoResult{done, r.err};
    // write(2) returns 0 only for len 0; never spin on it.
    if (r.bytes == 0) return IoResult{done, EIO};
    done += r.bytes;
  }
  return IoResult{done, 0};
}

IoResult sys_recv(int fd, void* buf, size_t len, int flags) noexcept {
  return io_result(retry_eintr([&] { return ::recv(fd, buf, len, flags); }));
}

IoResult sys_sendmsg(int fd, const msghdr& msg, int flags) noexcept {
  return io_result(retry_eintr([&] { return ::sendmsg(fd, &msg, flags); }));
}

IoResult sys_recvmsg(int fd, msghdr& msg, int flags) noexcept {
  return io_result(retry_eintr([&] { return ::recvmsg(fd, &msg, flags); }));
}

FdResult sys_open(const char* path, int flags, mode_t mode) noexcept {
  return fd_result(retry_eintr([&] { return ::open(path, flags | O_CLOEXEC, mode); }));
}

FdResult sys_openat(int dirfd, const char* path, int flags, mode_t mode) noexcept {
  return fd_result(retry_eintr([&] { return ::openat(dirfd, path, flags | O_CLOEXEC, mode); }));
}

WaitResult sys_waitpid(pid_t pid, int options) noexcept {
  int status = 0;
  const pid_t r = retry_eintr([&] { return ::waitpid(pid, &status, options); });
  return wait_result(r, status);
}

WaitResult sys_wait4(pid_t pid, int options, rusage* usage) noexcept {
  int status = 0;
  const pid_t r = retry_eintr([&] { return ::wait4(pid, &status, options, usage); });
  return wait_result(r, status);
}

ReadyResult sys_poll(pollfd* fds, nfds_t n, int timeout_ms) noexcept {
  const int r = retry_eintr([&] { return ::poll(fds, n, timeout_ms); });
  if (r < 0) return ReadyResult{0, errno};
  return ReadyResult{r, 0};
}

ReadyResult sys_epoll_wait(int epfd, epoll_event* events, int max, int timeout_ms) noexcept {
  const int r = ::epoll_wait(epfd, events, max, timeout_ms);
  if (r < 0) return errno == EINTR ? ReadyResult{0, 0} : ReadyResult{0, errno};
  return ReadyResult{r, 0};
}

Result<std::pair<unique_fd, unique_fd>> sys_socketpair(int domain, int type, int protocol) {
  int sv[2];
  if (::socketpair(domain, type, protocol, sv) != 0) return Error::from_errno("socketpair");
  return std::pair<unique_fd, unique_fd>(unique_fd(sv[0]), unique_fd(sv[1]));
}

}  // namespace pmtr
