// Messages of the monitor <-> pmtr-net channel (AF_UNIX SOCK_SEQPACKET,
// one message per record), in the same strict codec as the other helpers':
// u8 version, u8 type from a closed set, exactly the type's fields, exact
// consumption.  The monitor decodes pmtr-net's records as hostile input:
// pmtr-net reads datagrams from anyone on the network.
//
// Record layout, per type (little-endian, strings u32 length + bytes):
//   Jobs     u8 flags (1: the last part of this status), u32 count, then
//            per job: name, u8 flags (1 reported: restartable; 2 enabled),
//            i32 pid (0: not running), u64 started (CLOCK_MONOTONIC ns,
//            0: not running), argv0.  A status larger than a record comes
//            in parts; pmtr-net reports only whole ones.
//   Operate  u8 enable (0 or 1), name: a `listen on` datagram asked for
//            it (the monitor treats it as pmtrctl start / stop)
//   Up       (nothing): pmtr-net is sandboxed and in its loop (the
//            monitor's restart backoff resets on it, as the parser's does
//            on a completed parse)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

inline constexpr uint8_t kNetProtocolVersion = 1;

enum class NetMsgType : uint8_t {
  // monitor -> pmtr-net
  Jobs = 1,
  // pmtr-net -> monitor
  Operate = 20,
  Up = 21,
};

struct NetJob {
  std::string name;
  bool reported = false;   // restartable: in the report (one-shot jobs are not, as in the original)
  bool enabled = false;
  int32_t pid = 0;
  uint64_t started_ns = 0;
  std::string argv0;
  bool operator==(const NetJob&) const = default;
};
struct NetJobs {
  bool last = true;
  std::vector<NetJob> jobs;
  bool operator==(const NetJobs&) const = default;
};
struct NetOperate {
  bool enable = false;
  std::string name;
  bool operator==(const NetOperate&) const = default;
};

struct NetUp {
  bool operator==(const NetUp&) const = default;
};

using NetMessage = std::variant<NetJobs, NetOperate, NetUp>;

// Jobs per Jobs record: each job is at most 64 + 4096 bytes of strings
// plus 25 of fixed fields, so 15 of them always fit a record.
inline constexpr size_t kNetJobsPerRecord = 15;

[[nodiscard]] std::vector<std::byte> encode_net_message(const NetMessage& m);
// Never crashes, never allocates beyond the record's own size; the error
// names the first problem.
[[nodiscard]] Result<NetMessage> decode_net_message(std::span<const std::byte> record) noexcept;

}  // namespace pmtr
