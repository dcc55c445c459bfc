// The job lifecycle (SPEC §2): start in order with `wait` gates, restart
// rules, stop with SIGTERM then SIGKILL, bounce, shutdown, and applying a
// validated config transaction.  Time comes in as a parameter; the only
// side effects are fork/kill (through the spawner) and logging.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "monitor/clock.hpp"
#include "monitor/job_table.hpp"
#include "monitor/transaction.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {

class EventLoop;

class Supervisor {
 public:
  explicit Supervisor(EventLoop& loop) noexcept : loop_(loop) {}
  // Opens the shared spawn-failure channel and watches it.
  [[nodiscard]] Status init();

  void apply(Transaction txn, TimePoint now);
  // A child was reaped.  False when the pid is not a job (orphan, parser).
  bool on_child_exit(pid_t pid, int wait_status, TimePoint now);
  void on_timer(TimePoint now);
  void begin_shutdown(TimePoint now);
  [[nodiscard]] bool shutdown_complete() const noexcept;
  [[nodiscard]] bool shutting_down() const noexcept { return shutting_down_; }
  // Cached: recomputed (a pass over every job) only after something that
  // can move a deadline, not on every turn of the event loop.
  [[nodiscard]] TimePoint next_deadline() const noexcept;
  // A `depends` file changed content: restart every job that lists it.
  void restart_dependents(const std::string& path, uint64_t new_hash, TimePoint now);

  [[nodiscard]] JobTable& table() noexcept { return table_; }
  // Every depends path of every job (the monitor watches their directories).
  [[nodiscard]] std::vector<std::string> depends_paths() const;
  // Hash function for depends files (injected so tests need no files).
  std::function<uint64_t(const std::string&)> hash_file;

 private:
  void start_eligible(TimePoint now);
  // exit_line: the line about the exit this start replaces, logged once
  // the replacement is started.
  void start(Job& job, TimePoint now, const std::string* exit_line = nullptr);
  void stop(Job& job, AfterStop after, TimePoint now);
  void finish_stop(Job& job, TimePoint now);
  void read_spawn_reports();
  void refresh_depend_hashes(Job& job);

  struct Lingering {   // a stopped job's process group that outlived its leader
    pid_t pgid;
    TimePoint kill_at;
    bool killed = false;   // SIGKILL sent; forgotten once the group is reaped
  };

  EventLoop& loop_;
  SpawnReports reports_;
  JobTable table_;
  std::vector<Lingering> lingering_;
  bool shutting_down_ = false;
  mutable bool deadline_dirty_ = true;
  mutable TimePoint deadline_ = kNever;
  bool globals_noted_ = false;
};

}  // namespace pmtr
