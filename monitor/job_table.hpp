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
#include "common/messages.hpp"
#include "common/result.hpp"
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
  // The definition.  What the supervisor consults at every turn is kept
  // decoded; the rest (argv, env, paths, limits, ...) is needed only to
  // start the job and stays in its wire encoding (job_definition_key),
  // about a third of a JobDesc's size for a typical job, decoded at each
  // start: memory per job is the monitor's largest cost with many jobs
  // (docs/benchmarks.md, scenario 5).  The name never changes for the life
  // of a Job: the table is keyed by it.
  std::string name;
  std::string definition;
  std::vector<std::string> depends;   // absolute paths, hashed by the monitor
  int32_t order = 0;
  uint32_t bounce_seconds = 0;
  bool wait = false;
  bool once = false;
  bool disabled = false;

  // Runtime state.
  JobState state = JobState::Idle;
  AfterStop after_stop = AfterStop::StayDown;
  bool kill_sent = false;
  bool wait_released = false;         // a `wait` job has exited once
  uint32_t index = 0;                 // position in the config file
  pid_t pid = -1;
  uint32_t restarts = 0;
  int last_status = -1;               // last wait status, -1 before any exit
  TimePoint started{};
  TimePoint restart_at = kNever;      // Delayed
  TimePoint kill_at = kNever;         // Stopping
  TimePoint bounce_at = kNever;       // Running with `bounce every`
  // Definition to take once the old process is gone.  A pointer: rarely
  // set, and an empty optional<JobDesc> would cost every job the size of a
  // whole descriptor.
  std::unique_ptr<JobDesc> next_desc;
  std::vector<uint64_t> depend_hashes;

  // Takes `desc` as this job's definition (its name must be this job's,
  // or this job has none yet).
  void set_definition(JobDesc desc);
  // The whole descriptor, decoded from `definition`.
  [[nodiscard]] Result<JobDesc> descriptor() const { return decode_job_definition(definition); }
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
  // The definitions in file order, decoded (for the parser's copy of the
  // table).
  [[nodiscard]] std::vector<JobDesc> definitions() const;
  template <typename F>
  void for_each(F&& f) {
    for (auto& [name, job] : jobs_) f(*job);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [name, job] : jobs_) f(static_cast<const Job&>(*job));
  }

 private:
  // Keyed by a view of the Job's own name (stable: the Job is on the heap
  // and its name never changes): no second copy of every name, and no
  // allocation per lookup.
  std::unordered_map<std::string_view, std::unique_ptr<Job>> jobs_;
  std::unordered_map<pid_t, Job*> by_pid_;
  std::vector<Job*> order_;
  bool order_dirty_ = true;

 public:
  void mark_order_dirty() noexcept { order_dirty_ = true; }
};

}  // namespace pmtr
