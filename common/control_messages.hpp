// Messages of the control socket (pmtrctl <-> monitor; AF_UNIX
// SOCK_SEQPACKET, one message per record).  Any local user can reach the
// monitor's decoder, so requests are as strict as the parser channel's
// records: u8 version, u8 type from a closed set, then exactly the type's
// fields; job names checked like config names; exact consumption.  No
// text is interpreted on the monitor's side: pmtrctl turns arguments into
// these records and replies into tables, JSON and metrics.
//
// Record layout, per type (little-endian, strings u32 length + bytes):
//   StatusQuery   u32 n, n names (none: every job)
//   StatusFigures the same, and each job's cgroup figures in the reply
//                 (files read per job: only for --json and metrics)
//   Start/Stop/Restart   u32 n >= 1, n names
//   Signal        u8 signal (1..64), u32 n >= 1, n names
//   Reload        (nothing)
//   Wait          u8 target (1 up, 2 ready, 3 down), u32 timeout ms (0: none), u32 n >= 1, n names
//   LogWhere      one name: where that job's captured output goes (pmtrctl log;
//                 answered LogPlace then Outcome Ok, or an Outcome alone)
//   Rotate        u32 n, n names (none: every captured job)
//   StatusBegin   u32 jobs to come (at most: one removed from the config while
//                 the reply streams is left out), u64 monitor's clock (Unix ms)
//   StatusJobs    u32 n >= 1, n job records (JobStatus, in this order):
//                 name, u8 state, i32 pid (-1: none), u64 started (Unix ms, 0: none),
//                 u32 restarts, u8 last exit kind (0 none, 1 code, 2 signal),
//                 i32 its value, u64 its time (Unix ms), u64 next start (Unix ms, 0: none),
//                 u32 backoff ms, u8 flags (1: has a ready fd, 2: has a cgroup,
//                 4: its memory figure follows, 8: its task count follows; 4
//                 and 8 only with 2), then with 2: u64 CPU time (µs), with 4:
//                 u64 memory (bytes), with 8: u64 tasks
//   StatusEnd     (nothing)
//   Diag          u8 severity (1 error, 2 warning), u32 line, u32 col, text
//   LogPlace      u8 captured (0 or 1), u8 target (1 dir, 2 pmtr's stderr),
//                 dir (`log to DIR`; empty unless target 1): the job's files
//                 are DIR/log_dir_name(JOB)/ (common/log_messages.hpp)
//   Outcome       u8 code, subject: the job name for NoSuchJob, Refused and a
//                 Failed signal, wait or rotate (rotate: the job's output is
//                 not captured); the right for Denied ("status", "operate
//                 JOB", "operate", "reload"); the config's path for a reload
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

inline constexpr uint8_t kControlVersion = 1;

enum class CtlType : uint8_t {
  // pmtrctl -> monitor
  StatusQuery = 1,
  Start = 2,
  Stop = 3,
  Restart = 4,
  Signal = 5,
  Reload = 6,
  Wait = 7,
  StatusFigures = 8,
  LogWhere = 9,
  Rotate = 10,
  // monitor -> pmtrctl
  StatusBegin = 32,
  StatusJobs = 33,
  StatusEnd = 34,
  Diag = 35,
  Outcome = 36,
  LogPlace = 37,
};

// What status reports, as on the wire (the names of pmtr(8)).
enum class PublicState : uint8_t {
  Waiting = 1, Starting, Running, Ready, Stopping, Delayed, Stopped, Disabled, Done, Failed,
};
[[nodiscard]] const char* public_state_name(PublicState s) noexcept;

enum class WaitTarget : uint8_t { Up = 1, Ready = 2, Down = 3 };

// The outcome of a request; pmtrctl's exit status follows from it.
enum class CtlCode : uint8_t {
  Ok = 0,
  Failed = 1,       // the operation failed: wait timed out, reload rejected, job not running
  BadRequest = 2,   // a record the monitor could not accept
  NoSuchJob = 4,    // subject: the name
  Denied = 5,       // subject: the right that is missing ("status", "operate JOB", "reexec")
  Refused = 6,      // subject: a disabled job that `start`/`restart` cannot start
  Busy = 7,         // too many clients
};

struct CtlStatusRequest {
  std::vector<std::string> names;
  bool figures = false;   // StatusFigures: with the cgroup figures
};
struct CtlOperate { CtlType op = CtlType::Start; std::vector<std::string> names; };   // Start, Stop or Restart
struct CtlSignal { uint8_t signal = 0; std::vector<std::string> names; };
struct CtlReload {};
struct CtlWait { WaitTarget target = WaitTarget::Up; uint32_t timeout_ms = 0; std::vector<std::string> names; };
struct CtlLogWhere { std::string name; };
struct CtlRotate { std::vector<std::string> names; };   // none: every captured job

using CtlRequest = std::variant<CtlStatusRequest, CtlOperate, CtlSignal, CtlReload, CtlWait, CtlLogWhere, CtlRotate>;

struct JobStatus {
  std::string name;
  PublicState state = PublicState::Waiting;
  int32_t pid = -1;
  uint64_t started_ms = 0;
  uint32_t restarts = 0;
  uint8_t last_exit_kind = 0;    // 0 none, 1 exit code, 2 signal
  int32_t last_exit_value = 0;
  uint64_t last_exit_ms = 0;
  uint64_t next_start_ms = 0;
  uint32_t backoff_ms = 0;
  bool has_ready_fd = false;
  // The job's cgroup, when it has one now (cgroup v2; pmtr(8) CGROUPS):
  // cpu.stat usage_usec, and memory.current / pids.current where the
  // memory / pids controller is enabled for it.
  bool has_cgroup = false;
  uint64_t cpu_usec = 0;
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> tasks;
  bool operator==(const JobStatus&) const = default;
};
inline constexpr uint8_t kExitNone = 0, kExitCode = 1, kExitSignal = 2;

struct CtlStatusBegin { uint32_t count = 0; uint64_t now_ms = 0; };
struct CtlStatusJobs { std::vector<JobStatus> jobs; };
struct CtlStatusEnd {};
struct CtlDiag { uint8_t severity = 1; uint32_t line = 0; uint32_t col = 0; std::string text; };
struct CtlOutcome { CtlCode code = CtlCode::Ok; std::string subject; };
enum class LogPlaceTarget : uint8_t { Dir = 1, Stderr = 2 };
struct CtlLogPlace {
  bool captured = false;
  LogPlaceTarget target = LogPlaceTarget::Dir;
  std::string dir;   // with LogPlaceTarget::Dir only
  bool operator==(const CtlLogPlace&) const = default;
};

using CtlReply = std::variant<CtlStatusBegin, CtlStatusJobs, CtlStatusEnd, CtlDiag, CtlOutcome, CtlLogPlace>;

// Names per request: 960 names of the longest kind still fit one record.
// (StatusJobs records are packed to the record cap by the monitor.)
inline constexpr size_t kCtlNames = 960;

[[nodiscard]] std::vector<std::byte> encode_ctl_request(const CtlRequest& r);
[[nodiscard]] std::vector<std::byte> encode_ctl_reply(const CtlReply& r);
// Never crashes, never allocates beyond the record's own size; the error
// names the first problem.
[[nodiscard]] Result<CtlRequest> decode_ctl_request(std::span<const std::byte> record) noexcept;
[[nodiscard]] Result<CtlReply> decode_ctl_reply(std::span<const std::byte> record) noexcept;

// The bytes one job record takes (StatusJobs batches are packed by it).
[[nodiscard]] size_t encoded_status_size(const JobStatus& s) noexcept;

}  // namespace pmtr
