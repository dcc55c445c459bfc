#include "spawner/spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "common/job_check.hpp"
#include "spawner/child_stack.hpp"
#include "spawner/child_steps.hpp"
#include "spawner/clone_into.hpp"
#include "spawner/exec_plan.hpp"
#include "spawner/spawn_report.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {
namespace {

// A `user` line is honoured when pmtr is root, or when it names the user
// pmtr already runs as (nothing to switch then).  Anyone else would need
// privilege pmtr does not have: refuse before fork, not in the child.
Status check_user_allowed(const UserInfo& u, bool root) {
  if (root || u.uid == ::geteuid()) return {};
  return Error{0, "user '" + u.name + "': pmtr is not running as root"};
}

}  // namespace

namespace {

#if defined(__SANITIZE_ADDRESS__)
// ASan's runtime cannot follow a child running on a stack of its own in
// pmtr's memory (its no-return hook unpoisons the wrong stack and reports
// an overflow): sanitized builds fork every job.  `make test` (unsanitized)
// tests the vfork path.
constexpr bool kVforkUsable = false;
#else
constexpr bool kVforkUsable = true;
#endif

}  // namespace

// A vforked child shares pmtr's memory and suspends it until execve: no
// page tables to copy, no copy-on-write faults, and the child runs at once
// on the CPU pmtr was using.  That halves the time from a job's exit to
// its replacement's exec.  The price: until the exec, pmtr is stopped, and
// whatever can stop the child stops pmtr.  So only jobs that stay pmtr's
// own up to execve are vforked:
//  - no `user` line: after setuid the job's user may signal the child
//    (SIGSTOP would freeze pmtr until someone sent SIGCONT), could ptrace
//    it where ptrace is open (writing into pmtr's own memory), and the id
//    change would reset pmtr's dumpable flag;
//  - no in, out or err: opening a FIFO blocks until its other end is
//    opened, and a job's user can make such a path a FIFO;
//  - no `group` or `groups`: no id of pmtr's changes in memory it shares
//    (a change of gid resets the dumpable flag of the memory, which is
//    pmtr's own).
// `caps`, `nonewprivs` and `umask` may be vforked: they only take away
// (capabilities are the child's own credentials, no_new_privs its own
// flag, the umask its own copy of the fs state), and a root job stays
// root's, which nobody else may stop or trace.
// The rest is what root configured: a `dir` or program on a hung network
// mount stalls pmtr where a forked child would hang alone.
bool starts_by_vfork(const JobDesc& job) noexcept {
  return kVforkUsable && job.user.empty() && job.in.empty() && job.out.empty() && job.err.empty() &&
         job.confine.group.empty() && !job.confine.set_groups;
}

