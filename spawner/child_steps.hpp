// The post-fork half of spawn_job: the child turns itself into the job.
// Only async-signal-safe system calls on data prepared in the ExecPlan: no
// allocation, no locks, no logging.  It leaves with execve, or with one
// failure record on the error pipe and _exit(127).
#pragma once

#include "spawner/exec_plan.hpp"

namespace pmtr {

// The fd the child moves its end of the error pipe to, right above the
// standard streams; everything above it is closed early (child_steps.cpp).
inline constexpr int kChildReportFd = 3;

// report_fd: the write end of the O_CLOEXEC error pipe.
[[noreturn]] void run_child_steps(const ExecPlan& plan, int report_fd) noexcept;

}  // namespace pmtr
