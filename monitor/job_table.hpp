// The job table: the monitor's single source of truth about every job, its
// definition and its runtime state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/job.hpp"
#include "common/unique_fd.hpp"
#include "monitor/clock.hpp"

namespace pmtr {

// A job's lifecycle (s6-supervise style: explicit states, not flags).
enum class JobState : uint8_t {
  Idle,       // defined, not running: never started yet, or held behind a `wait` job
  Running,    // process alive
  Stopping,   // SIGTERM sent (SIGKILL at kill_at)
  Delayed,    // exited quickly; restarts at restart_at
  Done,       // exited and stays down (once, exit 33, shutdown)
  Disabled,   // `disable`: kept, never run
};
[[nodiscard]] const char* job_state_name(JobState s) noexcept;

// What happens when a Stopping job's process is gone.
enum class AfterStop : uint8_t { StayDown, Start, Remove };

struct Job {
  JobDesc desc;
  uint32_t index = 0;                 // position in the config file
  JobState state = JobState::Idle;
  pid_t pid = -1;
  TimePoint started{};
  TimePoint restart_at = kNever;      // Delayed
  TimePoint kill_at = kNever;         // Stopping
  TimePoint bounce_at = kNever;       // Running with `bounce every`
  bool kill_sent = false;
  AfterStop after_stop = AfterStop::StayDown;
  // Definition to take once the old process is gone.  A pointer, not an
  // optional: rarely set, and an empty optional<JobDesc> would cost every
  // job the size of a second descriptor.
  std::unique_ptr<JobDesc> next_desc;
  bool wait_released = false;         // a `wait` job has exited once
  uint32_t restarts = 0;
  int last_status = -1;               // last wait status, -1 before any exit
  std::vector<uint64_t> depend_hashes;
};

class JobTable {
 public:
  [[nodiscard]] Job* find(std::string_view name) noexcept;
  [[nodiscard]] Job* find_pid(pid_t pid) noexcept;
  Job& add(JobDesc desc, uint32_t index);
  void erase(std::string_view name) noexcept;
  void set_pid(Job& job, pid_t pid);   // keeps the pid index current (-1 clears)

  // In the configuration (a job being stopped for removal no longer is):
  // what the parser's copy of the table holds.
  [[nodiscard]] bool is_defined(std::string_view name) noexcept;
  [[nodiscard]] size_t defined_count() const noexcept;

  // Jobs in start order: `order`, then file order.
  [[nodiscard]] const std::vector<Job*>& start_order() noexcept;
  [[nodiscard]] size_t size() const noexcept { return jobs_.size(); }
  // Stable iteration in file order (for the parser's copy of the table).
  [[nodiscard]] std::vector<const JobDesc*> definitions() const;
  template <typename F>
  void for_each(F&& f) {
    for (auto& [name, job] : jobs_) f(*job);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [name, job] : jobs_) f(static_cast<const Job&>(*job));
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<Job>> jobs_;
  std::unordered_map<pid_t, Job*> by_pid_;
  std::vector<Job*> order_;
  bool order_dirty_ = true;

 public:
  void mark_order_dirty() noexcept { order_dirty_ = true; }
};

}  // namespace pmtr
