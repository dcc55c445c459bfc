// A job's row of `pmtrctl status`: the public state, and its times turned
// from the monitor's monotonic clock into Unix time for the client.
#pragma once

#include <cstdint>
#include <optional>

#include "common/control_messages.hpp"
#include "monitor/clock.hpp"
#include "monitor/job_cgroup.hpp"
#include "monitor/job_table.hpp"

namespace pmtr {

[[nodiscard]] PublicState public_state(JobState s) noexcept;

// now / now_unix_ms: the same instant on both clocks.
[[nodiscard]] JobStatus job_status(const Job& job, TimePoint now, uint64_t now_unix_ms);

// The figures of the job's cgroup, when it has one (read when status is
// asked for: a few small cgroupfs files per job).
void add_cgroup_figures(JobStatus& s, const std::optional<CgroupFigures>& f) noexcept;

// The wall clock, in Unix milliseconds.
[[nodiscard]] uint64_t unix_now_ms() noexcept;

}  // namespace pmtr
