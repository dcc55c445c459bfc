#include "common/net_messages.hpp"

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/wire.hpp"

namespace pmtr {
namespace {

constexpr uint8_t kLastPart = 1;
constexpr uint8_t kReported = 1, kEnabled = 2;

struct Encoder {
  WireWriter& w;
  void type(NetMsgType t) { w.u8(static_cast<uint8_t>(t)); }
  void operator()(const NetJobs& m) {
    type(NetMsgType::Jobs);
    w.u8(m.last ? kLastPart : 0);
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const auto& j : m.jobs) {
      w.str(j.name);
      w.u8(static_cast<uint8_t>((j.reported ? kReported : 0) | (j.enabled ? kEnabled : 0)));
      w.u32(static_cast<uint32_t>(j.pid));
      w.u64(j.started_ns);
      w.str(j.argv0);
    }
  }
  void operator()(const NetOperate& m) {
    type(NetMsgType::Operate);
    w.u8(m.enable ? 1 : 0);
    w.str(m.name);
  }
  void operator()(const NetUp&) { type(NetMsgType::Up); }
};

std::string get_name(WireReader& r) {
  std::string n = r.str(limits::kNameBytes);
  if (r.ok() && !valid_job_name(n)) r.fail("invalid job name");
  return n;
}

NetJobs get_jobs(WireReader& r) {
  NetJobs m;
  const uint8_t flags = r.u8();
  if (r.ok() && (flags & ~kLastPart) != 0) r.fail("unknown flags");
  m.last = (flags & kLastPart) != 0;
  const uint32_t count = r.u32();
  if (r.ok() && count > kNetJobsPerRecord) r.fail("too many jobs in one record");
  for (uint32_t i = 0; r.ok() && i < count; ++i) {
    NetJob j;
    j.name = get_name(r);
    const uint8_t jf = r.u8();
    if (r.ok() && (jf & ~(kReported | kEnabled)) != 0) r.fail("unknown job flags");
    j.reported = (jf & kReported) != 0;
    j.enabled = (jf & kEnabled) != 0;
    j.pid = static_cast<int32_t>(r.u32());
    if (r.ok() && j.pid < 0) r.fail("negative pid");
    j.started_ns = r.u64();
    j.argv0 = r.str(limits::kStringBytes);
    if (r.ok() && j.argv0.find('\0') != std::string::npos) r.fail("NUL in argv0");
    m.jobs.push_back(std::move(j));
  }
  return m;
}

}  // namespace

std::vector<std::byte> encode_net_message(const NetMessage& m) {
  WireWriter w;
  w.u8(kNetProtocolVersion);
  std::visit(Encoder{w}, m);
  return w.take();
}

Result<NetMessage> decode_net_message(std::span<const std::byte> record) noexcept {
  WireReader r(record);
  const uint8_t version = r.u8();
  const uint8_t type = r.u8();
  if (!r.ok()) return Error{0, "truncated record"};
  if (version != kNetProtocolVersion) return Error{0, "wrong protocol version"};
  NetMessage out;
  switch (static_cast<NetMsgType>(type)) {
    case NetMsgType::Jobs:
      out = get_jobs(r);
      break;
    case NetMsgType::Operate: {
      NetOperate o;
      const uint8_t e = r.u8();
      if (r.ok() && e > 1) r.fail("enable is not 0 or 1");
      o.enable = e == 1;
      o.name = get_name(r);
      out = std::move(o);
      break;
    }
    case NetMsgType::Up:
      out = NetUp{};
      break;
    default:
      return Error{0, "unknown message type"};
  }
  if (!r.finish()) return Error{0, r.error()};
  return out;
}

}  // namespace pmtr
