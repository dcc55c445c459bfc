// Turning a job descriptor into a running process (SPEC §2, "Execution
// context").  Everything that allocates or reads files (user lookup, group
// list, argv/envp arrays, CPU mask) is prepared before fork; the child only
// makes async-signal-safe calls and leaves with execve or _exit.  The order
// of the child's steps, and why, is in docs/security-spawner.md.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// An fd of the caller's that the child gets at `target`, without
// close-on-exec.  The caller keeps its own copy.
struct FdPlacement {
  int source = -1;
  int target = -1;
};
inline constexpr size_t kMaxPlacements = 16;   // pmtr-net takes up to 13 (5 + a socket per `report to`)

// The step of the child's setup that failed; reported through the
// close-on-exec error pipe and logged as "job NAME: STEP: strerror".
// Listed in the order the child performs them, except CloseFds, which the
// child does right after Signals (see child_steps.cpp).  The numbers are
// the wire encoding of the error record: never renumber.
enum class SpawnStep : uint8_t {
  Setsid = 1, Signals, Umask, Rlimit, Nice, Affinity, Setgid, Setgroups, Setuid,
  Chdir, OpenIn, OpenOut, OpenErr, Dup, CloseFds, Exec,
  PlaceFds,   // placing a ready fd or a helper's channel (right before execve)
  // Appended with the confinement options; in the child they come after
  // Signals (Cgroup) and after Setuid (Caps, NoNewPrivs).
  Cgroup,       // joining the job's cgroup (kernels without CLONE_INTO_CGROUP)
  Caps,         // keepcaps, bounding set, capset, ambient, and their proof
  NoNewPrivs,   // PR_SET_NO_NEW_PRIVS
};
inline constexpr SpawnStep kLastSpawnStep = SpawnStep::NoNewPrivs;
[[nodiscard]] const char* spawn_step_name(SpawnStep step) noexcept;

struct SpawnFailure {
  SpawnStep step = SpawnStep::Exec;
  int err = 0;
};

struct SpawnedJob {
  pid_t pid = -1;
  // Read end of the error pipe (O_CLOEXEC | O_NONBLOCK): EOF with no data
  // means the exec succeeded; otherwise one SpawnFailure record follows,
  // then EOF (the child exits with status 127).
  unique_fd error_pipe;
  // Shared channel only: a vforked child's failure, known when spawn_job
  // returns (the child has exited with 127 and awaits reaping; nothing
  // about it is written to the channel).
  std::optional<SpawnFailure> failure;
};

// Starts the job: vforked (CLONE_VM | CLONE_VFORK; pmtr waits until the
// child has exec'd) when starts_by_vfork(job), else forked.  Errors found before the fork (an invalid descriptor,
// unknown user, a `user` line naming someone else when pmtr is not root,
// pipe or fork failure) come back as an Error whose message is ready to log
// after "job NAME: "; no process was created then.
//
// The caller's signal mask is left as it was: spawn_job blocks every signal
// itself for the duration of fork, and the child resets dispositions and
// unblocks everything before exec.  SIGCHLD must not be SIG_IGN in the
// caller (the pid has to stay reapable).
//
// This variant reports on a private error pipe (SpawnedJob::error_pipe),
// the channel pmtr's helpers are started with (spawn_helper); pmtr starts
// jobs with the shared channel below, which holds no fd per job.  The
// child steps are the same either way.
[[nodiscard]] Result<SpawnedJob> spawn_job(const JobDesc& job);

// True for a job with no `user` line and no in, out or err (and not in an
// AddressSanitizer build): nothing of its setup can be stopped or blocked
// by anyone but root, so pmtr may wait for its exec (spawn.cpp says why).
[[nodiscard]] bool starts_by_vfork(const JobDesc& job) noexcept;

