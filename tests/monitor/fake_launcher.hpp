// A JobLauncher that forks nothing: it hands out made-up pids, records
// every launch and signal, and can be told to fail.  Jobs with a `ready fd`
// get a real pipe whose write end the test keeps, so readiness is driven
// through the Supervisor's own reading code.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "monitor/job_launcher.hpp"

namespace pmtr::test {

class FakeLauncher final : public JobLauncher {
 public:
  struct Launch {
    std::string name;
    pid_t pid;
  };
  std::vector<Launch> launches;
  std::vector<std::pair<pid_t, int>> signals;   // (leader, signal)
  std::optional<Error> fail_next;               // the next launch fails before fork
  std::map<pid_t, unique_fd> ready_writers;     // the job's end of its ready pipe
  pid_t next_pid = 1000;

  Result<LaunchedJob> launch(const JobDesc& job) override {
    if (fail_next) {
      Error e = *fail_next;
      fail_next.reset();
      return e;
    }
    LaunchedJob out;
    out.pid = next_pid++;
    if (job.policy.ready_fd != 0) {
      int ends[2];
      if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("pipe");
      out.ready.reset(ends[0]);
      ready_writers[out.pid].reset(ends[1]);
    }
    launches.push_back({job.name, out.pid});
    return out;
  }
  void signal_group(pid_t leader, int sig) noexcept override { signals.emplace_back(leader, sig); }
  void signal_job(const std::string&, pid_t leader, int sig) noexcept override { signals.emplace_back(leader, sig); }
  void kill_job(const std::string&, pid_t leader) noexcept override { signals.emplace_back(leader, SIGKILL); }
  // Processes a job's main process leaves behind, by job name (the test
  // plays them: set, then cleared when they are gone).
  std::map<std::string, size_t> left;
  bool cgroups = false;   // what confines_by_cgroup() answers
  std::vector<std::string> released;
  size_t leftovers(const std::string& name, pid_t) noexcept override {
    auto it = left.find(name);
    return it == left.end() ? 0 : it->second;
  }
  bool confines_by_cgroup() const noexcept override { return cgroups; }
  void release(const std::string& name) noexcept override { released.push_back(name); }
  std::optional<CgroupFigures> figures(const std::string&) noexcept override { return std::nullopt; }
  uint64_t oom_kills(const std::string&) noexcept override { return 0; }
  int failure_fd() const noexcept override { return -1; }
  std::vector<SpawnReports::Record> drain_failures() noexcept override { return {}; }

  // How many processes were started for `name`.
  [[nodiscard]] size_t count(const std::string& name) const {
    size_t n = 0;
    for (const auto& l : launches) n += l.name == name;
    return n;
  }
  [[nodiscard]] pid_t last_pid(const std::string& name) const {
    for (auto it = launches.rbegin(); it != launches.rend(); ++it)
      if (it->name == name) return it->pid;
    return -1;
  }
  [[nodiscard]] std::vector<int> signals_to(pid_t leader) const {
    std::vector<int> out;
    for (const auto& [p, s] : signals)
      if (p == leader) out.push_back(s);
    return out;
  }
  // Writes `text` on the job's ready fd (the test plays the job).
  bool write_ready(pid_t pid, const std::string& text) {
    auto it = ready_writers.find(pid);
    return it != ready_writers.end() &&
           ::write(it->second.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }
  void close_ready(pid_t pid) { ready_writers.erase(pid); }
};

}  // namespace pmtr::test
