// The child half of spawn_job: the child turns itself into the job.
// Only async-signal-safe system calls on data prepared in the ExecPlan: no
// allocation, no locks, no logging.  It leaves with execve, or with one
// failure record and _exit(127).  The same steps run in a forked child
// (own memory, failure written to an error pipe) and in a vforked one
// (pmtr's memory, suspended parent, failure stored in the parent's
// variable); spawn.cpp says which job gets which.
#pragma once

#include "spawner/exec_plan.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {

// The fd the child moves its end of the error pipe to, right above the
// standard streams; everything above it is closed early (child_steps.cpp).
inline constexpr int kChildReportFd = 3;

// Where a failing child says why: exactly one of the two is set.
struct ChildReport {
  // Forked child: the write end of the O_CLOEXEC error pipe, and whether
  // the pipe is shared (records then start with the child's pid).
  int fd = -1;
  bool with_pid = false;
  // Vforked child (CLONE_VM): the parent's own variable, read by the
  // parent once the kernel resumes it (the child has exec'd or exited).
  SpawnFailure* memory = nullptr;
};

[[noreturn]] void run_child_steps(const ExecPlan& plan, ChildReport report) noexcept;

}  // namespace pmtr
