// The job table: every job's definition and runtime record, looked up by
// name and by pid, and listed in start order.  What a job's state means
// and how it changes is monitor/job_fsm.hpp; only the Supervisor writes it.
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
#include "monitor/job_fsm.hpp"

namespace pmtr {

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
  bool wait_ready = false;
  bool once = false;
  bool disabled = false;
  LifecyclePolicy policy;
  std::vector<std::string> operators;   // who else may operate it (control_access.hpp)

  // Where the job is in its lifecycle; written by Supervisor::fire alone.
  JobState state = JobState::Absent;
  // The definition the config gave it that it has not taken yet (taken by
  // the transition table's kTakeDefinition: at once when the job is down,
  // once the old process is gone otherwise).  A pointer: rarely set, and an
  // empty optional<JobDesc> would cost every job a whole descriptor.
  std::unique_ptr<JobDesc> pending;
  // A `wait` job's gate: open once it has exited (or, under `wait ready`,
  // signalled readiness); closed again by a new definition.
  bool gate_open = false;

  uint32_t index = 0;                 // position in the config file
  pid_t pid = -1;
  TimePoint started{};
  // Each deadline counts only in its state (job_fsm.hpp).
  TimePoint restart_at = kNever;      // delayed
  TimePoint kill_at = kNever;         // stopping
  TimePoint ready_at = kNever;        // starting, with `ready timeout`
  TimePoint bounce_at = kNever;       // running/ready, with `bounce every`
  // Readiness: the read end of the job's ready fd while it is starting,
  // and how many bytes came without a newline.
  unique_fd ready_pipe;
  uint16_t ready_bytes = 0;

  // What status reports.
  uint32_t starts = 0;                // processes started since pmtr started
  uint32_t backoff_ms = 0;            // delay of the last quick exit since a reset (0: none)
  std::vector<TimePoint> quick_exits; // recent quick exits, for `give up after`
  int last_status = -1;               // wait status of the last exit, -1 before any
  uint64_t last_exit_ms = 0;          // wall clock of the last exit (Unix ms)
  uint64_t oom_kills = 0;             // memory.events oom_kill of its cgroup at its start or last logged

  std::vector<uint64_t> depend_hashes;

  // Takes `desc` as this job's definition (its name must be this job's,
  // or this job has none yet).
  void set_definition(JobDesc desc);
  // The whole descriptor, decoded from `definition`.
  [[nodiscard]] Result<JobDesc> descriptor() const { return decode_job_definition(definition); }
  [[nodiscard]] uint32_t restarts() const noexcept { return starts > 1 ? starts - 1 : 0; }
};

class JobTable {
 public:
  [[nodiscard]] Job* find(std::string_view name) noexcept;
  [[nodiscard]] Job* find_pid(pid_t pid) noexcept;
  // A new job, `absent`, with no definition yet (the Supervisor gives it
  // one by an event).  The name must not be in the table.
  Job& create(std::string name, uint32_t index);
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
  void mark_order_dirty() noexcept { order_dirty_ = true; }

 private:
  // Keyed by a view of the Job's own name (stable: the Job is on the heap
  // and its name never changes): no second copy of every name, and no
  // allocation per lookup.
  std::unordered_map<std::string_view, std::unique_ptr<Job>> jobs_;
  std::unordered_map<pid_t, Job*> by_pid_;
  std::vector<Job*> order_;
  bool order_dirty_ = true;
};

}  // namespace pmtr
