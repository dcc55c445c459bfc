#include "spawner/exec_plan.hpp"

#include <unistd.h>

#include <algorithm>
#include <string_view>

#include "spawner/cpu_mask.hpp"

namespace pmtr {

namespace {
bool g_job_nofile_set = false;
rlim_t g_job_nofile_soft = 0;
}  // namespace

void set_job_nofile_soft(rlim_t soft) noexcept {
  g_job_nofile_set = true;
  g_job_nofile_soft = soft;
}
namespace {

std::string_view env_name(std::string_view entry) noexcept {
  return entry.substr(0, entry.find('='));
}

// True when the job sets `name` itself, which then replaces our default.
bool job_sets(const JobDesc& job, std::string_view name) noexcept {
  for (const auto& e : job.env)
    if (env_name(e) == name) return true;
  return false;
}

// True when a later env line of the job sets the same name: the last one
// wins, as it would in a shell script.
bool overridden_later(const JobDesc& job, size_t i) noexcept {
  const std::string_view name = env_name(job.env[i]);
  for (size_t k = i + 1; k < job.env.size(); ++k)
    if (env_name(job.env[k]) == name) return true;
  return false;
}

const char* io_path(const std::string& p) noexcept { return p.empty() ? kNullDevice : p.c_str(); }

}  // namespace

void build_exec_plan(const JobDesc& job, PlanUser user, ExecPlan& plan) {
  plan.argv.reserve(job.argv.size() + 1);
  for (const auto& a : job.argv) plan.argv.push_back(a.c_str());
  plan.argv.push_back(nullptr);

  plan.envp.reserve(job.env.size() + 6);
  if (!job_sets(job, "PATH")) plan.envp.push_back(kDefaultPath);
  if (user.info != nullptr) {
    const UserInfo& u = *user.info;
    const std::pair<std::string_view, const std::string*> defaults[] = {
        {"HOME", &u.home}, {"USER", &u.name}, {"LOGNAME", &u.name}, {"SHELL", &u.shell}};
    size_t slot = 0;
    for (const auto& [name, value] : defaults) {
      if (job_sets(job, name)) continue;
      std::string& s = plan.user_env_[slot++];
      s.reserve(name.size() + 1 + value->size());
      s.append(name).append("=").append(*value);
      plan.envp.push_back(s.c_str());
    }
  }
  for (size_t i = 0; i < job.env.size(); ++i)
    if (!overridden_later(job, i)) plan.envp.push_back(job.env[i].c_str());
  plan.envp.push_back(nullptr);

  plan.dir = job.dir.c_str();
  plan.in = io_path(job.in);
  plan.out = io_path(job.out);
  plan.err = io_path(job.err);

  plan.rlimit_count = 0;
  for (const Ulimit& u : job.ulimits) {
    if (plan.rlimit_count == plan.rlimits.size()) break;   // check_job caps the list
    RlimitSetting& r = plan.rlimits[plan.rlimit_count++];
    r.resource = static_cast<__rlimit_resource_t>(u.resource);
    r.limit.rlim_cur = static_cast<rlim_t>(u.value);
    r.limit.rlim_max = static_cast<rlim_t>(u.value);
  }

  if (g_job_nofile_set && plan.rlimit_count < plan.rlimits.size() &&
      std::none_of(job.ulimits.begin(), job.ulimits.end(), [](const Ulimit& u) { return u.resource == RLIMIT_NOFILE; })) {
    rlimit now{};
    if (::getrlimit(RLIMIT_NOFILE, &now) == 0 && now.rlim_cur != g_job_nofile_soft) {
      RlimitSetting& r = plan.rlimits[plan.rlimit_count++];
      r.resource = RLIMIT_NOFILE;
      r.limit.rlim_cur = std::min(g_job_nofile_soft, now.rlim_max);
      r.limit.rlim_max = now.rlim_max;
    }
  }

  plan.set_nice = job.has_nice;
  plan.nice = job.nice;

  plan.set_affinity = false;
  if (!job.cpus.empty()) {
    const cpu_set_t present = online_cpus();
    plan.set_affinity = job_cpu_mask(job.cpus, present, plan.cpus);
  }

  plan.switch_ids = user.info != nullptr && user.switch_ids;
  if (plan.switch_ids) {
    plan.uid = user.info->uid;
    plan.gid = user.info->gid;
    plan.groups = user.info->groups;
  }
}

Status plan_confinement(const JobDesc& job, PlanUser user, ExecPlan& plan) {
  const Confinement& c = job.confine;
  plan.umask = c.umask;
  plan.nonewprivs = c.nonewprivs;
  // Ids can be given only by root (as a `user` line can).
  const bool root = ::geteuid() == 0;
  if (!c.group.empty()) {
    if (!root) return Error{0, "group: pmtr is not running as root"};
    auto gid = lookup_group(c.group);
    if (!gid) return Error{gid.error().err, "group: " + gid.error().what};
    plan.gid = *gid;
    plan.set_gid = !plan.switch_ids;
    // The user's memberships around the new primary group, as initgroups
    // would give them with it (`groups` below replaces them).
    if (plan.switch_ids) {
      auto list = user_group_list(user.info->name, *gid);
      if (!list) return list.error();
      plan.groups = std::move(list).value();
    }
  }
  if (c.set_groups) {
    if (!root) return Error{0, "groups: pmtr is not running as root"};
    plan.groups.clear();
    for (const auto& name : c.groups) {
      auto gid = lookup_group(name);
      if (!gid) return Error{gid.error().err, "groups: " + gid.error().what};
      plan.groups.push_back(*gid);
    }
    plan.set_groups = !plan.switch_ids;
  }
  if (c.set_caps) {
    if (!root) return Error{0, "caps: pmtr is not running as root"};
    auto last = kernel_last_cap();
    if (!last) return Error{last.error().err, "caps: " + last.error().what};
    // Ambient only for a job whose ids become a user's other than root:
    // root's permitted set is refilled from the bounding set at exec.
    auto caps = plan_caps(c.caps, *last, plan.switch_ids && plan.uid != 0);
    if (!caps) return caps.error();
    plan.caps = *caps;
  }
  return {};
}

}  // namespace pmtr
