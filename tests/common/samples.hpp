// Sample messages for the codec and channel tests (and the fuzz seed
// generator), and field-by-field equality written out here rather than taken
// from the code under test (same_definition ignores positions by design).
#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/job.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"

namespace pmtr::test {

// Every field set, each to a value no other field shares, so a decoder that
// swaps or drops a field cannot round-trip it by accident.  Multi-byte
// numbers use every byte.
inline JobDesc full_job() {
  JobDesc j;
  j.name = "web-1";
  j.argv = {"/usr/bin/env", "-i", "two words", ""};
  j.dir = "/srv/web";
  j.in = "in.txt";
  j.out = "/var/log/web.out";
  j.err = "web.err";
  j.user = "www-data";
  j.env = {"A=1", "PATH=/bin:/usr/bin", "EMPTY="};
  j.has_nice = true;
  j.nice = -17;
  j.cpus = {0, 3, 0x3ff};
  // Sorted by resource number (0, 4, 7), as check_job wants.
  j.ulimits = {{RLIMIT_CPU, 0x0102030405060708ull},
               {RLIMIT_CORE, 0},
               {RLIMIT_NOFILE, RLIM_INFINITY}};
  j.bounce_seconds = 0x00a1b2c3;
  j.depends = {"/etc/web.conf", "/etc/ssl/cert.pem"};
  j.order = -0x01020304;
  j.wait = true;
  j.wait_ready = true;
  j.once = true;
  j.disabled = true;
  // Valid for check_job, every field distinct.
  j.policy.restart = RestartMode::OnFailure;
  j.policy.backoff_min_ms = 0x00010203;
  j.policy.backoff_max_ms = 0x01020304;
  j.policy.stable_after_ms = 0x02030405;
  j.policy.give_up_count = 0x3e7;
  j.policy.give_up_window_ms = 0x03040506;
  j.policy.stop_signal = 10;
  j.policy.stop_timeout_ms = 0x04050607;
  j.policy.ready_fd = 0x0304;
  j.policy.ready_timeout_ms = 0x05060708;
  j.operators = {"alice", "@deploy"};
  j.confine.has_umask = true;
  j.confine.umask = 0750;
  j.confine.group = "www-data";
  j.confine.set_groups = true;
  j.confine.groups = {"ssl-cert", "adm"};
  j.confine.set_caps = true;
  j.confine.caps = {10, 12, 63};
  j.confine.nonewprivs = true;
  j.confine.memory_max = 0x0003020304050607ull;   // below limits::kSizeMax
  j.confine.has_swap_max = true;
  j.confine.swap_max = 0x0000010203040506ull;
  j.confine.tasks_max = 0x00010203;
  j.confine.cpu_percent = 0x00001234;
  j.log = true;
  j.pos = {0x11121314, 0x21222324};
  j.cmd_pos = {0x31323334, 0x41424344};
  j.dir_pos = {0x51525354, 0x61626364};
  j.user_pos = {0x71727374, 0x01810000};
  return j;
}

// The least a job can be: a name and a command.
inline JobDesc minimal_job() {
  JobDesc j;
  j.name = "a";
  j.argv = {"/x"};
  return j;
}

// Globals built field by field, so a new field needs no edit here.
inline GlobalConfig make_globals(std::vector<UdpAddress> report = {},
                                 std::optional<UdpAddress> listen = std::nullopt, ControlConfig control = {},
                                 LogConfig log = {}) {
  GlobalConfig g;
  g.report_to = std::move(report);
  g.listen_on = std::move(listen);
  g.control = std::move(control);
  g.log = std::move(log);
  return g;
}

// Every report target the limit allows (numeric, with @iface, host names,
// the longest name) and a listen address with its key.
inline GlobalConfig report_and_keyed_listen() {
  GlobalConfig g;
  for (size_t i = 0; i + 1 < limits::kReportTargets; ++i) {
    const std::string n = std::to_string(i);
    g.report_to.push_back(UdpAddress{i % 2 ? "host-" + n + ".example.org" : "192.0.2." + n,
                                     static_cast<uint16_t>(9000 + i), i == 2 ? "eth0" : ""});
  }
  g.report_to.push_back(UdpAddress{std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                                       "." + std::string(limits::kHostNameBytes - 192, 'd'),
                                   65535, ""});
  g.listen_on = UdpAddress{"0.0.0.0", 10000, ""};
  g.listen_key = "/etc/pmtr/listen.key";
  return g;
}

inline std::vector<Message> sample_messages() {
  JobDesc changed = full_job();
  changed.name = "db";
  changed.wait = false;
  changed.disabled = false;
  changed.has_nice = false;
  changed.nice = 0;
  return {
      MsgHello{ParseMode::Check, "/etc/pmtr.conf"},
      MsgHello{ParseMode::Run, ""},
      MsgTableBegin{0},
      MsgTableBegin{200000},
      MsgTableJob{{full_job()}},
      MsgTableJob{{minimal_job(), full_job(), changed}},
      MsgTableEnd{},
      MsgParse{0xdeadbeef},
      MsgDiag{Severity::Error, 12, 7, "unknown keyword \"jbo\""},
      MsgDiag{Severity::Warning, 0, 0, ""},
      MsgTxnBegin{0xfeedface, 3},
      MsgTxnKeep{{KeptJob{0x01020304, "web"}}},
      MsgTxnKeep{{KeptJob{0, "a"}, KeptJob{1, "b"}, KeptJob{0xffffffff, "web-1"}}},
      MsgTxnAdd{{IndexedJob{7, full_job()}}},
      MsgTxnAdd{{IndexedJob{1, minimal_job()}, IndexedJob{0x80000000, full_job()}}},
      MsgTxnChange{{IndexedJob{0xffffffff, changed}}},
      MsgTxnChange{{IndexedJob{2, changed}, IndexedJob{3, minimal_job()}}},
      MsgTxnRemove{"old-job"},
      MsgTxnGlobals{GlobalConfig{}},
      MsgTxnGlobals{make_globals({UdpAddress{"192.0.2.1", 514, ""}}, std::nullopt)},
      MsgTxnGlobals{make_globals({}, UdpAddress{"ff02::1", 0xfedc, "eth0"})},
      MsgTxnGlobals{make_globals({UdpAddress{"::1", 1, ""}}, UdpAddress{"0.0.0.0", 65535, "lo"})},
      MsgTxnGlobals{report_and_keyed_listen()},
      MsgTxnGlobals{make_globals({}, std::nullopt, ControlConfig{true, "/run/pmtr/ctl", Principals{false, {"bob", "@adm"}},
                                               Principals{true, {}}})},
      MsgTxnGlobals{make_globals({}, std::nullopt, ControlConfig{false, "", Principals{}, Principals{}})},
      MsgTxnGlobals{make_globals({}, std::nullopt, {}, LogConfig{CaptureTarget::Stderr, "/srv/log", 0x0102030405060708ull, 0x00000d0c, true})},
      MsgTxnEnd{4},
      MsgParseFailed{9, 0x10000, 1},
  };
}

// A job whose one-job TableJob record is exactly `target` bytes, made of argv strings at the
// wire's cap.
inline JobDesc job_with_record_size(size_t target) {
  JobDesc j = minimal_job();
  size_t size = encode_message(MsgTableJob{{j}}).size();
  while (target - size >= 4 + limits::kStringBytes) {
    j.argv.emplace_back(limits::kStringBytes, 'a');
    size += 4 + limits::kStringBytes;
  }
  const size_t rest = target - size;
  if (rest >= 4)
    j.argv.emplace_back(rest - 4, 'b');
  else
    j.argv[0] += std::string(rest, 'c');
  return j;
}

// One entry per JobDesc field (and per part of a compound one), each
// changing only that field of minimal_job().
using JobMutator = std::function<void(JobDesc&)>;
struct NamedMutator {
  const char* field;
  bool positional;   // a source position: not part of the definition
  JobMutator mutate;
};

inline std::vector<NamedMutator> job_mutators() {
  return {
      {"name", false, [](JobDesc& j) { j.name = "other"; }},
      {"argv[0]", false, [](JobDesc& j) { j.argv[0] = "/bin/true"; }},
      {"argv count", false, [](JobDesc& j) { j.argv.push_back("--flag"); }},
      {"dir", false, [](JobDesc& j) { j.dir = "/tmp"; }},
      {"in", false, [](JobDesc& j) { j.in = "input"; }},
      {"out", false, [](JobDesc& j) { j.out = "output"; }},
      {"err", false, [](JobDesc& j) { j.err = "errors"; }},
      {"user", false, [](JobDesc& j) { j.user = "nobody"; }},
      {"env", false, [](JobDesc& j) { j.env = {"X=1"}; }},
      {"has_nice", false, [](JobDesc& j) { j.has_nice = true; }},
      {"nice", false, [](JobDesc& j) { j.nice = -20; }},
      {"cpus", false, [](JobDesc& j) { j.cpus = {1, 2}; }},
      {"ulimit resource", false, [](JobDesc& j) { j.ulimits = {{RLIMIT_NOFILE, 0}}; }},
      {"ulimit value", false, [](JobDesc& j) { j.ulimits = {{0, 0x8000000000000001ull}}; }},
      {"bounce_seconds", false, [](JobDesc& j) { j.bounce_seconds = 60; }},
      {"depends", false, [](JobDesc& j) { j.depends = {"/etc/x"}; }},
      {"order", false, [](JobDesc& j) { j.order = -1; }},
      {"wait", false, [](JobDesc& j) { j.wait = true; }},
      {"wait_ready", false, [](JobDesc& j) { j.wait_ready = true; }},
      {"once", false, [](JobDesc& j) { j.once = true; }},
      {"restart", false, [](JobDesc& j) { j.policy.restart = RestartMode::Never; }},
      {"backoff_min_ms", false, [](JobDesc& j) { j.policy.backoff_min_ms = 1; }},
      {"backoff_max_ms", false, [](JobDesc& j) { j.policy.backoff_max_ms = 60000; }},
      {"stable_after_ms", false, [](JobDesc& j) { j.policy.stable_after_ms = 1; }},
      {"give_up_count", false, [](JobDesc& j) { j.policy.give_up_count = 5; }},
      {"give_up_window_ms", false, [](JobDesc& j) { j.policy.give_up_window_ms = 1; }},
      {"stop_signal", false, [](JobDesc& j) { j.policy.stop_signal = 2; }},
      {"stop_timeout_ms", false, [](JobDesc& j) { j.policy.stop_timeout_ms = 0; }},
      {"ready_fd", false, [](JobDesc& j) { j.policy.ready_fd = 3; }},
      {"ready_timeout_ms", false, [](JobDesc& j) { j.policy.ready_timeout_ms = 1; }},
      {"operators", false, [](JobDesc& j) { j.operators = {"@ops"}; }},
      {"umask", false, [](JobDesc& j) { j.confine.has_umask = true; j.confine.umask = 077; }},
      {"group", false, [](JobDesc& j) { j.confine.group = "adm"; }},
      {"groups", false, [](JobDesc& j) { j.confine.set_groups = true; j.confine.groups = {"adm"}; }},
      {"groups none", false, [](JobDesc& j) { j.confine.set_groups = true; }},
      {"caps", false, [](JobDesc& j) { j.confine.set_caps = true; j.confine.caps = {10}; }},
      {"caps none", false, [](JobDesc& j) { j.confine.set_caps = true; }},
      {"nonewprivs", false, [](JobDesc& j) { j.confine.nonewprivs = true; }},
      {"memory_max", false, [](JobDesc& j) { j.confine.memory_max = 1; }},
      {"swap_max", false, [](JobDesc& j) { j.confine.has_swap_max = true; }},
      {"tasks_max", false, [](JobDesc& j) { j.confine.tasks_max = 5; }},
      {"cpu_percent", false, [](JobDesc& j) { j.confine.cpu_percent = 150; }},
      {"log", false, [](JobDesc& j) { j.log = true; }},
      {"disabled", false, [](JobDesc& j) { j.disabled = true; }},
      {"pos.line", true, [](JobDesc& j) { j.pos.line = 0x80000001; }},
      {"pos.col", true, [](JobDesc& j) { j.pos.col = 2; }},
      {"cmd_pos.line", true, [](JobDesc& j) { j.cmd_pos.line = 3; }},
      {"cmd_pos.col", true, [](JobDesc& j) { j.cmd_pos.col = 4; }},
      {"dir_pos.line", true, [](JobDesc& j) { j.dir_pos.line = 5; }},
      {"dir_pos.col", true, [](JobDesc& j) { j.dir_pos.col = 6; }},
      {"user_pos.line", true, [](JobDesc& j) { j.user_pos.line = 7; }},
      {"user_pos.col", true, [](JobDesc& j) { j.user_pos.col = 0xffffffff; }},
  };
}

inline bool eq(const SourcePos& a, const SourcePos& b) { return a.line == b.line && a.col == b.col; }

inline bool eq(const LifecyclePolicy& a, const LifecyclePolicy& b) {
  return a.restart == b.restart && a.backoff_min_ms == b.backoff_min_ms &&
         a.backoff_max_ms == b.backoff_max_ms && a.stable_after_ms == b.stable_after_ms &&
         a.give_up_count == b.give_up_count && a.give_up_window_ms == b.give_up_window_ms &&
         a.stop_signal == b.stop_signal && a.stop_timeout_ms == b.stop_timeout_ms &&
         a.ready_fd == b.ready_fd && a.ready_timeout_ms == b.ready_timeout_ms;
}

inline bool eq(const JobDesc& a, const JobDesc& b) {
  bool u = a.ulimits.size() == b.ulimits.size();
  for (size_t i = 0; u && i < a.ulimits.size(); ++i)
    u = a.ulimits[i].resource == b.ulimits[i].resource && a.ulimits[i].value == b.ulimits[i].value;
  return u && a.name == b.name && a.argv == b.argv && a.dir == b.dir && a.in == b.in &&
         a.out == b.out && a.err == b.err && a.user == b.user && a.env == b.env &&
         a.has_nice == b.has_nice && a.nice == b.nice && a.cpus == b.cpus &&
         a.bounce_seconds == b.bounce_seconds && a.depends == b.depends && a.order == b.order &&
         a.wait == b.wait && a.wait_ready == b.wait_ready && a.once == b.once &&
         a.disabled == b.disabled && eq(a.policy, b.policy) && a.operators == b.operators &&
         a.confine == b.confine && a.log == b.log && eq(a.pos, b.pos) &&
         eq(a.cmd_pos, b.cmd_pos) && eq(a.dir_pos, b.dir_pos) && eq(a.user_pos, b.user_pos);
}

inline bool eq(const UdpAddress& a, const UdpAddress& b) {
  return a.host == b.host && a.port == b.port && a.iface == b.iface;
}
inline bool eq(const std::optional<UdpAddress>& a, const std::optional<UdpAddress>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || eq(*a, *b);
}

inline bool eq(const MsgHello& a, const MsgHello& b) {
  return a.mode == b.mode && a.config_name == b.config_name;
}
inline bool eq(const MsgTableBegin& a, const MsgTableBegin& b) { return a.job_count == b.job_count; }
inline bool eq(const IndexedJob& a, const IndexedJob& b) { return a.index == b.index && eq(a.job, b.job); }
inline bool eq(const KeptJob& a, const KeptJob& b) { return a.index == b.index && a.name == b.name; }
template <typename T>
bool eq_list(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!eq(a[i], b[i])) return false;
  return true;
}
inline bool eq(const MsgTableJob& a, const MsgTableJob& b) { return eq_list(a.jobs, b.jobs); }
inline bool eq(const MsgTableEnd&, const MsgTableEnd&) { return true; }
inline bool eq(const MsgParse& a, const MsgParse& b) { return a.generation == b.generation; }
inline bool eq(const MsgDiag& a, const MsgDiag& b) {
  return a.severity == b.severity && a.line == b.line && a.col == b.col && a.text == b.text;
}
inline bool eq(const MsgTxnBegin& a, const MsgTxnBegin& b) {
  return a.generation == b.generation && a.job_count == b.job_count;
}
inline bool eq(const MsgTxnKeep& a, const MsgTxnKeep& b) { return eq_list(a.jobs, b.jobs); }
inline bool eq(const MsgTxnAdd& a, const MsgTxnAdd& b) { return eq_list(a.jobs, b.jobs); }
inline bool eq(const MsgTxnChange& a, const MsgTxnChange& b) { return eq_list(a.jobs, b.jobs); }
inline bool eq(const MsgTxnRemove& a, const MsgTxnRemove& b) { return a.name == b.name; }
inline bool eq(const Principals& a, const Principals& b) { return a.everyone == b.everyone && a.names == b.names; }
inline bool eq(const ControlConfig& a, const ControlConfig& b) {
  return a.enabled == b.enabled && a.socket == b.socket && eq(a.status, b.status) && eq(a.operate, b.operate);
}
inline bool eq(const LogConfig& a, const LogConfig& b) {
  return a.target == b.target && a.dir == b.dir && a.rotate_bytes == b.rotate_bytes && a.keep == b.keep &&
         a.all == b.all;
}
inline bool eq(const MsgTxnGlobals& a, const MsgTxnGlobals& b) {
  return eq_list(a.globals.report_to, b.globals.report_to) && eq(a.globals.listen_on, b.globals.listen_on) &&
         a.globals.listen_key == b.globals.listen_key && eq(a.globals.control, b.globals.control) && eq(a.globals.log, b.globals.log);
}
inline bool eq(const MsgTxnEnd& a, const MsgTxnEnd& b) { return a.warnings == b.warnings; }
inline bool eq(const MsgParseFailed& a, const MsgParseFailed& b) {
  return a.generation == b.generation && a.errors == b.errors && a.warnings == b.warnings;
}

inline bool eq(const Message& a, const Message& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& x) { return eq(x, std::get<std::decay_t<decltype(x)>>(b)); }, a);
}

// What decode_message says about a record: "decoded" or its reason.
inline std::string decode_reason(std::span<const std::byte> rec) {
  Result<Message> r = decode_message(rec);
  return r.ok() ? "decoded" : r.error().what;
}

inline std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

}  // namespace pmtr::test
