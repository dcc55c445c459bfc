// The monitor's side of log capture (SPEC §2.3): each captured job's pipe,
// created at its first start and kept, both ends, across every restart of
// the job and of pmtr-log, and closed only once the job is gone and the
// pipe drained; and pmtr-log itself, started, handed the pipes, restarted
// with backoff, all the way the parser is.  Nothing here reads a byte a
// job wrote: pmtr-log alone does.
//
// pmtr-log gets its fds at fixed numbers (logger/log_session.hpp): the
// channel, the log directory (or pmtr's stderr), the journal memfd and
// both ends of the counter pipe, all four made here once and kept for as
// long as pmtr runs, so that a new pmtr-log finds what the last one left
// (logger/journal.hpp).  The pipes follow on the channel (SCM_RIGHTS).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"
#include "monitor/clock.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/helper_stderr.hpp"
#include "monitor/parser_link.hpp"

namespace pmtr {

inline constexpr Duration kLogBackoffMin = 100ms;
inline constexpr Duration kLogBackoffMax = 60s;
// A pmtr-log that wrote a batch, or lived this long, did not die of what
// it was given: the next one starts after kLogBackoffMin again.
inline constexpr Duration kLogStableAfter = 10s;
// At shutdown, how long pmtr-log may take to write what the pipes hold.
inline constexpr Duration kLogFinishGrace = 5s;

// A job's standard streams that go to its pipe (fd -1: none).
struct CaptureFds {
  int fd = -1;
  bool out = false;
  bool err = false;
};

class LogKeeper {
 public:
  explicit LogKeeper(EventLoop& loop) noexcept : loop_(loop) {}
  // The journal and the counter pipe; the helpers' user.
  [[nodiscard]] Status init(const ParserIdentity& helper);

  // Each configuration's settings, before its jobs start.  New settings
  // restart pmtr-log, which loses nothing.
  void configure(const LogConfig& cfg);
  // After the configuration is applied.  `still_captured(name)`: the job
  // is still in the configuration and its next start is captured; the
  // pipes of jobs that are not are let go (drained by pmtr-log, then
  // closed).
  void let_go_unless(const std::function<bool(const std::string&)>& still_captured);
  // Whether the job's next start is captured under the current settings.
  [[nodiscard]] bool captures(const JobDesc& job) const noexcept;
  // The job's pipe, for the job about to start (created at its first start).
  [[nodiscard]] CaptureFds capture(const JobDesc& job, TimePoint now);

  // True when `pid` was pmtr-log's (then handled: restart scheduled).
  bool on_exit(pid_t pid, int wait_status, TimePoint now);
  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const noexcept;
  // pmtrctl rotate: the named jobs' logs (none named: every job's); while
  // pmtr-log is down, the next one does it first.  The names without a
  // pipe are returned.
  std::vector<std::string> rotate(const std::vector<std::string>& names);
  [[nodiscard]] const LogConfig& config() const noexcept { return cfg_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  // Shutdown, once every job is down: the write ends are closed and
  // pmtr-log drains the pipes and exits (a dead one is started for it).
  void finish(TimePoint now);
  [[nodiscard]] bool finished() const noexcept { return finished_; }
  // Last resort at exit.
  void kill_now() noexcept;

 private:
  struct Pipe {
    uint32_t slot = 0;
    std::string name;
    unique_fd read;
    unique_fd write;   // closed when the job is let go
  };

  void spawn(TimePoint now);
  [[nodiscard]] Status send_attach(const Pipe& p, bool detached);
  void send_or_fail(const std::vector<std::byte>& record, int fd = -1);
  void on_readable();
  void failed(const std::string& why);
  void let_go(Pipe&& p);
  [[nodiscard]] uint32_t take_slot();

  EventLoop& loop_;
  ParserIdentity helper_;
  LogConfig cfg_;
  bool configured_ = false;
  unique_fd journal_;
  unique_fd counter_read_;
  unique_fd counter_write_;
  std::unordered_map<std::string, Pipe> pipes_;    // by job name
  std::unordered_map<uint32_t, Pipe> draining_;    // let go, by slot
  std::vector<uint32_t> free_slots_;
  std::vector<uint32_t> pending_rotations_;   // asked for while pmtr-log was down
  uint32_t next_slot_ = 0;

  unique_fd sock_;
  pid_t pid_ = -1;
  HelperStderr stderr_{loop_};
  std::string last_program_warning_;
  TimePoint started_at_{};
  bool wrote_ = false;
  bool restart_now_ = false;
  TimePoint restart_at_ = kNever;
  Duration backoff_ = kLogBackoffMin;
  bool finishing_ = false;
  pid_t drain_pid_ = -1;   // the pmtr-log told to drain at shutdown
  bool finished_ = false;
  TimePoint finish_by_ = kNever;
};

}  // namespace pmtr
