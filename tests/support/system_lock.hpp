// Serialises the tests that touch the machine's state across processes
// (tests/run_all.sh runs groups at once): installing for real, creating or
// deleting the `pmtr` user, and what depends on whether that user exists.
// The lock is a flock on the /run/lock directory itself, so no lock file is
// left behind (and a crashed test releases it).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace pmtr::test {

class SystemLock {
 public:
  SystemLock() {
    fd_ = ::open("/run/lock", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) fd_ = ::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~SystemLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  SystemLock(const SystemLock&) = delete;
  SystemLock& operator=(const SystemLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace pmtr::test
