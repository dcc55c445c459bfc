// A job's `caps` line turned into what the post-fork child applies: the
// capability masks, computed before fork, and the raw system calls that
// set them (capset(2), prctl(2)), which are async-signal-safe.  libcap-ng
// is not used here: its calls allocate and keep state, which the child
// must not do, and the monitor would have to link it for a few masks.
//
// What `caps A B` means (SECURITY.md, "Confinement options"):
//   - the job's permitted, effective and inheritable sets are exactly the
//     listed capabilities, and the bounding set too, so no exec (not even
//     of a set-user-ID-root program) can give it more;
//   - for a job that runs as a user other than root, the listed
//     capabilities are also raised in the ambient set, so they survive the
//     exec of an ordinary program (the kernel clears the permitted set of
//     a non-root process at exec otherwise);
//   - `caps none`: every set empty.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

struct CapPlan {
  bool apply = false;        // the job has a `caps` line
  uint64_t keep = 0;         // bit N: capability N is listed
  int last_cap = 0;          // /proc/sys/kernel/cap_last_cap: the bounding set's highest
  bool ambient = false;      // the job runs as a user other than root
};

// The kernel's highest capability number (/proc/sys/kernel/cap_last_cap),
// or an Error when it cannot be read.
[[nodiscard]] Result<int> kernel_last_cap();

// Before fork.  A listed capability above the kernel's highest is a host
// fact: Error (err 0) "caps: capability N is not known to this kernel
// (its highest is M)".  `last_cap` comes from kernel_last_cap().
[[nodiscard]] Result<CapPlan> plan_caps(const std::vector<uint8_t>& caps, int last_cap, bool ambient);

// ---- in the child: async-signal-safe, return 0 or an errno ------------------

// Before setuid to a non-root user: keep the permitted set across it
// (PR_SET_KEEPCAPS; the kernel clears it at exec).
[[nodiscard]] int caps_keep_across_setuid() noexcept;

// After the id switch: the bounding set reduced to the plan (while
// CAP_SETPCAP is still effective), then permitted, effective and
// inheritable set to it, then the ambient raises.
[[nodiscard]] int caps_apply(const CapPlan& plan) noexcept;

// Reads the sets back from the kernel: 0 when every set is what the plan
// says, ENOTRECOVERABLE otherwise.
[[nodiscard]] int caps_prove(const CapPlan& plan) noexcept;

}  // namespace pmtr
