#include "monitor/job_fsm.hpp"

#include <array>
#include <cstddef>

namespace pmtr {
namespace {

using S = JobState;
using E = JobEvent;
using K = TransitionKind;

// Short names for the action sets the rows use.
constexpr uint16_t kNone = 0;
constexpr uint16_t kTake = kTakeDefinition;
constexpr uint16_t kStop = kSignalStop;
constexpr uint16_t kStart = kSpawn;
constexpr uint16_t kFreshStart = kResetBackoff | kSpawn;
constexpr uint16_t kStableExit = kResetBackoff | kOpenExitGate | kSpawn;
constexpr uint16_t kQuickExit = kNoteQuickExit | kArmDelay | kOpenExitGate;
constexpr uint16_t kFinalExit = kOpenExitGate;
constexpr uint16_t kGiveUp = kNoteQuickExit | kOpenExitGate;

struct Rule {
  S state;
  E event;
  K kind;
  uint16_t actions;
  S next;
};

constexpr Rule go(S s, E e, uint16_t actions, S next) { return {s, e, K::Apply, actions, next}; }
constexpr Rule ignore(S s, E e) { return {s, e, K::Ignore, kNone, s}; }

// Every pair not listed here is a bug: it cannot happen (no process to
// have exited, a timer that is never armed in that state, ...).  Rows are
// grouped by state; within a row, events in declaration order.
constexpr Rule kRules[] = {
    // ---- absent: a Job that exists only while the config adds it
    go(S::Absent, E::Added, kTake, S::Waiting),
    go(S::Absent, E::Disabled, kTake, S::Disabled),

    // ---- waiting: defined, not started
    go(S::Waiting, E::Changed, kTake, S::Waiting),
    go(S::Waiting, E::Disabled, kTake, S::Disabled),
    go(S::Waiting, E::Removed, kErase, S::Absent),
    go(S::Waiting, E::Released, kStart, S::Starting),
    ignore(S::Waiting, E::Refresh),
    go(S::Waiting, E::OperatorStart, kStart, S::Starting),
    go(S::Waiting, E::OperatorStop, kNone, S::Stopped),
    go(S::Waiting, E::OperatorRestart, kStart, S::Starting),
    go(S::Waiting, E::Shutdown, kNone, S::Done),

    // ---- starting: forked, readiness pending (for an instant after every
    // spawn, until the spawn's outcome is fed back)
    go(S::Starting, E::Changed, kStop, S::StoppingRestart),
    go(S::Starting, E::Disabled, kStop, S::StoppingDisable),
    go(S::Starting, E::Removed, kStop, S::StoppingRemove),
    go(S::Starting, E::Spawned, kNone, S::Running),
    go(S::Starting, E::SpawnedUnready, kNone, S::Starting),
    go(S::Starting, E::Ready, kOpenReadyGate, S::Ready),
    go(S::Starting, E::NotReady, kStop, S::StoppingDelay),
    go(S::Starting, E::ExitRestart, kStableExit, S::Starting),
    go(S::Starting, E::ExitDelay, kQuickExit, S::Delayed),
    go(S::Starting, E::ExitDone, kFinalExit, S::Done),
    go(S::Starting, E::ExitGiveUp, kGiveUp, S::Failed),
    ignore(S::Starting, E::Released),
    go(S::Starting, E::Refresh, kStop, S::StoppingRestart),
    ignore(S::Starting, E::OperatorStart),
    go(S::Starting, E::OperatorStop, kStop, S::StoppingHold),
    go(S::Starting, E::OperatorRestart, kStop | kResetBackoff, S::StoppingRestart),
    go(S::Starting, E::Shutdown, kStop, S::StoppingDone),
    // spawn() answers at once when no process was made: a host fact
    // refused it (`failed`, SPEC's "cannot start"), or the job's cgroup
    // still holds what its last run left (started once they are gone:
    // cgroup.kill must never take the new process with them)
    go(S::Starting, E::StartRefused, kOpenExitGate, S::Failed),
    go(S::Starting, E::Leftovers, kNone, S::Draining),

    // ---- running
    go(S::Running, E::Changed, kStop, S::StoppingRestart),
    go(S::Running, E::Disabled, kStop, S::StoppingDisable),
    go(S::Running, E::Removed, kStop, S::StoppingRemove),
    go(S::Running, E::ExitRestart, kStableExit, S::Starting),
    go(S::Running, E::ExitDelay, kQuickExit, S::Delayed),
    go(S::Running, E::ExitDone, kFinalExit, S::Done),
    go(S::Running, E::ExitGiveUp, kGiveUp, S::Failed),
    ignore(S::Running, E::Released),
    go(S::Running, E::Refresh, kStop, S::StoppingRestart),
    ignore(S::Running, E::OperatorStart),
    go(S::Running, E::OperatorStop, kStop, S::StoppingHold),
    go(S::Running, E::OperatorRestart, kStop | kResetBackoff, S::StoppingRestart),
    go(S::Running, E::Shutdown, kStop, S::StoppingDone),

    // ---- ready
    go(S::Ready, E::Changed, kStop, S::StoppingRestart),
    go(S::Ready, E::Disabled, kStop, S::StoppingDisable),
    go(S::Ready, E::Removed, kStop, S::StoppingRemove),
    go(S::Ready, E::ExitRestart, kStableExit, S::Starting),
    go(S::Ready, E::ExitDelay, kQuickExit, S::Delayed),
    go(S::Ready, E::ExitDone, kFinalExit, S::Done),
    go(S::Ready, E::ExitGiveUp, kGiveUp, S::Failed),
    ignore(S::Ready, E::Released),
    go(S::Ready, E::Refresh, kStop, S::StoppingRestart),
    ignore(S::Ready, E::OperatorStart),
    go(S::Ready, E::OperatorStop, kStop, S::StoppingHold),
    go(S::Ready, E::OperatorRestart, kStop | kResetBackoff, S::StoppingRestart),
    go(S::Ready, E::Shutdown, kStop, S::StoppingDone),

    // ---- stopping, then start again (the new definition, if any, is
    // taken once the old process is gone: never two side by side)
    go(S::StoppingRestart, E::Changed, kNone, S::StoppingRestart),
    go(S::StoppingRestart, E::Disabled, kNone, S::StoppingDisable),
    go(S::StoppingRestart, E::Removed, kNone, S::StoppingRemove),
    go(S::StoppingRestart, E::ExitRestart, kTake | kStart, S::Starting),
    go(S::StoppingRestart, E::ExitDelay, kTake | kStart, S::Starting),
    go(S::StoppingRestart, E::ExitDone, kTake | kStart, S::Starting),
    go(S::StoppingRestart, E::ExitGiveUp, kTake | kStart, S::Starting),
    go(S::StoppingRestart, E::StopTimeout, kKill, S::StoppingRestart),
    ignore(S::StoppingRestart, E::Released),
    ignore(S::StoppingRestart, E::Refresh),
    ignore(S::StoppingRestart, E::OperatorStart),
    go(S::StoppingRestart, E::OperatorStop, kNone, S::StoppingHold),
    go(S::StoppingRestart, E::OperatorRestart, kResetBackoff, S::StoppingRestart),
    go(S::StoppingRestart, E::Shutdown, kNone, S::StoppingDone),

    // ---- stopping after a failed readiness: its exit is a quick exit
    // whatever its status (the classifier never says restart-now here)
    go(S::StoppingDelay, E::Changed, kNone, S::StoppingRestart),
    go(S::StoppingDelay, E::Disabled, kNone, S::StoppingDisable),
    go(S::StoppingDelay, E::Removed, kNone, S::StoppingRemove),
    go(S::StoppingDelay, E::ExitDelay, kQuickExit, S::Delayed),
    go(S::StoppingDelay, E::ExitDone, kFinalExit, S::Done),
    go(S::StoppingDelay, E::ExitGiveUp, kGiveUp, S::Failed),
    go(S::StoppingDelay, E::StopTimeout, kKill, S::StoppingDelay),
    ignore(S::StoppingDelay, E::Released),
    ignore(S::StoppingDelay, E::Refresh),
    go(S::StoppingDelay, E::OperatorStart, kResetBackoff, S::StoppingRestart),
    go(S::StoppingDelay, E::OperatorStop, kNone, S::StoppingHold),
    go(S::StoppingDelay, E::OperatorRestart, kResetBackoff, S::StoppingRestart),
    go(S::StoppingDelay, E::Shutdown, kNone, S::StoppingDone),

    // ---- stopping for an operator: stopped (sticky) once gone
    go(S::StoppingHold, E::Changed, kNone, S::StoppingHold),
    go(S::StoppingHold, E::Disabled, kNone, S::StoppingDisable),
    go(S::StoppingHold, E::Removed, kNone, S::StoppingRemove),
    go(S::StoppingHold, E::ExitRestart, kTake, S::Stopped),
    go(S::StoppingHold, E::ExitDelay, kTake, S::Stopped),
    go(S::StoppingHold, E::ExitDone, kTake, S::Stopped),
    go(S::StoppingHold, E::ExitGiveUp, kTake, S::Stopped),
    go(S::StoppingHold, E::StopTimeout, kKill, S::StoppingHold),
    ignore(S::StoppingHold, E::Released),
    ignore(S::StoppingHold, E::Refresh),
    go(S::StoppingHold, E::OperatorStart, kResetBackoff, S::StoppingRestart),
    ignore(S::StoppingHold, E::OperatorStop),
    go(S::StoppingHold, E::OperatorRestart, kResetBackoff, S::StoppingRestart),
    go(S::StoppingHold, E::Shutdown, kNone, S::StoppingDone),

    // ---- stopping because the config says `disable`
    go(S::StoppingDisable, E::Changed, kNone, S::StoppingRestart),
    go(S::StoppingDisable, E::Disabled, kNone, S::StoppingDisable),
    go(S::StoppingDisable, E::Removed, kNone, S::StoppingRemove),
    go(S::StoppingDisable, E::ExitRestart, kTake, S::Disabled),
    go(S::StoppingDisable, E::ExitDelay, kTake, S::Disabled),
    go(S::StoppingDisable, E::ExitDone, kTake, S::Disabled),
    go(S::StoppingDisable, E::ExitGiveUp, kTake, S::Disabled),
    go(S::StoppingDisable, E::StopTimeout, kKill, S::StoppingDisable),
    ignore(S::StoppingDisable, E::Released),
    ignore(S::StoppingDisable, E::Refresh),
    ignore(S::StoppingDisable, E::OperatorStart),
    ignore(S::StoppingDisable, E::OperatorStop),
    ignore(S::StoppingDisable, E::OperatorRestart),
    go(S::StoppingDisable, E::Shutdown, kNone, S::StoppingDone),

    // ---- stopping because the job left the config; added again meanwhile,
    // the new definition starts once the old process is gone
    go(S::StoppingRemove, E::Added, kNone, S::StoppingRestart),
    go(S::StoppingRemove, E::Disabled, kNone, S::StoppingDisable),
    go(S::StoppingRemove, E::ExitRestart, kErase, S::Absent),
    go(S::StoppingRemove, E::ExitDelay, kErase, S::Absent),
    go(S::StoppingRemove, E::ExitDone, kErase, S::Absent),
    go(S::StoppingRemove, E::ExitGiveUp, kErase, S::Absent),
    go(S::StoppingRemove, E::StopTimeout, kKill, S::StoppingRemove),
    ignore(S::StoppingRemove, E::Released),
    ignore(S::StoppingRemove, E::Refresh),
    ignore(S::StoppingRemove, E::OperatorStart),
    ignore(S::StoppingRemove, E::OperatorStop),
    ignore(S::StoppingRemove, E::OperatorRestart),
    ignore(S::StoppingRemove, E::Shutdown),

    // ---- stopping at shutdown (no config changes arrive any more)
    go(S::StoppingDone, E::ExitRestart, kTake, S::Done),
    go(S::StoppingDone, E::ExitDelay, kTake, S::Done),
    go(S::StoppingDone, E::ExitDone, kTake, S::Done),
    go(S::StoppingDone, E::ExitGiveUp, kTake, S::Done),
    go(S::StoppingDone, E::StopTimeout, kKill, S::StoppingDone),
    ignore(S::StoppingDone, E::Released),
    ignore(S::StoppingDone, E::Refresh),
    ignore(S::StoppingDone, E::OperatorStart),
    ignore(S::StoppingDone, E::OperatorStop),
    ignore(S::StoppingDone, E::OperatorRestart),
    ignore(S::StoppingDone, E::Shutdown),

    // ---- draining: no process of its own; starts when its cgroup is empty
    go(S::Draining, E::Changed, kTake, S::Draining),
    go(S::Draining, E::Disabled, kTake, S::Disabled),
    go(S::Draining, E::Removed, kErase, S::Absent),
    ignore(S::Draining, E::Released),
    ignore(S::Draining, E::Refresh),
    ignore(S::Draining, E::OperatorStart),
    go(S::Draining, E::OperatorStop, kNone, S::Stopped),
    go(S::Draining, E::OperatorRestart, kResetBackoff, S::Draining),
    go(S::Draining, E::Shutdown, kNone, S::Done),
    go(S::Draining, E::Drained, kStart, S::Starting),

    // ---- delayed: exited quickly, restart_at armed
    go(S::Delayed, E::Changed, kTake, S::Waiting),
    go(S::Delayed, E::Disabled, kTake, S::Disabled),
    go(S::Delayed, E::Removed, kErase, S::Absent),
    go(S::Delayed, E::DelayElapsed, kStart, S::Starting),
    ignore(S::Delayed, E::Released),
    ignore(S::Delayed, E::Refresh),
    go(S::Delayed, E::OperatorStart, kFreshStart, S::Starting),
    go(S::Delayed, E::OperatorStop, kNone, S::Stopped),
    go(S::Delayed, E::OperatorRestart, kFreshStart, S::Starting),
    go(S::Delayed, E::Shutdown, kNone, S::Done),

    // ---- stopped by an operator: stays down through reloads
    go(S::Stopped, E::Changed, kTake, S::Stopped),
    go(S::Stopped, E::Disabled, kTake, S::Disabled),
    go(S::Stopped, E::Removed, kErase, S::Absent),
    ignore(S::Stopped, E::Released),
    ignore(S::Stopped, E::Refresh),
    go(S::Stopped, E::OperatorStart, kFreshStart, S::Starting),
    ignore(S::Stopped, E::OperatorStop),
    go(S::Stopped, E::OperatorRestart, kFreshStart, S::Starting),
    ignore(S::Stopped, E::Shutdown),

    // ---- disabled in the config: only the config brings it back
    go(S::Disabled, E::Changed, kTake, S::Waiting),
    go(S::Disabled, E::Disabled, kTake, S::Disabled),
    go(S::Disabled, E::Removed, kErase, S::Absent),
    ignore(S::Disabled, E::Released),
    ignore(S::Disabled, E::Refresh),
    ignore(S::Disabled, E::OperatorStart),
    ignore(S::Disabled, E::OperatorStop),
    ignore(S::Disabled, E::OperatorRestart),
    ignore(S::Disabled, E::Shutdown),

    // ---- done: exited for good (or shut down)
    go(S::Done, E::Changed, kTake, S::Waiting),
    go(S::Done, E::Disabled, kTake, S::Disabled),
    go(S::Done, E::Removed, kErase, S::Absent),
    ignore(S::Done, E::Released),
    ignore(S::Done, E::Refresh),
    go(S::Done, E::OperatorStart, kFreshStart, S::Starting),
    go(S::Done, E::OperatorStop, kNone, S::Stopped),
    go(S::Done, E::OperatorRestart, kFreshStart, S::Starting),
    ignore(S::Done, E::Shutdown),

    // ---- failed: gave up; a start, a new definition or a pmtr restart
    // brings it back
    go(S::Failed, E::Changed, kTake, S::Waiting),
    go(S::Failed, E::Disabled, kTake, S::Disabled),
    go(S::Failed, E::Removed, kErase, S::Absent),
    ignore(S::Failed, E::Released),
    ignore(S::Failed, E::Refresh),
    go(S::Failed, E::OperatorStart, kFreshStart, S::Starting),
    go(S::Failed, E::OperatorStop, kNone, S::Stopped),
    go(S::Failed, E::OperatorRestart, kFreshStart, S::Starting),
    ignore(S::Failed, E::Shutdown),
};

using Table = std::array<std::array<Transition, kJobEvents>, kJobStates>;

constexpr Table build() {
  Table t{};
  for (auto& row : t) row.fill(Transition{K::Bug, kNone, S::Absent});
  std::array<std::array<bool, kJobEvents>, kJobStates> seen{};
  for (const Rule& r : kRules) {
    auto& once = seen[static_cast<std::size_t>(r.state)][static_cast<std::size_t>(r.event)];
    // A pair listed twice fails to compile (a throw is not a constant expression).
    if (once) throw "duplicate rule";
    once = true;
    t[static_cast<std::size_t>(r.state)][static_cast<std::size_t>(r.event)] = Transition{r.kind, r.actions, r.next};
  }
  return t;
}

constexpr Table kTable = build();

// Invariants a new row must not break.
constexpr bool erase_only_to_absent() {
  for (const auto& row : kTable)
    for (const Transition& t : row)
      if (t.kind == K::Apply && (t.actions & kErase) && t.next != S::Absent) return false;
  return true;
}
static_assert(erase_only_to_absent());

// A spawn feeds an event back to the same job; an erased job has none.
constexpr bool never_spawn_and_erase() {
  for (const auto& row : kTable)
    for (const Transition& t : row)
      if ((t.actions & kSpawn) && (t.actions & kErase)) return false;
  return true;
}
static_assert(never_spawn_and_erase());

constexpr bool every_stop_has_a_timeout() {
  for (S s : {S::StoppingRestart, S::StoppingDelay, S::StoppingHold, S::StoppingDisable,
              S::StoppingRemove, S::StoppingDone}) {
    const Transition& t = kTable[static_cast<std::size_t>(s)][static_cast<std::size_t>(E::StopTimeout)];
    if (t.kind != K::Apply || t.actions != kKill || t.next != s) return false;
  }
  return true;
}
static_assert(every_stop_has_a_timeout());

}  // namespace

Transition job_transition(JobState state, JobEvent event) noexcept {
  const auto s = static_cast<std::size_t>(state), e = static_cast<std::size_t>(event);
  if (s >= kTable.size() || e >= kTable[0].size()) return Transition{};
  return kTable[s][e];
}

bool is_stopping(JobState s) noexcept {
  switch (s) {
    case S::StoppingRestart: case S::StoppingDelay: case S::StoppingHold:
    case S::StoppingDisable: case S::StoppingRemove: case S::StoppingDone:
      return true;
    case S::Absent: case S::Waiting: case S::Starting: case S::Running: case S::Ready:
    case S::Draining: case S::Delayed: case S::Stopped: case S::Disabled: case S::Done: case S::Failed:
      return false;
  }
  return false;
}

bool is_up(JobState s) noexcept { return s == S::Starting || s == S::Running || s == S::Ready; }

const char* job_state_name(JobState s) noexcept {
  if (is_stopping(s) || s == S::Draining) return "stopping";
  return job_state_detail(s);
}

const char* job_state_detail(JobState s) noexcept {
  switch (s) {
    case S::Absent: return "absent";
    case S::Waiting: return "waiting";
    case S::Starting: return "starting";
    case S::Running: return "running";
    case S::Ready: return "ready";
    case S::StoppingRestart: return "stopping-restart";
    case S::StoppingDelay: return "stopping-delay";
    case S::StoppingHold: return "stopping-hold";
    case S::StoppingDisable: return "stopping-disable";
    case S::StoppingRemove: return "stopping-remove";
    case S::StoppingDone: return "stopping-done";
    case S::Draining: return "draining";
    case S::Delayed: return "delayed";
    case S::Stopped: return "stopped";
    case S::Disabled: return "disabled";
    case S::Done: return "done";
    case S::Failed: return "failed";
  }
  return "?";
}

const char* job_event_name(JobEvent e) noexcept {
  switch (e) {
    case E::Added: return "added";
    case E::Changed: return "changed";
    case E::Disabled: return "disabled";
    case E::Removed: return "removed";
    case E::Spawned: return "spawned";
    case E::SpawnedUnready: return "spawned-unready";
    case E::Ready: return "ready";
    case E::NotReady: return "not-ready";
    case E::ExitRestart: return "exit-restart";
    case E::ExitDelay: return "exit-delay";
    case E::ExitDone: return "exit-done";
    case E::ExitGiveUp: return "exit-give-up";
    case E::StopTimeout: return "stop-timeout";
    case E::DelayElapsed: return "delay-elapsed";
    case E::Released: return "released";
    case E::Refresh: return "refresh";
    case E::OperatorStart: return "operator-start";
    case E::OperatorStop: return "operator-stop";
    case E::OperatorRestart: return "operator-restart";
    case E::Shutdown: return "shutdown";
    case E::StartRefused: return "start-refused";
    case E::Leftovers: return "leftovers";
    case E::Drained: return "drained";
  }
  return "?";
}

}  // namespace pmtr
