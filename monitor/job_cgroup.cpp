#include "monitor/job_cgroup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/syscalls.hpp"
#include "monitor/cgroup_tree.hpp"

namespace pmtr {
namespace {

// The period cpu.max quotas are given in: 100 ms, the kernel's default.
constexpr uint64_t kCpuPeriodUs = 100000;

std::string number_or_max(uint64_t v, bool set) { return set ? std::to_string(v) : "max"; }

// The value after `key ` in a flat-keyed file (cpu.stat, memory.events).
std::optional<uint64_t> keyed(const std::string& text, std::string_view key) {
  size_t at = 0;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    const std::string_view line(text.data() + at, (nl == std::string::npos ? text.size() : nl) - at);
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 && line[key.size()] == ' ')
      return std::strtoull(std::string(line.substr(key.size() + 1)).c_str(), nullptr, 10);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return std::nullopt;
}

std::optional<uint64_t> single(int base, const std::string& path) {
  auto t = cgroup_read(base, path.c_str());
  if (!t) return std::nullopt;
  return std::strtoull(t->c_str(), nullptr, 10);
}

}  // namespace

std::string job_cgroup_name(std::string_view job) {
  std::string out = "job.";
  for (const char c : job) {
    if (c == '/') out += "%2F";
    else if (c == '%') out += "%25";
    else out += c;
  }
  return out;
}

JobCgroups::Entry* JobCgroups::find(std::string_view job) noexcept {
  auto it = jobs_.find(std::string(job));
  return it == jobs_.end() ? nullptr : &it->second;
}

bool JobCgroups::has(std::string_view job) const noexcept { return jobs_.count(std::string(job)) != 0; }

Status JobCgroups::apply_limits(const Confinement& c, Entry& e) {
  Applied& a = e.applied;
  const int base = tree_.base_fd();
  auto write = [&](const char* option, const char* file, const std::string& value) -> Status {
    const std::string path = e.dir + "/" + file;
    if (Status s = cgroup_write(base, path.c_str(), value); !s)
      return Error{0, std::string(option) + ": " + s.error().message()};
    return {};
  };
  auto need = [&](const char* option, const char* controller) -> Status {
    if (Status s = tree_.enable(controller); !s) return Error{0, std::string(option) + ": " + s.error().what};
    return {};
  };
  const bool memory = c.memory_max != 0;
  if (memory || c.has_swap_max || a.memory_max != 0 || a.swap_written) {
    if (memory || c.has_swap_max)
      if (Status s = need("limit memory", "memory"); !s) return s;
    if (c.memory_max != a.memory_max) {
      if (Status s = write("limit memory", "memory.max", number_or_max(c.memory_max, memory)); !s) return s;
      a.memory_max = c.memory_max;
    }
    // Under a memory limit, no swap unless `limit swap` says how much:
    // otherwise the limit would only move the job's memory to swap.
    const bool want_swap = memory || c.has_swap_max;
    const uint64_t swap = c.has_swap_max ? c.swap_max : 0;
    if (want_swap != a.swap_written || swap != a.swap_max) {
      const std::string value = want_swap ? std::to_string(swap) : "max";
      const std::string path = e.dir + "/memory.swap.max";
      Status s = cgroup_write(base, path.c_str(), value);
      // Without swap accounting there is no swap to limit: only an
      // explicit `limit swap` is refused.
      if (!s && (s.error().err != ENOENT || c.has_swap_max))
        return Error{0, std::string("limit swap: ") + s.error().message()};
      a.swap_written = want_swap;
      a.swap_max = swap;
    }
  }
  if (c.tasks_max != a.tasks_max) {
    if (c.tasks_max != 0)
      if (Status s = need("limit tasks", "pids"); !s) return s;
    if (Status s = write("limit tasks", "pids.max", number_or_max(c.tasks_max, c.tasks_max != 0)); !s) return s;
    a.tasks_max = c.tasks_max;
  }
  if (c.cpu_percent != a.cpu_percent) {
    if (c.cpu_percent != 0)
      if (Status s = need("limit cpu", "cpu"); !s) return s;
    const std::string quota = c.cpu_percent != 0 ? std::to_string(c.cpu_percent * kCpuPeriodUs / 100) : "max";
    if (Status s = write("limit cpu", "cpu.max", quota + " " + std::to_string(kCpuPeriodUs)); !s) return s;
    a.cpu_percent = c.cpu_percent;
  }
  return {};
}

