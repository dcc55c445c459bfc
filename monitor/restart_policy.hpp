// The restart rules as pure functions: what an exit means under a job's
// policy (restart now, after the backoff, never, or give up), how the
// backoff grows, when a job is bounced.  Times come in as values, so the
// rules are tested with a fake clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/job.hpp"
#include "monitor/clock.hpp"
#include "monitor/job_fsm.hpp"

namespace pmtr {

inline constexpr int kExitDoNotRestart = 33;

// What is known about one exit.
struct ExitFacts {
  Duration uptime{};
  int wait_status = 0;
  // Not ready in time, or never started at all: quick, and a failure,
  // whatever the uptime and the status say.
  bool failed_start = false;
};

struct ExitVerdict {
  JobEvent event = JobEvent::ExitDone;   // ExitRestart, ExitDelay, ExitDone or ExitGiveUp
  const char* reason = "";               // ExitDone: why it stays down
};

// `once` is the job's `once` line (the same as `restart never`).
// quick_exits: the job's earlier quick exits (note_quick_exit), oldest first.
[[nodiscard]] ExitVerdict classify_exit(const LifecyclePolicy& policy, bool once, const ExitFacts& facts,
                                        std::span<const TimePoint> quick_exits, TimePoint now) noexcept;

// The delay after the quick exit that follows one of `current_ms`: twice
// as long, up to the policy's maximum; the minimum after none (0).
[[nodiscard]] uint32_t next_backoff_ms(const LifecyclePolicy& policy, uint32_t current_ms) noexcept;

// Remembers a quick exit at `now` for `give up after N in T`, forgetting
// those older than T and keeping at most N (nothing at all without it).
void note_quick_exit(const LifecyclePolicy& policy, std::vector<TimePoint>& quick_exits, TimePoint now);

// Next periodic restart of a `bounce every SECONDS` job started at
// `started` (0: never).
[[nodiscard]] TimePoint next_bounce(uint32_t bounce_seconds, TimePoint started) noexcept;

// "exit status 3", "signal 9 (Killed)"
void describe_wait_status(int wait_status, char* buf, size_t len) noexcept;

// "250 ms", "10 s", "5 min 30 s", "2 h", "1 d 3 h": a delay for log lines.
void describe_duration(Duration d, char* buf, size_t len) noexcept;

[[nodiscard]] inline Duration from_ms(uint32_t ms) noexcept { return std::chrono::milliseconds(ms); }

}  // namespace pmtr
