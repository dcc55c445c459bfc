#include "spawner/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "common/job_check.hpp"
#include "spawner/child_steps.hpp"
#include "spawner/exec_plan.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {
namespace {

// A `user` line is honoured when pmtr is root, or when it names the user
// pmtr already runs as (nothing to switch then).  Anyone else would need
// privilege pmtr does not have: refuse before fork, not in the child.
Status check_user_allowed(const UserInfo& u, bool root) {
  if (root || u.uid == ::geteuid()) return {};
  return Error{0, "user '" + u.name + "': pmtr is not running as root"};
}

}  // namespace

Result<SpawnedJob> spawn_job(const JobDesc& job) {
  // The monitor validated the job already; checking again here keeps the
  // promise that no unchecked string reaches execve.
  if (Status s = check_job(job); !s) return Error{0, "invalid job: " + s.error().what};

  const bool root = ::geteuid() == 0;
  std::optional<UserInfo> user;
  if (!job.user.empty()) {   // no lookup at all without a `user` line
    auto found = lookup_user(job.user);
    if (!found) return found.error();
    if (Status s = check_user_allowed(*found, root); !s) return s.error();
    user = std::move(found).value();
  }

  ExecPlan plan;
  build_exec_plan(job, PlanUser{user ? &*user : nullptr, root}, plan);

  // Non-blocking read end: the monitor polls it from its event loop and a
  // child may sit in open() of a FIFO for a long time.
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) < 0) return Error::from_errno("error pipe");
  unique_fd report_read(ends[0]);
  unique_fd report_write(ends[1]);

  // Block everything across fork, as posix_spawn does: otherwise a signal
  // arriving before the child has reset its dispositions would run one of
  // pmtr's handlers inside the job's process.
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  const pid_t pid = ::fork();
  if (pid == 0) run_child_steps(plan, report_write.get());
  const int fork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) return Error{fork_errno, "fork"};

  return SpawnedJob{pid, std::move(report_read)};
}

}  // namespace pmtr
