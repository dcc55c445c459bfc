// Messages of the monitor <-> pmtr-parser channel (AF_UNIX SOCK_SEQPACKET,
// one message per record).  Record layout: u8 protocol version, u8 type,
// then the type's fields in the order listed here.  Decoding checks every
// field's bounds and demands exact consumption; semantic re-validation of a
// job (absolute paths, ranges) is check_job() in common/job_check.hpp.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"

namespace pmtr {

inline constexpr uint8_t kProtocolVersion = 3;   // 3: several `report to`, `listen on ... key`

enum class MsgType : uint8_t {
  // monitor -> parser
  Hello = 1,        // first message: mode, config name for diagnostics
  TableBegin = 2,   // the monitor's current job table follows
  TableJob = 3,     // a batch of jobs of that table
  TableEnd = 4,
  Parse = 5,        // carries the config fd (SCM_RIGHTS)
  // parser -> monitor
  Diag = 20,        // one diagnostic (error or warning)
  TxnBegin = 21,    // a config transaction begins
  TxnKeep = 22,     // jobs unchanged, with their new positions in file order
  TxnAdd = 23,      // a batch of new jobs
  TxnChange = 24,   // a batch of jobs whose definition changed (matched by name)
  TxnRemove = 25,   // job gone from the config
  TxnGlobals = 26,  // global statements
  TxnEnd = 27,      // apply it
  ParseFailed = 28, // config invalid: nothing changes
};

enum class ParseMode : uint8_t { Check = 1, Run = 2 };
enum class Severity : uint8_t { Error = 1, Warning = 2 };

struct MsgHello { ParseMode mode = ParseMode::Run; std::string config_name; };
struct MsgTableBegin { uint32_t job_count = 0; };
// Jobs travel in batches packed up to the record cap: checking a
// 10,000-job config then costs a few dozen records, not 10,000.
inline constexpr size_t kJobsPerMessage = 1024;
struct IndexedJob { uint32_t index = 0; JobDesc job; };
struct MsgTableJob { std::vector<JobDesc> jobs; };
struct MsgTableEnd {};
struct MsgParse { uint32_t generation = 0; };
struct MsgDiag { Severity severity = Severity::Error; uint32_t line = 0; uint32_t col = 0; std::string text; };
struct MsgTxnBegin { uint32_t generation = 0; uint32_t job_count = 0; };
struct KeptJob { uint32_t index = 0; std::string name; bool operator==(const KeptJob&) const = default; };
// Batched: a reload of 1000 unchanged jobs costs one record, not 1000.
inline constexpr size_t kKeptPerMessage = 1024;
struct MsgTxnKeep { std::vector<KeptJob> jobs; };
struct MsgTxnAdd { std::vector<IndexedJob> jobs; };
struct MsgTxnChange { std::vector<IndexedJob> jobs; };
struct MsgTxnRemove { std::string name; };
struct MsgTxnGlobals { GlobalConfig globals; };
struct MsgTxnEnd { uint32_t warnings = 0; };
struct MsgParseFailed { uint32_t generation = 0; uint32_t errors = 0; uint32_t warnings = 0; };

using Message = std::variant<MsgHello, MsgTableBegin, MsgTableJob, MsgTableEnd, MsgParse, MsgDiag,
                             MsgTxnBegin, MsgTxnKeep, MsgTxnAdd, MsgTxnChange, MsgTxnRemove,
                             MsgTxnGlobals, MsgTxnEnd, MsgParseFailed>;

[[nodiscard]] MsgType message_type(const Message& m) noexcept;
[[nodiscard]] const char* message_type_name(MsgType t) noexcept;

// Never larger than limits::kMessageBytes for anything the parser accepts;
// the sender checks encoded size before sending.
[[nodiscard]] std::vector<std::byte> encode_message(const Message& m);
// Never crashes, never allocates beyond the record's own size; the error
// names the first problem ("truncated record", "string too long", ...).
[[nodiscard]] Result<Message> decode_message(std::span<const std::byte> record) noexcept;

// The job's encoding alone (used to enforce limits::kJobEncodedBytes and to
// pack batches).
[[nodiscard]] size_t encoded_job_size(const JobDesc& job);

// The job's definition as bytes: its encoding with the source positions
// zeroed, so two jobs are the same definition exactly when their keys are
// equal (same_definition()).  What the parser keeps between parses.
[[nodiscard]] std::string job_definition_key(const JobDesc& job);
// Its inverse (source positions come back zero), as strict as every
// decoder here: caps, exact consumption.  The monitor keeps each job's
// definition in this form between starts (monitor/job_table.hpp).
[[nodiscard]] Result<JobDesc> decode_job_definition(std::string_view key);

// Splits jobs into batches whose records stay within limits::kMessageBytes
// (every job must be within limits::kJobEncodedBytes).
[[nodiscard]] std::vector<MsgTableJob> pack_table(const std::vector<JobDesc>& jobs);
[[nodiscard]] std::vector<std::vector<IndexedJob>> pack_indexed(std::vector<IndexedJob> jobs);

}  // namespace pmtr
