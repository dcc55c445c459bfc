// Follows one process tree (a supervisor, or the floor program) from the
// moment the bench forks its root: every fork, exec and exit below it, with
// the kernel's timestamps.  Through the process-events connector when it is
// available (no polling at all while the supervisor works); otherwise by
// scanning /proc every millisecond, and the results say so.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/proc_events.hpp"

namespace pmtr::bench {

struct TreeEvent {
  ProcEventKind kind = ProcEventKind::Lost;
  uint64_t ns = 0;
  pid_t pid = -1;
  pid_t parent = -1;   // Fork only
  int depth = 0;       // 0: the root, 1: its children (the jobs), ...
  bool job = false;    // Exec at depth 1 of something that is not a helper
};

class ProcessWatch {
 public:
  // Opens the connector, else falls back to polling /proc (always, when
  // use_connector is false: how the fallback gets tested).
  void open(bool use_connector = true);
  [[nodiscard]] bool precise() const noexcept { return connector_.is_open(); }
  [[nodiscard]] const std::string& fallback_reason() const noexcept { return why_; }
  // Executables (by basename) whose exec at depth 1 is not a job's: the
  // supervisor's own helpers, such as pmtr-parser.
  void set_helpers(std::vector<std::string> basenames) { helpers_ = std::move(basenames); }
  // Where the jobs are: pmtr's and supervisord's are the root's children
  // (depth 1); runsv and s6-supervise put one process between (depth 2).
  // With job_exes set, only an exec of one of those basenames makes a job,
  // and a process counts once however often it execs (a run script that
  // execs /bin/sh, then the sleep).  Kept across follow().
  void set_job_rule(int depth, std::vector<std::string> job_exes) {
    job_depth_ = depth;
    job_exes_ = std::move(job_exes);
  }

  // Follows root, a process the bench has just forked; forgets the last tree.
  void follow(pid_t root);
  [[nodiscard]] pid_t root() const noexcept { return root_; }

  // Takes in events until pred() holds or deadline_ns (CLOCK_MONOTONIC)
  // passes, or a stop was requested; returns pred().
  bool wait_until(const std::function<bool()>& pred, uint64_t deadline_ns);
  // Takes in events for a while (a quiet period).
  void drain_for(uint64_t ns);

  // From a signal handler (^C): every wait returns at once from then on,
  // so each scenario falls through to its cleanup.
  static void request_stop() noexcept;
  [[nodiscard]] static bool stop_requested() noexcept;

  // Events of the tree since follow() or the last clear_events().
  [[nodiscard]] const std::vector<TreeEvent>& events() const noexcept { return events_; }
  void clear_events();
  [[nodiscard]] size_t job_execs() const noexcept { return job_execs_; }
  [[nodiscard]] uint64_t last_job_exec_ns() const noexcept { return last_job_exec_ns_; }
  [[nodiscard]] size_t child_exits() const noexcept { return child_exits_; }   // at the jobs' depth
  [[nodiscard]] bool lost() const noexcept { return lost_; }
  // 0 while alive (or not followed).
  [[nodiscard]] uint64_t exit_ns(pid_t pid) const;
  // Members seen and not yet exited (root included while alive).
  [[nodiscard]] std::vector<pid_t> alive_members() const;
  // Direct children that exec'd a job and have not exited.
  [[nodiscard]] std::vector<pid_t> running_jobs() const;

 private:
  struct Member {
    pid_t parent = -1;
    int depth = 0;
    bool execd = false;
    bool job = false;
    uint64_t exit_ns = 0;
    std::string exe;   // polling fallback: to see an exec
  };
  void handle(const ProcEvent& ev);
  void poll_once();
  bool is_helper(pid_t pid) const;
  bool is_job_exe(pid_t pid) const;

  ProcConnector connector_;
  std::string why_;
  std::vector<std::string> helpers_;
  int job_depth_ = 1;
  std::vector<std::string> job_exes_;
  pid_t root_ = -1;
  std::unordered_map<pid_t, Member> members_;
  std::vector<TreeEvent> events_;
  size_t job_execs_ = 0;
  uint64_t last_job_exec_ns_ = 0;
  size_t child_exits_ = 0;
  bool lost_ = false;
};

}  // namespace pmtr::bench
