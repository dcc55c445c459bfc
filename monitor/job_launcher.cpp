#include "monitor/job_launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pmtr {

namespace {

bool wants_cgroup_limits(const Confinement& c) noexcept {
  return c.memory_max != 0 || c.has_swap_max || c.tasks_max != 0 || c.cpu_percent != 0;
}

}  // namespace

Result<LaunchedJob> ProcessLauncher::launch(const JobDesc& job) {
  LaunchedJob out;
  unique_fd cgroup;
  if (tree_.active()) {
    auto dir = cgroups_.prepare(job);
    if (!dir) return dir.error();
    cgroup = std::move(dir).value();
  } else if (wants_cgroup_limits(job.confine)) {
    return Error{0, std::string(job.confine.memory_max != 0 || job.confine.has_swap_max ? "limit memory"
                                : job.confine.tasks_max != 0                         ? "limit tasks"
                                                                                     : "limit cpu") +
                        ": pmtr has no writable cgroup v2 (jobs are confined by process group only)"};
  }
  FdPlacement places[3];
  size_t placed = 0;
  unique_fd write_end;
  if (job.policy.ready_fd != 0) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return Error::from_errno("ready pipe");
    out.ready.reset(ends[0]);
    write_end.reset(ends[1]);
    // Only ours is non-blocking: the job's end behaves like any pipe.
    if (::fcntl(out.ready.get(), F_SETFL, O_NONBLOCK) != 0) return Error::from_errno("ready pipe");
    places[placed++] = FdPlacement{write_end.get(), job.policy.ready_fd};
  }
  // Placed over what out/err opened (/dev/null, as neither is given for
  // a captured stream); the pipe stays the monitor's across restarts.
  if (capture) {
    const CaptureFds c = capture(job);
    if (c.fd >= 0 && c.out) places[placed++] = FdPlacement{c.fd, STDOUT_FILENO};
    if (c.fd >= 0 && c.err) places[placed++] = FdPlacement{c.fd, STDERR_FILENO};
  }
  Result<SpawnedJob> spawned =
      spawn_job(job, reports_, std::span<const FdPlacement>(places, placed), cgroup ? cgroup.get() : -1);
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

void ProcessLauncher::signal_job(const std::string& name, pid_t leader, int sig) noexcept {
  if (tree_.active() && cgroups_.has(name)) {
    (void)cgroups_.signal(name, sig);
    return;
  }
  if (leader > 0) signal_group(leader, sig);
}

void ProcessLauncher::kill_job(const std::string& name, pid_t leader) noexcept {
  if (tree_.active() && cgroups_.has(name)) {
    cgroups_.kill(name);
    return;
  }
  if (leader > 0) signal_group(leader, SIGKILL);
}

size_t ProcessLauncher::leftovers(const std::string& name, pid_t leader) noexcept {
  if (tree_.active() && cgroups_.has(name)) return cgroups_.populated(name) ? std::max<size_t>(cgroups_.count(name), 1) : 0;
  return leader > 0 && (::kill(-leader, 0) == 0 || errno != ESRCH) ? 1 : 0;
}

void ProcessLauncher::release(const std::string& name) noexcept {
  if (tree_.active()) cgroups_.remove(name);
}

std::optional<CgroupFigures> ProcessLauncher::figures(const std::string& name) noexcept {
  if (!tree_.active()) return std::nullopt;
  return cgroups_.figures(name);
}

uint64_t ProcessLauncher::oom_kills(const std::string& name) noexcept {
  return tree_.active() ? cgroups_.oom_kills(name) : 0;
}

}  // namespace pmtr
