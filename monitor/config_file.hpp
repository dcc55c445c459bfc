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

}  // namespace pmtr
