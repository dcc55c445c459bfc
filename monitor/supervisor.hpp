// Runs the job lifecycle: turns what happens (a config transaction, a
// reaped child, a timer, a readiness line, an operator's request) into
// events of the transition table (monitor/job_fsm.hpp) and carries out the
// actions the table names.  Time comes in as a parameter; processes are
// started and signalled through a JobLauncher, so the whole lifecycle runs
// in tests without forking.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/clock.hpp"
#include "monitor/job_fsm.hpp"
#include "monitor/job_launcher.hpp"
#include "monitor/job_table.hpp"
#include "monitor/transaction.hpp"

namespace pmtr {

class EventLoop;

// The longest readiness message looked at: more without a newline is a
// failed start.
inline constexpr size_t kReadyBytesMax = 4096;

class Supervisor {
 public:
  Supervisor(EventLoop& loop, JobLauncher& launcher) noexcept : loop_(loop), launcher_(launcher) {}
  // Watches the launcher's failure channel.
  [[nodiscard]] Status init();

  void apply(Transaction txn, TimePoint now);
  // A child was reaped.  False when the pid is not a job (orphan, parser).
  bool on_child_exit(pid_t pid, int wait_status, TimePoint now);
  void on_timer(TimePoint now);
  void begin_shutdown(TimePoint now);
  [[nodiscard]] bool shutdown_complete() const noexcept;
  [[nodiscard]] bool shutting_down() const noexcept { return shutting_down_; }
  // Moves on every state change of any job (and every applied
  // configuration): pmtr-net's status is sent when it has moved.
  [[nodiscard]] uint64_t changes() const noexcept { return changes_; }
  // Cached: recomputed (a pass over every job) only after something that
  // can move a deadline, not on every turn of the event loop.
  [[nodiscard]] TimePoint next_deadline() const noexcept;
  // A `depends` file changed content: restart every job that lists it.
  void restart_dependents(const std::string& path, uint64_t new_hash, TimePoint now);
  // An operator's start, stop or restart of a job (OperatorStart,
  // OperatorStop, OperatorRestart).  False when no such job is defined.
  bool operate(std::string_view name, JobEvent op, TimePoint now);
  // An operator's signal to a job's process group.  False when the job
  // has no process.
  bool signal(std::string_view name, int sig) noexcept;
  // The readiness pipe of the job with this pid is readable (or closed).
  void on_ready_readable(pid_t pid, TimePoint now);
  // The figures of the job's cgroup for status (nullopt: it has none).
  [[nodiscard]] std::optional<CgroupFigures> cgroup_figures(const std::string& name) noexcept {
    return launcher_.figures(name);
  }

  [[nodiscard]] JobTable& table() noexcept { return table_; }
  // Every depends path of every job (the monitor watches their directories).
  [[nodiscard]] std::vector<std::string> depends_paths() const;
  // Hash function for depends files (injected so tests need no files).
  std::function<uint64_t(const std::string&)> hash_file;

 private:
  // The one writer of Job::state.
  void fire(Job& job, JobEvent event, TimePoint now);
  void take_definition(Job& job);
  void reset_backoff(Job& job) noexcept;
  void arm_delay(Job& job, TimePoint now) noexcept;
  void signal_stop(Job& job, TimePoint now) noexcept;
  void kill_now(Job& job) noexcept;
  void spawn(Job& job, TimePoint now);
  void drop_ready(Job& job) noexcept;

  void deliver_exit(Job& job, pid_t pid, int wait_status, TimePoint now);
  void define(Job& job, JobDesc desc, bool fresh, TimePoint now);
  void start_eligible(TimePoint now);
  void read_spawn_reports();
  void refresh_depend_hashes(Job& job);
  void flush_deferred_line();
  void end_leftovers(Job& job, pid_t pid, bool stopping, TimePoint now);
  void check_lingering(TimePoint now);
  [[nodiscard]] bool lingering(const std::string& name) const noexcept;
  void settle_cgroup(const std::string& name);
  void note_oom(Job& job, int wait_status);

  // What a job's main process left behind: its cgroup's processes (after
  // any exit; the job's next start waits for them: state draining), or,
  // without cgroups, its process group after a stop.
  struct Lingering {
    std::string name;
    pid_t pgid;
    TimePoint kill_at;
    bool killed = false;   // SIGKILL sent; forgotten once they are gone
  };

  EventLoop& loop_;
  JobLauncher& launcher_;
  JobTable table_;
  std::vector<Lingering> lingering_;
  // The line about an exit whose replacement is being started: logged
  // right after the new process exists (the restart should not wait for a
  // log write).
  std::string deferred_line_;
  bool shutting_down_ = false;
  uint64_t changes_ = 0;
  mutable bool deadline_dirty_ = true;
  mutable TimePoint deadline_ = kNever;
};

}  // namespace pmtr
