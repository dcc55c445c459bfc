#include "monitor/monitor.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "common/diagnostic.hpp"
#include "common/log.hpp"
#include "monitor/config_file.hpp"
#include "monitor/daemon.hpp"
#include "monitor/file_hash.hpp"
#include "monitor/restart_policy.hpp"
#include "spawner/exec_plan.hpp"

namespace pmtr {
namespace {

sigset_t monitor_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&set, sig);
  return set;
}

}  // namespace

int Monitor::run(const MonitorOptions& opts, StartupNotifier notify, void* notify_arg) {
  opts_ = opts;
  pid1_ = getpid() == 1;
  notify_ = notify;
  notify_arg_ = notify_arg;

  // Signals arrive through a signalfd in the loop; blocked, they are never
  // handled asynchronously (and as pid 1 they are still queued: a blocked
  // signal is not discarded for init).  The spawner unblocks them in jobs.
  const sigset_t sigs = monitor_signals();
  sigprocmask(SIG_BLOCK, &sigs, nullptr);
  signal_fd_.reset(signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd_) fatal("signalfd");
  // Orphaned grandchildren of jobs come to us to be reaped (pid 1 gets them anyway).
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) log_warn("PR_SET_CHILD_SUBREAPER");

  if (auto s = loop_.init(); !s) fatalx("%s", s.error().message().c_str());
  if (auto s = timer_.init(); !s) fatalx("%s", s.error().message().c_str());
  if (auto s = watch_.init(opts_.config_path); !s) fatalx("%s", s.error().message().c_str());
  auto id = resolve_parser_identity();
  if (!id) fatalx("%s", id.error().message().c_str());
  parser_id_ = *id;
  if (!parser_id_.warning.empty()) log_warnx("%s", parser_id_.warning.c_str());
  // Without a parser to trust there is nothing to retry: say so and stop.
  if (auto program = open_parser_program(); !program) fatalx("%s", program.error().message().c_str());
  if (auto s = log_keeper_.init(parser_id_); !s) fatalx("%s", s.error().message().c_str());
  launcher_.capture = [this](const JobDesc& job) { return log_keeper_.capture(job, Clock::now()); };
  if (auto s = net_keeper_.init(parser_id_); !s) fatalx("%s", s.error().message().c_str());
  net_keeper_.status = [this] { return net_status(); };
  net_keeper_.operate = [this](const std::string& name, bool enable) { net_operate(name, enable); };
  raise_open_files();
  supervisor_.hash_file = [this](const std::string& path) { return depends_hasher_.hash(path); };
  // Before the parser starts: it is created in `supervisor` with pmtr.
  setup_cgroups();
  if (auto s = launcher_.init(); !s) fatalx("%s", s.error().message().c_str());
  if (auto s = supervisor_.init(); !s) fatalx("%s", s.error().message().c_str());

  (void)loop_.add(signal_fd_.get(), [this](uint32_t) { on_signal(); });
  (void)loop_.add(timer_.fd(), [this](uint32_t) { on_timer(); });
  (void)loop_.add(watch_.fd(), [this](uint32_t) { on_inotify(); });

  control_.config_path = opts_.config_path;
  control_.start_reload = [this] {
    // The parse that answers it: the next one sent (a parse in flight
    // may have read the file before the change the client wants seen).
    const uint32_t wanted = generation_ + 1;
    request_parse();
    return wanted;
  };
  control_.log_captured = [this](const std::string& name) { return still_captured(name); };
  control_.log_place = [this](const std::string& name) {
    const LogConfig& cfg = log_keeper_.config();
    CtlLogPlace p;
    p.captured = still_captured(name);
    p.target = cfg.target == CaptureTarget::Stderr ? LogPlaceTarget::Stderr : LogPlaceTarget::Dir;
    if (p.target == LogPlaceTarget::Dir) p.dir = cfg.dir;
    return p;
  };
  control_.rotate_logs = [this](const std::vector<std::string>& names) { (void)log_keeper_.rotate(names); };
  start_parser();
  request_parse();
  while (!exit_now_) {
    rearm_timer();
    if (auto s = loop_.run_once(-1); !s) fatalx("%s", s.error().message().c_str());
    control_.check_waits();
  }
  control_.stop();
  // The helpers too are in our cgroup: they must be gone before that goes.
  if (parser_.pid() > 0) parser_.kill_now();
  log_keeper_.kill_now();
  net_keeper_.kill_now();
  if (cgroups_.active()) {
    // A job's cgroup is empty as soon as its last process exits, before
    // that process is reaped: reap what is left, or it becomes a zombie
    // of whoever started pmtr.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (;;) {
      const pid_t r = ::waitpid(-1, nullptr, WNOHANG);
      if (r > 0) continue;
      if (r < 0 || std::chrono::steady_clock::now() >= deadline) break;
      ::poll(nullptr, 0, 5);
    }
    if (!launcher_.release_all()) log_warnx("cgroups of jobs are still in use under %s", cgroups_.base_path().c_str());
    cgroups_.teardown(1000);
  }
  return exit_status_;
}

