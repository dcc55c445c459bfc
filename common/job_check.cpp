#include "common/job_check.hpp"

#include <arpa/inet.h>
#include <sys/resource.h>

#include <algorithm>

#include "common/limits.hpp"
#include "common/messages.hpp"

namespace pmtr {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

bool valid_job_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > limits::kNameBytes) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

bool valid_abs_path(std::string_view s) noexcept {
  return !s.empty() && s.size() <= limits::kPathBytes && s.front() == '/' && !has_control(s);
}

// Any byte but NUL: execve would silently cut the argument there, and the
// codec refuses it, so a job that passed here could not be sent.
bool valid_argument(std::string_view s) noexcept {
  return s.size() <= limits::kStringBytes && s.find('\0') == std::string_view::npos;
}

bool valid_io_path(std::string_view s) noexcept {
  return !s.empty() && s.size() <= limits::kPathBytes && !has_control(s);
}

bool valid_env_name(std::string_view s) noexcept {
  if (s.empty() || !(is_alpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; });
}

bool valid_env_entry(std::string_view s) noexcept {
  const size_t eq = s.find('=');
  return eq != std::string_view::npos && valid_env_name(s.substr(0, eq)) &&
         s.size() <= limits::kStringBytes && s.find('\0') == std::string_view::npos;
}

bool valid_user_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > limits::kUserBytes || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
  });
}

bool valid_nice(int v) noexcept { return v >= -20 && v <= 19; }

bool valid_ulimit_resource(int r) noexcept {
  switch (r) {
    case RLIMIT_CORE: case RLIMIT_DATA: case RLIMIT_FSIZE: case RLIMIT_MEMLOCK:
    case RLIMIT_RSS: case RLIMIT_NOFILE: case RLIMIT_MSGQUEUE: case RLIMIT_RTPRIO:
    case RLIMIT_STACK: case RLIMIT_CPU: case RLIMIT_NPROC: case RLIMIT_AS:
    case RLIMIT_LOCKS: case RLIMIT_NICE: case RLIMIT_SIGPENDING: case RLIMIT_RTTIME:
      return true;
    default:
      return false;
  }
}

bool valid_numeric_host(std::string_view s) noexcept {
  unsigned char buf[16];
  char text[INET6_ADDRSTRLEN + 16];
  // inet_pton reads a C string: "127.0.0.1\0junk" would pass as its prefix.
  if (s.empty() || s.size() >= sizeof text || s.find('\0') != std::string_view::npos) return false;
  s.copy(text, s.size());
  text[s.size()] = '\0';
  return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

bool valid_host_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > limits::kHostNameBytes) return false;
  if (std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c) || c == '.'; })) return false;
  size_t start = 0;
  for (;;) {
    const size_t dot = std::min(s.find('.', start), s.size());
    const std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; }))
      return false;
    if (dot == s.size()) return true;
    start = dot + 1;
  }
}

namespace {

bool valid_iface(std::string_view s) {
  return s.size() < 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-' || c == ':';
         });
}

}  // namespace

bool valid_udp_address(const UdpAddress& a) noexcept {
  return valid_numeric_host(a.host) && a.port != 0 && valid_iface(a.iface);
}

bool valid_report_address(const UdpAddress& a) noexcept {
  return (valid_numeric_host(a.host) || valid_host_name(a.host)) && a.port != 0 && valid_iface(a.iface);
}

bool valid_principal(std::string_view s) noexcept {
  if (!s.empty() && s[0] == '@') s.remove_prefix(1);
  return valid_user_name(s);
}

bool valid_socket_path(std::string_view s) noexcept {
  return s.size() <= limits::kSocketPathBytes && valid_abs_path(s);
}

namespace {

bool valid_principals(const Principals& p) {
  if (p.names.size() > limits::kPrincipals) return false;
  return std::all_of(p.names.begin(), p.names.end(), [](const std::string& n) { return valid_principal(n); });
}

}  // namespace

Status check_policy(const JobDesc& j) {
  const LifecyclePolicy& p = j.policy;
  if (p.restart != RestartMode::Always && p.restart != RestartMode::OnFailure &&
      p.restart != RestartMode::Never)
    return Error{0, "unknown restart mode"};
  for (uint32_t ms : {p.backoff_min_ms, p.backoff_max_ms, p.stable_after_ms, p.give_up_window_ms,
                      p.stop_timeout_ms, p.ready_timeout_ms})
    if (ms > limits::kDurationMsMax) return Error{0, "duration out of range"};
  if (p.backoff_min_ms > p.backoff_max_ms) return Error{0, "backoff minimum above its maximum"};
  if (p.give_up_count > limits::kGiveUpCountMax) return Error{0, "give up count out of range"};
  if ((p.give_up_count == 0) != (p.give_up_window_ms == 0)) return Error{0, "give up count without window"};
  if (p.stop_signal == 0 || p.stop_signal > limits::kSignalMax) return Error{0, "stop signal out of range"};
  if (p.ready_fd != 0 && (p.ready_fd < limits::kReadyFdMin || p.ready_fd > limits::kReadyFdMax))
    return Error{0, "ready fd out of range"};
  if (p.ready_fd == 0 && p.ready_timeout_ms != 0) return Error{0, "ready timeout without ready fd"};
  if (j.wait_ready && (!j.wait || p.ready_fd == 0)) return Error{0, "wait ready without wait and ready fd"};
  return {};
}

