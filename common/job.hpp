// The job descriptor: what one `job { ... }` block means, and the global
// statements.  Produced by the parser, carried over the wire, re-validated
// and owned by the monitor's job table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmtr {

struct SourcePos {
  uint32_t line = 0;
  uint32_t col = 0;
  bool operator==(const SourcePos&) const = default;
};

struct Ulimit {
  uint8_t resource = 0;       // RLIMIT_* number
  uint64_t value = 0;         // RLIM_INFINITY for `infinity`; soft = hard
  bool operator==(const Ulimit&) const = default;
};

// How a job is restarted, stopped and declared ready.  The defaults are
// the original pmtr's fixed rules (restart always; an exit within 10 s is
// quick and delays the restart 10 s; SIGTERM, then SIGKILL 10 s later), so
// a config that names none of these means what it always meant.
enum class RestartMode : uint8_t { Always = 0, OnFailure = 1, Never = 2 };

struct LifecyclePolicy {
  RestartMode restart = RestartMode::Always;
  uint32_t backoff_min_ms = 10000;     // first delay after a quick exit
  uint32_t backoff_max_ms = 10000;     // doubling stops here
  uint32_t stable_after_ms = 10000;    // an exit after this much uptime is not quick
  uint32_t give_up_count = 0;          // N quick exits within the window: failed (0: never)
  uint32_t give_up_window_ms = 0;
  uint8_t stop_signal = 15;            // SIGTERM
  uint32_t stop_timeout_ms = 10000;    // then SIGKILL; 0: SIGKILL at once
  uint16_t ready_fd = 0;               // 0: no readiness protocol; else the job's fd (>= 3)
  uint32_t ready_timeout_ms = 0;       // 0: wait for readiness forever
  bool operator==(const LifecyclePolicy&) const = default;
};

// What a job may do and use: its process credentials, applied between
// fork and exec, and its cgroup's limits.  The defaults change nothing.
struct Confinement {
  bool has_umask = false;
  uint16_t umask = 022;                 // `umask 027`: octal, at most 0777
  std::string group;                    // `group NAME`: primary group instead of the user's
  bool set_groups = false;              // `groups A B` or `groups none`
  std::vector<std::string> groups;      // exactly these supplementary groups (none when empty)
  bool set_caps = false;                // `caps A B` or `caps none`
  std::vector<uint8_t> caps;            // capability numbers, sorted, unique
  bool nonewprivs = false;              // PR_SET_NO_NEW_PRIVS before exec
  uint64_t memory_max = 0;              // `limit memory SIZE`, bytes (0: none)
  bool has_swap_max = false;            // `limit swap SIZE` (else swap 0 under a memory limit)
  uint64_t swap_max = 0;
  uint32_t tasks_max = 0;               // `limit tasks N` (0: none)
  uint32_t cpu_percent = 0;             // `limit cpu P%` (0: none; 150: one and a half CPUs)
  bool operator==(const Confinement&) const = default;
};

struct JobDesc {
  std::string name;
  std::vector<std::string> argv;      // argv[0] is the absolute executable path
  std::string dir = "/";
  std::string in;                     // empty: /dev/null; else relative to dir or absolute
  std::string out;
  std::string err;
  std::string user;                   // empty: pmtr's own user
  std::vector<std::string> env;       // VAR=VALUE, in file order
  bool has_nice = false;
  int32_t nice = 0;                   // -20..19
  std::vector<uint16_t> cpus;         // sorted, unique; empty: affinity untouched
  std::vector<Ulimit> ulimits;        // sorted by resource, one each
  uint32_t bounce_seconds = 0;        // 0: never
  std::vector<std::string> depends;   // absolute paths
  int32_t order = 0;
  bool wait = false;
  bool wait_ready = false;            // `wait ready`: release later jobs at readiness (wait is set too)
  bool once = false;                  // same as `restart never`
  bool disabled = false;
  LifecyclePolicy policy;
  // Who may start, stop, restart and signal this job besides root and
  // `control operate`: user names, and group names written "@group".
  // Not part of what runs: a change of operators alone restarts nothing.
  std::vector<std::string> operators;
  Confinement confine;
  bool log = false;                   // `log`: capture stdout and stderr (those not sent to out/err)

  // Where the job and some of its options were written; diagnostics only,
  // never part of the definition (moving a block does not restart it).
  SourcePos pos;
  SourcePos cmd_pos;
  SourcePos dir_pos;
  SourcePos user_pos;
};

// True when the two describe the same job to run (positions ignored).
[[nodiscard]] bool same_definition(const JobDesc& a, const JobDesc& b) noexcept;

struct UdpAddress {
  std::string host;    // report to: numeric IPv4/IPv6 or a host name (resolved by pmtr-net); listen on: numeric only
  uint16_t port = 0;
  std::string iface;   // optional "@iface" for multicast (report to only)
  bool operator==(const UdpAddress&) const = default;
};

// A set of local users: everyone, or the listed user names and "@group"
// names.  Root is always in every set.
struct Principals {
  bool everyone = false;
  std::vector<std::string> names;
  bool operator==(const Principals&) const = default;
};

// The control socket pmtrctl talks to.
struct ControlConfig {
  bool enabled = true;        // false: `control socket none`
  std::string socket;         // absolute path; empty: the default
  Principals status{true, {}};   // `control status`: who may read status (default everyone)
  Principals operate;            // `control operate`: who may operate every job (default nobody)
  bool operator==(const ControlConfig&) const = default;
};

// Captured output: where it goes and how it is rotated.
enum class CaptureTarget : uint8_t { Dir = 0, Stderr = 1 };
struct LogConfig {
  CaptureTarget target = CaptureTarget::Dir;     // `log to DIR` / `log to stderr`
  std::string dir = "/var/log/pmtr";
  uint64_t rotate_bytes = 10ull << 20;    // `log rotate SIZE keep N`
  uint32_t keep = 10;
  bool all = false;                      // `log all`: every job without out/err of its own
  bool operator==(const LogConfig&) const = default;
};

struct GlobalConfig {
  std::vector<UdpAddress> report_to;      // `report to`, repeatable, at most limits::kReportTargets, no two equal
  std::optional<UdpAddress> listen_on;
  std::string listen_key;                 // `listen on ADDR key FILE`: absolute path, or empty
  ControlConfig control;
  LogConfig log;
  bool operator==(const GlobalConfig&) const = default;
};

}  // namespace pmtr