std::vector<NetJob> Monitor::net_status() {
  std::vector<NetJob> out;
  supervisor_.table().for_each([&](const Job& j) {
    if (j.state == JobState::Absent || j.state == JobState::StoppingRemove) return;
    NetJob n;
    n.name = j.name;
    n.reported = !j.once && j.policy.restart != RestartMode::Never;
    n.enabled = !(j.state == JobState::Disabled || j.state == JobState::StoppingDisable ||
                  j.state == JobState::Stopped || j.state == JobState::StoppingHold);
    if (j.pid > 0) {
      n.pid = j.pid;
      n.started_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(j.started.time_since_epoch()).count());
    }
    if (Result<JobDesc> d = j.descriptor(); d && !d->argv.empty()) n.argv0 = d->argv.front();
    out.push_back(std::move(n));
  });
  return out;
}

// A `listen on` request: what pmtrctl start / stop would do, for any job
// in the configuration (the datagram's sender is not a local user; a key,
// when set, is what authorises it).
void Monitor::net_operate(const std::string& name, bool enable) {
  const Job* job = supervisor_.table().find(name);
  if (job == nullptr || !supervisor_.table().is_defined(name)) {
    log_warnx("udp: %s %s: no such job", enable ? "enable" : "disable", name.c_str());
    return;
  }
  if (supervisor_.shutting_down()) return;
  if (enable && (job->state == JobState::Disabled || job->state == JobState::StoppingDisable)) {
    log_warnx("udp: enable %s: refused, the configuration disables it", name.c_str());
    return;
  }
  log_info("udp: %s of job %s", enable ? "start" : "stop", name.c_str());
  (void)supervisor_.operate(name, enable ? JobEvent::OperatorStart : JobEvent::OperatorStop, Clock::now());
}

bool Monitor::still_captured(const std::string& name) {
  JobTable& table = supervisor_.table();
  const Job* job = table.find(name);
  if (job == nullptr || !table.is_defined(name)) return false;
  if (job->pending) return log_keeper_.captures(*job->pending);
  Result<JobDesc> desc = job->descriptor();
  return desc && log_keeper_.captures(*desc);
}

// Two fds per captured job stay open here for as long as the job is in the
// configuration: the soft limit pmtr was started with (often 1024) would
// cap captured jobs at a few hundred.  Jobs get the old soft limit back
// (spawner/exec_plan.hpp).
void Monitor::raise_open_files() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == r.rlim_max) return;
  const rlim_t soft = r.rlim_cur;
  r.rlim_cur = r.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &r) == 0) set_job_nofile_soft(soft);
}

void Monitor::setup_cgroups() {
  CgroupProbe probe;
  if (const pid_t origin = daemon_origin_pid(); origin > 0) probe.own_pids.push_back(origin);
  if (Status s = cgroups_.setup(probe); !s) {
    log_info("jobs are confined by process group only: %s", s.error().message().c_str());
    return;
  }
  log_info("jobs run in cgroups under %s", cgroups_.base_path().c_str());
}

