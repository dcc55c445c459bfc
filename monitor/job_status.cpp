#include "monitor/job_status.hpp"

#include <sys/wait.h>
#include <time.h>

namespace pmtr {

PublicState public_state(JobState s) noexcept {
  switch (s) {
    case JobState::Absent:
    case JobState::Waiting: return PublicState::Waiting;
    case JobState::Starting: return PublicState::Starting;
    case JobState::Running: return PublicState::Running;
    case JobState::Ready: return PublicState::Ready;
    case JobState::StoppingRestart: case JobState::StoppingDelay: case JobState::StoppingHold:
    case JobState::StoppingDisable: case JobState::StoppingRemove: case JobState::StoppingDone:
    case JobState::Draining:
      return PublicState::Stopping;
    case JobState::Delayed: return PublicState::Delayed;
    case JobState::Stopped: return PublicState::Stopped;
    case JobState::Disabled: return PublicState::Disabled;
    case JobState::Done: return PublicState::Done;
    case JobState::Failed: return PublicState::Failed;
  }
  return PublicState::Waiting;
}

namespace {

// A monotonic instant as Unix ms, 0 for "never".
uint64_t to_unix_ms(TimePoint t, TimePoint now, uint64_t now_unix_ms) {
  if (t == kNever || t == TimePoint{}) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
  const long long at = static_cast<long long>(now_unix_ms) + ms;
  return at > 0 ? static_cast<uint64_t>(at) : 0;
}

}  // namespace

JobStatus job_status(const Job& job, TimePoint now, uint64_t now_unix_ms) {
  JobStatus s;
  s.name = job.name;
  s.state = public_state(job.state);
  s.pid = job.pid;
  if (job.pid > 0) s.started_ms = to_unix_ms(job.started, now, now_unix_ms);
  s.restarts = job.restarts();
  if (job.last_status >= 0) {
    if (WIFEXITED(job.last_status)) {
      s.last_exit_kind = kExitCode;
      s.last_exit_value = WEXITSTATUS(job.last_status);
    } else if (WIFSIGNALED(job.last_status)) {
      s.last_exit_kind = kExitSignal;
      s.last_exit_value = WTERMSIG(job.last_status);
    }
    s.last_exit_ms = job.last_exit_ms;
  }
  if (job.state == JobState::Delayed) s.next_start_ms = to_unix_ms(job.restart_at, now, now_unix_ms);
  s.backoff_ms = job.backoff_ms;
  s.has_ready_fd = job.policy.ready_fd != 0;
  return s;
}

void add_cgroup_figures(JobStatus& s, const std::optional<CgroupFigures>& f) noexcept {
  if (!f) return;
  s.has_cgroup = true;
  s.cpu_usec = f->cpu_usec;
  s.memory_bytes = f->memory_bytes;
  s.tasks = f->tasks;
}

uint64_t unix_now_ms() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

}  // namespace pmtr
