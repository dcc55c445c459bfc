#include "common/control_messages.hpp"

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/wire.hpp"

namespace pmtr {
namespace {

// A job name, a right, or (a reload's outcome) the config's path.
constexpr size_t kSubjectBytes = limits::kPathBytes;
// Smallest job record: name (4 + 1), then 1+4+8+4+1+4+8+8+4+1 bytes.
constexpr size_t kMinStatusBytes = 5 + 43;
// The flags byte of a job record.
constexpr uint8_t kFlagReadyFd = 1, kFlagCgroup = 2, kFlagMemory = 4, kFlagTasks = 8;
constexpr uint8_t kFlagsKnown = kFlagReadyFd | kFlagCgroup | kFlagMemory | kFlagTasks;

void put_names(WireWriter& w, const std::vector<std::string>& names) {
  w.u32(static_cast<uint32_t>(names.size()));
  for (const auto& n : names) w.str(n);
}

// Job names as the config allows them; at least one unless `may_be_empty`.
std::vector<std::string> get_names(WireReader& r, bool may_be_empty) {
  std::vector<std::string> v;
  const uint32_t n = r.count(kCtlNames, 4 + 1);
  if (r.ok() && n == 0 && !may_be_empty) r.fail("no job named");
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    v.push_back(r.str(limits::kNameBytes));
    if (r.ok() && !valid_job_name(v.back())) r.fail("invalid job name");
  }
  return v;
}

struct RequestEncoder {
  WireWriter& w;
  void operator()(const CtlStatusRequest& m) {
    w.u8(static_cast<uint8_t>(m.figures ? CtlType::StatusFigures : CtlType::StatusQuery));
    put_names(w, m.names);
  }
  void operator()(const CtlOperate& m) {
    w.u8(static_cast<uint8_t>(m.op));
    put_names(w, m.names);
  }
  void operator()(const CtlSignal& m) {
    w.u8(static_cast<uint8_t>(CtlType::Signal));
    w.u8(m.signal);
    put_names(w, m.names);
  }
  void operator()(const CtlReload&) { w.u8(static_cast<uint8_t>(CtlType::Reload)); }
  void operator()(const CtlWait& m) {
    w.u8(static_cast<uint8_t>(CtlType::Wait));
    w.u8(static_cast<uint8_t>(m.target));
    w.u32(m.timeout_ms);
    put_names(w, m.names);
  }
  void operator()(const CtlLogWhere& m) {
    w.u8(static_cast<uint8_t>(CtlType::LogWhere));
    w.str(m.name);
  }
  void operator()(const CtlRotate& m) {
    w.u8(static_cast<uint8_t>(CtlType::Rotate));
    put_names(w, m.names);
  }
};

void put_status(WireWriter& w, const JobStatus& s) {
  w.str(s.name);
  w.u8(static_cast<uint8_t>(s.state));
  w.i32(s.pid);
  w.u64(s.started_ms);
  w.u32(s.restarts);
  w.u8(s.last_exit_kind);
  w.i32(s.last_exit_value);
  w.u64(s.last_exit_ms);
  w.u64(s.next_start_ms);
  w.u32(s.backoff_ms);
  uint8_t flags = s.has_ready_fd ? kFlagReadyFd : 0;
  if (s.has_cgroup) {
    flags |= kFlagCgroup;
    if (s.memory_bytes) flags |= kFlagMemory;
    if (s.tasks) flags |= kFlagTasks;
  }
  w.u8(flags);
  if (s.has_cgroup) {
    w.u64(s.cpu_usec);
    if (s.memory_bytes) w.u64(*s.memory_bytes);
    if (s.tasks) w.u64(*s.tasks);
  }
}

JobStatus get_status(WireReader& r) {
  JobStatus s;
  s.name = r.str(limits::kNameBytes);
  if (r.ok() && !valid_job_name(s.name)) r.fail("invalid job name");
  const uint8_t state = r.u8();
  if (state < static_cast<uint8_t>(PublicState::Waiting) || state > static_cast<uint8_t>(PublicState::Failed))
    r.fail("unknown state");
  s.state = static_cast<PublicState>(state);
  s.pid = r.i32();
  s.started_ms = r.u64();
  s.restarts = r.u32();
  s.last_exit_kind = r.u8();
  if (s.last_exit_kind > kExitSignal) r.fail("unknown exit kind");
  s.last_exit_value = r.i32();
  s.last_exit_ms = r.u64();
  s.next_start_ms = r.u64();
  s.backoff_ms = r.u32();
  const uint8_t flags = r.u8();
  if (flags & ~kFlagsKnown) r.fail("unknown status flag");
  if ((flags & (kFlagMemory | kFlagTasks)) && !(flags & kFlagCgroup)) r.fail("cgroup figures without a cgroup");
  s.has_ready_fd = (flags & kFlagReadyFd) != 0;
  s.has_cgroup = (flags & kFlagCgroup) != 0;
  if (s.has_cgroup) {
    s.cpu_usec = r.u64();
    if (flags & kFlagMemory) s.memory_bytes = r.u64();
    if (flags & kFlagTasks) s.tasks = r.u64();
  }
  return s;
}

struct ReplyEncoder {
  WireWriter& w;
  void operator()(const CtlStatusBegin& m) {
    w.u8(static_cast<uint8_t>(CtlType::StatusBegin));
    w.u32(m.count);
    w.u64(m.now_ms);
  }
  void operator()(const CtlStatusJobs& m) {
    w.u8(static_cast<uint8_t>(CtlType::StatusJobs));
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const auto& s : m.jobs) put_status(w, s);
  }
  void operator()(const CtlStatusEnd&) { w.u8(static_cast<uint8_t>(CtlType::StatusEnd)); }
  void operator()(const CtlDiag& m) {
    w.u8(static_cast<uint8_t>(CtlType::Diag));
    w.u8(m.severity);
    w.u32(m.line);
    w.u32(m.col);
    w.str(m.text);
  }
  void operator()(const CtlOutcome& m) {
    w.u8(static_cast<uint8_t>(CtlType::Outcome));
    w.u8(static_cast<uint8_t>(m.code));
    w.str(m.subject);
  }
  void operator()(const CtlLogPlace& m) {
    w.u8(static_cast<uint8_t>(CtlType::LogPlace));
    w.u8(m.captured ? 1 : 0);
    w.u8(static_cast<uint8_t>(m.target));
    w.str(m.dir);
  }
};