void Monitor::start_parser() {
  parser_restart_at_ = kNever;
  if (auto s = parser_.spawn(parser_id_, ParseMode::Run, opts_.config_path,
                             supervisor_.table().definitions(), opts_.foreground);
      !s) {
    parser_failed("cannot start it: " + s.error().message());
    return;
  }
  (void)loop_.add(parser_.fd(), [this](uint32_t) { on_parser_readable(); });
  forward_parser_stderr();
  log_debug("started parser [%d]", static_cast<int>(parser_.pid()));
}

void Monitor::forward_parser_stderr() {
  unique_fd fd = parser_.take_stderr();
  if (!fd) return;
  if (parser_stderr_.open()) {   // what the last parser left, then its pipe goes
    on_parser_stderr();
    if (parser_stderr_.open()) loop_.remove(parser_stderr_.fd());
  }
  parser_stderr_.reset(std::move(fd), "parser [" + std::to_string(parser_.pid()) + "] stderr");
  (void)loop_.add(parser_stderr_.fd(), [this](uint32_t) { on_parser_stderr(); });
}

void Monitor::on_parser_stderr() {
  const bool more = parser_stderr_.pump([this](const std::string& line) {
    log_warnx("%s: %s", parser_stderr_.tag().c_str(), line.c_str());
  });
  if (more) return;
  loop_.remove(parser_stderr_.fd());
  parser_stderr_.reset(unique_fd(), {});
}

void Monitor::request_parse() {
  if (supervisor_.shutting_down()) return;
  if (!parser_.alive() || parse_outstanding_) {
    reparse_pending_ = true;   // coalesces a burst of edits into one parse
    return;
  }
  reparse_pending_ = false;
  auto cfg = open_config(opts_.config_path, OwnershipRule::Enforce);
  if (!cfg) {
    log_warnx("%s%s", escape_for_log(cfg.error().message()).c_str(), started_ ? "; configuration unchanged" : "");
    control_.parse_refused(cfg.error().message());
    startup_done(false);
    return;
  }
  ++generation_;
  const size_t jobs = supervisor_.table().defined_count();
  assembler_.expect(generation_, jobs, transaction_byte_cap(cfg->size, jobs));
  if (auto s = parser_.request_parse(generation_, cfg->fd.get()); !s) {
    parser_failed("cannot send it a parse request: " + s.error().message());
    return;
  }
  parse_outstanding_ = true;
  parse_deadline_ = Clock::now() + kParseTimeout;
}

void Monitor::on_parser_readable() {
  // A bounded slice per turn: a parser that keeps its socket full must not
  // keep signals and timers waiting (epoll is level-triggered: the rest is
  // read on the next turns).  The deadline is checked here too, since the
  // timer's turn may not come while records keep arriving.
  for (int i = 0; i < kParserRecordsPerTurn; ++i) {
    if (parse_outstanding_ && Clock::now() >= parse_deadline_) {
      parser_failed("no answer within 10 s");
      return;
    }
    RecvResult r = parser_.receive();
    switch (r.status) {
      case RecvStatus::WouldBlock:
        return;
      case RecvStatus::Closed:
        parser_failed("it closed the channel");
        return;
      case RecvStatus::Bad:
        parser_failed("malformed message: " + r.why);
        return;
      case RecvStatus::Message:
        break;
    }
    switch (assembler_.feed(std::move(r.received->message), r.bytes)) {
      case TransactionAssembler::Outcome::Continue:
        break;
      case TransactionAssembler::Outcome::Diagnostic: {
        const MsgDiag& d = assembler_.last_diag();
        log_warnx("%s", format_diagnostic(opts_.config_path, d.severity, d.line, d.col, d.text).c_str());
        control_.parse_diag(generation_, d);
        break;
      }
      case TransactionAssembler::Outcome::Complete: {
        parse_outstanding_ = false;
        parser_backoff_ = kParserBackoffMin;
        Transaction txn = assembler_.take();
        if (!configure_control(txn.globals.control)) {
          control_.parse_done(generation_, false);
          startup_done(false);
          parse_settled();
          break;
        }
        const ControlConfig control = txn.globals.control;
        log_debug("applying configuration: %zu kept, %zu added, %zu changed, %zu removed",
                  txn.kept.size(), txn.added.size(), txn.changed.size(), txn.removed.size());
        depends_hasher_.begin_batch();
        log_keeper_.configure(txn.globals.log);
        net_keeper_.configure(txn.globals, Clock::now());
        supervisor_.apply(std::move(txn), Clock::now());
        log_keeper_.let_go_unless([this](const std::string& name) { return still_captured(name); });
        std::vector<std::string> operators;
        supervisor_.table().for_each([&](const Job& j) { operators.insert(operators.end(), j.operators.begin(), j.operators.end()); });
        std::sort(operators.begin(), operators.end());
        operators.erase(std::unique(operators.begin(), operators.end()), operators.end());
        access_.configure(control, operators);
        depends_hasher_.end_batch();
        sync_depends_watches();
        control_.parse_done(generation_, true);
        startup_done(true);
        parse_settled();
        break;
      }
      case TransactionAssembler::Outcome::Failed: {
        parse_outstanding_ = false;
        parser_backoff_ = kParserBackoffMin;
        log_warnx("%s: %s%s", opts_.config_path.c_str(), parse_failed_summary(assembler_.failure().errors).c_str(),
                  started_ ? "; configuration unchanged" : "");
        control_.parse_done(generation_, false);
        startup_done(false);
        parse_settled();
        break;
      }
      case TransactionAssembler::Outcome::Violation:
        parser_failed("protocol violation: " + assembler_.why());
        return;
    }
    if (!parser_.alive()) return;
  }
}

