// Everything the post-fork child needs, computed before fork: the argv and
// envp arrays, the paths, the rlimits, nice, the CPU mask and the ids to
// switch to.  The child reads this and nothing else, so it needs no
// allocation, no lookup and no parsing.
//
// The plan points into the JobDesc it was built from (argv, env lines,
// paths) and into itself (the HOME=/USER=/... strings), so it can be
// neither copied nor moved and must not outlive the job.
#pragma once

#include <sched.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/limits.hpp"
#include "spawner/capabilities.hpp"
#include "spawner/spawn.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {

// The environment a job starts from, before its own `env` lines.
inline constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The files a job's standard streams name when in/out/err is not given.
inline constexpr const char* kNullDevice = "/dev/null";

// out and err are created owner read-write, group read: a job's output
// often holds what other users should not read, and the file belongs to the
// job's user (it is created after the switch), who can widen it.
inline constexpr mode_t kOutputMode = 0640;

struct RlimitSetting {
  __rlimit_resource_t resource{};
  rlimit limit{};
};

// Whose rights the job runs with.
struct PlanUser {
  const UserInfo* info = nullptr;   // null: no `user` line
  bool switch_ids = false;          // setgid/setgroups/setuid (pmtr is root)
};

struct ExecPlan {
  ExecPlan() = default;
  ExecPlan(const ExecPlan&) = delete;
  ExecPlan& operator=(const ExecPlan&) = delete;

  std::vector<const char*> argv;     // null-terminated; argv[0] is the program
  std::vector<const char*> envp;     // null-terminated
  const char* dir = "/";
  const char* in = kNullDevice;      // relative to dir (the child chdirs first) or absolute
  const char* out = kNullDevice;
  const char* err = kNullDevice;

  std::array<RlimitSetting, limits::kUlimits> rlimits{};
  size_t rlimit_count = 0;

  bool set_nice = false;
  int nice = 0;

  bool set_affinity = false;
  cpu_set_t cpus{};

  // Fds the child gets at fixed numbers, without close-on-exec (a job's
  // ready fd, a helper's channel): placed last, over whatever the steps
  // before put there.
  std::array<FdPlacement, kMaxPlacements> placements{};
  size_t placement_count = 0;

  // Own session and process group: every job; pmtr's helpers stay in
  // pmtr's.
  bool new_session = true;
  // Exec this fd (execveat, AT_EMPTY_PATH) instead of the path argv[0]:
  // a helper binary checked before fork.  -1: by path.
  int exec_fd = -1;

  // The user switch (a `user` line, pmtr root): setgid(gid),
  // setgroups(groups), setuid(uid).  gid and groups are the user's unless
  // `group` / `groups` say otherwise (plan_confinement).
  bool switch_ids = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  // Without a user switch (a root job): `group` alone sets the gid,
  // `groups` alone the supplementary groups, to the same fields.
  bool set_gid = false;
  bool set_groups = false;

  mode_t umask = 022;          // `umask`
  CapPlan caps;                // `caps`
  bool nonewprivs = false;     // `nonewprivs`
  // The job's cgroup.procs, open for writing, when the kernel cannot
  // create the child in its cgroup (no CLONE_INTO_CGROUP): the child writes
  // its own pid there first thing.  -1: nothing to join (or done by clone3).
  int cgroup_procs_fd = -1;

 private:
  friend void build_exec_plan(const JobDesc&, PlanUser, ExecPlan&);
  // Storage for the user's environment entries that envp points to.
  std::array<std::string, 4> user_env_;
};

// pmtr raises its own soft RLIMIT_NOFILE to the hard limit (it holds two
// fds per captured job's pipe); each job then gets back the soft limit
// pmtr was started with, unless a `ulimit` line of its own sets it: what
// it would have had without pmtr's needs (select() users count on 1024).
void set_job_nofile_soft(rlim_t soft) noexcept;

// Fills `plan` (freshly constructed) from a job that passed check_job.
// Reads the online CPU list only when the job has `cpu` lines.
void build_exec_plan(const JobDesc& job, PlanUser user, ExecPlan& plan);

// The confinement options (umask, group, groups, caps, nonewprivs) into a
// plan that build_exec_plan filled: looks the groups up, checks the
// capabilities against the kernel and pmtr's own.  A host fact that
// forbids the start (an unknown group, a capability the kernel lacks,
// pmtr not root) is an Error with err 0 whose message names the option
// ("group: group 'www' does not exist").
[[nodiscard]] Status plan_confinement(const JobDesc& job, PlanUser user, ExecPlan& plan);

}  // namespace pmtr