namespace {

struct VforkArgs {
  const ExecPlan* plan;
  SpawnFailure* failure;
};

int vforked_child(void* arg) {
  const auto* a = static_cast<const VforkArgs*>(arg);
  run_child_steps(*a->plan, ChildReport{.fd = -1, .with_pid = false, .memory = a->failure});
}

ChildStack& child_stack() {
  static ChildStack stack;
  return stack;
}

// Whether clone3 can create a child in a cgroup here; learnt at the first
// try (the kernel does not change under a running pmtr).
bool g_clone_into_cgroup = true;

// Starts the child; `failure->err` stays 0 unless a vforked child failed.
// With cgroup_fd >= 0 the child is created in that cgroup (clone3); -1
// with errno ENOSYS when the kernel cannot, and nothing was started.
pid_t start_child(const ExecPlan& plan, bool use_vfork, int report_write, bool shared,
                  SpawnFailure* failure, int cgroup_fd) {
  if (!use_vfork) {
    const pid_t pid = cgroup_fd >= 0 ? clone3_fork(cgroup_fd) : ::fork();
    if (pid == 0) run_child_steps(plan, ChildReport{.fd = report_write, .with_pid = shared, .memory = nullptr});
    return pid;
  }
  void* top = child_stack().top();
  if (top == nullptr) return start_child(plan, false, report_write, shared, failure, cgroup_fd);   // no stack: fork
  VforkArgs args{&plan, failure};
  // Without CLONE_SIGHAND the child gets its own copy of the signal
  // dispositions, so resetting them does not touch pmtr's.
  if (cgroup_fd >= 0) {
    const pid_t pid = clone3_vfork(cgroup_fd, top, ChildStack::kBytes, vforked_child, &args);
    // No assembly for this architecture: the forked shape works anywhere.
    if (pid < 0 && errno == ENOSYS) return start_child(plan, false, report_write, shared, failure, cgroup_fd);
    return pid;
  }
  return ::clone(vforked_child, top, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
}

// Starts the child from a finished plan: a private error pipe unless the
// shared channel is given, every signal blocked across fork.
Result<SpawnedJob> start(ExecPlan& plan, bool use_vfork, const SpawnReports* shared, int cgroup_fd = -1);

void add_placements(ExecPlan& plan, std::span<const FdPlacement> placements) {
  for (const FdPlacement& f : placements)
    if (plan.placement_count < plan.placements.size()) plan.placements[plan.placement_count++] = f;
}

Result<SpawnedJob> spawn(const JobDesc& job, const SpawnReports* shared, std::span<const FdPlacement> placements,
                         int cgroup_fd) {
  // The monitor validated the job already; checking again here keeps the
  // promise that no unchecked string reaches execve.
  if (Status s = check_job(job); !s) return Error{0, "invalid job: " + s.error().what};

  const bool root = ::geteuid() == 0;
  std::optional<UserInfo> user;
  if (!job.user.empty()) {   // no lookup at all without a `user` line
    auto found = lookup_user(job.user);
    if (!found) return found.error();
    if (Status s = check_user_allowed(*found, root); !s) return s.error();
    user = std::move(found).value();
  }

  ExecPlan plan;
  const PlanUser plan_user{user ? &*user : nullptr, root};
  build_exec_plan(job, plan_user, plan);
  if (Status s = plan_confinement(job, plan_user, plan); !s) return s.error();
  if (placements.size() > kMaxPlacements) return Error{E2BIG, "fds to place"};
  add_placements(plan, placements);
  return start(plan, starts_by_vfork(job), shared, cgroup_fd);
}

Result<SpawnedJob> start(ExecPlan& plan, bool use_vfork, const SpawnReports* shared, int cgroup_fd) {
  // Without CLONE_INTO_CGROUP the child joins by writing cgroup.procs.
  unique_fd procs;
  if (cgroup_fd >= 0 && !g_clone_into_cgroup) {
    procs.reset(::openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC));
    if (!procs) return Error::from_errno("open cgroup.procs");
    plan.cgroup_procs_fd = procs.get();
    cgroup_fd = -1;
  }

  unique_fd report_read, own_write;
  int report_write = -1;
  if (shared != nullptr) {
    report_write = shared->write_fd();
  } else {
    // Non-blocking read end: the monitor polls it from its event loop and a
    // child may sit in open() of a FIFO for a long time.
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) < 0) return Error::from_errno("error pipe");
    report_read.reset(ends[0]);
    own_write.reset(ends[1]);
    report_write = own_write.get();
  }

  // Block everything across fork, as posix_spawn does: otherwise a signal
  // arriving before the child has reset its dispositions would run one of
  // pmtr's handlers inside the job's process.
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  SpawnFailure failure{SpawnStep::Exec, 0};
  pid_t pid = start_child(plan, use_vfork, report_write, shared != nullptr, &failure, cgroup_fd);
  if (pid < 0 && cgroup_fd >= 0 && clone_into_unsupported(errno)) {
    // An older kernel: from now on the child joins by itself.
    g_clone_into_cgroup = false;
    procs.reset(::openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC));
    if (procs) {
      plan.cgroup_procs_fd = procs.get();
      pid = start_child(plan, use_vfork, report_write, shared != nullptr, &failure, -1);
    }
  }
  const int fork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) return Error{fork_errno, cgroup_fd >= 0 ? "clone3" : use_vfork ? "clone" : "fork"};

  SpawnedJob spawned{pid, std::move(report_read), std::nullopt};
  if (failure.err != 0) {
    if (shared != nullptr) {
      spawned.failure = failure;
    } else {
      // The private pipe is new and empty: this write cannot block.
      unsigned char rec[kSpawnRecordBytes];
      encode_spawn_record(failure.step, failure.err, rec);
      (void)!::write(own_write.get(), rec, sizeof rec);
    }
  }
  return spawned;
}

}  // namespace

