// What the Supervisor needs from the world to run jobs: start a process,
// signal and end what belongs to it.  An interface, so the lifecycle
// (supervisor and transition table) is tested with a fake that forks
// nothing (tests/monitor/fake_launcher.hpp); ProcessLauncher is the real
// one, over the spawner and, where pmtr has a writable cgroup v2, the
// jobs' cgroups (monitor/job_cgroup.hpp).
//
// "The job's processes" are its cgroup's when it has one, else its
// process group (led by its main process, `leader`).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"
#include "monitor/cgroup_tree.hpp"
#include "monitor/job_cgroup.hpp"
#include "monitor/log_keeper.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {

struct LaunchedJob {
  pid_t pid = -1;
  // A child that failed before exec and said so at once (vforked): it has
  // exited and awaits reaping, like any quick exit.
  std::optional<SpawnFailure> failure;
  // With `ready fd`: the read end of the job's readiness pipe
  // (non-blocking, close-on-exec).
  unique_fd ready;
};

class JobLauncher {
 public:
  virtual ~JobLauncher() = default;
  // An Error means no process was created; its message is ready to log
  // after "job NAME: ".  is_refusal(error): the job cannot start as
  // defined on this host (spawn.hpp).
  [[nodiscard]] virtual Result<LaunchedJob> launch(const JobDesc& job) = 0;
  // An operator's signal: to the job's process group (`leader` is the
  // job's pid, which leads its group).
  virtual void signal_group(pid_t leader, int sig) noexcept = 0;
  // The stop signal to every process of the job.
  virtual void signal_job(const std::string& name, pid_t leader, int sig) noexcept = 0;
  // SIGKILL to every process of the job (cgroup.kill).
  virtual void kill_job(const std::string& name, pid_t leader) noexcept = 0;
  // The job's processes still there once its main process (`leader`) is
  // gone: counted in its cgroup, or 1 when its process group still exists.
  [[nodiscard]] virtual size_t leftovers(const std::string& name, pid_t leader) noexcept = 0;
  // True when jobs run in cgroups: then a job's leftovers share the
  // cgroup its next process would start in, and are ended first, after
  // any exit (not only after a stop).
  [[nodiscard]] virtual bool confines_by_cgroup() const noexcept = 0;
  // The job is down and has nothing left: its cgroup goes.
  virtual void release(const std::string& name) noexcept = 0;
  // Status figures of the job's cgroup (nullopt: it has none now).
  [[nodiscard]] virtual std::optional<CgroupFigures> figures(const std::string& name) noexcept = 0;
  // OOM kills in the job's cgroup so far (memory.events oom_kill).
  [[nodiscard]] virtual uint64_t oom_kills(const std::string& name) noexcept = 0;
  // Failures that forked children report after launch() returned (a
  // readable fd, -1 when there is no such channel), and reading them.
  [[nodiscard]] virtual int failure_fd() const noexcept = 0;
  [[nodiscard]] virtual std::vector<SpawnReports::Record> drain_failures() noexcept = 0;
};

class ProcessLauncher final : public JobLauncher {
 public:
  // `tree`: pmtr's cgroup tree, inactive when pmtr confines by process
  // group only.
  explicit ProcessLauncher(CgroupTree& tree) noexcept : tree_(tree), cgroups_(tree) {}
  [[nodiscard]] Status init() { return reports_.open(); }
  [[nodiscard]] Result<LaunchedJob> launch(const JobDesc& job) override;
  void signal_group(pid_t leader, int sig) noexcept override;
  void signal_job(const std::string& name, pid_t leader, int sig) noexcept override;
  void kill_job(const std::string& name, pid_t leader) noexcept override;
  [[nodiscard]] size_t leftovers(const std::string& name, pid_t leader) noexcept override;
  [[nodiscard]] bool confines_by_cgroup() const noexcept override { return tree_.active(); }
  void release(const std::string& name) noexcept override;
  [[nodiscard]] std::optional<CgroupFigures> figures(const std::string& name) noexcept override;
  [[nodiscard]] uint64_t oom_kills(const std::string& name) noexcept override;
  [[nodiscard]] int failure_fd() const noexcept override { return reports_.read_fd(); }
  [[nodiscard]] std::vector<SpawnReports::Record> drain_failures() noexcept override { return reports_.drain(); }
  // At exit: every job's cgroup that is empty; true when none is left.
  bool release_all() noexcept { return !tree_.active() || cgroups_.remove_all(); }
  // The write end of a captured job's output pipe (monitor/log_keeper.hpp),
  // placed on the job's stdout and/or stderr.  Unset: nothing is captured.
  std::function<CaptureFds(const JobDesc&)> capture;

 private:
  CgroupTree& tree_;
  JobCgroups cgroups_;
  SpawnReports reports_;
};

}  // namespace pmtr
