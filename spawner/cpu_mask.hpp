// A job's `cpu` list turned into the affinity mask the child applies:
// the listed CPUs that exist on this machine (online now), so a config
// written for a larger machine still runs here; when none of them exists
// the job keeps the affinity it inherits.  Decided before fork.
#pragma once

#include <sched.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace pmtr {

// Parses the kernel's CPU list format ("0-3,8,10-11\n"); numbers at or
// above CPU_SETSIZE are dropped.  False on a malformed list.
[[nodiscard]] bool parse_cpu_list(std::string_view text, cpu_set_t& out) noexcept;

// The CPUs online now, from /sys/devices/system/cpu/online; if that cannot
// be read, CPUs 0 .. get_nprocs_conf()-1.
[[nodiscard]] cpu_set_t online_cpus() noexcept;

// wanted ∩ present into `mask`.  False when the intersection is empty,
// meaning: leave the affinity untouched.
[[nodiscard]] bool job_cpu_mask(const std::vector<uint16_t>& wanted, const cpu_set_t& present,
                                cpu_set_t& mask) noexcept;

}  // namespace pmtr
