#include "common/messages.hpp"

#include "common/job_check.hpp"
#include "common/job_layout.hpp"
#include "common/limits.hpp"
#include "common/wire.hpp"

namespace pmtr {
namespace {

// Smallest encoding of one list element, so counts are checked against the
// bytes actually left.
constexpr size_t kMinStr = 4;

std::vector<std::string> get_strings(WireReader& r, size_t max_count, size_t max_len) {
  std::vector<std::string> v;
  const uint32_t n = r.count(max_count, kMinStr);
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) v.push_back(r.str(max_len));
  return v;
}

SourcePos get_pos(WireReader& r) {
  SourcePos p;
  p.line = r.u32();
  p.col = r.u32();
  return p;
}

void put_job(WireWriter& w, const JobDesc& j, bool with_positions = true) {
  put_job_layout(w, j, with_positions);
}

JobDesc get_job(WireReader& r) {
  JobDesc j;
  j.name = r.str(limits::kNameBytes);
  j.argv = get_strings(r, limits::kArgs, limits::kStringBytes);
  if (r.ok() && j.argv.empty()) r.fail("job without argv");
  j.dir = r.str(limits::kPathBytes);
  j.in = r.str(limits::kPathBytes);
  j.out = r.str(limits::kPathBytes);
  j.err = r.str(limits::kPathBytes);
  j.user = r.str(limits::kUserBytes);
  j.env = get_strings(r, limits::kEnv, limits::kStringBytes);
  j.has_nice = r.boolean();
  j.nice = r.i32();
  const uint32_t ncpu = r.count(limits::kCpus, 2);
  j.cpus.reserve(ncpu);
  for (uint32_t i = 0; i < ncpu && r.ok(); ++i) j.cpus.push_back(r.u16());
  const uint32_t nlim = r.count(limits::kUlimits, 9);
  j.ulimits.reserve(nlim);
  for (uint32_t i = 0; i < nlim && r.ok(); ++i) {
    Ulimit u;
    u.resource = r.u8();
    u.value = r.u64();
    j.ulimits.push_back(u);
  }
  j.bounce_seconds = r.u32();
  j.depends = get_strings(r, limits::kDepends, limits::kPathBytes);
  j.order = r.i32();
  const uint8_t flags = r.u8();
  if (flags & ~(kJobFlagWait | kJobFlagOnce | kJobFlagDisabled | kJobFlagWaitReady)) r.fail("unknown job flag");
  j.wait = flags & kJobFlagWait;
  j.once = flags & kJobFlagOnce;
  j.disabled = flags & kJobFlagDisabled;
  j.wait_ready = flags & kJobFlagWaitReady;
  LifecyclePolicy& p = j.policy;
  const uint8_t restart = r.u8();
  if (restart > static_cast<uint8_t>(RestartMode::Never)) r.fail("unknown restart mode");
  p.restart = static_cast<RestartMode>(restart);
  p.backoff_min_ms = r.u32();
  p.backoff_max_ms = r.u32();
  p.stable_after_ms = r.u32();
  p.give_up_count = r.u32();
  p.give_up_window_ms = r.u32();
  p.stop_signal = r.u8();
  p.stop_timeout_ms = r.u32();
  p.ready_fd = r.u16();
  p.ready_timeout_ms = r.u32();
  j.operators = get_strings(r, limits::kPrincipals, limits::kUserBytes + 1);
  Confinement& c = j.confine;
  c.has_umask = r.boolean();
  c.umask = r.u16();
  c.group = r.str(limits::kUserBytes);
  c.set_groups = r.boolean();
  c.groups = get_strings(r, limits::kGroups, limits::kUserBytes);
  c.set_caps = r.boolean();
  const uint32_t ncaps = r.count(limits::kCapMax + 1, 1);
  c.caps.reserve(ncaps);
  for (uint32_t i = 0; i < ncaps && r.ok(); ++i) c.caps.push_back(r.u8());
  c.nonewprivs = r.boolean();
  c.memory_max = r.u64();
  c.has_swap_max = r.boolean();
  c.swap_max = r.u64();
  c.tasks_max = r.u32();
  c.cpu_percent = r.u32();
  j.log = r.boolean();
  j.pos = get_pos(r);
  j.cmd_pos = get_pos(r);
  j.dir_pos = get_pos(r);
  j.user_pos = get_pos(r);
  return j;
}

void put_addr(WireWriter& w, const UdpAddress& a) {
  w.str(a.host);
  w.u16(a.port);
  w.str(a.iface);
}

void put_optional_addr(WireWriter& w, const std::optional<UdpAddress>& a) {
  w.boolean(a.has_value());
  if (a) put_addr(w, *a);
}

void put_addrs(WireWriter& w, const std::vector<UdpAddress>& v) {
  w.u32(static_cast<uint32_t>(v.size()));
  for (const auto& a : v) put_addr(w, a);
}

void put_principals(WireWriter& w, const Principals& p) {
  w.boolean(p.everyone);
  put_string_list(w, p.names);
}

Principals get_principals(WireReader& r) {
  Principals p;
  p.everyone = r.boolean();
  p.names = get_strings(r, limits::kPrincipals, limits::kUserBytes + 1);
  return p;
}

void put_control(WireWriter& w, const ControlConfig& c) {
  w.boolean(c.enabled);
  w.str(c.socket);
  put_principals(w, c.status);
  put_principals(w, c.operate);
}

void put_log(WireWriter& w, const LogConfig& l) {
  w.u8(static_cast<uint8_t>(l.target));
  w.str(l.dir);
  w.u64(l.rotate_bytes);
  w.u32(l.keep);
  w.boolean(l.all);
}

LogConfig get_log(WireReader& r) {
  LogConfig l;
  const uint8_t target = r.u8();
  if (target > static_cast<uint8_t>(CaptureTarget::Stderr)) r.fail("unknown log target");
  l.target = static_cast<CaptureTarget>(target);
  l.dir = r.str(limits::kPathBytes);
  l.rotate_bytes = r.u64();
  l.keep = r.u32();
  l.all = r.boolean();
  return l;
}

ControlConfig get_control(WireReader& r) {
  ControlConfig c;
  c.enabled = r.boolean();
  c.socket = r.str(limits::kSocketPathBytes);
  c.status = get_principals(r);
  c.operate = get_principals(r);
  return c;
}

UdpAddress get_addr(WireReader& r) {
  UdpAddress a;
  a.host = r.str(limits::kHostNameBytes);
  a.port = r.u16();
  a.iface = r.str(16);
  return a;
}

std::optional<UdpAddress> get_optional_addr(WireReader& r) {
  if (!r.boolean()) return std::nullopt;
  return get_addr(r);
}

// Host, port and iface: 4 + 2 + 4 bytes at least.
constexpr size_t kMinAddrBytes = 10;

std::vector<UdpAddress> get_addrs(WireReader& r) {
  std::vector<UdpAddress> v;
  const uint32_t n = r.count(limits::kReportTargets, kMinAddrBytes);
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) v.push_back(get_addr(r));
  return v;
}

