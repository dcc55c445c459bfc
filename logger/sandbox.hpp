// The pmtr-log sandbox (SPEC §4), applied right after exec and before any
// input is read: the helpers' shared recipe (common/sandbox.hpp) with
// pmtr-log's limits, a chroot into the log directory when root, then its
// own seccomp allowlist (logger/sandbox_policy.cpp) whose default action
// kills the process.
#pragma once

#include <string>

#include "common/result.hpp"
#include "common/sandbox.hpp"

namespace pmtr {

// RLIMIT_NOFILE: per captured job its pipe and its open `current`, plus
// the fixed fds (0-7), the epoll fd, the scratch pipe and a job directory
// opened during a rotation.  Jobs beyond it cannot be attached (pmtr-log
// logs it, and such a job blocks once its pipe is full); the monitor's
// own hard limit may be lower still.
inline constexpr int kLogOpenFiles = 2 * 100000 + 32;

// Steps 1-10 of the recipe; `chroot_fd` is the log directory (-1: none,
// as with `log to stderr`).
[[nodiscard]] Status enter_log_sandbox(const SandboxIdentity& id, int chroot_fd);

// Only the seccomp step (tests apply it in a forked child).
[[nodiscard]] Status apply_log_seccomp(SeccompAction action);

// The filter in libseccomp's PFC text form (tests diff it with a golden file).
[[nodiscard]] Result<std::string> export_log_seccomp_pfc();

}  // namespace pmtr