template <typename T, typename Encoder>
std::vector<std::byte> encode(const T& v) {
  WireWriter w;
  w.reserve(64);
  w.u8(kControlVersion);
  std::visit(Encoder{w}, v);
  return w.take();
}

bool known_code(uint8_t c) {
  switch (static_cast<CtlCode>(c)) {
    case CtlCode::Ok: case CtlCode::Failed: case CtlCode::BadRequest: case CtlCode::NoSuchJob:
    case CtlCode::Denied: case CtlCode::Refused: case CtlCode::Busy:
      return true;
  }
  return false;
}

// Reads the version and the type byte; false (with `why`) when either is wrong.
bool header(WireReader& r, uint8_t& type, const char*& why) {
  const uint8_t version = r.u8();
  type = r.u8();
  if (!r.ok()) return why = "truncated record", false;
  if (version != kControlVersion) return why = "wrong protocol version", false;
  return true;
}

}  // namespace

const char* public_state_name(PublicState s) noexcept {
  switch (s) {
    case PublicState::Waiting: return "waiting";
    case PublicState::Starting: return "starting";
    case PublicState::Running: return "running";
    case PublicState::Ready: return "ready";
    case PublicState::Stopping: return "stopping";
    case PublicState::Delayed: return "delayed";
    case PublicState::Stopped: return "stopped";
    case PublicState::Disabled: return "disabled";
    case PublicState::Done: return "done";
    case PublicState::Failed: return "failed";
  }
  return "?";
}

std::vector<std::byte> encode_ctl_request(const CtlRequest& r) { return encode<CtlRequest, RequestEncoder>(r); }
std::vector<std::byte> encode_ctl_reply(const CtlReply& r) { return encode<CtlReply, ReplyEncoder>(r); }