Result<SpawnedJob> spawn_job(const JobDesc& job) { return spawn(job, nullptr, {}, -1); }

Result<SpawnedJob> spawn_job(const JobDesc& job, const SpawnReports& reports) { return spawn(job, &reports, {}, -1); }

Result<SpawnedJob> spawn_job(const JobDesc& job, const SpawnReports& reports, std::span<const FdPlacement> placements,
                             int cgroup_fd) {
  return spawn(job, &reports, placements, cgroup_fd);
}

Result<SpawnedJob> spawn_job_in(const JobDesc& job, int cgroup_fd) { return spawn(job, nullptr, {}, cgroup_fd); }

Result<SpawnedJob> spawn_helper(const HelperCommand& cmd) {
  if (cmd.program_fd < 0 || cmd.argv.empty()) return Error{EINVAL, "helper command"};
  if (cmd.placements.size() > kMaxPlacements) return Error{E2BIG, "fds to place"};
  ExecPlan plan;
  for (const auto& a : cmd.argv) plan.argv.push_back(a.c_str());
  plan.argv.push_back(nullptr);
  for (const auto& e : cmd.env) plan.envp.push_back(e.c_str());
  plan.envp.push_back(nullptr);
  // In pmtr's session (a helper is part of pmtr, not a daemon of its own),
  // as pmtr's user (it drops privileges itself, and proves it), stdin and
  // stdout /dev/null, exec'd by the fd that was checked.
  plan.new_session = false;
  plan.exec_fd = cmd.program_fd;
  add_placements(plan, cmd.placements);
  return start(plan, false, nullptr);
}

Status SpawnReports::open() {
  // O_DIRECT: a packet pipe, each write() one record, so a read never
  // returns two records glued together or half of one.
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK | O_DIRECT) < 0) return Error::from_errno("spawn report pipe");
  read_.reset(ends[0]);
  write_.reset(ends[1]);
  // The write end must block: a child must never lose its report to EAGAIN.
  const int flags = ::fcntl(write_.get(), F_GETFL);
  if (flags < 0 || ::fcntl(write_.get(), F_SETFL, flags & ~O_NONBLOCK) < 0)
    return Error::from_errno("spawn report pipe");
  return {};
}

std::vector<SpawnReports::Record> SpawnReports::drain() noexcept {
  std::vector<Record> out;
  for (;;) {
    unsigned char buf[kSharedSpawnRecordBytes + 1];
    const ssize_t n = ::read(read_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (static_cast<size_t>(n) != kSharedSpawnRecordBytes) break;
    Record r;
    r.pid = static_cast<pid_t>(static_cast<uint32_t>(buf[0]) | static_cast<uint32_t>(buf[1]) << 8 |
                               static_cast<uint32_t>(buf[2]) << 16 | static_cast<uint32_t>(buf[3]) << 24);
    const auto failure = decode_spawn_record(std::span<const unsigned char>(buf + 4, kSpawnRecordBytes));
    if (!failure || r.pid <= 0) break;
    r.failure = *failure;
    out.push_back(r);
  }
  return out;
}

}  // namespace pmtr