void put_indexed(WireWriter& w, const std::vector<IndexedJob>& jobs) {
  w.u32(static_cast<uint32_t>(jobs.size()));
  for (const auto& ij : jobs) {
    w.u32(ij.index);
    put_job(w, ij.job);
  }
}

// The smallest possible job encoding, so a lying count is caught early.
constexpr size_t kMinJobBytes = 4 * 7 + 4 + 1 + 4 + 4 + 4 + 4 + 4 + 4 + 1 + 32 + 4 + 44 + 8 * 4;

std::vector<IndexedJob> get_indexed(WireReader& r) {
  std::vector<IndexedJob> v;
  const uint32_t n = r.count(kJobsPerMessage, 4 + kMinJobBytes);
  if (r.ok() && n == 0) r.fail("empty job batch");
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    IndexedJob ij;
    ij.index = r.u32();
    ij.job = get_job(r);
    v.push_back(std::move(ij));
  }
  return v;
}

struct Encoder {
  WireWriter& w;
  void operator()(const MsgHello& m) {
    w.u8(static_cast<uint8_t>(m.mode));
    w.str(m.config_name);
  }
  void operator()(const MsgTableBegin& m) { w.u32(m.job_count); }
  void operator()(const MsgTableJob& m) {
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const auto& j : m.jobs) put_job(w, j);
  }
  void operator()(const MsgTableEnd&) {}
  void operator()(const MsgParse& m) { w.u32(m.generation); }
  void operator()(const MsgDiag& m) {
    w.u8(static_cast<uint8_t>(m.severity));
    w.u32(m.line);
    w.u32(m.col);
    w.str(m.text);
  }
  void operator()(const MsgTxnBegin& m) {
    w.u32(m.generation);
    w.u32(m.job_count);
  }
  void operator()(const MsgTxnKeep& m) {
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const auto& k : m.jobs) {
      w.u32(k.index);
      w.str(k.name);
    }
  }
  void operator()(const MsgTxnAdd& m) { put_indexed(w, m.jobs); }
  void operator()(const MsgTxnChange& m) { put_indexed(w, m.jobs); }
  void operator()(const MsgTxnRemove& m) { w.str(m.name); }
  void operator()(const MsgTxnGlobals& m) {
    put_addrs(w, m.globals.report_to);
    put_optional_addr(w, m.globals.listen_on);
    w.str(m.globals.listen_key);
    put_control(w, m.globals.control);
    put_log(w, m.globals.log);
  }
  void operator()(const MsgTxnEnd& m) { w.u32(m.warnings); }
  void operator()(const MsgParseFailed& m) {
    w.u32(m.generation);
    w.u32(m.errors);
    w.u32(m.warnings);
  }
};

