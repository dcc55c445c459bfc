// Turning a job descriptor into a running process (SPEC §2, "Execution
// context").  Everything that allocates or reads files (user lookup, group
// list, argv/envp arrays, CPU mask) is prepared before fork; the child only
// makes async-signal-safe calls and leaves with execve or _exit.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// The step of the child's setup that failed; reported through the
// close-on-exec error pipe and logged as "job NAME: STEP: strerror".
enum class SpawnStep : uint8_t {
  Setsid = 1, Signals, Umask, Rlimit, Nice, Affinity, Setgid, Setgroups, Setuid,
  Chdir, OpenIn, OpenOut, OpenErr, Dup, CloseFds, Exec,
};
[[nodiscard]] const char* spawn_step_name(SpawnStep step) noexcept;

struct SpawnedJob {
  pid_t pid = -1;
  // Read end of the error pipe: EOF with no data means the exec succeeded;
  // otherwise one SpawnFailure record follows, then EOF.
  unique_fd error_pipe;
};

struct SpawnFailure {
  SpawnStep step = SpawnStep::Exec;
  int err = 0;
};

// Forks the job.  Errors found before the fork (unknown user, a `user` line
// naming someone else when pmtr is not root, fork failure) come back as an
// Error whose message is ready to log after "job NAME: ".
[[nodiscard]] Result<SpawnedJob> spawn_job(const JobDesc& job);

// Reads the child's report from the error pipe (non-blocking read of an fd
// that epoll said is readable).  nullopt: exec succeeded (EOF, no data).
[[nodiscard]] std::optional<SpawnFailure> read_spawn_failure(int error_pipe) noexcept;

}  // namespace pmtr
