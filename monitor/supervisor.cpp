#include "monitor/supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/log.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/job_status.hpp"
#include "monitor/restart_policy.hpp"

namespace pmtr {
namespace {

long long whole_seconds(Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

std::string duration_text(Duration d) {
  char buf[48];
  describe_duration(d, buf, sizeof buf);
  return buf;
}

// "SIGTERM"; the number when the C library has no name for it.
std::string signal_text(int sig) {
  if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(sig);
}

// "exec /usr/bin/wbe: No such file or directory", "chdir: Permission denied".
// Equal but for who may operate them: nothing about the process changes.
bool only_operators_differ(const Job& job, const JobDesc& next) {
  Result<JobDesc> now = job.descriptor();
  if (!now) return false;
  JobDesc same = next;
  same.operators = now->operators;
  return same_definition(*now, same);
}

std::string describe_failure(const Job& job, const SpawnFailure& f) {
  std::string what = spawn_step_name(f.step);
  if (f.step == SpawnStep::Exec) {
    // Which program: the one fact an admin needs to fix a typo.
    Result<JobDesc> desc = job.descriptor();
    what = "exec " + (desc ? desc->argv[0] : std::string("?"));
  }
  return what + ": " + std::strerror(f.err);
}

}  // namespace

Status Supervisor::init() {
  const int fd = launcher_.failure_fd();
  if (fd < 0) return {};
  return loop_.add(fd, [this](uint32_t) { read_spawn_reports(); });
}

// ---- the transition table, carried out ------------------------------------

void Supervisor::fire(Job& job, JobEvent event, TimePoint now) {
  const Transition t = job_transition(job.state, event);
  switch (t.kind) {
    case TransitionKind::Ignore:
      return;
    case TransitionKind::Bug:
      log_crit("job %s: event %s in state %s has no transition (a bug); job left as it is", job.name.c_str(),
               job_event_name(event), job_state_detail(job.state));
      return;
    case TransitionKind::Apply:
      break;
  }
  deadline_dirty_ = true;
  const JobState from = job.state;
  job.state = t.next;
  // -vv: every transition (restarts are a hot path; -v alone stays quiet here).
  if (log_verbosity() >= 2)
    log_debug("job %s: %s: %s -> %s", job.name.c_str(), job_event_name(event), job_state_detail(from),
              job_state_detail(t.next));
  if (from == JobState::Starting && t.next != JobState::Starting) drop_ready(job);

  const uint16_t a = t.actions;
  if (a & kTakeDefinition) take_definition(job);
  if (a & kResetBackoff) reset_backoff(job);
  if (a & kNoteQuickExit) note_quick_exit(job.policy, job.quick_exits, now);
  if (a & kArmDelay) arm_delay(job, now);
  if ((a & kOpenExitGate) && job.wait && !job.wait_ready) job.gate_open = true;
  if ((a & kOpenReadyGate) && job.wait_ready) job.gate_open = true;
  if (a & kSignalStop) signal_stop(job, now);
  if (a & kKill) kill_now(job);
  if (a & kSpawn) spawn(job, now);   // feeds the outcome back: may fire again
  // A job without a process that goes down for good (removed, stopped,
  // disabled, or pmtr shutting down) takes what its last run left in its
  // cgroup with it: a `once` job's daemon, say, lives until then.
  const bool down = t.next == JobState::Absent || t.next == JobState::Stopped || t.next == JobState::Disabled ||
                    event == JobEvent::Shutdown;
  if (down && job.pid <= 0 && launcher_.confines_by_cgroup() && !lingering(job.name))
    end_leftovers(job, -1, false, now);
  if (a & kErase) {
    const std::string name = job.name;
    table_.erase(job.name);   // `job` is gone after this line
    settle_cgroup(name);
  }
}

void Supervisor::take_definition(Job& job) {
  if (!job.pending) return;
  job.set_definition(std::move(*job.pending));
  job.pending.reset();
  // A new definition is a new job as far as history goes.
  job.gate_open = false;
  reset_backoff(job);
  refresh_depend_hashes(job);
  table_.mark_order_dirty();
}

void Supervisor::reset_backoff(Job& job) noexcept {
  job.backoff_ms = 0;   // the next quick exit waits the minimum
  job.quick_exits.clear();
}

// backoff_ms is the delay in effect, which status reports: the one being
// waited out, not the one after it.
void Supervisor::arm_delay(Job& job, TimePoint now) noexcept {
  job.backoff_ms = next_backoff_ms(job.policy, job.backoff_ms);
  job.restart_at = now + from_ms(job.backoff_ms);
}

void Supervisor::signal_stop(Job& job, TimePoint now) noexcept {
  if (job.pid <= 0) return;
  if (job.policy.stop_timeout_ms == 0) {
    launcher_.kill_job(job.name, job.pid);
    job.kill_at = kNever;
    return;
  }
  launcher_.signal_job(job.name, job.pid, job.policy.stop_signal);
  job.kill_at = now + from_ms(job.policy.stop_timeout_ms);
}

void Supervisor::kill_now(Job& job) noexcept {
  if (job.pid > 0) launcher_.kill_job(job.name, job.pid);
  job.kill_at = kNever;
}

void Supervisor::spawn(Job& job, TimePoint now) {
  drop_ready(job);
  // A job that was done may have left processes in its cgroup.
  if (launcher_.confines_by_cgroup() && !lingering(job.name)) end_leftovers(job, -1, false, now);
  if (launcher_.confines_by_cgroup() && lingering(job.name)) {
    // Its cgroup still holds what the last run left: never start beside
    // processes that cgroup.kill may be about to take.  (A process group
    // is new with each start: without cgroups nothing waits.)
    flush_deferred_line();
    fire(job, JobEvent::Leftovers, now);
    return;
  }
  Result<JobDesc> desc = job.descriptor();
  Result<LaunchedJob> launched =
      desc ? launcher_.launch(*desc) : Result<LaunchedJob>(Error{0, "stored definition: " + desc.error().what});
  flush_deferred_line();
  if (!launched && is_refusal(launched.error())) {
    // A host fact (unknown group, missing controller, ...): trying again
    // changes nothing until the config or the host does.
    log_warnx("job %s: %s; it stays down (failed) until started or changed", job.name.c_str(),
              launched.error().message().c_str());
    fire(job, JobEvent::StartRefused, now);
    settle_cgroup(job.name);
    return;
  }
  if (!launched) {
    // Nothing was started: a quick exit by another name.
    log_warnx("job %s: %s", job.name.c_str(), launched.error().message().c_str());
    const ExitVerdict v = classify_exit(job.policy, job.once, ExitFacts{Duration{}, 0, true}, job.quick_exits, now);
    fire(job, v.event, now);
    if (v.event == JobEvent::ExitDelay)
      log_info("job %s restarting too fast, delaying restart %s", job.name.c_str(),
               duration_text(job.restart_at - now).c_str());
    else if (v.event == JobEvent::ExitDone)
      log_info("job %s will not be restarted (%s)", job.name.c_str(), v.reason);
    else if (v.event == JobEvent::ExitGiveUp)
      log_warnx("job %s gave up after %u failed start%s within %s; it stays down until started or changed",
                job.name.c_str(), job.policy.give_up_count, job.policy.give_up_count == 1 ? "" : "s",
                duration_text(from_ms(job.policy.give_up_window_ms)).c_str());
    return;
  }
  ++job.starts;
  table_.set_pid(job, launched->pid);
  job.started = now;
  // The OOM kills its cgroup counted so far: a killed cgroup is made anew
  // (count 0), so the baseline is taken at each start.
  if (launcher_.confines_by_cgroup()) job.oom_kills = launcher_.oom_kills(job.name);
  job.bounce_at = next_bounce(job.bounce_seconds, now);
  const bool unready = launched->ready.valid();
  if (unready) {
    job.ready_pipe = std::move(launched->ready);
    job.ready_bytes = 0;
    job.ready_at = job.policy.ready_timeout_ms != 0 ? now + from_ms(job.policy.ready_timeout_ms) : kNever;
    const pid_t pid = job.pid;
    if (auto s = loop_.add(job.ready_pipe.get(), [this, pid](uint32_t) { on_ready_readable(pid, Clock::now()); });
        !s)
      log_warnx("job %s: cannot watch its ready fd: %s", job.name.c_str(), s.error().message().c_str());
  }
  // A vforked child that failed has exited already; its exit is reaped as
  // any other quick exit, so only the line differs.
  if (launched->failure)
    log_warnx("job %s: %s", job.name.c_str(), describe_failure(job, *launched->failure).c_str());
  else
    log_info("started job %s [%d]", job.name.c_str(), static_cast<int>(job.pid));
  fire(job, unready ? JobEvent::SpawnedUnready : JobEvent::Spawned, now);
}

void Supervisor::drop_ready(Job& job) noexcept {
  if (!job.ready_pipe) return;
  loop_.remove(job.ready_pipe.get());
  job.ready_pipe.reset();
  job.ready_at = kNever;
}

void Supervisor::flush_deferred_line() {
  if (deferred_line_.empty()) return;
  log_info("%s", deferred_line_.c_str());
  deferred_line_.clear();
}

// ---- the config --------------------------------------------------------------

void Supervisor::define(Job& job, JobDesc desc, bool fresh, TimePoint now) {
  const JobEvent event = desc.disabled ? JobEvent::Disabled : fresh ? JobEvent::Added : JobEvent::Changed;
  job.pending = std::make_unique<JobDesc>(std::move(desc));
  fire(job, event, now);
}

void Supervisor::apply(Transaction txn, TimePoint now) {
  deadline_dirty_ = true;
  if (!globals_noted_ && (!txn.globals.report_to.empty() || txn.globals.listen_on)) {
    log_info("report to / listen on are not active in this version (pmtr-ctl is not built yet)");
    globals_noted_ = true;
  }
  for (const auto& name : txn.removed) {
    Job* job = table_.find(name);
    if (job == nullptr) continue;
    log_info("job %s removed from configuration, stopping", name.c_str());
    fire(*job, JobEvent::Removed, now);
  }
  for (const auto& k : txn.kept)
    if (Job* job = table_.find(k.name)) job->index = k.index;
  for (auto& ij : txn.changed) {
    Job* job = table_.find(ij.job.name);
    if (job == nullptr) continue;
    job->index = ij.index;
    if (!job->pending && only_operators_differ(*job, ij.job)) {
      job->set_definition(std::move(ij.job));   // no event: what runs is the same
      continue;
    }
    if (is_up(job->state)) log_info("job %s changed, restarting", job->name.c_str());
    define(*job, std::move(ij.job), false, now);
  }
  for (auto& ij : txn.added) {
    // A job removed earlier and still being stopped takes the new
    // definition once its old process is gone, never beside it.
    Job* job = table_.find(ij.job.name);
    if (job == nullptr) job = &table_.create(ij.job.name, ij.index);
    job->index = ij.index;
    define(*job, std::move(ij.job), true, now);
  }
  table_.mark_order_dirty();
  start_eligible(now);
}

void Supervisor::start_eligible(TimePoint now) {
  if (shutting_down_) return;
  bool held = false;   // behind a `wait` job whose gate is closed
  for (Job* job : table_.start_order()) {
    if (job->state == JobState::Waiting && !held) fire(*job, JobEvent::Released, now);
    // Until its gate opens a wait job holds the jobs after it: also while
    // it restarts for a change, bounce or depends (it has not exited on its
    // own), and while a `wait ready` job that failed its readiness waits
    // for its next try.  Down for good (done, failed, stopped, disabled),
    // it holds nothing.
    const bool holding = job->state == JobState::Waiting || is_up(job->state) ||
                         job->state == JobState::StoppingRestart || job->state == JobState::StoppingDelay ||
                         job->state == JobState::Delayed || job->state == JobState::Draining;
    if (job->wait && !job->gate_open && holding) held = true;
  }
}

// ---- processes ----------------------------------------------------------------

void Supervisor::read_spawn_reports() {
  for (const auto& r : launcher_.drain_failures()) {
    if (const Job* job = table_.find_pid(r.pid))
      log_warnx("job %s: %s", job->name.c_str(), describe_failure(*job, r.failure).c_str());
    else
      log_warnx("job ? [%d]: %s: %s", static_cast<int>(r.pid), spawn_step_name(r.failure.step),
                std::strerror(r.failure.err));
  }
}

namespace {

std::string describe_exit(const Job& job, pid_t pid, int wait_status, TimePoint now) {
  char how[96];
  describe_wait_status(wait_status, how, sizeof how);
  char line[192];
  std::snprintf(line, sizeof line, "[%d] exited after %lld s: %s", static_cast<int>(pid),
                whole_seconds(now - job.started), how);
  return "job " + job.name + " " + line;
}

}  // namespace

bool Supervisor::on_child_exit(pid_t pid, int wait_status, TimePoint now) {
  deadline_dirty_ = true;
  Job* job = table_.find_pid(pid);
  if (job == nullptr) {
    // An orphan or a job's straggler: maybe leftovers are all gone.
    check_lingering(now);
    return false;
  }
  read_spawn_reports();   // a failing child's record precedes its exit
  table_.set_pid(*job, -1);
  job->last_status = wait_status;
  job->last_exit_ms = unix_now_ms();
  const std::string name = job->name;
  deliver_exit(*job, pid, wait_status, now);
  settle_cgroup(name);   // `job` may have been erased
  start_eligible(now);
  return true;
}

// ---- leftovers -------------------------------------------------------------------

void Supervisor::end_leftovers(Job& job, pid_t pid, bool stopping, TimePoint now) {
  const size_t n = launcher_.leftovers(job.name, pid);
  if (n == 0) return;
  TimePoint kill_at = job.kill_at == kNever ? now : job.kill_at;
  if (!stopping) {
    // Its main process exited on its own: the rest of the job gets the
    // job's stop signal, and SIGKILL at its stop timeout, as in a stop.
    if (job.policy.stop_timeout_ms == 0) {
      launcher_.kill_job(job.name, pid);
      kill_at = now;
    } else {
      launcher_.signal_job(job.name, pid, job.policy.stop_signal);
      kill_at = now + from_ms(job.policy.stop_timeout_ms);
    }
  }
  if (launcher_.confines_by_cgroup() && pid > 0)
    log_info("job %s: %zu process%s left in its cgroup after [%d] exited; stopping %s", job.name.c_str(), n,
             n == 1 ? "" : "es", static_cast<int>(pid), n == 1 ? "it" : "them");
  else if (launcher_.confines_by_cgroup())
    log_info("job %s: %zu process%s left in its cgroup by its last run; stopping %s", job.name.c_str(), n,
             n == 1 ? "" : "es", n == 1 ? "it" : "them");
  lingering_.push_back({job.name, pid, kill_at, kill_at <= now && job.policy.stop_timeout_ms == 0});
  deadline_dirty_ = true;
}

bool Supervisor::lingering(const std::string& name) const noexcept {
  return std::any_of(lingering_.begin(), lingering_.end(), [&](const Lingering& l) { return l.name == name; });
}

void Supervisor::check_lingering(TimePoint now) {
  std::vector<std::string> gone;
  lingering_.erase(std::remove_if(lingering_.begin(), lingering_.end(),
                                  [&](const Lingering& l) {
                                    if (launcher_.leftovers(l.name, l.pgid) != 0) return false;
                                    gone.push_back(l.name);
                                    return true;
                                  }),
                   lingering_.end());
  for (const auto& name : gone) {
    if (lingering(name)) continue;
    Job* job = table_.find(name);
    if (job != nullptr && job->state == JobState::Draining) fire(*job, JobEvent::Drained, now);
    settle_cgroup(name);
  }
  if (!gone.empty()) start_eligible(now);
}

// A job down for good (or erased) with nothing left: its cgroup goes.  A
// job that restarts, is delayed or drains keeps it.
void Supervisor::settle_cgroup(const std::string& name) {
  if (lingering(name)) return;
  const Job* job = table_.find(name);
  if (job != nullptr && job->pid > 0) return;
  const JobState s = job != nullptr ? job->state : JobState::Absent;
  if (s == JobState::Absent || s == JobState::Stopped || s == JobState::Disabled || s == JobState::Done ||
      s == JobState::Failed)
    launcher_.release(name);
}

void Supervisor::note_oom(Job& job, int wait_status) {
  if (!launcher_.confines_by_cgroup() || !WIFSIGNALED(wait_status) || WTERMSIG(wait_status) != SIGKILL) return;
  const uint64_t kills = launcher_.oom_kills(job.name);
  if (kills > job.oom_kills) {
    log_warnx("job %s: killed by the OOM killer (its cgroup's memory limit)", job.name.c_str());
    job.oom_kills = kills;
  }
}

void Supervisor::deliver_exit(Job& job, pid_t pid, int wait_status, TimePoint now) {
  std::string line = describe_exit(job, pid, wait_status, now);
  // Exiting before readiness, or after failing it, is a quick exit.
  const bool failed_start = job.state == JobState::Starting || job.state == JobState::StoppingDelay;
  const ExitVerdict v = classify_exit(job.policy, job.once, ExitFacts{now - job.started, wait_status, failed_start},
                                      job.quick_exits, now);
  note_oom(job, wait_status);
  if (is_stopping(job.state)) {
    // Children that ignored the stop signal get SIGKILL when the grace
    // period ends.
    end_leftovers(job, pid, true, now);
    // Stopped by us: never a failure, whatever the status.  Except after
    // a failed readiness: that exit is the quick exit it stands for, and
    // its restart delay or giving up is logged like any other's.
    if (job.state != JobState::StoppingDelay) {
      log_info("%s", line.c_str());
      fire(job, v.event, now);
      return;
    }
  }
  // Whatever the job left in its cgroup is ended now when the job runs
  // again, before its next process starts there.  A job that is done
  // keeps them (a `once` job that starts a daemon) until it is stopped,
  // removed, started again or pmtr exits.  (A stop has ended them above.)
  if (!is_stopping(job.state) && launcher_.confines_by_cgroup() &&
      (v.event == JobEvent::ExitRestart || v.event == JobEvent::ExitDelay))
    end_leftovers(job, pid, false, now);
  const std::string name = job.name;
  const uint32_t next = job.starts;   // the number of the restart to come
  switch (v.event) {
    case JobEvent::ExitRestart:
      deferred_line_ = line + "; restart " + std::to_string(next) + " now";
      fire(job, v.event, now);
      flush_deferred_line();
      return;
    case JobEvent::ExitDelay: {
      fire(job, v.event, now);
      const std::string delay = duration_text(job.restart_at - now);
      log_info("%s; restart %u in %s", line.c_str(), next, delay.c_str());
      log_info("job %s restarting too fast, delaying restart %s", name.c_str(), delay.c_str());
      return;
    }
    case JobEvent::ExitDone:
      log_info("%s", line.c_str());
      log_info("job %s will not be restarted (%s)", name.c_str(), v.reason);
      fire(job, v.event, now);
      return;
    case JobEvent::ExitGiveUp:
      log_info("%s; giving up", line.c_str());
      log_warnx("job %s gave up after %u quick exit%s within %s; it stays down until started or changed",
                name.c_str(), job.policy.give_up_count, job.policy.give_up_count == 1 ? "" : "s",
                duration_text(from_ms(job.policy.give_up_window_ms)).c_str());
      fire(job, v.event, now);
      return;
    case JobEvent::Added: case JobEvent::Changed: case JobEvent::Disabled: case JobEvent::Removed:
    case JobEvent::Spawned: case JobEvent::SpawnedUnready: case JobEvent::Ready: case JobEvent::NotReady:
    case JobEvent::StopTimeout: case JobEvent::DelayElapsed: case JobEvent::Released: case JobEvent::Refresh:
    case JobEvent::OperatorStart: case JobEvent::OperatorStop: case JobEvent::OperatorRestart:
    case JobEvent::Shutdown: case JobEvent::StartRefused: case JobEvent::Leftovers: case JobEvent::Drained:
      break;
  }
  log_crit("job %s: exit classified as %s (a bug)", name.c_str(), job_event_name(v.event));
}

void Supervisor::on_ready_readable(pid_t pid, TimePoint now) {
  Job* job = table_.find_pid(pid);
  if (job == nullptr || job->state != JobState::Starting || !job->ready_pipe) return;
  // Looked at, never interpreted: only whether a newline came within the
  // first kReadyBytesMax bytes.
  char buf[512];
  for (;;) {
    const size_t room = std::min(sizeof buf, kReadyBytesMax - job->ready_bytes);
    const ssize_t n = ::read(job->ready_pipe.get(), buf, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;   // EAGAIN: more later
    if (n == 0) {
      log_warnx("job %s closed its ready fd %u without a newline; stopping it", job->name.c_str(),
                job->policy.ready_fd);
      fire(*job, JobEvent::NotReady, now);
      start_eligible(now);
      return;
    }
    if (std::memchr(buf, '\n', static_cast<size_t>(n)) != nullptr) {
      log_info("job %s [%d] is ready", job->name.c_str(), static_cast<int>(job->pid));
      fire(*job, JobEvent::Ready, now);
      start_eligible(now);
      return;
    }
    job->ready_bytes = static_cast<uint16_t>(job->ready_bytes + n);
    if (job->ready_bytes >= kReadyBytesMax) {
      log_warnx("job %s wrote %zu bytes on its ready fd without a newline; stopping it", job->name.c_str(),
                kReadyBytesMax);
      fire(*job, JobEvent::NotReady, now);
      start_eligible(now);
      return;
    }
  }
}

// ---- timers --------------------------------------------------------------------

void Supervisor::on_timer(TimePoint now) {
  deadline_dirty_ = true;
  struct Due {
    Job* job;
    JobEvent event;
  };
  std::vector<Due> due;
  table_.for_each([&](Job& job) {
    switch (job.state) {
      case JobState::Delayed:
        if (job.restart_at <= now) due.push_back({&job, JobEvent::DelayElapsed});
        break;
      case JobState::StoppingRestart: case JobState::StoppingDelay: case JobState::StoppingHold:
      case JobState::StoppingDisable: case JobState::StoppingRemove: case JobState::StoppingDone:
        if (job.kill_at <= now) due.push_back({&job, JobEvent::StopTimeout});
        break;
      case JobState::Starting:
        if (job.ready_at <= now) due.push_back({&job, JobEvent::NotReady});
        break;
      case JobState::Running:
      case JobState::Ready:
        if (!shutting_down_ && job.bounce_at <= now) due.push_back({&job, JobEvent::Refresh});
        break;
      case JobState::Absent: case JobState::Waiting: case JobState::Stopped: case JobState::Disabled:
      case JobState::Done: case JobState::Failed: case JobState::Draining:
        break;
    }
  });
  // None of these events erases a job, so the pointers stay valid.
  for (const Due& d : due) {
    Job& job = *d.job;
    if (d.event == JobEvent::StopTimeout)
      log_warnx("job %s [%d] still running %s after %s, sending SIGKILL", job.name.c_str(),
                static_cast<int>(job.pid), duration_text(from_ms(job.policy.stop_timeout_ms)).c_str(),
                signal_text(job.policy.stop_signal).c_str());
    else if (d.event == JobEvent::NotReady)
      log_warnx("job %s [%d] not ready within %s; stopping it", job.name.c_str(), static_cast<int>(job.pid),
                duration_text(from_ms(job.policy.ready_timeout_ms)).c_str());
    else if (d.event == JobEvent::Refresh)
      log_info("bouncing job %s [%d]", job.name.c_str(), static_cast<int>(job.pid));
    fire(job, d.event, now);
  }
  for (auto& l : lingering_) {
    if (l.killed || l.kill_at > now) continue;
    launcher_.kill_job(l.name, l.pgid);
    l.killed = true;   // still awaited: shutdown waits until it is gone
  }
  if (!lingering_.empty()) check_lingering(now);
  if (!due.empty()) start_eligible(now);
}

void Supervisor::begin_shutdown(TimePoint now) {
  deadline_dirty_ = true;
  shutting_down_ = true;
  table_.for_each([&](Job& job) { fire(job, JobEvent::Shutdown, now); });
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
        next = std::min(next, job.restart_at);
        break;
      case JobState::StoppingRestart: case JobState::StoppingDelay: case JobState::StoppingHold:
      case JobState::StoppingDisable: case JobState::StoppingRemove: case JobState::StoppingDone:
        next = std::min(next, job.kill_at);
        break;
      case JobState::Starting:
        next = std::min(next, job.ready_at);
        break;
      case JobState::Running:
      case JobState::Ready:
        if (!shutting_down_) next = std::min(next, job.bounce_at);
        break;
      case JobState::Absent: case JobState::Waiting: case JobState::Stopped: case JobState::Disabled:
      case JobState::Done: case JobState::Failed: case JobState::Draining:
        break;
    }
  });
  for (const auto& l : lingering_)
    if (!l.killed) next = std::min(next, l.kill_at);
  deadline_ = next;
  deadline_dirty_ = false;
  return next;
}