Result<unique_fd> JobCgroups::prepare(const JobDesc& job) {
  const int base = tree_.base_fd();
  Entry* e = find(job.name);
  if (e != nullptr && e->killed) {
    // Never clone into a cgroup that was killed: some kernels (seen on
    // 6.18) compare the kill count of the target cgroup after the fork
    // with the parent's before it, and SIGKILL every child that
    // CLONE_INTO_CGROUP puts there.  A new directory starts at zero.  It
    // is empty by now: a job drains before it starts again.
    if (::unlinkat(base, e->dir.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
      return Error::from_errno("rmdir " + tree_.base_path() + "/" + e->dir);
    jobs_.erase(job.name);
    e = nullptr;
  }
  if (e == nullptr) {
    std::string dir = job_cgroup_name(job.name);
    if (::mkdirat(base, dir.c_str(), 0755) != 0 && errno != EEXIST)
      return Error::from_errno("mkdir " + tree_.base_path() + "/" + dir);
    e = &jobs_.emplace(job.name, Entry{std::move(dir), {}}).first->second;
  }
  if (Status s = apply_limits(job.confine, *e); !s) return s.error();
  unique_fd fd(retry_eintr([&] { return ::openat(base, e->dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); }));
  if (!fd) return Error::from_errno("open " + tree_.base_path() + "/" + e->dir);
  return fd;
}

size_t JobCgroups::signal(std::string_view job, int sig) noexcept {
  Entry* e = find(job);
  if (e == nullptr) return 0;
  auto procs = cgroup_read(tree_.base_fd(), (e->dir + "/cgroup.procs").c_str());
  if (!procs) return 0;
  size_t n = 0;
  const char* p = procs->c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const long pid = std::strtol(p, &end, 10);
    if (end == p) break;
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), sig) == 0) ++n;
    p = *end == '\n' ? end + 1 : end;
  }
  return n;
}

void JobCgroups::kill(std::string_view job) noexcept {
  if (Entry* e = find(job)) {
    (void)cgroup_write(tree_.base_fd(), (e->dir + "/cgroup.kill").c_str(), "1");
    e->killed = true;
  }
}

size_t JobCgroups::count(std::string_view job) noexcept {
  Entry* e = find(job);
  if (e == nullptr) return 0;
  auto procs = cgroup_read(tree_.base_fd(), (e->dir + "/cgroup.procs").c_str());
  if (!procs) return 0;
  size_t n = 0;
  for (const char c : *procs) n += c == '\n';
  return n;
}

bool JobCgroups::populated(std::string_view job) noexcept {
  Entry* e = find(job);
  if (e == nullptr) return false;
  auto events = cgroup_read(tree_.base_fd(), (e->dir + "/cgroup.events").c_str());
  return events && keyed(*events, "populated").value_or(0) != 0;
}

void JobCgroups::remove(std::string_view job) noexcept {
  auto it = jobs_.find(std::string(job));
  if (it == jobs_.end()) return;
  if (::unlinkat(tree_.base_fd(), it->second.dir.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) jobs_.erase(it);
}

bool JobCgroups::remove_all() noexcept {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (::unlinkat(tree_.base_fd(), it->second.dir.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT)
      it = jobs_.erase(it);
    else
      ++it;
  }
  return jobs_.empty();
}

std::optional<CgroupFigures> JobCgroups::figures(std::string_view job) noexcept {
  Entry* e = find(job);
  if (e == nullptr) return std::nullopt;
  const int base = tree_.base_fd();
  CgroupFigures f;
  auto cpu = cgroup_read(base, (e->dir + "/cpu.stat").c_str());
  if (!cpu) return std::nullopt;   // gone
  f.cpu_usec = keyed(*cpu, "usage_usec").value_or(0);
  f.memory_bytes = single(base, e->dir + "/memory.current");
  f.tasks = single(base, e->dir + "/pids.current");
  return f;
}

uint64_t JobCgroups::oom_kills(std::string_view job) noexcept {
  Entry* e = find(job);
  if (e == nullptr) return 0;
  auto events = cgroup_read(tree_.base_fd(), (e->dir + "/memory.events").c_str());
  return events ? keyed(*events, "oom_kill").value_or(0) : 0;
}

}  // namespace pmtr
