// The directory of `log to DIR`, made ready by the monitor before each
// pmtr-log starts: its parents created like `mkdir -p` (root's, 0755), the
// directory itself owned by the helpers' user with group `adm` (the
// helpers' group where there is no `adm`) and mode 02750.  The set-group-id
// bit makes every job directory and file pmtr-log creates below it take
// group `adm`, which pmtr-log (no capabilities) could not give them.
//
// Every directory and symbolic link on the way must be root's (or pmtr's
// uid's) and not writable by others, as for the config (sticky /tmp
// excepted).  The last component is opened with O_NOFOLLOW and checked on
// the fd: a symbolic link there is refused, and so is a directory that
// belongs to anyone but root or the helpers' user, or one of root's that
// pmtr did not create and that is not empty (`log to /var/log` must not
// hand /var/log over).  Not root, pmtr uses the directory with its own ids
// and changes no owner.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

inline constexpr mode_t kLogRootMode = 02750;

struct LogDirOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// `adm`'s gid, or `fallback` where there is no such group.
[[nodiscard]] gid_t log_group(gid_t fallback);

// The open directory (O_RDONLY | O_DIRECTORY), ready to hand to pmtr-log.
[[nodiscard]] Result<unique_fd> prepare_log_dir(const std::string& path, const LogDirOwner& owner);

}  // namespace pmtr