Message decode_body(MsgType type, WireReader& r) {
  switch (type) {
    case MsgType::Hello: {
      MsgHello m;
      const uint8_t mode = r.u8();
      if (mode != static_cast<uint8_t>(ParseMode::Check) && mode != static_cast<uint8_t>(ParseMode::Run))
        r.fail("unknown parse mode");
      m.mode = static_cast<ParseMode>(mode);
      m.config_name = r.str(limits::kPathBytes);
      return m;
    }
    case MsgType::TableBegin: {
      MsgTableBegin m;
      m.job_count = r.u32();
      if (m.job_count > limits::kJobs) r.fail("job count out of range");
      return m;
    }
    case MsgType::TableJob: {
      MsgTableJob m;
      const uint32_t n = r.count(kJobsPerMessage, kMinJobBytes);
      if (r.ok() && n == 0) r.fail("empty job batch");
      m.jobs.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) m.jobs.push_back(get_job(r));
      return m;
    }
    case MsgType::TableEnd: return MsgTableEnd{};
    case MsgType::Parse: return MsgParse{r.u32()};
    case MsgType::Diag: {
      MsgDiag m;
      const uint8_t sev = r.u8();
      if (sev != static_cast<uint8_t>(Severity::Error) && sev != static_cast<uint8_t>(Severity::Warning))
        r.fail("unknown severity");
      m.severity = static_cast<Severity>(sev);
      m.line = r.u32();
      m.col = r.u32();
      m.text = r.str(limits::kDiagnosticBytes);
      return m;
    }
    case MsgType::TxnBegin: {
      MsgTxnBegin m;
      m.generation = r.u32();
      m.job_count = r.u32();
      if (m.job_count > limits::kJobs) r.fail("job count out of range");
      return m;
    }
    case MsgType::TxnKeep: {
      MsgTxnKeep m;
      const uint32_t n = r.count(kKeptPerMessage, 8);
      if (r.ok() && n == 0) r.fail("empty keep list");
      m.jobs.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        KeptJob k;
        k.index = r.u32();
        k.name = r.str(limits::kNameBytes);
        m.jobs.push_back(std::move(k));
      }
      return m;
    }
    case MsgType::TxnAdd: return MsgTxnAdd{get_indexed(r)};
    case MsgType::TxnChange: return MsgTxnChange{get_indexed(r)};
    case MsgType::TxnRemove: return MsgTxnRemove{r.str(limits::kNameBytes)};
    case MsgType::TxnGlobals: {
      MsgTxnGlobals m;
      m.globals.report_to = get_addrs(r);
      m.globals.listen_on = get_optional_addr(r);
      m.globals.listen_key = r.str(limits::kPathBytes);
      // The monitor opens this file as root: never a path relative to
      // wherever it happens to run.
      if (r.ok() && !m.globals.listen_key.empty() && !valid_abs_path(m.globals.listen_key))
        r.fail("listen key is not an absolute path");
      m.globals.control = get_control(r);
      m.globals.log = get_log(r);
      return m;
    }
    case MsgType::TxnEnd: return MsgTxnEnd{r.u32()};
    case MsgType::ParseFailed: {
      MsgParseFailed m;
      m.generation = r.u32();
      m.errors = r.u32();
      m.warnings = r.u32();
      return m;
    }
  }
  r.fail("unknown message type");
  return MsgTableEnd{};
}

bool known_type(uint8_t t) {
  switch (static_cast<MsgType>(t)) {
    case MsgType::Hello: case MsgType::TableBegin: case MsgType::TableJob:
    case MsgType::TableEnd: case MsgType::Parse: case MsgType::Diag:
    case MsgType::TxnBegin: case MsgType::TxnKeep: case MsgType::TxnAdd:
    case MsgType::TxnChange: case MsgType::TxnRemove: case MsgType::TxnGlobals:
    case MsgType::TxnEnd: case MsgType::ParseFailed:
      return true;
  }
  return false;
}

}  // namespace