Status check_confinement(const Confinement& c) {
  if (c.umask > 0777) return Error{0, "umask out of range"};
  if (!c.has_umask && c.umask != 022) return Error{0, "umask without its option"};
  if (!c.group.empty() && !valid_user_name(c.group)) return Error{0, "invalid group name"};
  if (!c.set_groups && !c.groups.empty()) return Error{0, "groups without their option"};
  if (c.groups.size() > limits::kGroups) return Error{0, "too many groups"};
  for (const auto& g : c.groups)
    if (!valid_user_name(g)) return Error{0, "invalid group name"};
  if (!c.set_caps && !c.caps.empty()) return Error{0, "caps without their option"};
  for (size_t i = 0; i < c.caps.size(); ++i) {
    if (c.caps[i] > limits::kCapMax) return Error{0, "capability out of range"};
    if (i > 0 && c.caps[i] <= c.caps[i - 1]) return Error{0, "capability list not sorted"};
  }
  if (c.memory_max > limits::kSizeMax || c.swap_max > limits::kSizeMax) return Error{0, "size out of range"};
  if (!c.has_swap_max && c.swap_max != 0) return Error{0, "swap limit without its option"};
  if (c.tasks_max > limits::kTasksMax) return Error{0, "task limit out of range"};
  if (c.cpu_percent > limits::kCpuPercentMax) return Error{0, "cpu limit out of range"};
  return {};
}

Status check_job(const JobDesc& j) {
  if (!valid_job_name(j.name)) return Error{0, "invalid job name"};
  if (j.argv.empty() || j.argv.size() > limits::kArgs) return Error{0, "invalid argument count"};
  if (!valid_abs_path(j.argv[0])) return Error{0, "cmd is not an absolute path"};
  for (size_t i = 1; i < j.argv.size(); ++i)
    if (!valid_argument(j.argv[i])) return Error{0, "invalid argument"};
  if (!valid_abs_path(j.dir)) return Error{0, "dir is not an absolute path"};
  for (const std::string* p : {&j.in, &j.out, &j.err})
    if (!p->empty() && !valid_io_path(*p)) return Error{0, "invalid in/out/err path"};
  if (!j.user.empty() && !valid_user_name(j.user)) return Error{0, "invalid user name"};
  if (j.env.size() > limits::kEnv) return Error{0, "too many env entries"};
  for (const auto& e : j.env)
    if (!valid_env_entry(e)) return Error{0, "invalid env entry"};
  if (!j.has_nice && j.nice != 0) return Error{0, "nice value without nice flag"};
  if (!valid_nice(j.nice)) return Error{0, "nice out of range"};
  for (size_t i = 0; i < j.cpus.size(); ++i) {
    if (j.cpus[i] >= limits::kCpus) return Error{0, "cpu out of range"};
    if (i > 0 && j.cpus[i] <= j.cpus[i - 1]) return Error{0, "cpu list not sorted"};
  }
  for (size_t i = 0; i < j.ulimits.size(); ++i) {
    if (!valid_ulimit_resource(j.ulimits[i].resource)) return Error{0, "unknown ulimit resource"};
    if (i > 0 && j.ulimits[i].resource <= j.ulimits[i - 1].resource)
      return Error{0, "ulimit list not sorted"};
  }
  if (j.bounce_seconds > limits::kBounceSecondsMax) return Error{0, "bounce interval out of range"};
  if (j.depends.size() > limits::kDepends) return Error{0, "too many depends"};
  for (const auto& d : j.depends)
    if (!valid_abs_path(d)) return Error{0, "depends path is not absolute"};
  if (Status s = check_policy(j); !s) return s;
  if (!valid_principals(Principals{false, j.operators})) return Error{0, "invalid operators"};
  if (Status s = check_confinement(j.confine); !s) return s;
  // Last: the job is otherwise sound, and this is the one rule that costs an
  // encoding.  The parser must never produce a job it cannot send.
  if (encoded_job_size(j) > limits::kJobEncodedBytes) return Error{0, "job too large"};
  return {};
}

Status check_globals(const GlobalConfig& g) {
  if (g.report_to.size() > limits::kReportTargets) return Error{0, "too many report addresses"};
  for (size_t i = 0; i < g.report_to.size(); ++i) {
    if (!valid_report_address(g.report_to[i])) return Error{0, "invalid report address"};
    if (std::find(g.report_to.begin(), g.report_to.begin() + static_cast<ptrdiff_t>(i), g.report_to[i]) !=
        g.report_to.begin() + static_cast<ptrdiff_t>(i))
      return Error{0, "duplicate report address"};
  }
  if (g.listen_on && !valid_udp_address(*g.listen_on)) return Error{0, "invalid listen address"};
  if (!g.listen_key.empty() && !valid_abs_path(g.listen_key)) return Error{0, "listen key is not an absolute path"};
  if (!g.listen_on && !g.listen_key.empty()) return Error{0, "listen key without listen address"};
  if (!g.control.socket.empty() && !valid_socket_path(g.control.socket)) return Error{0, "invalid control socket path"};
  if (!g.control.enabled && !g.control.socket.empty()) return Error{0, "control socket both none and a path"};
  if (!valid_principals(g.control.status) || !valid_principals(g.control.operate))
    return Error{0, "invalid control users"};
  if (g.log.target != CaptureTarget::Dir && g.log.target != CaptureTarget::Stderr) return Error{0, "unknown log target"};
  if (!valid_abs_path(g.log.dir)) return Error{0, "log directory is not an absolute path"};
  if (g.log.rotate_bytes > limits::kSizeMax || g.log.keep > limits::kLogKeepMax)
    return Error{0, "log rotation out of range"};
  return {};
}

}  // namespace pmtr
