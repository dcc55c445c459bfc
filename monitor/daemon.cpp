#include "monitor/daemon.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/syscalls.hpp"

namespace pmtr {

namespace {
pid_t g_origin = 0;
}  // namespace

pid_t daemon_origin_pid() noexcept { return g_origin; }

Result<unique_fd> daemonize() {
  g_origin = getpid();
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

namespace {

// Why the pidfile we opened is not ours to write, or "".
std::string pidfile_problem(const struct stat& st) {
  const uid_t me = geteuid();
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (st.st_uid != me)
    return "owned by uid " + std::to_string(st.st_uid) + ", not " + (me == 0 ? "root" : "uid " + std::to_string(me));
  if (st.st_nlink != 1) return "it has " + std::to_string(st.st_nlink) + " hard links";
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return "writable by group or others";
  return {};
}

}  // namespace

Status PidFile::create(const std::string& path) {
  // O_NOFOLLOW: a symlink planted at the path is refused (ELOOP), never
  // followed; O_NONBLOCK: a FIFO cannot hang us before the check.
  constexpr int kFlags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
  unique_fd fd(retry_eintr([&] { return ::open(path.c_str(), kFlags | O_CREAT, 0644); }));
  if (!fd && errno == EACCES) {
    // fs.protected_regular and protected_symlinks refuse someone else's
    // file or symlink in a sticky directory: look again without O_CREAT,
    // only to say what is there.
    const int saved = errno;
    fd.reset(retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK); }));
    if (!fd && errno != ELOOP) errno = saved;
  }
  if (!fd && errno == ELOOP)
    return Error{ELOOP, "refusing pidfile " + path + ": a symlink (never followed; remove it)"};
  if (!fd) return Error::from_errno("pidfile " + path);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error::from_errno("pidfile " + path);
  if (const std::string p = pidfile_problem(st); !p.empty())
    return Error{0, "refusing pidfile " + path + ": " + p +
                        " (remove it, or keep pidfiles in a directory only root can write, such as /run)"};
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
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  return {};
}

void PidFile::release() noexcept {
  if (!fd_) return;
  // Unlink only the file we checked and locked: if the name now points
  // elsewhere, that is not ours to remove.
  struct stat st {};
  if (lstat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) unlink(path_.c_str());
  fd_.reset();   // the lock goes with the last fd
}

}  // namespace pmtr