MsgType message_type(const Message& m) noexcept {
  static constexpr MsgType kTypes[] = {
      MsgType::Hello,     MsgType::TableBegin, MsgType::TableJob,  MsgType::TableEnd,
      MsgType::Parse,     MsgType::Diag,       MsgType::TxnBegin,  MsgType::TxnKeep,
      MsgType::TxnAdd,    MsgType::TxnChange,  MsgType::TxnRemove, MsgType::TxnGlobals,
      MsgType::TxnEnd,    MsgType::ParseFailed};
  static_assert(std::size(kTypes) == std::variant_size_v<Message>);
  return kTypes[m.index()];
}

const char* message_type_name(MsgType t) noexcept {
  switch (t) {
    case MsgType::Hello: return "hello";
    case MsgType::TableBegin: return "table-begin";
    case MsgType::TableJob: return "table-job";
    case MsgType::TableEnd: return "table-end";
    case MsgType::Parse: return "parse";
    case MsgType::Diag: return "diag";
    case MsgType::TxnBegin: return "txn-begin";
    case MsgType::TxnKeep: return "txn-keep";
    case MsgType::TxnAdd: return "txn-add";
    case MsgType::TxnChange: return "txn-change";
    case MsgType::TxnRemove: return "txn-remove";
    case MsgType::TxnGlobals: return "txn-globals";
    case MsgType::TxnEnd: return "txn-end";
    case MsgType::ParseFailed: return "parse-failed";
  }
  return "unknown";
}

std::vector<std::byte> encode_message(const Message& m) {
  WireWriter w;
  w.reserve(256);
  w.u8(kProtocolVersion);
  w.u8(static_cast<uint8_t>(message_type(m)));
  std::visit(Encoder{w}, m);
  return w.take();
}

Result<Message> decode_message(std::span<const std::byte> record) noexcept {
  if (record.size() > limits::kMessageBytes) return Error{0, "oversized record"};
  WireReader r(record);
  const uint8_t version = r.u8();
  const uint8_t type = r.u8();
  if (!r.ok()) return Error{0, "truncated record"};
  if (version != kProtocolVersion) return Error{0, "wrong protocol version"};
  if (!known_type(type)) return Error{0, "unknown message type"};
  Message m = decode_body(static_cast<MsgType>(type), r);
  if (!r.finish()) return Error{0, r.error()};
  return m;
}

size_t encoded_job_size(const JobDesc& j) {
  // Counted, not encoded: called for every job when batches are packed.
  ByteCounter n;
  put_job_layout(n, j, true);
  return n.bytes();
}

std::string job_definition_key(const JobDesc& job) {
  WireWriter w;
  w.reserve(encoded_job_size(job));
  put_job(w, job, /*with_positions=*/false);
  const auto bytes = w.bytes();
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Result<JobDesc> decode_job_definition(std::string_view key) {
  WireReader r(std::as_bytes(std::span<const char>(key.data(), key.size())));
  JobDesc job = get_job(r);
  if (!r.finish()) return Error{0, r.error()};
  return job;
}

namespace {
// Record header (version, type, count) plus slack.
constexpr size_t kBatchBudget = limits::kMessageBytes - 16;
}  // namespace

std::vector<MsgTableJob> pack_table(const std::vector<JobDesc>& jobs) {
  std::vector<MsgTableJob> out;
  size_t used = kBatchBudget;  // forces a first batch
  for (const auto& j : jobs) {
    const size_t cost = encoded_job_size(j);
    if (out.empty() || used + cost > kBatchBudget || out.back().jobs.size() == kJobsPerMessage) {
      out.emplace_back();
      used = 0;
    }
    out.back().jobs.push_back(j);
    used += cost;
  }
  return out;
}

std::vector<std::vector<IndexedJob>> pack_indexed(std::vector<IndexedJob> jobs) {
  std::vector<std::vector<IndexedJob>> out;
  size_t used = 0;
  for (auto& ij : jobs) {
    const size_t cost = 4 + encoded_job_size(ij.job);
    if (out.empty() || used + cost > kBatchBudget || out.back().size() == kJobsPerMessage) {
      out.emplace_back();
      used = 0;
    }
    out.back().push_back(std::move(ij));
    used += cost;
  }
  return out;
}

}  // namespace pmtr
