// What the Supervisor needs from the world to run jobs: start a process,
// signal its group.  An interface, so the lifecycle (supervisor and
// transition table) is tested with a fake that forks nothing
// (tests/monitor/fake_launcher.hpp); ProcessLauncher is the real one, over
// the spawner.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"
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
  // after "job NAME: ".
  [[nodiscard]] virtual Result<LaunchedJob> launch(const JobDesc& job) = 0;
  // The signal to the job's whole process group (`leader` is the job's
  // pid, which leads its group).
  virtual void signal_group(pid_t leader, int sig) noexcept = 0;
  // Whether anything is left of that group.
  [[nodiscard]] virtual bool group_exists(pid_t leader) noexcept = 0;
  // Failures that forked children report after launch() returned (a
  // readable fd, -1 when there is no such channel), and reading them.
  [[nodiscard]] virtual int failure_fd() const noexcept = 0;
  [[nodiscard]] virtual std::vector<SpawnReports::Record> drain_failures() noexcept = 0;
};

class ProcessLauncher final : public JobLauncher {
 public:
  [[nodiscard]] Status init() { return reports_.open(); }
  [[nodiscard]] Result<LaunchedJob> launch(const JobDesc& job) override;
  void signal_group(pid_t leader, int sig) noexcept override;
  [[nodiscard]] bool group_exists(pid_t leader) noexcept override;
  [[nodiscard]] int failure_fd() const noexcept override { return reports_.read_fd(); }
  [[nodiscard]] std::vector<SpawnReports::Record> drain_failures() noexcept override { return reports_.drain(); }

 private:
  SpawnReports reports_;
};

}  // namespace pmtr