void Monitor::parse_settled() {
  parse_deadline_ = kNever;
  if (reparse_pending_) request_parse();
}

void Monitor::parser_failed(const std::string& why) {
  // Never touches a running job: only the parser and its half-sent
  // transaction are discarded.
  // `why` may quote what the parser sent (a job name): escaped.
  log_crit("parser [%d]: %s; killing it, new parser in %lld ms", static_cast<int>(parser_.pid()),
           escape_for_log(why).c_str(),
           static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(parser_backoff_).count()));
  if (parser_.alive()) loop_.remove(parser_.fd());
  parser_.kill_now();
  assembler_.reset();
  parse_outstanding_ = false;
  parse_deadline_ = kNever;
  // The new parser re-reads the config: a change may have died with this one.
  reparse_pending_ = true;
  parser_restart_at_ = Clock::now() + parser_backoff_;
  parser_backoff_ = next_parser_backoff(parser_backoff_);
}

void Monitor::on_signal() {
  signalfd_siginfo si;
  while (::read(signal_fd_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
    switch (si.ssi_signo) {
      case SIGCHLD:
        break;   // reaped below, whatever woke us
      case SIGHUP:
        log_info("rescanning job configuration");
        request_parse();
        break;
      case SIGTERM:
      case SIGINT:
        if (!supervisor_.shutting_down()) {
          log_info("shutting down on signal %u", si.ssi_signo);
          supervisor_.begin_shutdown(Clock::now());
          if (pid1_) {
            kill(-1, SIGTERM);   // every process but us: orphans included
            orphan_kill_at_ = Clock::now() + kOrphanGrace;
          }
          if (parser_.alive()) loop_.remove(parser_.fd());
          parser_.close();
          parser_restart_at_ = kNever;
          exit_if_shutdown_complete();
        }
        break;
      default:
        break;
    }
  }
  reap_children();
}

void Monitor::reap_children() {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0 || (pid < 0 && errno == EINTR)) {
    if (pid < 0) continue;
    const TimePoint now = Clock::now();
    if (supervisor_.on_child_exit(pid, status, now)) continue;
    if (log_keeper_.on_exit(pid, status, now)) continue;
    if (net_keeper_.on_exit(pid, status, now)) continue;
    if (pid == parser_.pid()) {
      if (parser_.alive()) {
        char how[96];
        describe_wait_status(status, how, sizeof how);
        const std::string before_exec = parser_.start_failure();
        parser_failed(std::string("exited: ") + how + (before_exec.empty() ? "" : " (could not start: " + before_exec + ")"));
      }
      continue;
    }
    log_debug("reaped orphan [%d]", static_cast<int>(pid));
  }
  children_left_ = !(pid < 0 && errno == ECHILD);
  exit_if_shutdown_complete();
}

