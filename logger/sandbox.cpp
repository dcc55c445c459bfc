// Entering the pmtr-log sandbox: the helpers' recipe (common/sandbox.cpp,
// where each step and its place in the order is explained) with pmtr-log's
// limits, then its seccomp policy (logger/sandbox_policy.cpp).
//
//  - RLIMIT_NOFILE kLogOpenFiles: two per captured job (sandbox.hpp).
//  - RLIMIT_FSIZE unlimited: logs grow to the rotation size, and a batch
//    may pass it; the disk's own limits apply (a full disk holds output).
//  - RLIMIT_AS and RLIMIT_DATA 256 MiB: pmtr-log needs a few MiB; the cap
//    only stops a runaway one.
//  - chroot into the log directory (root only): no path it could name,
//    ".." included, resolves outside it.
#include "logger/sandbox.hpp"

#include <sys/resource.h>

namespace pmtr {

Status enter_log_sandbox(const SandboxIdentity& id, int chroot_fd) {
  SandboxLimits limits;
  limits.open_files = kLogOpenFiles;
  limits.file_bytes = RLIM_INFINITY;
  limits.memory_bytes = uint64_t{256} << 20;
  limits.chroot_fd = chroot_fd;
  return enter_sandbox(id, limits);
}

}  // namespace pmtr
