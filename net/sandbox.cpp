// Entering the pmtr-net sandbox: the helpers' recipe (common/sandbox.cpp,
// where each step and its place in the order is explained) with pmtr-net's
// limits; its seccomp policy is net/sandbox_policy.cpp.
//
//  - RLIMIT_NOFILE kNetOpenFiles (net/sandbox.hpp).
//  - RLIMIT_FSIZE 0: pmtr-net writes no file.
//  - RLIMIT_AS and RLIMIT_DATA 256 MiB: it needs a few MiB (the datagram
//    buffers are 2 MiB); the cap only stops a runaway one.
#include "net/sandbox.hpp"

namespace pmtr {

Status enter_net_sandbox(const SandboxIdentity& id) {
  SandboxLimits limits;
  limits.open_files = kNetOpenFiles;
  limits.file_bytes = 0;
  limits.memory_bytes = uint64_t{256} << 20;
  return enter_sandbox(id, limits);
}

}  // namespace pmtr