// ---- operators and depends -------------------------------------------------------

bool Supervisor::operate(std::string_view name, JobEvent op, TimePoint now) {
  Job* job = table_.find(name);
  if (job == nullptr || !table_.is_defined(name)) return false;
  fire(*job, op, now);
  start_eligible(now);
  return true;
}

bool Supervisor::signal(std::string_view name, int sig) noexcept {
  Job* job = table_.find(name);
  if (job == nullptr || job->pid <= 0) return false;
  launcher_.signal_group(job->pid, sig);
  return true;
}

void Supervisor::refresh_depend_hashes(Job& job) {
  job.depend_hashes.clear();
  for (const auto& path : job.depends) job.depend_hashes.push_back(hash_file ? hash_file(path) : 0);
}

void Supervisor::restart_dependents(const std::string& path, uint64_t new_hash, TimePoint now) {
  deadline_dirty_ = true;
  table_.for_each([&](Job& job) {
    for (size_t i = 0; i < job.depends.size() && i < job.depend_hashes.size(); ++i) {
      if (job.depends[i] != path || job.depend_hashes[i] == new_hash) continue;
      job.depend_hashes[i] = new_hash;
      if (is_up(job.state)) {
        log_info("job %s: %s changed, restarting", job.name.c_str(), path.c_str());
        fire(job, JobEvent::Refresh, now);
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
