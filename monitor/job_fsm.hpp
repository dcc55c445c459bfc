// A job's lifecycle as one transition table, in the manner of
// s6-supervise's actions[state][event]: (state, event) -> (actions, next
// state).  The Supervisor feeds events and carries out the actions; this
// table is the only place that decides a job's next state, and nothing
// else assigns one (Supervisor::fire is the one writer of Job::state).
//
// The states are the ones status reports (docs/pmtr.8), except that
// "stopping" is split by what happens once the process is gone, so that
// the destination is a state, not a flag beside it:
//   stopping + restart | delay | hold | disable | remove | done
// and `absent`, where a Job exists only for the length of one event: it is
// created there when the config adds it, and left there when erased.
//
// Per-state resources need no action of their own: a deadline counts only
// in its state (restart_at in delayed, kill_at while stopping, ready_at in
// starting, bounce_at in running/ready), and the readiness pipe is closed
// whenever a job leaves starting.
#pragma once

#include <cstdint>

namespace pmtr {

enum class JobState : uint8_t {
  Absent,            // not in the table (only ever seen inside one event)
  Waiting,           // defined, not started: held back by `order` or a `wait` job
  Starting,          // process forked; waiting for its readiness line (ready fd)
  Running,           // up (jobs without `ready fd` go straight here)
  Ready,             // up, and said so on its ready fd
  StoppingRestart,   // stop signal sent; start again when gone (change, bounce, operator restart)
  StoppingDelay,     // stop signal sent after a failed readiness: a quick exit when gone
  StoppingHold,      // stop signal sent by an operator: stopped when gone
  StoppingDisable,   // stop signal sent; the config now says `disable`
  StoppingRemove,    // stop signal sent; the job left the config: erased when gone
  StoppingDone,      // stop signal sent at shutdown: done when gone
  Draining,          // due to start, but what its last run left in its cgroup is still being ended
  Delayed,           // exited quickly; restarts at restart_at
  Stopped,           // stopped by an operator; sticky across reloads
  Disabled,          // `disable` in the config
  Done,              // exited and stays down (restart never/once, exit 33, on-failure clean exit, shutdown)
  Failed,            // gave up (`give up after`), or cannot start on this host
};
inline constexpr int kJobStates = static_cast<int>(JobState::Failed) + 1;

enum class JobEvent : uint8_t {
  Added,             // the config defines a new job (pending definition set)
  Changed,           // the config changed the job's definition (pending definition set)
  Disabled,          // the config adds or changes the job with `disable` (pending set)
  Removed,           // the job left the config
  Spawned,           // the process exists and has no ready fd
  SpawnedUnready,    // the process exists and has a ready fd
  Ready,             // its readiness line arrived
  NotReady,          // ready timeout, or a readiness pipe closed or overfull without a newline
  ExitRestart,       // exited after `stable after`: restart now
  ExitDelay,         // exited quickly, or could not be started: restart after the backoff
  ExitDone,          // exited, and its restart policy keeps it down
  ExitGiveUp,        // a quick exit that reaches `give up after N in T`
  StopTimeout,       // still there when the stop timeout ended
  DelayElapsed,      // restart_at reached
  Released,          // no `wait` job ahead of it holds it back any more
  Refresh,           // `bounce every` or a `depends` file changed: restart if up
  OperatorStart,
  OperatorStop,
  OperatorRestart,
  Shutdown,
  StartRefused,      // the start was refused before any process existed (unknown group, missing controller, ...)
  Leftovers,         // due to start, but its cgroup still holds processes of its last run
  Drained,           // those processes are gone
};
inline constexpr int kJobEvents = static_cast<int>(JobEvent::Drained) + 1;

// What the Supervisor does on a transition, in this order (bits of
// Transition::actions).
enum JobAction : uint16_t {
  kTakeDefinition = 1u << 0,   // the pending definition, if any, becomes the job's (gate closed again)
  kResetBackoff = 1u << 1,     // the next quick exit waits the minimum; quick-exit history cleared
  kNoteQuickExit = 1u << 2,    // counts towards `give up after`
  kArmDelay = 1u << 3,         // the backoff doubles (from its min, up to its max); restart_at = now + backoff
  kOpenExitGate = 1u << 4,     // a plain `wait` job has exited: later jobs may start
  kOpenReadyGate = 1u << 5,    // a `wait ready` job is ready: later jobs may start
  kSignalStop = 1u << 6,       // the stop signal to the job's group; kill_at = now + stop timeout
  kKill = 1u << 7,             // SIGKILL to the job's group
  kSpawn = 1u << 8,            // start the process; the outcome is fed back as an event
  kErase = 1u << 9,            // drop the job from the table (it must not be touched after)
};

enum class TransitionKind : uint8_t {
  Bug,      // cannot happen: logged at critical level, the job left as it is
  Apply,    // carry out `actions`, go to `next`
  Ignore,   // nothing to do in this state (e.g. bounce of a job that is down)
};

struct Transition {
  TransitionKind kind = TransitionKind::Bug;
  uint16_t actions = 0;
  JobState next = JobState::Absent;
};

[[nodiscard]] Transition job_transition(JobState state, JobEvent event) noexcept;

// "stopping" for every Stopping* state and for Draining (processes are
// being stopped); otherwise the state's own name.
// What status shows (a closed set: the names of docs/pmtr.8).
[[nodiscard]] const char* job_state_name(JobState s) noexcept;
// The internal name ("stopping-remove"), for logs and tests.
[[nodiscard]] const char* job_state_detail(JobState s) noexcept;
[[nodiscard]] const char* job_event_name(JobEvent e) noexcept;
[[nodiscard]] bool is_stopping(JobState s) noexcept;
// Starting, Running or Ready: a process that is meant to be there.
[[nodiscard]] bool is_up(JobState s) noexcept;

}  // namespace pmtr
