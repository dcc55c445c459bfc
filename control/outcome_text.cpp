#include "control/outcome_text.hpp"

#include <cerrno>
#include <cstring>

#include "control/signal_names.hpp"

namespace pmtr::ctl {
namespace {

std::string joined_names(const Command& c) {
  std::string s;
  for (const auto& n : c.names) {
    if (!s.empty()) s += ' ';
    s += n;
  }
  return s;
}

// "stop web", "signal HUP web", "reload": the request as the user would
// type it, for one job (the one the monitor named) or all the named ones.
std::string what(const Command& c, std::string_view job) {
  std::string s = verb_name(c.verb);
  if (c.verb == Verb::Signal) {
    s += ' ';
    append_signal_name(s, c.signal);
  }
  const std::string jobs = job.empty() ? joined_names(c) : std::string(job);
  if (!jobs.empty()) s += ' ' + jobs;
  return s;
}

const char* target_name(WaitTarget t) {
  switch (t) {
    case WaitTarget::Up: return "up";
    case WaitTarget::Ready: return "ready";
    case WaitTarget::Down: return "down";
  }
  return "?";
}

}  // namespace

std::string no_such_job_text(std::string_view name, std::string_view hint) {
  std::string s = "no job '" + std::string(name) + "'";
  if (!hint.empty()) s += " (did you mean '" + std::string(hint) + "'?)";
  return s;
}

std::string denied_text(const Command& c, std::string_view subject) {
  std::string s = "permission denied: ";
  if (subject.starts_with("operate ")) {
    s += what(c, subject.substr(8));
    s += " needs the 'operate' right (root, 'control operate', or the job's 'operators')";
  } else if (subject == "operate") {
    s += what(c, {}) + " needs the 'operate' right (root or 'control operate')";
  } else if (subject == "status") {
    s += what(c, {}) + " needs the 'status' right (root or 'control status')";
  } else if (subject == "reexec") {
    s += what(c, {}) + " needs root";
  } else if (subject.empty()) {
    s += what(c, {}) + " is not allowed for this user";
  } else {
    s += what(c, {}) + " needs the '" + std::string(subject) + "' right";
  }
  return s;
}

std::string refused_text(const Command& c, std::string_view subject) {
  const std::string job = subject.empty() ? joined_names(c) : std::string(subject);
  return std::string("cannot ") + verb_name(c.verb) + " " + job +
         ": it is disabled in the config (remove its 'disable' line, then save or reload)";
}

std::string failed_text(const Command& c, std::string_view subject) {
  switch (c.verb) {
    case Verb::Wait: {
      std::string s = "timed out";
      if (!c.timeout_text.empty()) s += " after " + c.timeout_text;
      s += " waiting for ";
      s += subject.empty() ? joined_names(c) : std::string(subject);
      s += " to be ";
      s += target_name(c.target);
      return s;
    }
    case Verb::Signal: {
      std::string s = "cannot " + what(c, subject);
      if (!subject.empty()) s += ": it is not running";
      return s;
    }
    case Verb::Reload:
      return "reload rejected: the config has errors; no job was touched";
    case Verb::Rotate:
    case Verb::Log:
      if (subject == "shutting down") return what(c, {}) + ": pmtr is shutting down";
      if (subject.empty()) return what(c, {}) + " failed";
      return std::string(subject) + ": output not captured (no 'log' in its job, no 'log all'; or 'out' and 'err' both set)";
    case Verb::Start:
    case Verb::Stop:
    case Verb::Restart:
    case Verb::Status:
    case Verb::Metrics:
    case Verb::Send:     // no control socket, no outcome: never here
    case Verb::Listen:
      return what(c, subject) + " failed";
  }
  return "failed";
}

std::string busy_text(const std::string& socket) {
  return "pmtr on " + socket + " is busy (too many clients); try again";
}

std::string bad_request_text(const std::string& socket) {
  return "pmtr on " + socket + " refused the request as malformed (are pmtr and pmtrctl the same version?)";
}

std::string transport_text(const std::string& socket, const Answer& a) {
  switch (a.kind) {
    case AnswerKind::NoAccess:
      return "permission denied: cannot connect to " + socket + ": " + std::strerror(a.err);
    case AnswerKind::Malformed:
      return "pmtr on " + socket + " sent a malformed reply: " + a.why +
             " (are pmtr and pmtrctl the same version?)";
    case AnswerKind::NoAnswer:
    case AnswerKind::StatusEnd:
    case AnswerKind::Outcome:
      break;
  }
  std::string s = "no pmtr answers on " + socket + ": ";
  if (a.why.empty()) {
    s += std::strerror(a.err);
  } else {
    s += a.why;
    if (a.err != 0 && a.err != ETIMEDOUT) s += std::string(": ") + std::strerror(a.err);
  }
  if (a.err == ENOENT || a.err == ECONNREFUSED) s += " (is pmtr running? -s SOCKET)";
  return s;
}

}  // namespace pmtr::ctl
