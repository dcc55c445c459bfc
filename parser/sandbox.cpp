// Entering the pmtr-parser sandbox: the helpers' recipe (common/sandbox.cpp,
// where each step and its place in the order is explained) with the
// parser's limits, then its seccomp policy (parser/sandbox_policy.cpp).
//
//  - RLIMIT_NOFILE kParserOpenFiles: fds 0-3 and the one config fd received
//    by SCM_RIGHTS; the kernel refuses to install a second one (MSG_CTRUNC),
//    and no fd can be created anyway.
//  - RLIMIT_FSIZE 0: no file may grow (a write to stderr on a log file
//    fails with EFBIG).
//  - RLIMIT_AS and RLIMIT_DATA kParserMemoryBytes (parser/sandbox_private.hpp).
//  - no chroot: the parser opens nothing at all, its filter sees to that.
#include "parser/sandbox.hpp"

#include "parser/sandbox_private.hpp"

namespace pmtr {

Status enter_parser_sandbox(const SandboxIdentity& id, SeccompAction action) {
  SandboxLimits limits;
  limits.open_files = kParserOpenFiles;
  limits.file_bytes = 0;
  limits.memory_bytes = sandbox_detail::kParserMemoryBytes;
  if (Status s = enter_sandbox(id, limits); !s) return s;
  return apply_parser_seccomp(action);
}

}  // namespace pmtr
