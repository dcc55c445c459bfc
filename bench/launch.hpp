// Starting and ending the programs under test.  Everything the bench starts
// is ended by pid: the root it forked, and the members of its tree that the
// process watch (or a /proc walk) saw; never by name.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pmtr::bench {

// A private directory BASE/pmtr-bench.XXXXXX (mode 0755, owned by whoever
// runs the bench), removed with its content at the end.  /tmp by default;
// the log scenarios want a disk (/var/tmp), since /tmp may be a tmpfs.
class TempDir {
 public:
  explicit TempDir(const std::string& base = "/tmp");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] bool ok() const noexcept { return !path_.empty(); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }
  void keep() noexcept { keep_ = true; }   // left in place for inspection

 private:
  std::string prefix_;   // what path_ must start with to be removed
  std::string path_;
  bool keep_ = false;
};

struct Launch {
  std::vector<std::string> argv;   // argv[0]: the path to execute
  std::string output;              // stdout and stderr go here (appended)
  int stdin_fd = -1;               // >= 0: stdin (else /dev/null)
  int stdout_fd = -1;              // >= 0: stdout (stderr still to output)
  rlim_t nofile_soft = 0;          // 0: inherit; else the soft RLIMIT_NOFILE of the program
};

// fork + exec in a process group of its own, stdin from /dev/null (or
// stdin_fd).  -1 on
// fork failure.  The caller stamps the time before calling.
[[nodiscard]] pid_t launch(const Launch& how);

// Waits up to timeout_ms for pid (our child) to end; true and its wait
// status when it did.
bool reap(pid_t pid, int timeout_ms, int* status);

// SIGKILL to every pid in `members` that is still alive and to every
// /proc descendant of root, then reaps root.  For cleanup after a failed or
// finished sample; pids only, never names.
void kill_tree(pid_t root, const std::vector<pid_t>& members);

// Runs argv to completion with output to `output`; returns its wall time
// in ns and its wait status, and (cpu_ns) the CPU time it and the children
// it reaped used.
uint64_t run_timed(const Launch& how, int* status, uint64_t* cpu_ns = nullptr);

// Raises our own soft RLIMIT_NOFILE to the hard limit.
void raise_nofile();
[[nodiscard]] rlim_t nofile_hard();

}  // namespace pmtr::bench
