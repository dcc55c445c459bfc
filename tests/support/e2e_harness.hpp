// End-to-end harness: runs the real pmtr binary, reads its log, and finds
// processes through /proc, always with deadlines (no sleeps).  Everything a
// test starts is ended by pid, walking /proc from the pid it launched.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pmtr::test {

using namespace std::chrono_literals;

// Polls pred every few ms until it holds or the timeout passes.
bool poll_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }
  [[nodiscard]] std::string operator/(const std::string& name) const { return file(name); }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
// Writes atomically (temp file + rename), mode 0644: what an editor does.
void write_file(const std::string& path, const std::string& text, mode_t mode = 0644);
// Writes in place (truncate + write), like `cat > file`.
void write_in_place(const std::string& path, const std::string& text);

bool process_alive(pid_t pid);          // exists and is not a zombie
bool process_exists(pid_t pid);         // has a /proc entry, zombie or not (false once reaped)
std::vector<pid_t> descendants(pid_t pid);   // every process below pid
std::string proc_status_field(pid_t pid, const std::string& field);   // "Uid", "CapEff", ...
pid_t parent_of(pid_t pid);
// Runs a command, returns exit status (or -1) and captures stdout+stderr.
int run_command(const std::vector<std::string>& argv, std::string* output);
// The NUL-separated entries of /proc/PID/environ.
std::vector<std::string> proc_environ(pid_t pid);
// Open fd numbers of a process, sorted (from /proc/PID/fd).
std::vector<int> proc_fds(pid_t pid);
// /proc/PID/cmdline with the NULs between arguments shown as spaces.
std::string proc_cmdline(pid_t pid);
// The first live process below root whose proc_cmdline is exactly `cmdline`, or -1.
pid_t find_descendant(pid_t root, const std::string& cmdline);

class Pmtr {
 public:
  // Starts `pmtr -F -v -c CONFIG EXTRA...` with stderr/stdout to a log file.
  Pmtr(const std::string& config, const std::vector<std::string>& extra = {});
  // The same, with NAME=VALUE entries added to (or replacing in) the
  // environment pmtr inherits from the test.
  Pmtr(const std::string& config, const std::vector<std::string>& extra,
       const std::vector<std::string>& env_add);
  // The same, running `binary` instead of the build's pmtr (a copy of it
  // beside a substitute parser, tests/support/substitute_parser.hpp).
  Pmtr(const std::string& binary, const std::string& config, const std::vector<std::string>& extra,
       const std::vector<std::string>& env_add);
  ~Pmtr();   // kills whatever is left of its tree, by pid
  Pmtr(const Pmtr&) = delete;
  Pmtr& operator=(const Pmtr&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string log() const;
  // Waits for a log line containing needle (counting occurrences: waits
  // until there are at least `count`).
  bool wait_log(const std::string& needle, std::chrono::milliseconds timeout, int count = 1) const;
  [[nodiscard]] int count_log(const std::string& needle) const;
  // Pid of the newest "started job NAME [PID]" line, or -1.
  [[nodiscard]] pid_t job_pid(const std::string& name) const;
  // Waits until job NAME has a started line whose pid differs from `old`.
  pid_t wait_new_pid(const std::string& name, pid_t old, std::chrono::milliseconds timeout) const;
  // Waits for a running job and returns its pid (-1 on timeout).
  pid_t wait_job(const std::string& name, std::chrono::milliseconds timeout) const;
  // The pmtr-parser child, or -1.
  [[nodiscard]] pid_t parser_pid() const;
  // The pmtr-log child, or -1.
  [[nodiscard]] pid_t logger_pid() const;
  // The pmtr-net child, or -1.
  [[nodiscard]] pid_t net_pid() const;
  void signal(int sig) const;
  // SIGTERM and wait for exit; returns the wait status or -1 on timeout.
  int stop(std::chrono::milliseconds timeout = 15000ms);
  // Waits for pmtr to exit on its own (no signal); wait status or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  // Every "started job NAME [PID]" line in log order, as (name, pid).
  [[nodiscard]] std::vector<std::pair<std::string, pid_t>> started_jobs() const;
  [[nodiscard]] bool exited() const { return exited_; }
  // The control socket it listens on (unless the test chose another).
  [[nodiscard]] const std::string& control_socket() const { return control_path_; }

 private:
  void launch(const std::vector<std::string>& argv, const std::vector<std::string>* env_add_in);

  std::string log_path_;
  std::string control_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
};

// A config's job block: name, cmd, and any further lines as given (each
// indented and ending in a newline).
std::string job(const std::string& name, const std::string& cmd, const std::string& extra = "");

}  // namespace pmtr::test
