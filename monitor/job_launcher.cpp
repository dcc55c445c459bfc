#include "monitor/job_launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace pmtr {

Result<LaunchedJob> ProcessLauncher::launch(const JobDesc& job) {
  LaunchedJob out;
  FdPlacement ready[1];
  size_t placed = 0;
  unique_fd write_end;
  if (job.policy.ready_fd != 0) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return Error::from_errno("ready pipe");
    out.ready.reset(ends[0]);
    write_end.reset(ends[1]);
    // Only ours is non-blocking: the job's end behaves like any pipe.
    if (::fcntl(out.ready.get(), F_SETFL, O_NONBLOCK) != 0) return Error::from_errno("ready pipe");
    ready[placed++] = FdPlacement{write_end.get(), job.policy.ready_fd};
  }
  Result<SpawnedJob> spawned = spawn_job(job, reports_, std::span<const FdPlacement>(ready, placed));
  if (!spawned) return spawned.error();
  // Our copy of the write end closes here: EOF then means the job closed its own.
  out.pid = spawned->pid;
  out.failure = spawned->failure;
  return out;
}

// The job leads its own process group (setsid in the spawner), so the
// group takes its children too.  Right after fork the child may not have
// called setsid yet: then the group does not exist and the pid is
// signalled.
void ProcessLauncher::signal_group(pid_t leader, int sig) noexcept {
  if (::kill(-leader, sig) != 0 && errno == ESRCH) ::kill(leader, sig);
}

bool ProcessLauncher::group_exists(pid_t leader) noexcept {
  return ::kill(-leader, 0) == 0 || errno != ESRCH;
}

}  // namespace pmtr
