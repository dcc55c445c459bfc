// SPEC §2 restart rules as pure functions of (job, times, exit status).
#pragma once

#include <cstdint>

#include "common/job.hpp"
#include "monitor/clock.hpp"

namespace pmtr {

inline constexpr Duration kQuickExit = 10s;      // ran less than this: delay the restart
inline constexpr Duration kRestartDelay = 10s;
inline constexpr Duration kStopGrace = 10s;      // SIGTERM -> SIGKILL
inline constexpr int kExitDoNotRestart = 33;

enum class AfterExit { RestartNow, RestartLater, StayDown };

struct ExitVerdict {
  AfterExit action = AfterExit::StayDown;
  TimePoint restart_at = kNever;    // for RestartLater
  const char* reason = "";          // for StayDown: "once", "exit status 33", ...
};

// What to do when a job's process exited on its own (not stopped by us);
// `once`: the job's `once` line.
[[nodiscard]] ExitVerdict decide_after_exit(bool once, TimePoint started, TimePoint now,
                                            int wait_status) noexcept;
[[nodiscard]] inline ExitVerdict decide_after_exit(const JobDesc& job, TimePoint started, TimePoint now,
                                                   int wait_status) noexcept {
  return decide_after_exit(job.once, started, now, wait_status);
}

// Next periodic restart of a `bounce every SECONDS` job started at
// `started` (0: never).
[[nodiscard]] TimePoint next_bounce(uint32_t bounce_seconds, TimePoint started) noexcept;
[[nodiscard]] inline TimePoint next_bounce(const JobDesc& job, TimePoint started) noexcept {
  return next_bounce(job.bounce_seconds, started);
}

// "exit status 3", "signal 9 (Killed)"
void describe_wait_status(int wait_status, char* buf, size_t len) noexcept;

}  // namespace pmtr