void Monitor::exit_if_shutdown_complete() {
  if (exit_now_ || !supervisor_.shutting_down() || !supervisor_.shutdown_complete()) return;
  // Every job is down: what their pipes hold is written before pmtr goes.
  log_keeper_.finish(Clock::now());
  if (!log_keeper_.finished()) return;
  net_keeper_.stop();
  if (pid1_ && children_left_) return;
  log_info("all jobs stopped, exiting");
  exit_now_ = true;
}

void Monitor::on_inotify() {
  ConfigWatch::Changes changes = watch_.read_events();
  const TimePoint now = Clock::now();
  depends_hasher_.begin_batch();
  for (const auto& path : changes.depends)
    supervisor_.restart_dependents(path, depends_hasher_.hash(path), now);
  depends_hasher_.end_batch();
  if (changes.config) {
    log_info("rescanning job configuration");
    request_parse();
  }
}

void Monitor::on_timer() {
  timer_.drain();
  const TimePoint now = Clock::now();
  if (!supervisor_.shutting_down() && parser_restart_at_ <= now) {
    start_parser();
    if (parser_.alive()) request_parse();
  }
  if (parse_outstanding_ && parse_deadline_ <= now) parser_failed("no answer within 10 s");
  // Only when one of its own deadlines is due: the control socket's timers
  // (a client's deadline, the end of a budget window) must not cost a walk
  // of the whole job table.
  if (supervisor_.next_deadline() <= now) supervisor_.on_timer(now);
  control_.on_timer(now);
  log_keeper_.on_timer(now);
  net_keeper_.on_timer(now);
  if (orphan_kill_at_ <= now) {
    kill(-1, SIGKILL);
    orphan_kill_at_ = kNever;
  }
  exit_if_shutdown_complete();
}

bool Monitor::configure_control(const ControlConfig& c) {
  const std::string path = control_socket_path(c);
  if (path == control_socket_.path()) return true;
  if (path.empty()) {
    control_.stop();
    control_socket_.close();
    if (c.enabled)
      log_warnx("no control socket: set XDG_RUNTIME_DIR or PMTR_CONTROL_SOCKET, or 'control socket PATH'");
    return true;
  }
  ControlSocket next;
  if (auto s = next.open(path); !s) {
    log_warnx("control socket: %s%s", s.error().message().c_str(), started_ ? "; keeping the current one" : "");
    return started_;
  }
  control_.stop();
  control_socket_ = std::move(next);
  control_.serve(control_socket_.fd());
  log_debug("control socket %s", path.c_str());
  return true;
}

void Monitor::rearm_timer() {
  if (supervisor_.changes() != net_changes_seen_) {
    net_changes_seen_ = supervisor_.changes();
    net_keeper_.jobs_changed(Clock::now());
  }
  TimePoint next = supervisor_.next_deadline();
  next = std::min(next, control_.next_deadline());
  if (parse_outstanding_) next = std::min(next, parse_deadline_);
  if (!supervisor_.shutting_down()) next = std::min(next, parser_restart_at_);
  next = std::min(next, orphan_kill_at_);
  next = std::min(next, log_keeper_.next_deadline());
  next = std::min(next, net_keeper_.next_deadline());
  timer_.arm(next);
}

void Monitor::sync_depends_watches() {
  const std::vector<std::string> paths = supervisor_.depends_paths();
  watch_.watch_depends(paths);
  depends_hasher_.retain(paths);
}

void Monitor::startup_done(bool ok) {
  if (started_) return;
  started_ = true;
  if (notify_) notify_(ok, notify_arg_);
  if (!ok) {
    log_warnx("no valid configuration at startup, exiting");
    exit_now_ = true;
    exit_status_ = 1;
  }
}

}  // namespace pmtr
