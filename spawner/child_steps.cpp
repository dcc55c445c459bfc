// The order of the steps is a security decision (SECURITY.md, "Starting a
// job", explains each).  In short:
//
//   setsid             own session and process group, no controlling tty
//   signals            dispositions to SIG_DFL, then an empty mask (the
//                      parent blocked everything around fork, so no handler
//                      of pmtr's can run in here)
//   cgroup             only where the kernel could not create the child in
//                      the job's cgroup (no CLONE_INTO_CGROUP): write our
//                      pid to its cgroup.procs, before anything else the
//                      job does counts (and while root: joining needs it)
//   fds                error pipe to fd 3 (fds to place beside it), close
//                      everything above them
//   umask              022 or the job's `umask`
//   rlimits, nice, affinity     while still root: raising a hard limit
//                      and a negative nice need privilege
//   keepcaps           a non-root job with `caps`: the permitted set must
//                      survive setuid
//   setgid, setgroups, setuid   (`group`, `groups` replace the user's),
//                      then prove that root cannot come back
//   caps               bounding set first (needs CAP_SETPCAP, which the
//                      next call may drop), then permitted, effective and
//                      inheritable, then ambient (non-root: survives exec)
//   nonewprivs         last of the credentials: it changes nothing now,
//                      only what execve may grant
//   prove caps         read every set back from the kernel
//   chdir, open in/out/err      as the job's user, see below
//   dup2 onto 0, 1, 2, then the placed fds (a job's `ready fd`)
//   execve             fd 3 is close-on-exec: EOF on the pipe means success
//
// Files are opened after the switch to the job's user on purpose.  dir and
// the in/out/err paths are usually in directories the job's user owns; if
// root opened them, that user could plant a symlink (out -> /etc/shadow)
// and have root append to, create or read files anywhere.  Opened
// with the job's own rights, a path can only reach what the user could
// reach anyway, and a file the job creates belongs to its user.
#include "spawner/child_steps.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "spawner/capabilities.hpp"
#include "spawner/spawn_report.hpp"

