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

// What to do when a job's process exited on its own (not stopped by us).
[[nodiscard]] ExitVerdict decide_after_exit(const JobDesc& job, TimePoint started, TimePoint now,
                                            int wait_status) noexcept;

// Next periodic restart of a `bounce every` job started at `started`.
[[nodiscard]] TimePoint next_bounce(const JobDesc& job, TimePoint started) noexcept;

// "exit status 3", "signal 9 (Killed)"
void describe_wait_status(int wait_status, char* buf, size_t len) noexcept;

}  // namespace pmtr
