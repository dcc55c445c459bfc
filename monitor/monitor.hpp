// The privileged process (SPEC §4): one event loop over signals, the timer,
// inotify and the parser channel; applies validated transactions to the job
// table through the Supervisor.  It never parses config text.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/unique_fd.hpp"
#include "monitor/clock.hpp"
#include "monitor/cgroup_tree.hpp"
#include "monitor/config_watch.hpp"
#include "monitor/control_access.hpp"
#include "monitor/control_server.hpp"
#include "monitor/control_socket.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/file_hash.hpp"
#include "monitor/job_launcher.hpp"
#include "monitor/line_forwarder.hpp"
#include "monitor/log_keeper.hpp"
#include "monitor/net_keeper.hpp"
#include "monitor/parser_link.hpp"
#include "monitor/supervisor.hpp"
#include "monitor/transaction.hpp"

namespace pmtr {

struct MonitorOptions {
  std::string config_path;   // absolute
  int verbosity = 0;
  bool foreground = false;   // the parser keeps our stderr (else /dev/null)
};

// Called once the first configuration has been applied (jobs began), or
// with ok=false when it could not be; daemon mode releases its parent here.
using StartupNotifier = void (*)(bool ok, void* arg);

inline constexpr Duration kParseTimeout = 10s;       // a parse taking longer is a hang
// As process 1: SIGTERM to every other process at shutdown, SIGKILL this
// long after (the default stop timeout of a job).
inline constexpr Duration kOrphanGrace = 10s;
inline constexpr Duration kParserBackoffMin = 100ms;
inline constexpr Duration kParserBackoffMax = 60s;
// The delay before the next parser after one more failure in a row.
constexpr Duration next_parser_backoff(Duration d) noexcept { return std::min<Duration>(d * 2, kParserBackoffMax); }
// Records read from the parser per turn of the event loop: at most 1 MiB,
// a few milliseconds of decoding.
inline constexpr int kParserRecordsPerTurn = 16;

class Monitor {
 public:
  Monitor() : supervisor_(loop_, launcher_), control_(loop_, supervisor_, access_) {}
  // Returns the process exit status.
  int run(const MonitorOptions& opts, StartupNotifier notify, void* notify_arg);

 private:
  void on_signal();
  void on_inotify();
  void on_parser_readable();
  void on_parser_stderr();
  void forward_parser_stderr();
  void on_timer();
  void reap_children();
  void request_parse();
  void start_parser();
  void parser_failed(const std::string& why);
  void parse_settled();
  void rearm_timer();
  void sync_depends_watches();
  void startup_done(bool ok);
  // Opens (or moves, or closes) the control socket a new configuration
  // asks for.  False when it cannot be had at startup: pmtr then refuses
  // to start (another pmtr holds it).
  bool configure_control(const ControlConfig& c);
  void exit_if_shutdown_complete();
  void setup_cgroups();
  // Whether the job's next start (its pending definition, else its own)
  // is captured: pipes of jobs that no longer are are let go.
  bool still_captured(const std::string& name);
  // pmtr-net's side: the jobs' status, and a `listen on` request.
  std::vector<NetJob> net_status();
  void net_operate(const std::string& name, bool enable);
  void raise_open_files();

  MonitorOptions opts_;
  EventLoop loop_;
  DeadlineTimer timer_;
  unique_fd signal_fd_;
  ConfigWatch watch_;
  CgroupTree cgroups_;
  ProcessLauncher launcher_{cgroups_};
  Supervisor supervisor_;
  ControlAccess access_;
  ControlSocket control_socket_;
  ControlServer control_;
  DependsHasher depends_hasher_;
  ParserLink parser_;
  LineForwarder parser_stderr_;   // foreground only
  LogKeeper log_keeper_{loop_};
  NetKeeper net_keeper_{loop_};
  uint64_t net_changes_seen_ = 0;
  ParserIdentity parser_id_;
  TransactionAssembler assembler_{[this](std::string_view n) { return supervisor_.table().is_defined(n); }, 0};

  uint32_t generation_ = 0;
  bool parse_outstanding_ = false;
  bool reparse_pending_ = false;
  TimePoint parse_deadline_ = kNever;
  TimePoint parser_restart_at_ = kNever;
  Duration parser_backoff_ = kParserBackoffMin;
  bool started_ = false;          // first configuration applied
  // As process 1 every process in the namespace is ours: at shutdown the
  // orphans get SIGTERM, then SIGKILL after the grace period, and pmtr
  // exits only when it has no child left.
  bool pid1_ = false;
  bool children_left_ = true;
  TimePoint orphan_kill_at_ = kNever;
  bool exit_now_ = false;
  int exit_status_ = 0;
  StartupNotifier notify_ = nullptr;
  void* notify_arg_ = nullptr;
};

}  // namespace pmtr