// One failure channel shared by every job the monitor starts: a pipe whose
// records carry the failing child's pid.  With a pipe per job the monitor
// would hold one fd per job until it exec'd (over 1000 jobs started at once
// exceed the default fd limit) and every fork would copy a growing fd table.
// A child that exec'd says nothing; one that failed writes one record
// (atomic, below PIPE_BUF) before it exits, so by the time the monitor reaps
// it the record is readable.
class SpawnReports {
 public:
  [[nodiscard]] Status open();
  [[nodiscard]] int read_fd() const noexcept { return read_.get(); }
  [[nodiscard]] int write_fd() const noexcept { return write_.get(); }
  struct Record {
    pid_t pid = -1;
    SpawnFailure failure;
  };
  // Every record pending now (non-blocking); a malformed one ends the batch.
  [[nodiscard]] std::vector<Record> drain() noexcept;

 private:
  unique_fd read_;
  unique_fd write_;
};

// Starts the job reporting failures on the shared channel (forked child)
// or in SpawnedJob::failure (vforked child); the returned SpawnedJob has no
// error_pipe.
[[nodiscard]] Result<SpawnedJob> spawn_job(const JobDesc& job, const SpawnReports& reports);

// The same, handing the job fds of the caller's (a ready pipe's write end)
// at fixed numbers, and creating it in the cgroup whose directory
// `cgroup_fd` is open on (-1: pmtr's own cgroup): clone3 with
// CLONE_INTO_CGROUP, or, on a kernel without it, the child's first step
// (SpawnStep::Cgroup).
[[nodiscard]] Result<SpawnedJob> spawn_job(const JobDesc& job, const SpawnReports& reports,
                                           std::span<const FdPlacement> placements, int cgroup_fd = -1);

// spawn_job(job) in a cgroup (tests).
[[nodiscard]] Result<SpawnedJob> spawn_job_in(const JobDesc& job, int cgroup_fd);

// Errors that come back from spawn_job before any process exists are of
// two kinds.  err == 0: the job cannot start as defined on this host (a
// user or group that does not exist, a capability the kernel or pmtr
// lacks, a `user` or `group` that needs root, an invalid descriptor): it
// will not start by trying again, and the monitor marks it `failed`.
// err != 0: a system call failed (fork, pipe, a lookup that could not
// reach NSS): counted as a quick exit and tried again after the backoff.
[[nodiscard]] inline bool is_refusal(const Error& e) noexcept { return e.err == 0; }

// One of pmtr's own helper programs (pmtr-parser, ...): started through
// the same child steps as a job (dispositions and mask reset, every fd of
// pmtr's closed but those it is given, stdin and stdout /dev/null), but in
// pmtr's session, as pmtr's user (it drops privileges itself), exec'd by
// fd.  Its failure before exec is reported on the returned error pipe.
struct HelperCommand {
  int program_fd = -1;                  // exec'd by this fd, not by name (checked before)
  std::vector<std::string> argv;        // argv[0]: what ps shows
  std::vector<std::string> env;
  std::vector<FdPlacement> placements;  // its channel at 3, its stderr at 2, ...
};
[[nodiscard]] Result<SpawnedJob> spawn_helper(const HelperCommand& cmd);

// What the error pipe says so far.
struct SpawnReport {
  enum class State : uint8_t {
    Pending,   // nothing to read yet (EAGAIN): keep waiting for readability
    Execed,    // EOF, no data: the job's program is running
    Failed,    // `failure` says which step and errno
  };
  State state = State::Pending;
  SpawnFailure failure;
};

// Reads the child's report with one non-blocking read.  A record of the
// wrong size or with an unknown step is Failed {Exec, EPROTO}; a read error
// other than EAGAIN/EINTR is Failed {Exec, errno}.  Never Pending once the
// child has been reaped (its write end is closed by then).
[[nodiscard]] SpawnReport read_spawn_report(int error_pipe) noexcept;

// The same for a fd that epoll said is readable (EPOLLIN or EPOLLHUP), or
// after the child was reaped.  nullopt: exec succeeded (EOF, no data).
// Called too early (Pending), it answers {Exec, EAGAIN}: use
// read_spawn_report when that can happen.
[[nodiscard]] std::optional<SpawnFailure> read_spawn_failure(int error_pipe) noexcept;

}  // namespace pmtr
