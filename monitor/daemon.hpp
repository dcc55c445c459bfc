// Daemon mode (double fork, setsid, fds to /dev/null) and the pidfile.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// Forks twice.  The original process waits on a pipe and exits 0 once the
// daemon reports that its configuration parsed and jobs began, 1 otherwise;
// only the daemon returns from this call, with the pipe's write end.
[[nodiscard]] Result<unique_fd> daemonize();
// The pid of the process that called daemonize() and waits for the
// report (0 when pmtr did not daemonize): it is pmtr's, not a neighbour,
// when pmtr looks at who shares its cgroup (cgroup_tree.cpp).
[[nodiscard]] pid_t daemon_origin_pid() noexcept;
// Report startup to the waiting parent, then point 0-2 at /dev/null.
void daemon_ready(int notify_fd, bool ok) noexcept;

// A pidfile holding our pid under an exclusive flock for our lifetime: a
// second pmtr finds it locked and refuses to start; a stale one (no lock)
// is taken over.  Only a file that is plainly ours is used: a regular file
// (never through a symlink), owned by our uid, with one link, not writable
// by group or others.  Anything else, for instance a file a user planted in
// a world-writable directory, is refused and left alone.
class PidFile {
 public:
  [[nodiscard]] Status create(const std::string& path);
  // Removes the file (if the path still names the file we locked) and drops
  // the lock.  Called before a failed start is reported, so that whoever
  // starts pmtr again at once finds the pidfile free.  Idempotent.
  void release() noexcept;
  ~PidFile() { release(); }
  PidFile() = default;
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;
  unique_fd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace pmtr
