#include "monitor/daemon.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace pmtr {

Result<unique_fd> daemonize() {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return Error::from_errno("pipe");
  unique_fd rd(p[0]), wr(p[1]);
  const pid_t first = fork();
  if (first < 0) return Error::from_errno("fork");
  if (first > 0) {
    wr.reset();
    int st;
    while (waitpid(first, &st, 0) < 0 && errno == EINTR) {}
    char c = 0;
    ssize_t n;
    while ((n = ::read(rd.get(), &c, 1)) < 0 && errno == EINTR) {}
    _exit(n == 1 && c == '1' ? 0 : 1);
  }
  rd.reset();
  if (setsid() < 0) _exit(1);
  const pid_t second = fork();
  if (second < 0) _exit(1);
  if (second > 0) _exit(0);   // the daemon is not a session leader: no controlling tty ever
  if (chdir("/") != 0) _exit(1);
  return wr;
}

void daemon_ready(int notify_fd, bool ok) noexcept {
  const char c = ok ? '1' : '0';
  ssize_t ignored = ::write(notify_fd, &c, 1);
  (void)ignored;
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) ::close(null);
  }
}

Status PidFile::create(const std::string& path) {
  unique_fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return Error::from_errno("pidfile " + path);
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    const ssize_t n = pread(fd.get(), buf, sizeof buf - 1, 0);
    const long other = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
    return Error{0, "pidfile " + path + " is held by a running pmtr (pid " + std::to_string(other) + ")"};
  }
  char buf[32];
  const int len = std::snprintf(buf, sizeof buf, "%d\n", static_cast<int>(getpid()));
  if (ftruncate(fd.get(), 0) != 0 || pwrite(fd.get(), buf, static_cast<size_t>(len), 0) != len)
    return Error::from_errno("write pidfile " + path);
  path_ = path;
  fd_ = std::move(fd);
  return {};
}

PidFile::~PidFile() {
  if (fd_) unlink(path_.c_str());
}

}  // namespace pmtr
