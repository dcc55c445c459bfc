#include "control/pmtrctl.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/control_path.hpp"
#include "common/datagram_mac.hpp"
#include "common/listen_request.hpp"
#include "common/diagnostic.hpp"
#include "common/did_you_mean.hpp"
#include "common/limits.hpp"
#include "common/log_messages.hpp"
#include "control/args.hpp"
#include "control/client.hpp"
#include "control/log_follow.hpp"
#include "control/log_tail.hpp"
#include "control/metrics.hpp"
#include "control/outcome_text.hpp"
#include "control/report_listen.hpp"
#include "control/status_json.hpp"
#include "control/status_table.hpp"
#include "control/text.hpp"
#include "control/udp_send.hpp"

namespace pmtr::ctl {
namespace {

// How long each step may take.  The monitor answers everything at once
// except `reload` (it waits for its parser, which it kills after 10 s)
// and `wait` (which answers when the jobs get there, or at --timeout).
constexpr int kStepMs = 5000;
constexpr int kReloadMs = 15000;

Timeouts timeouts_for(const Command& c) {
  Timeouts t{kStepMs, kStepMs, kStepMs};
  if (c.verb == Verb::Reload) t.first_reply_ms = kReloadMs;
  if (c.verb == Verb::Wait) {
    const uint64_t limit = c.timeout_ms == 0 ? 0 : uint64_t{c.timeout_ms} + kStepMs;
    t.first_reply_ms = limit == 0 || limit > INT_MAX ? -1 : static_cast<int>(limit);
  }
  return t;
}

class Output {
 public:
  explicit Output(const Io& io) : io_(io) {}
  int error(const std::string& text, Exit code) const {
    (void)write_all(io_.err, "pmtrctl: " + text + "\n");
    return static_cast<int>(code);
  }
  // Everything a command prints on stdout goes through here, once.
  [[nodiscard]] bool out(std::string_view text) const {
    if (const int e = write_all(io_.out, text); e != 0) {
      (void)error(std::string("write error: ") + std::strerror(e), Exit::Failed);
      return false;
    }
    return true;
  }
  void err_line(const std::string& line) const { (void)write_all(io_.err, line + "\n"); }
  [[nodiscard]] int out_fd() const { return io_.out; }