namespace pmtr {
namespace {

// Set when proving the uid switch finds that root can be regained.
constexpr int kPrivilegesKept = ENOTRECOVERABLE;

[[noreturn]] void fail(const ChildReport& report, SpawnStep step, int err) noexcept {
  if (report.memory != nullptr) {
    // Shared memory with the suspended parent: with errno (the parent's
    // thread-local one, which it reads only when clone fails), the only
    // memory this child writes outside its own stack.
    report.memory->step = step;
    report.memory->err = err;
    ::_exit(127);
  }
  unsigned char rec[kSharedSpawnRecordBytes];
  size_t len = kSpawnRecordBytes;
  unsigned char* body = rec;
  if (report.with_pid) {
    const auto pid = static_cast<uint32_t>(::getpid());
    for (int i = 0; i < 4; ++i) rec[i] = static_cast<unsigned char>(pid >> (8 * i));
    body = rec + 4;
    len = kSharedSpawnRecordBytes;
  }
  unsigned char one[kSpawnRecordBytes];
  encode_spawn_record(step, err, one);
  for (size_t i = 0; i < kSpawnRecordBytes; ++i) body[i] = one[i];
  // One write far below PIPE_BUF is atomic, so records of children sharing
  // a pipe never interleave.  If the monitor is gone there is nobody to
  // tell; exit either way.
  while (::write(report.fd, rec, len) < 0 && errno == EINTR) {
  }
  ::_exit(127);
}

int open_retry(const char* path, int flags, mode_t mode) noexcept {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Makes `fd` the standard stream `target`, without close-on-exec.
bool install(int fd, int target) noexcept {
  if (fd == target) return ::fcntl(fd, F_SETFD, 0) == 0;   // dup2 would keep FD_CLOEXEC
  int rc;
  do {
    rc = ::dup2(fd, target);
  } while (rc < 0 && errno == EINTR);
  return rc >= 0;
}

// The kernel's own struct sigaction: glibc refuses (EINVAL) to touch the
// two signals it reserves (32, 33), but an ignored disposition of those
// survives exec like any other, so they are reset with the raw syscall.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

void reset_signals(const ChildReport& report) noexcept {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  const KernelSigaction kdfl{SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (::sigaction(sig, &dfl, nullptr) == 0) continue;
    if (errno != EINVAL ||
        ::syscall(SYS_rt_sigaction, sig, &kdfl, nullptr, sizeof kdfl.mask) != 0)
      fail(report, SpawnStep::Signals, errno);
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) < 0) fail(report, SpawnStep::Signals, errno);
}

// The child holds a copy of every fd pmtr had (all close-on-exec, but open
// until exec).  They are closed now rather than at exec so that the files
// opened below get low numbers: a job with `ulimit -n 64` must not fail
// with EMFILE because pmtr happens to have hundreds of fds open.  Kept:
// the failure report (forked children), the fds to place, the program to
// exec by fd; parked at the lowest numbers from 3 up that no placement
// targets, close-on-exec.  `parked[i]` receives where placement i went,
// `exec_at` where the program fd went.
void keep_only_needed_fds(const ExecPlan& p, ChildReport& report, int (&parked)[kMaxPlacements],
                          int& exec_at) noexcept {
  const bool has_report = report.memory == nullptr;   // vforked: no pipe to keep
  if (p.placement_count == 0 && p.exec_fd < 0) {
    if (!has_report) {
      if (::close_range(kChildReportFd, ~0U, 0) < 0) fail(report, SpawnStep::CloseFds, errno);
      return;
    }
    if (report.fd != kChildReportFd) {
      if (::dup3(report.fd, kChildReportFd, O_CLOEXEC) < 0) fail(report, SpawnStep::CloseFds, errno);
      report.fd = kChildReportFd;
    }
    if (::close_range(kChildReportFd + 1, ~0U, 0) < 0) fail(report, SpawnStep::CloseFds, errno);
    return;
  }
  // Copies above every place one can go, so parking one cannot overwrite
  // another (a source may sit exactly where another is parked).
  constexpr int kScratch = 3 + static_cast<int>(kMaxPlacements) + 3;
  int copies[kMaxPlacements];
  for (size_t i = 0; i < p.placement_count; ++i)
    if ((copies[i] = ::fcntl(p.placements[i].source, F_DUPFD_CLOEXEC, kScratch)) < 0)
      fail(report, SpawnStep::CloseFds, errno);
  int exec_copy = -1;
  if (p.exec_fd >= 0 && (exec_copy = ::fcntl(p.exec_fd, F_DUPFD_CLOEXEC, kScratch)) < 0)
    fail(report, SpawnStep::CloseFds, errno);
  int report_copy = -1;
  if (has_report && (report_copy = ::fcntl(report.fd, F_DUPFD_CLOEXEC, kScratch)) < 0)
    fail(report, SpawnStep::CloseFds, errno);

  int next = kChildReportFd;
  // The lowest free number from 3 up that no placement wants.
  auto free_slot = [&]() noexcept {
    for (;; ++next) {
      bool wanted = false;
      for (size_t i = 0; i < p.placement_count; ++i) wanted = wanted || p.placements[i].target == next;
      if (!wanted) return next++;
    }
  };
  int highest = kChildReportFd - 1;
  auto park = [&](int copy) noexcept {
    const int at = free_slot();
    if (::dup3(copy, at, O_CLOEXEC) < 0) fail(report, SpawnStep::CloseFds, errno);
    highest = at;
    return at;
  };
  if (has_report) report.fd = park(report_copy);   // first: failures below still reach it
  for (size_t i = 0; i < p.placement_count; ++i) parked[i] = park(copies[i]);
  if (exec_copy >= 0) exec_at = park(exec_copy);
  if (::close_range(static_cast<unsigned>(highest) + 1, ~0U, 0) < 0) fail(report, SpawnStep::CloseFds, errno);
}

// Only forked children switch ids (spawn.cpp: a vforked child shares
// pmtr's memory, and after setuid its user could stop or trace it).
void switch_user(const ExecPlan& p, const ChildReport& report) noexcept {
  if (::setgid(p.gid) < 0) fail(report, SpawnStep::Setgid, errno);
  if (::setgroups(p.groups.size(), p.groups.data()) < 0) fail(report, SpawnStep::Setgroups, errno);
  // As root, setuid sets the real, effective and saved uid alike, and
  // clears the permitted and effective capabilities when uid != 0.
  if (::setuid(p.uid) < 0) fail(report, SpawnStep::Setuid, errno);
  uid_t r, e, s;
  if (::getresuid(&r, &e, &s) < 0 || r != p.uid || e != p.uid || s != p.uid)
    fail(report, SpawnStep::Setuid, kPrivilegesKept);
  gid_t rg, eg, sg;
  if (::getresgid(&rg, &eg, &sg) < 0 || rg != p.gid || eg != p.gid || sg != p.gid)
    fail(report, SpawnStep::Setgid, kPrivilegesKept);
  if (p.uid != 0 && (::setuid(0) != -1 || ::seteuid(0) != -1))
    fail(report, SpawnStep::Setuid, kPrivilegesKept);
  if (p.uid != 0 && p.gid != 0 && (::setgid(0) != -1 || ::setegid(0) != -1))
    fail(report, SpawnStep::Setgid, kPrivilegesKept);
}

// A root job's `group` and `groups`: the uid stays 0, so there is nothing
// to prove but that the gid took.
void set_root_job_groups(const ExecPlan& p, const ChildReport& report) noexcept {
  if (p.set_gid) {
    if (::setgid(p.gid) < 0) fail(report, SpawnStep::Setgid, errno);
    gid_t rg, eg, sg;
    if (::getresgid(&rg, &eg, &sg) < 0 || rg != p.gid || eg != p.gid || sg != p.gid)
      fail(report, SpawnStep::Setgid, kPrivilegesKept);
  }
  if (p.set_groups && ::setgroups(p.groups.size(), p.groups.data()) < 0)
    fail(report, SpawnStep::Setgroups, errno);
}

// The cgroup.procs write of a child the kernel could not create in its
// cgroup: "0" is the writer itself.
void join_cgroup(const ExecPlan& p, const ChildReport& report) noexcept {
  ssize_t n;
  do {
    n = ::write(p.cgroup_procs_fd, "0", 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) fail(report, SpawnStep::Cgroup, n < 0 ? errno : EIO);
}

}  // namespace

void run_child_steps(const ExecPlan& p, ChildReport report) noexcept {
  if (p.new_session && ::setsid() < 0) fail(report, SpawnStep::Setsid, errno);
  reset_signals(report);
  if (p.cgroup_procs_fd >= 0) join_cgroup(p, report);
  int parked[kMaxPlacements];
  int exec_at = -1;
  keep_only_needed_fds(p, report, parked, exec_at);
  ::umask(p.umask);

  for (size_t i = 0; i < p.rlimit_count; ++i)
    if (::setrlimit(p.rlimits[i].resource, &p.rlimits[i].limit) < 0)
      fail(report, SpawnStep::Rlimit, errno);
  if (p.set_nice && ::setpriority(PRIO_PROCESS, 0, p.nice) < 0) fail(report, SpawnStep::Nice, errno);
  if (p.set_affinity && ::sched_setaffinity(0, sizeof p.cpus, &p.cpus) < 0)
    fail(report, SpawnStep::Affinity, errno);

  if (p.switch_ids) {
    // Never in pmtr's own memory (spawn.cpp, starts_by_vfork).
    if (report.memory != nullptr) fail(report, SpawnStep::Setuid, EPERM);
    if (p.caps.apply && p.uid != 0)
      if (const int e = caps_keep_across_setuid(); e != 0) fail(report, SpawnStep::Caps, e);
    switch_user(p, report);
  } else if (p.set_gid || p.set_groups) {
    if (report.memory != nullptr) fail(report, SpawnStep::Setgid, EPERM);
    set_root_job_groups(p, report);
  }
  if (p.caps.apply)
    if (const int e = caps_apply(p.caps); e != 0) fail(report, SpawnStep::Caps, e);
  if (p.nonewprivs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(report, SpawnStep::NoNewPrivs, errno);
  if (p.caps.apply)
    if (const int e = caps_prove(p.caps); e != 0) fail(report, SpawnStep::Caps, e);

  // From here on every file access is made with the job's own rights.
  int rc;
  do {
    rc = ::chdir(p.dir);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) fail(report, SpawnStep::Chdir, errno);

  // O_NOCTTY: the child leads a new session; opening a terminal must not
  // make it the job's controlling terminal.  Opened in this order, the fds
  // are ascending, so installing onto 0, 1, 2 in order never overwrites
  // one not yet installed.
  const int in = open_retry(p.in, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0);
  if (in < 0) fail(report, SpawnStep::OpenIn, errno);
  const int wflags = O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_CLOEXEC;
  const int out = open_retry(p.out, wflags, kOutputMode);
  if (out < 0) fail(report, SpawnStep::OpenOut, errno);
  const int err = open_retry(p.err, wflags, kOutputMode);
  if (err < 0) fail(report, SpawnStep::OpenErr, errno);
  if (!install(in, 0) || !install(out, 1) || !install(err, 2)) fail(report, SpawnStep::Dup, errno);
  // in/out/err themselves, when above 2, and the error pipe are
  // close-on-exec: after execve the job has exactly 0, 1 and 2, plus what
  // is placed now (dup2 leaves the new fd without close-on-exec).
  for (size_t i = 0; i < p.placement_count; ++i) {
    do {
      rc = ::dup2(parked[i], p.placements[i].target);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) fail(report, SpawnStep::PlaceFds, errno);
  }

  if (exec_at >= 0)
    ::syscall(SYS_execveat, exec_at, "", const_cast<char* const*>(p.argv.data()),
              const_cast<char* const*>(p.envp.data()), AT_EMPTY_PATH);
  else
    ::execve(p.argv[0], const_cast<char* const*>(p.argv.data()), const_cast<char* const*>(p.envp.data()));
  fail(report, SpawnStep::Exec, errno);
}

}  // namespace pmtr
