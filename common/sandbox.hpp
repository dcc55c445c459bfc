// The sandbox recipe shared by pmtr's helpers (pmtr-parser, pmtr-log):
// every step but the seccomp filter, which each helper keeps beside its
// main (parser/sandbox_policy.cpp, logger/sandbox_policy.cpp).  Applied
// once, right after exec and before any input is read.  Order: rlimits,
// (chroot), empty bounding set, no supplementary groups,
// setresgid/setresuid, proof the drop holds, every capability cleared
// (ambient too), verification, not dumpable, no_new_privs.  The caller then
// loads its filter; until it has, it must not read input.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>

#include "common/result.hpp"

namespace pmtr {

struct SandboxIdentity {
  uid_t uid = 0;   // the `pmtr` user (or `nobody`), resolved by the monitor
  gid_t gid = 0;
};

enum class SeccompAction {
  Kill,     // production: SCMP_ACT_KILL_PROCESS
  Log,      // debug switch (-d): allow, but log to the audit log
};

// What a helper may hold once inside.  Each limit is set soft = hard,
// never raised: a lower hard limit already in place is kept.
struct SandboxLimits {
  rlim_t open_files = 0;        // RLIMIT_NOFILE
  rlim_t file_bytes = 0;        // RLIMIT_FSIZE (SIGXFSZ is ignored: EFBIG instead)
  uint64_t memory_bytes = 0;    // RLIMIT_AS and RLIMIT_DATA; 0 leaves them (never under ASan)
  // Root only: chroot into this open directory before the ids change, so
  // that no path the helper could name resolves outside it ("/" and ".."
  // included).  -1: no chroot.  As an ordinary user this step is skipped.
  int chroot_fd = -1;
};

// Steps 1-10 (common/sandbox.cpp says why each comes where it does).  On
// error the caller must exit without reading input.  Not started as root,
// the id steps and the chroot are skipped (an ordinary user cannot make
// them) and the rest still applies.
[[nodiscard]] Status enter_sandbox(const SandboxIdentity& id, const SandboxLimits& limits);

}  // namespace pmtr