Result<CtlRequest> decode_ctl_request(std::span<const std::byte> record) noexcept {
  if (record.size() > limits::kMessageBytes) return Error{0, "oversized record"};
  WireReader r(record);
  uint8_t type = 0;
  const char* why = nullptr;
  if (!header(r, type, why)) return Error{0, why};
  CtlRequest out;
  switch (static_cast<CtlType>(type)) {
    case CtlType::StatusQuery:
    case CtlType::StatusFigures:
      out = CtlStatusRequest{get_names(r, true), static_cast<CtlType>(type) == CtlType::StatusFigures};
      break;
    case CtlType::Start:
    case CtlType::Stop:
    case CtlType::Restart:
      out = CtlOperate{static_cast<CtlType>(type), get_names(r, false)};
      break;
    case CtlType::Signal: {
      CtlSignal m;
      m.signal = r.u8();
      if (r.ok() && (m.signal == 0 || m.signal > limits::kSignalMax)) r.fail("signal out of range");
      m.names = get_names(r, false);
      out = std::move(m);
      break;
    }
    case CtlType::Reload:
      out = CtlReload{};
      break;
    case CtlType::Wait: {
      CtlWait m;
      const uint8_t target = r.u8();
      if (r.ok() && (target < static_cast<uint8_t>(WaitTarget::Up) || target > static_cast<uint8_t>(WaitTarget::Down)))
        r.fail("unknown wait target");
      m.target = static_cast<WaitTarget>(target);
      m.timeout_ms = r.u32();
      m.names = get_names(r, false);
      out = std::move(m);
      break;
    }
    case CtlType::LogWhere: {
      CtlLogWhere m;
      m.name = r.str(limits::kNameBytes);
      if (r.ok() && !valid_job_name(m.name)) r.fail("invalid job name");
      out = std::move(m);
      break;
    }
    case CtlType::Rotate:
      out = CtlRotate{get_names(r, true)};
      break;
    case CtlType::StatusBegin: case CtlType::StatusJobs: case CtlType::StatusEnd: case CtlType::Diag:
    case CtlType::Outcome: case CtlType::LogPlace:
      return Error{0, "a reply type where a request belongs"};
    default:
      return Error{0, "unknown request type"};
  }
  if (!r.finish()) return Error{0, r.error()};
  return out;
}

Result<CtlReply> decode_ctl_reply(std::span<const std::byte> record) noexcept {
  if (record.size() > limits::kMessageBytes) return Error{0, "oversized record"};
  WireReader r(record);
  uint8_t type = 0;
  const char* why = nullptr;
  if (!header(r, type, why)) return Error{0, why};
  CtlReply out;
  switch (static_cast<CtlType>(type)) {
    case CtlType::StatusBegin: {
      CtlStatusBegin m;
      m.count = r.u32();
      m.now_ms = r.u64();
      out = m;
      break;
    }
    case CtlType::StatusJobs: {
      CtlStatusJobs m;
      const uint32_t n = r.count(limits::kMessageBytes / kMinStatusBytes, kMinStatusBytes);
      if (r.ok() && n == 0) r.fail("empty status batch");
      m.jobs.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) m.jobs.push_back(get_status(r));
      out = std::move(m);
      break;
    }
    case CtlType::StatusEnd:
      out = CtlStatusEnd{};
      break;
    case CtlType::Diag: {
      CtlDiag m;
      m.severity = r.u8();
      if (r.ok() && m.severity != 1 && m.severity != 2) r.fail("unknown severity");
      m.line = r.u32();
      m.col = r.u32();
      m.text = r.str(limits::kDiagnosticBytes);
      out = std::move(m);
      break;
    }
    case CtlType::Outcome: {
      CtlOutcome m;
      const uint8_t code = r.u8();
      if (r.ok() && !known_code(code)) r.fail("unknown outcome code");
      m.code = static_cast<CtlCode>(code);
      m.subject = r.str(kSubjectBytes);
      out = std::move(m);
      break;
    }
    case CtlType::LogPlace: {
      CtlLogPlace m;
      const uint8_t captured = r.u8();
      if (r.ok() && captured > 1) r.fail("captured is neither 0 nor 1");
      m.captured = captured == 1;
      const uint8_t target = r.u8();
      const bool known = target == static_cast<uint8_t>(LogPlaceTarget::Dir) ||
                         target == static_cast<uint8_t>(LogPlaceTarget::Stderr);
      if (r.ok() && !known) r.fail("unknown log target");
      m.target = static_cast<LogPlaceTarget>(target);
      m.dir = r.str(limits::kPathBytes);
      // A directory names itself only with its target, and absolutely:
      // pmtrctl opens files below it.
      if (r.ok() && m.target == LogPlaceTarget::Stderr && !m.dir.empty()) r.fail("a directory for pmtr's stderr");
      if (r.ok() && m.target == LogPlaceTarget::Dir && (m.dir.empty() || m.dir[0] != '/'))
        r.fail("log directory is not an absolute path");
      out = std::move(m);
      break;
    }
    case CtlType::StatusQuery: case CtlType::Start: case CtlType::Stop: case CtlType::Restart:
    case CtlType::Signal: case CtlType::Reload: case CtlType::Wait: case CtlType::StatusFigures:
    case CtlType::LogWhere: case CtlType::Rotate:
      return Error{0, "a request type where a reply belongs"};
    default:
      return Error{0, "unknown reply type"};
  }
  if (!r.finish()) return Error{0, r.error()};
  return out;
}

size_t encoded_status_size(const JobStatus& s) noexcept {
  size_t n = 4 + s.name.size() + 43;
  if (s.has_cgroup) n += 8 + (s.memory_bytes ? 8 : 0) + (s.tasks ? 8 : 0);
  return n;
}

}  // namespace pmtr
