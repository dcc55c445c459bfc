// pmtrctl log -f: prints what is appended to a job's `current`, and keeps
// doing so across rotations.  pmtr-log rotates by renaming `current` to
// an archive and creating a new one, so the fd we hold stays on the old
// file: when the name `current` is found on another inode, the old fd is
// read to its end (lines written just before the rename) and only then
// is the new file opened, from its start.  The file is polled (every
// kFollowPollMs): no inotify watch to set up on a directory we may only
// read through group adm, and a line shown 200 ms late is fine.
#pragma once

#include <cstdint>
#include <string>

#include "control/log_tail.hpp"

namespace pmtr::ctl {

inline constexpr int kFollowPollMs = 200;

struct FollowEnd {
  int write_err = 0;        // errno of a failed write to `out` (EPIPE is a normal end: 0)
  std::string open_error;   // a new `current` that could not be read (log_open_text)
  bool denied = false;      // ... because of its permissions
};

// Until SIGINT or SIGTERM (caught while it runs; the old dispositions
// and mask are restored), or a reader of `out` that went away.
// `current`: opened, and read up to `offset` (no fd: wait for one).
[[nodiscard]] FollowEnd follow_log(const std::string& job_dir, OpenedLog current, uint64_t offset, int out);

}  // namespace pmtr::ctl
