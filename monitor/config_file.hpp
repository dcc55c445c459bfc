// Opening pmtr.conf for the parser.  The monitor opens it (the parser
// cannot open anything) and applies sshd's rule first: a config that
// someone other than root can write is a root shell for them.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

enum class OwnershipRule {
  Enforce,   // refuse: not a regular file, not owned by root (or by us when
             // not root), or writable by group/others
  Warn,      // -t: report the same problems as warnings, still open it
};

struct OpenedConfig {
  unique_fd fd;
  uint64_t size = 0;     // at the time it was opened
  std::string warning;   // set under Warn when the rule is broken
};

[[nodiscard]] Result<OpenedConfig> open_config(const std::string& path, OwnershipRule rule);

// The first directory or symbolic link on the way to `path` (parents,
// symlinks and their targets; not `path` itself) that someone other than
// root, or the uid pmtr runs as, could change, said as the config checks
// say it; "" when there is none.  The log directory is checked the same
// way before pmtr, as root, gives it to its helpers' user.
[[nodiscard]] std::string path_owner_problem(const std::string& path);

}  // namespace pmtr
