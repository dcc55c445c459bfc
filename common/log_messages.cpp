#include "common/log_messages.hpp"

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/wire.hpp"

namespace pmtr {
namespace {

struct Encoder {
  WireWriter& w;
  void type(LogMsgType t) { w.u8(static_cast<uint8_t>(t)); }
  void operator()(const LogAttach& m) {
    type(LogMsgType::Attach);
    w.u32(m.slot);
    w.str(m.name);
    w.u8(m.detached ? 1 : 0);
  }
  void operator()(const LogDetach& m) {
    type(LogMsgType::Detach);
    w.u32(m.slot);
  }
  void operator()(const LogRotate& m) {
    type(LogMsgType::Rotate);
    w.u32(m.slot);
  }
  void operator()(const LogDrained& m) {
    type(LogMsgType::Drained);
    w.u32(m.slot);
  }
  void operator()(const LogWrote&) { type(LogMsgType::Wrote); }
};

uint32_t get_slot(WireReader& r, bool every_allowed) {
  const uint32_t s = r.u32();
  if (r.ok() && s >= kMaxLogSlots && !(every_allowed && s == kEverySlot)) r.fail("slot out of range");
  return s;
}

}  // namespace

std::vector<std::byte> encode_log_message(const LogMessage& m) {
  WireWriter w;
  w.reserve(16);
  w.u8(kLogProtocolVersion);
  std::visit(Encoder{w}, m);
  return w.take();
}

Result<LogMessage> decode_log_message(std::span<const std::byte> record) noexcept {
  WireReader r(record);
  const uint8_t version = r.u8();
  const uint8_t type = r.u8();
  if (!r.ok()) return Error{0, "truncated record"};
  if (version != kLogProtocolVersion) return Error{0, "wrong protocol version"};
  LogMessage out;
  switch (static_cast<LogMsgType>(type)) {
    case LogMsgType::Attach: {
      LogAttach a;
      a.slot = get_slot(r, false);
      a.name = r.str(limits::kNameBytes);
      if (r.ok() && !valid_job_name(a.name)) r.fail("invalid job name");
      const uint8_t flags = r.u8();
      if (r.ok() && flags > 1) r.fail("unknown flags");
      a.detached = flags == 1;
      out = std::move(a);
      break;
    }
    case LogMsgType::Detach:
      out = LogDetach{get_slot(r, false)};
      break;
    case LogMsgType::Rotate:
      out = LogRotate{get_slot(r, true)};
      break;
    case LogMsgType::Drained:
      out = LogDrained{get_slot(r, false)};
      break;
    case LogMsgType::Wrote:
      out = LogWrote{};
      break;
    default:
      return Error{0, "unknown message type"};
  }
  if (!r.finish()) return Error{0, r.error()};
  return out;
}

std::string log_dir_name(std::string_view job) {
  std::string out;
  out.reserve(job.size() + 3);
  for (size_t i = 0; i < job.size(); ++i) {
    const char c = job[i];
    if (c == '/') out += "%2F";
    else if (c == '%') out += "%25";
    else if (c == '.' && i == 0) out += "%2E";
    else out += c;
  }
  return out;
}

}  // namespace pmtr
