// Receiving side of a config change from pmtr-parser.  Messages arrive one
// at a time; a constexpr table says which message type is allowed in which
// state (OpenSSH monitor style), anything else is a protocol violation.  At
// TxnEnd the whole transaction is re-validated against the current table:
// every current job accounted for exactly once, indexes a permutation,
// names unique, every job passing check_job().  Only then is it handed over,
// so it is applied whole or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"

namespace pmtr {

struct Transaction {
  uint32_t generation = 0;
  uint32_t job_count = 0;
  GlobalConfig globals;
  std::vector<KeptJob> kept;
  std::vector<IndexedJob> added;
  std::vector<IndexedJob> changed;
  std::vector<std::string> removed;
  uint32_t warnings = 0;
};

// The most the parser's answer to one parse may take on the wire, given
// the size of the config it was handed and the number of jobs it may
// remove.  A job's encoding is at most 7 times its text (the smallest job
// block, the four lines `job{`, `name a`, `cmd /`, `}`: 20 bytes of text,
// 133 on the wire), 10 leaves room; a removal is one record of at most 70 bytes per current job;
// diagnostics take at most 1001 x 527 bytes.  Never above
// limits::kTransactionBytes.  A config that grows between the monitor's
// fstat and the parser's read can exceed it: that parse is then a
// violation and the next parser reads the file again.
[[nodiscard]] size_t transaction_byte_cap(uint64_t config_bytes, size_t current_jobs) noexcept;

class TransactionAssembler {
 public:
  enum class State : uint8_t { Idle, Awaiting, InTxn };
  enum class Outcome : uint8_t {
    Continue,    // message accepted, more to come
    Diagnostic,  // a Diag was accepted (see last_diag())
    Complete,    // transaction() is ready and valid
    Failed,      // ParseFailed: config invalid, nothing changes
    Violation,   // protocol violation: see why()
  };

  // The current table's job names, to check Keep/Change/Remove against.
  using HasJob = std::function<bool(std::string_view)>;
  TransactionAssembler(HasJob has_job, size_t current_count) noexcept
      : has_job_(std::move(has_job)), current_count_(current_count) {}

  // A Parse request with this generation was sent.  byte_cap bounds the
  // records of its answer (transaction_byte_cap()).
  void expect(uint32_t generation, size_t current_count,
              size_t byte_cap = limits::kTransactionBytes) noexcept;
  // record_bytes: the size of the record m was decoded from; counted
  // against the byte cap before anything of m is kept.
  [[nodiscard]] Outcome feed(Message m, size_t record_bytes) noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] const std::string& why() const noexcept { return why_; }
  [[nodiscard]] const MsgDiag& last_diag() const noexcept { return diag_; }
  [[nodiscard]] const MsgParseFailed& failure() const noexcept { return failed_; }
  [[nodiscard]] Transaction take() noexcept { return std::move(txn_); }
  // Drops a half-received transaction (the parser died mid-way).
  void reset() noexcept;

 private:
  Outcome violation(std::string why) noexcept;
  Outcome on_diag(Message& m) noexcept;
  Outcome on_begin(Message& m) noexcept;
  Outcome on_failed(Message& m) noexcept;
  Outcome on_globals(Message& m) noexcept;
  Outcome on_keep(Message& m) noexcept;
  Outcome on_add(Message& m) noexcept;
  Outcome on_change(Message& m) noexcept;
  Outcome on_remove(Message& m) noexcept;
  Outcome on_end(Message& m) noexcept;
  Outcome validate() noexcept;

  using Handler = Outcome (TransactionAssembler::*)(Message&) noexcept;
  struct Rule {
    State state;
    MsgType type;
    Handler handler;
  };
  static const Rule kRules[];

  HasJob has_job_;
  size_t current_count_ = 0;
  State state_ = State::Idle;
  uint32_t generation_ = 0;
  size_t diags_ = 0;
  bool have_globals_ = false;
  size_t entries_ = 0;
  size_t byte_cap_ = limits::kTransactionBytes;
  size_t bytes_ = 0;   // records fed since expect()
  Transaction txn_;
  MsgDiag diag_;
  MsgParseFailed failed_;
  std::string why_;
};

}  // namespace pmtr