 private:
  Io io_;
};

class StatusCollector final : public ReplySink {
 public:
  void begin(const CtlStatusBegin& b) override {
    report.now_ms = b.now_ms;
    // The count is the monitor's word; capping it keeps a wrong one from
    // reserving gigabytes (the client checks the count as records come).
    report.jobs.reserve(std::min<size_t>(b.count, limits::kJobs));
  }
  void jobs(std::vector<JobStatus>&& batch) override {
    if (report.jobs.empty() && batch.size() >= report.jobs.capacity()) {
      report.jobs = std::move(batch);
      return;
    }
    for (JobStatus& j : batch) report.jobs.push_back(std::move(j));
  }
  void diag(const CtlDiag&) override {}
  StatusReport report;
};

class DiagCollector final : public ReplySink {
 public:
  void begin(const CtlStatusBegin&) override {}
  void jobs(std::vector<JobStatus>&&) override {}
  void diag(const CtlDiag& d) override { diags.push_back(d); }
  std::vector<CtlDiag> diags;
};

class PlaceCollector final : public ReplySink {
 public:
  void begin(const CtlStatusBegin&) override {}
  void jobs(std::vector<JobStatus>&&) override {}
  void diag(const CtlDiag&) override {}
  void log_place(const CtlLogPlace& p) override { place = p; }
  std::optional<CtlLogPlace> place;
};

// The nearest existing job name, fetched with a second request; empty when
// there is none close enough or the list cannot be had.
std::string nearest_job(const std::string& socket, std::string_view name) {
  StatusCollector all;
  const Answer a = exchange(socket, CtlStatusRequest{}, Timeouts{kStepMs, kStepMs, kStepMs}, all);
  if (a.kind != AnswerKind::StatusEnd) return {};
  std::vector<std::string_view> names;
  names.reserve(all.report.jobs.size());
  for (const JobStatus& j : all.report.jobs) names.emplace_back(j.name);
  return std::string(conf::did_you_mean(name, names));
}

// Everything but a successful StatusEnd, for any command.
int refused(const Output& o, const Command& c, const std::string& socket, const Answer& a) {
  switch (a.kind) {
    case AnswerKind::NoAccess: return o.error(transport_text(socket, a), Exit::Denied);
    case AnswerKind::NoAnswer:
    case AnswerKind::Malformed: return o.error(transport_text(socket, a), Exit::NoAnswer);
    case AnswerKind::StatusEnd: return o.error("pmtr on " + socket + " sent job status where none was asked",
                                               Exit::NoAnswer);
    case AnswerKind::Outcome: break;
  }
  const std::string& subject = a.outcome.subject;
  switch (a.outcome.code) {
    case CtlCode::Ok:
      return static_cast<int>(Exit::Ok);
    case CtlCode::NoSuchJob: {
      if (subject.empty()) return o.error("no such job among the ones named", Exit::NoSuchJob);
      return o.error(no_such_job_text(subject, nearest_job(socket, subject)), Exit::NoSuchJob);
    }
    case CtlCode::Denied: return o.error(denied_text(c, subject), Exit::Denied);
    case CtlCode::Refused: return o.error(refused_text(c, subject), Exit::Failed);
    case CtlCode::Failed: return o.error(failed_text(c, subject), Exit::Failed);
    case CtlCode::Busy: return o.error(busy_text(socket), Exit::Failed);
    case CtlCode::BadRequest: return o.error(bad_request_text(socket), Exit::Failed);
  }
  return o.error("unknown outcome", Exit::Failed);
}

int run_status(const Output& o, const Command& c, const std::string& socket) {
  StatusCollector sink;
  const Answer a = exchange(socket, make_request(c), timeouts_for(c), sink);
  if (a.kind != AnswerKind::StatusEnd) {
    if (a.kind == AnswerKind::Outcome && a.outcome.code == CtlCode::Ok)
      return o.error("pmtr on " + socket + " answered a status request without status", Exit::NoAnswer);
    return refused(o, c, socket, a);
  }
  const StatusReport& r = sink.report;
  OutBuffer out(o.out_fd());
  if (c.verb == Verb::Metrics) {
    format_metrics(r, out);
  } else {
    switch (c.format) {
      case StatusFormat::Table: format_status_table(r, out); break;
      case StatusFormat::Json: format_status_json(r, out); break;
      case StatusFormat::Names: format_status_names(r, out); break;
    }
  }
  if (const int e = out.finish(); e != 0) return o.error(std::string("write error: ") + std::strerror(e), Exit::Failed);
  if (c.verb == Verb::Status && !c.names.empty() &&
      std::any_of(r.jobs.begin(), r.jobs.end(), [](const JobStatus& j) { return !is_up(j.state); }))
    return static_cast<int>(Exit::NotUp);
  return static_cast<int>(Exit::Ok);
}

int run_operation(const Output& o, const Command& c, const std::string& socket) {
  DiagCollector sink;
  const Answer a = exchange(socket, make_request(c), timeouts_for(c), sink);
  // The monitor's diagnostics are the parser's findings on the config:
  // printed like `pmtr -t` prints them, with the config's path that the
  // reload's outcome names.
  const std::string file =
      a.kind == AnswerKind::Outcome && !a.outcome.subject.empty() ? a.outcome.subject : std::string("config");
  size_t warnings = 0;
  for (const CtlDiag& d : sink.diags) {
    const Severity sev = d.severity == 2 ? Severity::Warning : Severity::Error;
    if (sev == Severity::Warning) ++warnings;
    o.err_line(format_diagnostic(file, sev, d.line, d.col, d.text));
  }
  if (a.kind == AnswerKind::Outcome && a.outcome.code == CtlCode::Ok) {
    if (c.verb == Verb::Reload) {
      std::string msg = "config reloaded";
      if (warnings > 0) msg += " (" + std::to_string(warnings) + (warnings == 1 ? " warning)" : " warnings)");
      if (!o.out(msg + "\n")) return static_cast<int>(Exit::Failed);
    }
    return static_cast<int>(Exit::Ok);
  }
  return refused(o, c, socket, a);
}

// The monitor says where the files are; the rest is read here, as the
// user who runs pmtrctl.
int run_log(const Output& o, const Command& c, const std::string& socket) {
  PlaceCollector sink;
  const Answer a = exchange(socket, make_request(c), timeouts_for(c), sink);
  if (a.kind != AnswerKind::Outcome || a.outcome.code != CtlCode::Ok) return refused(o, c, socket, a);
  if (!sink.place) return o.error("pmtr on " + socket + " did not say where the log of " + c.names[0] + " is",
                                  Exit::NoAnswer);
  const std::string& job = c.names[0];
  const CtlLogPlace& place = *sink.place;
  if (!place.captured)
    return o.error(job + ": output not captured (no 'log' in its job, no 'log all'; or 'out' and 'err' both set)",
                   Exit::Failed);
  if (place.target == LogPlaceTarget::Stderr)
    return o.error(job + ": output goes to pmtr's standard error ('log to stderr'), not to files; see where "
                         "pmtr's stderr goes (journalctl, docker logs, ...)",
                   Exit::Failed);
  const std::string job_dir = place.dir + "/" + log_dir_name(job);
  const std::string path = job_dir + "/" + kLogCurrent;
  OpenedLog current = open_log_file(path);
  if (current.how == LogOpen::Denied || current.how == LogOpen::NotRegular || current.how == LogOpen::Failed)
    return o.error(log_open_text(path, current), current.how == LogOpen::Denied ? Exit::Denied : Exit::Failed);
  // Missing: nothing written since the last rotation (or ever); the
  // archives may still hold lines, and -f waits for the file.
  const uint64_t end = current.size;
  const std::string text = tail_log(job_dir, current, end, c.lines);
  if (text.empty() && !c.follow && current.how == LogOpen::Missing && archive_names(job_dir).empty())
    return o.error(job + " has no log yet: " + log_open_text(path, current), Exit::Failed);
  if (!o.out(text)) return static_cast<int>(Exit::Failed);
  if (!c.follow) return static_cast<int>(Exit::Ok);
  const FollowEnd f = follow_log(job_dir, std::move(current), end, o.out_fd());
  if (!f.open_error.empty()) return o.error(f.open_error, f.denied ? Exit::Denied : Exit::Failed);
  if (f.write_err != 0) return o.error(std::string("write error: ") + std::strerror(f.write_err), Exit::Failed);
  return static_cast<int>(Exit::Ok);
}

int run_send(const Output& o, const Command& c) {
  const std::string body = format_listen_datagram(c.enable, c.names);
  std::string datagram = body;
  if (!c.key_file.empty()) {
    const Result<std::vector<std::byte>> key = read_key_file(c.key_file);
    if (!key) return o.error(key.error().message(), Exit::Failed);
    if (const Status s = init_mac_library(); !s) return o.error(s.error().message(), Exit::Failed);
    datagram = sign_datagram(key.value(), std::time(nullptr), random_nonce(), body);
  }
  if (const Status s = send_udp(c.url, datagram); !s) return o.error(s.error().message(), Exit::Failed);
  return static_cast<int>(Exit::Ok);
}

int run_listen(const Output& o, const Command& c) {
  if (const Status s = listen_reports(c.url, c.count, o.out_fd()); !s)
    return o.error(s.error().message(), Exit::Failed);
  return static_cast<int>(Exit::Ok);
}

}  // namespace

int run_pmtrctl(std::span<const char* const> args, const Io& io) {
  const Output o(io);
  const std::string default_socket = default_control_socket();
  const ParsedArgs p = parse_args(args, default_socket);
  switch (p.action) {
    case ArgsAction::Help: return o.out(p.text) ? 0 : static_cast<int>(Exit::Failed);
    case ArgsAction::Version:
      return o.out(std::string("pmtrctl ") + PMTR_VERSION + "\n") ? 0 : static_cast<int>(Exit::Failed);
    case ArgsAction::Usage:
      (void)write_all(io.err, p.text);
      return static_cast<int>(Exit::Usage);
    case ArgsAction::Run: break;
  }
  const Command& c = p.command;
  // UDP, not the control socket: -s means nothing to these.
  if (c.verb == Verb::Send) return run_send(o, c);
  if (c.verb == Verb::Listen) return run_listen(o, c);
  const std::string& socket = c.socket.empty() ? default_socket : c.socket;
  // -s is checked by the argument parser; the environment's value here.
  if (socket.size() > limits::kSocketPathBytes)
    return o.error(std::string(kControlSocketEnv) + ": socket path too long (at most " +
                       std::to_string(limits::kSocketPathBytes) + " bytes)",
                   Exit::Usage);
  switch (c.verb) {
    case Verb::Status:
    case Verb::Metrics:
      return run_status(o, c, socket);
    case Verb::Start:
    case Verb::Stop:
    case Verb::Restart:
    case Verb::Signal:
    case Verb::Reload:
    case Verb::Wait:
    case Verb::Rotate:
      return run_operation(o, c, socket);
    case Verb::Log:
      return run_log(o, c, socket);
    case Verb::Send:
    case Verb::Listen:
      break;   // above
  }
  return static_cast<int>(Exit::Usage);
}

}  // namespace pmtr::ctl
