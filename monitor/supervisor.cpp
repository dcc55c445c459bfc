#include "monitor/supervisor.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/log.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/restart_policy.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {
namespace {

long long seconds(Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

// The job is its own process group (setsid in the spawner), so the group
// takes its children too.  Right after fork the child may not have called
// setsid yet: then the group does not exist and the pid is signalled.
void signal_job(pid_t pid, int sig) {
  if (kill(-pid, sig) != 0 && errno == ESRCH) kill(pid, sig);
}

}  // namespace

Status Supervisor::init() {
  if (auto s = reports_.open(); !s) return s;
  return loop_.add(reports_.read_fd(), [this](uint32_t) { read_spawn_reports(); });
}

void Supervisor::apply(Transaction txn, TimePoint now) {
  deadline_dirty_ = true;
  if (!globals_noted_ && (txn.globals.report_to || txn.globals.listen_on)) {
    log_info("report to / listen on are not active in this version (pmtr-ctl is not built yet)");
    globals_noted_ = true;
  }
  for (const auto& name : txn.removed) {
    Job* job = table_.find(name);
    if (job == nullptr) continue;
    log_info("job %s removed from configuration, stopping", name.c_str());
    stop(*job, AfterStop::Remove, now);
  }
  for (const auto& k : txn.kept)
    if (Job* job = table_.find(k.name)) job->index = k.index;
  for (auto& ij : txn.changed) {
    Job* job = table_.find(ij.job.name);
    if (job == nullptr) continue;
    job->index = ij.index;
    if (job->pid > 0) {
      log_info("job %s changed, restarting", job->name.c_str());
      job->next_desc = std::make_unique<JobDesc>(std::move(ij.job));
      stop(*job, AfterStop::Start, now);
      continue;
    }
    job->set_definition(std::move(ij.job));
    job->next_desc.reset();
    job->state = job->disabled ? JobState::Disabled : JobState::Idle;
    job->restart_at = kNever;
    job->wait_released = false;
    refresh_depend_hashes(*job);
  }
  for (auto& ij : txn.added) {
    if (Job* leaving = table_.find(ij.job.name)) {
      // Removed earlier and still being stopped: the new definition starts
      // once the old process is gone, never beside it.
      leaving->index = ij.index;
      leaving->next_desc = std::make_unique<JobDesc>(std::move(ij.job));
      leaving->after_stop = AfterStop::Start;
      continue;
    }
    Job& job = table_.add(std::move(ij.job), ij.index);
    refresh_depend_hashes(job);
  }
  table_.mark_order_dirty();
  start_eligible(now);
}

void Supervisor::start_eligible(TimePoint now) {
  if (shutting_down_) return;
  bool held = false;   // behind a `wait` job that has not exited yet
  for (Job* job : table_.start_order()) {
    if (job->state == JobState::Idle && !held) start(*job, now);
    // A wait job restarting for a change, bounce or depends has not
    // exited on its own: it still holds the jobs after it.
    const bool restarting = job->state == JobState::Stopping && job->after_stop == AfterStop::Start;
    if (job->wait && !job->wait_released &&
        (job->state == JobState::Idle || job->state == JobState::Running || restarting))
      held = true;
  }
}

void Supervisor::start(Job& job, TimePoint now, const std::string* exit_line) {
  Result<JobDesc> desc = job.descriptor();
  const Result<SpawnedJob> spawned =
      desc ? spawn_job(*desc, reports_) : Result<SpawnedJob>(Error{0, "stored definition: " + desc.error().what});
  // The restart comes first and the line about the exit after it: a
  // replacement's start should not wait for two log writes.
  if (exit_line != nullptr) log_info("%s", exit_line->c_str());
  job.after_stop = AfterStop::StayDown;
  job.kill_sent = false;
  if (!spawned) {
    // Counts as a quick exit: retried after the restart delay.
    log_warnx("job %s: %s", job.name.c_str(), spawned.error().message().c_str());
    log_info("job %s restarting too fast, delaying restart %lld s", job.name.c_str(),
             seconds(kRestartDelay));
    job.wait_released = true;
    job.state = JobState::Delayed;
    job.restart_at = now + kRestartDelay;
    return;
  }
  table_.set_pid(job, spawned->pid);
  job.state = JobState::Running;
  job.started = now;
  job.restart_at = kNever;
  job.bounce_at = next_bounce(job.bounce_seconds, now);
  // A vforked child that failed has exited already; its exit is reaped as
  // any other quick exit, so only the line differs.
  if (spawned->failure)
    log_warnx("job %s: %s: %s", job.name.c_str(), spawn_step_name(spawned->failure->step),
              std::strerror(spawned->failure->err));
  else
    log_info("started job %s [%d]", job.name.c_str(), static_cast<int>(job.pid));
}

void Supervisor::read_spawn_reports() {
  for (const auto& r : reports_.drain()) {
    const Job* job = table_.find_pid(r.pid);
    log_warnx("job %s: %s: %s", job ? job->name.c_str() : "?", spawn_step_name(r.failure.step),
              std::strerror(r.failure.err));
  }
}

void Supervisor::stop(Job& job, AfterStop after, TimePoint now) {
  job.after_stop = after;
  if (job.state == JobState::Stopping) return;
  if (job.pid <= 0) {
    finish_stop(job, now);
    return;
  }
  signal_job(job.pid, SIGTERM);
  job.state = JobState::Stopping;
  job.kill_at = now + kStopGrace;
  job.kill_sent = false;
}

void Supervisor::finish_stop(Job& job, TimePoint now) {
  job.kill_at = kNever;
  job.kill_sent = false;
  job.restart_at = kNever;
  if (job.next_desc) {
    job.set_definition(std::move(*job.next_desc));
    job.next_desc.reset();
    refresh_depend_hashes(job);
    table_.mark_order_dirty();
  }
  switch (job.after_stop) {
    case AfterStop::Remove:
      table_.erase(job.name);   // `job` is gone after this line
      return;
    case AfterStop::Start:
      job.after_stop = AfterStop::StayDown;
      job.wait_released = false;
      if (job.disabled) {
        job.state = JobState::Disabled;
      } else {
        job.state = JobState::Idle;
        if (!shutting_down_) start(job, now);
      }
      return;
    case AfterStop::StayDown:
      job.state = JobState::Done;
      return;
  }
}

namespace {

std::string describe_exit(const Job& job, pid_t pid, int wait_status, TimePoint now) {
  char how[96];
  describe_wait_status(wait_status, how, sizeof how);
  char line[160];
  std::snprintf(line, sizeof line, "[%d] exited after %lld sec: %s", static_cast<int>(pid),
                seconds(now - job.started), how);
  return "job " + job.name + " " + line;
}

}  // namespace

bool Supervisor::on_child_exit(pid_t pid, int wait_status, TimePoint now) {
  deadline_dirty_ = true;
  Job* job = table_.find_pid(pid);
  if (job == nullptr) {
    // An orphan or a job's straggler: maybe a lingering group emptied.
    lingering_.erase(std::remove_if(lingering_.begin(), lingering_.end(),
                                    [](const Lingering& l) { return kill(-l.pgid, 0) != 0 && errno == ESRCH; }),
                     lingering_.end());
    return false;
  }
  read_spawn_reports();   // a failing child's record precedes its exit
  table_.set_pid(*job, -1);
  job->last_status = wait_status;
  std::string exit_line = describe_exit(*job, pid, wait_status, now);

  if (job->state == JobState::Stopping) {
    log_info("%s", exit_line.c_str());
    // Children that ignored SIGTERM get SIGKILL when the grace period ends.
    if (kill(-pid, 0) == 0) lingering_.push_back({pid, job->kill_sent ? now : job->kill_at});
    finish_stop(*job, now);
    start_eligible(now);
    return true;
  }

  job->wait_released = true;
  const ExitVerdict verdict = decide_after_exit(job->once, job->started, now, wait_status);
  if (!shutting_down_ && verdict.action == AfterExit::RestartNow) {
    ++job->restarts;
    job->state = JobState::Idle;
    start(*job, now, &exit_line);
    start_eligible(now);
    return true;
  }
  log_info("%s", exit_line.c_str());
  if (shutting_down_) {
    job->state = JobState::Done;
    return true;
  }
  switch (verdict.action) {
    case AfterExit::RestartNow:   // handled above
      break;
    case AfterExit::RestartLater:
      log_info("job %s restarting too fast, delaying restart %lld s", job->name.c_str(),
               seconds(kRestartDelay));
      job->state = JobState::Delayed;
      job->restart_at = verdict.restart_at;
      break;
    case AfterExit::StayDown:
      log_info("job %s will not be restarted (%s)", job->name.c_str(), verdict.reason);
      job->state = JobState::Done;
      break;
  }
  start_eligible(now);
  return true;
}

void Supervisor::on_timer(TimePoint now) {
  deadline_dirty_ = true;
  table_.for_each([&](Job& job) {
    switch (job.state) {
      case JobState::Delayed:
        if (!shutting_down_ && job.restart_at <= now) {
          ++job.restarts;
          job.state = JobState::Idle;
          start(job, now);
        }
        break;
      case JobState::Stopping:
        if (!job.kill_sent && job.kill_at <= now) {
          log_warnx("job %s [%d] still running %lld s after SIGTERM, sending SIGKILL",
                    job.name.c_str(), static_cast<int>(job.pid), seconds(kStopGrace));
          signal_job(job.pid, SIGKILL);
          job.kill_sent = true;
        }
        break;
      case JobState::Running:
        if (!shutting_down_ && job.bounce_at <= now) {
          log_info("bouncing job %s [%d]", job.name.c_str(), static_cast<int>(job.pid));
          stop(job, AfterStop::Start, now);
        }
        break;
      case JobState::Idle:
      case JobState::Done:
      case JobState::Disabled:
        break;
    }
  });
  for (auto& l : lingering_) {
    if (l.killed || l.kill_at > now) continue;
    kill(-l.pgid, SIGKILL);
    l.killed = true;   // still awaited: shutdown waits until it is reaped
  }
}

void Supervisor::begin_shutdown(TimePoint now) {
  deadline_dirty_ = true;
  shutting_down_ = true;
  table_.for_each([&](Job& job) {
    if (job.pid > 0) {
      stop(job, AfterStop::StayDown, now);
    } else if (job.state == JobState::Delayed || job.state == JobState::Idle) {
      job.state = JobState::Done;
      job.restart_at = kNever;
    }
  });
}

bool Supervisor::shutdown_complete() const noexcept {
  if (!lingering_.empty()) return false;
  bool any = false;
  table_.for_each([&](const Job& job) { any = any || job.pid > 0; });
  return !any;
}

TimePoint Supervisor::next_deadline() const noexcept {
  if (!deadline_dirty_) return deadline_;
  TimePoint next = kNever;
  table_.for_each([&](const Job& job) {
    switch (job.state) {
      case JobState::Delayed:
        if (!shutting_down_) next = std::min(next, job.restart_at);
        break;
      case JobState::Stopping:
        if (!job.kill_sent) next = std::min(next, job.kill_at);
        break;
      case JobState::Running:
        if (!shutting_down_) next = std::min(next, job.bounce_at);
        break;
      case JobState::Idle:
      case JobState::Done:
      case JobState::Disabled:
        break;
    }
  });
  for (const auto& l : lingering_)
    if (!l.killed) next = std::min(next, l.kill_at);
  deadline_ = next;
  deadline_dirty_ = false;
  return next;
}

void Supervisor::refresh_depend_hashes(Job& job) {
  job.depend_hashes.clear();
  for (const auto& path : job.depends)
    job.depend_hashes.push_back(hash_file ? hash_file(path) : 0);
}

void Supervisor::restart_dependents(const std::string& path, uint64_t new_hash, TimePoint now) {
  deadline_dirty_ = true;
  table_.for_each([&](Job& job) {
    for (size_t i = 0; i < job.depends.size() && i < job.depend_hashes.size(); ++i) {
      if (job.depends[i] != path || job.depend_hashes[i] == new_hash) continue;
      job.depend_hashes[i] = new_hash;
      if (job.state == JobState::Running) {
        log_info("job %s: %s changed, restarting", job.name.c_str(), path.c_str());
        stop(job, AfterStop::Start, now);
      }
    }
  });
}

std::vector<std::string> Supervisor::depends_paths() const {
  std::vector<std::string> out;
  table_.for_each([&](const Job& job) {
    for (const auto& p : job.depends) out.push_back(p);
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace pmtr
