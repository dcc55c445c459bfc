// Helpers shared by the spawner tests: a temporary directory, a reaper
// that owns every child a test starts, and /proc readers.  Groups keep
// these as members (not locals in the test body) so that a failing CHECK
// still cleans up in the group's destructor.
#pragma once

#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "spawner/spawn.hpp"
#include "tests/support/e2e_harness.hpp"

namespace pmtr::spawntest {

inline constexpr int kDeadlineMs = 10000;

// A temporary directory, removed with everything in it on destruction.
using TempDir = pmtr::test::TempDir;

// Every pid a test starts.  reap() waits with a deadline (a pidfd polled,
// not a sleep); whatever is left at destruction is SIGKILLed by pid and
// reaped.
class Children {
 public:
  Children() = default;
  ~Children();
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  void add(pid_t pid) { pids_.insert(pid); }
  // The wait status, or -1 if the child did not exit in time (it is then
  // killed and reaped).
  int reap(pid_t pid, int timeout_ms = kDeadlineMs);

 private:
  std::set<pid_t> pids_;
};

// A job with just a command and a dir.
JobDesc make_job(std::vector<std::string> argv, std::string dir = "/");

// Polls the error pipe until it has something to say or the deadline
// passes (Pending then).
SpawnReport wait_report(int error_pipe, int timeout_ms = kDeadlineMs);

// Spawns a job that must fail in the child (checked: report Failed, exit
// status 127) and returns its report; the child is owned by `children`.
SpawnFailure expect_spawn_failure(Children& children, const JobDesc& job);

// Spawns a job that must reach exec (checked; a failure names its step and
// errno) and returns its pid; the child is owned by `children`.
pid_t expect_spawn_exec(Children& children, const JobDesc& job);

// True once `pid` sleeps in read(0, ...), i.e. its startup is over.
bool wait_blocked_reading_stdin(pid_t pid, int timeout_ms = kDeadlineMs);

// "Umask" -> "0022": the value of one line of /proc/PID/status, tabs
// between fields turned into single spaces, empty when absent.
std::string status_field(pid_t pid, const std::string& key);
// The line of /proc/PID/limits starting with `name`, spaces squeezed.
std::string limits_line(pid_t pid, const std::string& name);
std::set<int> open_fds(pid_t pid);
std::set<int> open_fds_self();

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

// Runs a program (absolute path) and returns its exit status, -1 when it
// did not exit normally.
int run_program(const std::vector<std::string>& argv);

// A fresh random suffix: 8 hex digits.
std::string random_suffix();

}  // namespace pmtr::spawntest
