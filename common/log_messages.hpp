// Messages of the monitor <-> pmtr-log channel (AF_UNIX SOCK_SEQPACKET,
// one message per record), in the same strict codec as the parser's and
// the control socket's: u8 version, u8 type from a closed set, exactly the
// type's fields, exact consumption.  Either side decodes the other's
// records as hostile input: the monitor because pmtr-log reads text from
// every job, pmtr-log because it trusts nothing it did not check.
//
// Record layout, per type (little-endian, strings u32 length + bytes):
//   Attach   u32 slot, name, u8 flags (1: detached: the job is gone and its
//            writers will close; drain the pipe to its end), with one fd
//            (SCM_RIGHTS): the read end of the job's output pipe
//   Detach   u32 slot: the job is gone; drain its pipe to the end
//   Rotate   u32 slot (kEverySlot: every job)
//   Drained  u32 slot: the pipe reached its end and everything in it is
//            written; the monitor may close its read end
//   Wrote    (nothing): the first batch since this pmtr-log started is
//            written (the monitor's restart backoff resets on it)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

inline constexpr uint8_t kLogProtocolVersion = 1;
inline constexpr uint32_t kEverySlot = 0xffffffffu;
// Slots are the monitor's numbers for captured pipes, reused after drain;
// never more than one per job.
inline constexpr uint32_t kMaxLogSlots = 1u << 20;

enum class LogMsgType : uint8_t {
  // monitor -> pmtr-log
  Attach = 1,
  Detach = 2,
  Rotate = 3,
  // pmtr-log -> monitor
  Drained = 20,
  Wrote = 21,
};

struct LogAttach { uint32_t slot = 0; std::string name; bool detached = false; };
struct LogDetach { uint32_t slot = 0; };
struct LogRotate { uint32_t slot = kEverySlot; };
struct LogDrained { uint32_t slot = 0; };
struct LogWrote {};

using LogMessage = std::variant<LogAttach, LogDetach, LogRotate, LogDrained, LogWrote>;

[[nodiscard]] std::vector<std::byte> encode_log_message(const LogMessage& m);
// Never crashes, never allocates beyond the record's own size; the error
// names the first problem.
[[nodiscard]] Result<LogMessage> decode_log_message(std::span<const std::byte> record) noexcept;

// The directory below `log to DIR` that holds a job's files: the name, with
// '/' written %2F, '%' %25 and a leading '.' %2E, so that every job name is
// one directory entry of its own ("." and ".." included) and maps back.
[[nodiscard]] std::string log_dir_name(std::string_view job);

}  // namespace pmtr
