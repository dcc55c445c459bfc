// The file system pmtr-log may touch, enforced by the kernel (Landlock):
// what lies beneath the log directory, and nothing at all under `log to
// stderr`.  As root pmtr-log is also chrooted into the directory; run by an
// ordinary user (no chroot), or with no directory to enclose it in, this
// is what keeps a pmtr-log taken over from writing, renaming or deleting
// the user's other files.  Applied after no_new_privs, before seccomp.
#pragma once

#include "common/result.hpp"

namespace pmtr {

// dir_fd: the log directory (-1: no file access).  *applied is false when
// the kernel has no Landlock (older than 5.13, or disabled): not an error,
// the chroot and the seccomp filter remain.
[[nodiscard]] Status confine_to_directory(int dir_fd, bool* applied);

}  // namespace pmtr
