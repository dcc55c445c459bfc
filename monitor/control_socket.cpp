#include "monitor/control_socket.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/control_path.hpp"
#include "common/job_check.hpp"
#include "monitor/config_watch.hpp"

namespace pmtr {

std::string control_socket_path(const ControlConfig& c) {
  if (!c.enabled) return {};
  if (!c.socket.empty()) return c.socket;
  // The same default pmtrctl computes, so the two always meet.
  std::string p = default_control_socket();
  return valid_socket_path(p) ? p : std::string();
}

namespace {

// The directory must be ours and closed to others: whoever can write it
// can swap the socket (or the lock) for their own.
Status check_or_make_dir(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return Error::from_errno("control socket directory " + dir);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir " + dir);
    if (::lstat(dir.c_str(), &st) != 0) return Error::from_errno("control socket directory " + dir);
  }
  if (!S_ISDIR(st.st_mode)) return Error{0, "control socket directory " + dir + " is not a directory"};
  if (st.st_uid != ::geteuid()) return Error{0, "control socket directory " + dir + " belongs to uid " +
                                                    std::to_string(st.st_uid) + ", not to us"};
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return Error{0, "control socket directory " + dir + " is writable by others (chmod go-w " + dir + ")"};
  return {};
}

Result<unique_fd> take_lock(const std::string& lock_path) {
  unique_fd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644));
  if (!fd) return Error::from_errno("lock " + lock_path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno("lock " + lock_path);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid())
    return Error{0, "lock " + lock_path + " is not a regular file of ours"};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return Error::from_errno("lock " + lock_path);
    char buf[24] = {};
    const ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
    const long other = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
    return Error{0, "another pmtr (pid " + std::to_string(other) + ") holds " + lock_path +
                        "; it already serves this control socket"};
  }
  char buf[24];
  const int len = std::snprintf(buf, sizeof buf, "%d\n", static_cast<int>(::getpid()));
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), buf, static_cast<size_t>(len), 0) != len)
    return Error::from_errno("write " + lock_path);
  return fd;
}

}  // namespace

Status ControlSocket::open(const std::string& path) {
  close();
  if (!valid_socket_path(path)) return Error{0, "invalid control socket path " + path};
  if (auto s = check_or_make_dir(split_path(path).first); !s) return s;
  auto lock = take_lock(path + ".lock");
  if (!lock) return lock.error();

  unique_fd sock(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!sock) return Error::from_errno("control socket");
  // A socket left by an earlier pmtr that died: ours now (we hold the
  // lock).  Anything else at that path is not ours to remove.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return Error{0, path + " exists and is not a socket"};
    if (::unlink(path.c_str()) != 0) return Error::from_errno("unlink " + path);
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::bind(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    return Error::from_errno("bind " + path);
  // Everyone may connect; each request is authorised by who sent it.
  if (::chmod(path.c_str(), 0666) != 0) return Error::from_errno("chmod " + path);
  if (::listen(sock.get(), 128) != 0) return Error::from_errno("listen " + path);
  path_ = path;
  lock_ = std::move(lock).value();
  sock_ = std::move(sock);
  return {};
}

void ControlSocket::close() noexcept {
  if (sock_) ::unlink(path_.c_str());
  sock_.reset();
  lock_.reset();
  path_.clear();
}

}  // namespace pmtr
