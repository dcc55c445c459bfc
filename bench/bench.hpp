// The bench's shared context: settings, the process watch, the temporary
// directory, the results, and the moves every scenario makes (start pmtr or
// the floor and stamp the launch, wait for N job execs, stop with SIGTERM
// and time it, clean up by pid).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "bench/config_gen.hpp"
#include "bench/launch.hpp"
#include "bench/process_watch.hpp"
#include "bench/results.hpp"

namespace pmtr::bench {

struct Settings {
  std::string build = "build";   // pmtr, pmtr-parser and bench/floor live here
  int reps = 5;
  bool quick = false;
  size_t n_small = 100;
  size_t n_large = 1000;
  size_t reload_samples = 2;     // changes and additions per 1000-job run
  size_t restart_samples = 20;
  size_t ignore_jobs = 20;
  int ignore_reps = 2;
  int idle_seconds = 30;
  size_t idle_jobs = 100;
  int storm_seconds = 60;
  int log_seconds = 10;          // 10 log throughput: one flat-out writer
  int log_reps = 3;              // of each logger's throughput (at most reps)
  size_t log_jobs = 100;         // 11 log CPU: writers of log_rate lines/s
  int log_rate = 100;
  int log_cpu_seconds = 10;
  size_t log_memory_jobs = 1000; // 12 log memory: jobs idle after one line
  size_t check_small = 10000;
  size_t check_large = 100000;
  rlim_t nofile = 1024;          // soft RLIMIT_NOFILE given to pmtr and the floor
  bool keep = false;             // keep the temporary directory (configs, logs)
  bool peers = false;            // also runit, s6 and supervisord (make bench-peers)
  std::vector<std::string> only; // scenario names; empty: all
  [[nodiscard]] bool wants(const std::string& scenario) const;
  void make_quick();
};

// A program under test, started by the bench.
struct Run {
  pid_t pid = -1;
  uint64_t t0 = 0;       // just before fork
  std::string log;
  bool reaped = false;
  int status = 0;
};

class Bench {
 public:
  explicit Bench(Settings s) : s_(std::move(s)) {}
  bool init(std::string* why);

  [[nodiscard]] const Settings& settings() const noexcept { return s_; }
  [[nodiscard]] ProcessWatch& watch() noexcept { return watch_; }
  [[nodiscard]] TempDir& tmp() noexcept { return tmp_; }
  [[nodiscard]] std::string pmtr_bin() const { return s_.build + "/pmtr"; }
  [[nodiscard]] std::string floor_bin() const { return s_.build + "/bench/floor"; }
  [[nodiscard]] std::string log_bin() const { return s_.build + "/pmtr-log"; }

  // The row for scenario/metric, created in first-use order (references
  // stay valid: rows live in a deque).
  Result& row(const std::string& scenario, const std::string& metric, Unit unit, Target target = {});
  // The row if it exists, else nullptr.
  [[nodiscard]] Result* find(const std::string& scenario, const std::string& metric);
  void note(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  [[nodiscard]] std::vector<Result> results() const { return {results_.begin(), results_.end()}; }
  [[nodiscard]] const std::vector<std::string>& notes() const noexcept { return notes_; }

  // Writes a config of these jobs to DIR/NAME/pmtr.conf (a directory of
  // its own, so a supervisor's directory watch sees only its config),
  // after `globals` (global statements, one a line).
  std::string write_config(const std::string& name, const std::vector<JobSpec>& jobs, const std::string& globals = "");

  Run start_pmtr(const std::string& config, const std::string& tag);
  // Any other program under test (a peer supervisor), launched and
  // followed like pmtr, with pmtr's RLIMIT_NOFILE.
  Run start_program(const std::vector<std::string>& argv, const std::string& tag);
  // The floor program: mode fork, vfork or spawn; setsid: each copy its
  // own session (as pmtr's jobs); respawn: restart copies that exit.
  Run start_floor(const std::string& mode, size_t n, bool setsid, bool respawn, const std::vector<std::string>& argv,
                  const std::string& tag);
  // Until the tree has n job execs; false on timeout.
  bool wait_jobs(size_t n, uint64_t timeout_ns);
  // SIGTERM to the root, then until it has exited: ns from the signal to
  // the root's exit (0 on timeout).  *left: processes of the tree still
  // alive once it exited.
  uint64_t stop(Run& run, uint64_t timeout_ns, size_t* left);
  // Whatever is left of the run, killed by pid and reaped.
  void finish(Run& run);
  // Lines of the run's log that report trouble, noted once per run.
  void check_log(const Run& run, const std::string& what);

 private:
  Settings s_;
  ProcessWatch watch_;
  TempDir tmp_;
  std::deque<Result> results_;
  std::vector<std::string> notes_;
  int runs_ = 0;
};

// Scenarios (bench/scenario_*.cpp).
void scenario_start(Bench& b);      // 1 cold start, 3 reload, 5 memory, 6 shutdown (TERM-obeying)
void scenario_restart(Bench& b);    // 2 restart latency
void scenario_idle(Bench& b);       // 4 idle
void scenario_ignore(Bench& b);     // 6 shutdown of jobs that ignore SIGTERM
void scenario_storm(Bench& b);      // 7 restart storm
void scenario_check(Bench& b);      // 8 pmtr -t
void scenario_peers(Bench& b);      // 1-7 on runit, s6 and supervisord (bench-peers)
void scenario_control(Bench& b);    // 9 control socket: pmtrctl status and restart, 200 clients
void scenario_log_throughput(Bench& b);  // 10 log capture: one flat-out writer, pmtr-log, s6-log, svlogd
void scenario_log_cpu(Bench& b);         // 11 log capture: 100 writers of 100 lines/s
void scenario_log_memory(Bench& b);      // 12 log capture: 1000 idle captured jobs

// Helpers for the scenarios.
[[nodiscard]] inline double to_ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }
[[nodiscard]] inline uint64_t ms(uint64_t v) { return v * 1000000u; }
[[nodiscard]] inline uint64_t secs(uint64_t v) { return v * 1000000000u; }
// The pmtr-parser child of a running pmtr, or -1.
[[nodiscard]] pid_t parser_of(pid_t pmtr);
// The pmtr-log child of a running pmtr (its exe, or its comm "pmtr: log"),
// or -1.
[[nodiscard]] pid_t log_helper_of(pid_t pmtr);

}  // namespace pmtr::bench
