// What the bench reads from /proc: process state, parentage, the process
// tree below a pid, CPU time, context switches and memory.  Reading /proc
// never wakes the process it describes, so it is fair to sample an idle
// supervisor this way.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmtr::bench {

struct ProcStat {
  char state = '?';         // R, S, D, Z, ...
  pid_t ppid = -1;
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
};

// Whole small file (a /proc file), empty when unreadable.
[[nodiscard]] std::string slurp(const std::string& path);

[[nodiscard]] std::optional<ProcStat> read_stat(pid_t pid);
// Parses the text of /proc/PID/stat (exposed for tests: comm may hold
// spaces and parentheses).
[[nodiscard]] std::optional<ProcStat> parse_stat(const std::string& text);
[[nodiscard]] pid_t parent_of(pid_t pid);
// Exists and is not a zombie.
[[nodiscard]] bool alive(pid_t pid);

// Direct children, from /proc/PID/task/*/children (cheap; what the polling
// fallback uses).
[[nodiscard]] std::vector<pid_t> children_of(pid_t pid);
// Every process below root, found by one scan of /proc/*/stat: children,
// grandchildren, ... in breadth-first order.  Root itself is not included.
[[nodiscard]] std::vector<pid_t> descendants(pid_t root);

// utime + stime in clock ticks, and the tick rate.
[[nodiscard]] uint64_t cpu_ticks(pid_t pid);
[[nodiscard]] long ticks_per_second();
// Time on CPU in ns from /proc/PID/schedstat (0 when unavailable).
[[nodiscard]] uint64_t run_ns(pid_t pid);
// A numeric field of /proc/PID/status ("voluntary_ctxt_switches"), 0 if absent.
[[nodiscard]] uint64_t status_number(pid_t pid, const std::string& field);

struct Memory {
  uint64_t rss_kib = 0;
  uint64_t pss_kib = 0;
};
// From /proc/PID/smaps_rollup.
[[nodiscard]] std::optional<Memory> read_memory(pid_t pid);
// Parses smaps_rollup text (exposed for tests).
[[nodiscard]] Memory parse_smaps_rollup(const std::string& text);

// Target of /proc/PID/exe, empty when gone or unreadable.
[[nodiscard]] std::string exe_of(pid_t pid);
[[nodiscard]] std::string comm_of(pid_t pid);

}  // namespace pmtr::bench
