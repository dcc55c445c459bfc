// One status answer as pmtrctl holds it, and the readings that the table,
// JSON and metrics share, so the three views can never disagree about
// whether a job is up or how long it has run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/control_messages.hpp"

namespace pmtr::ctl {

struct StatusReport {
  uint64_t now_ms = 0;            // the monitor's clock when it answered (Unix ms)
  std::vector<JobStatus> jobs;    // in the monitor's order
};

// Up is running, ready or starting: what `status JOB` exits 0 for, and
// pmtr_job_up.  A stopping job still has a process but is on its way down.
[[nodiscard]] bool is_up(PublicState s) noexcept;

// Every state in the order pmtr(8) lists them (metrics: one sample each).
inline constexpr PublicState kAllStates[] = {
    PublicState::Starting, PublicState::Running,  PublicState::Ready, PublicState::Stopping,
    PublicState::Delayed,  PublicState::Waiting,  PublicState::Stopped, PublicState::Disabled,
    PublicState::Done,     PublicState::Failed,
};

// Times are measured against the monitor's clock (now_ms), never ours:
// both ends of every difference then come from the same clock.  A time
// "in the future" (a clock step between two readings) counts as now.
[[nodiscard]] inline uint64_t ms_between(uint64_t earlier, uint64_t later) noexcept {
  return later > earlier ? later - earlier : 0;
}
// Since the job's process started; nothing when it has no process.
[[nodiscard]] std::optional<uint64_t> uptime_ms(const JobStatus& j, uint64_t now_ms) noexcept;
// Until the next start of a delayed job; nothing for any other.
[[nodiscard]] std::optional<uint64_t> next_start_in_ms(const JobStatus& j, uint64_t now_ms) noexcept;

// The table's LAST EXIT cell: "exited 1 (12 s ago)", "killed by TERM (3 m
// ago)", "-" when the job never exited.
void append_last_exit(std::string& out, const JobStatus& j, uint64_t now_ms);

}  // namespace pmtr::ctl
