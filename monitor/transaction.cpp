#include "monitor/transaction.hpp"

#include <algorithm>
#include <unordered_set>

#include "common/job_check.hpp"
#include "common/limits.hpp"

namespace pmtr {

using S = TransactionAssembler::State;
using T = MsgType;
using A = TransactionAssembler;

// The only (state, message) pairs the parser may send.  Hello, Table* and
// Parse are monitor->parser messages: never accepted from the parser.
const A::Rule A::kRules[] = {
    {S::Awaiting, T::Diag, &A::on_diag},
    {S::Awaiting, T::TxnBegin, &A::on_begin},
    {S::Awaiting, T::ParseFailed, &A::on_failed},
    {S::InTxn, T::TxnGlobals, &A::on_globals},
    {S::InTxn, T::TxnKeep, &A::on_keep},
    {S::InTxn, T::TxnAdd, &A::on_add},
    {S::InTxn, T::TxnChange, &A::on_change},
    {S::InTxn, T::TxnRemove, &A::on_remove},
    {S::InTxn, T::TxnEnd, &A::on_end},
};

size_t transaction_byte_cap(uint64_t config_bytes, size_t current_jobs) noexcept {
  const uint64_t text = std::min<uint64_t>(config_bytes, limits::kConfigBytes);
  const uint64_t cap = 10 * text + 80 * static_cast<uint64_t>(current_jobs) + (uint64_t{1} << 20);
  return static_cast<size_t>(std::min<uint64_t>(cap, limits::kTransactionBytes));
}

void A::expect(uint32_t generation, size_t current_count, size_t byte_cap) noexcept {
  reset();
  generation_ = generation;
  current_count_ = current_count;
  byte_cap_ = std::min(byte_cap, limits::kTransactionBytes);
  state_ = S::Awaiting;
}

void A::reset() noexcept {
  state_ = S::Idle;
  diags_ = 0;
  have_globals_ = false;
  entries_ = 0;
  bytes_ = 0;
  txn_ = Transaction{};
}

A::Outcome A::violation(std::string why) noexcept {
  why_ = std::move(why);
  reset();
  return Outcome::Violation;
}

A::Outcome A::feed(Message m, size_t record_bytes) noexcept {
  // Counted before the state check: a record is already in memory, and a
  // violation frees whatever the transaction held.
  bytes_ += record_bytes;
  if (state_ != S::Idle && bytes_ > byte_cap_)
    return violation("answer larger than " + std::to_string(byte_cap_) + " bytes");
  const MsgType type = message_type(m);
  for (const Rule& r : kRules)
    if (r.state == state_ && r.type == type) return (this->*r.handler)(m);
  return violation(std::string("unexpected ") + message_type_name(type) + " message");
}

A::Outcome A::on_diag(Message& m) noexcept {
  if (++diags_ > limits::kDiagnostics + 1) return violation("too many diagnostics");
  diag_ = std::move(std::get<MsgDiag>(m));
  return Outcome::Diagnostic;
}

A::Outcome A::on_begin(Message& m) noexcept {
  const auto& b = std::get<MsgTxnBegin>(m);
  if (b.generation != generation_) return violation("transaction for a parse never requested");
  txn_ = Transaction{};
  txn_.generation = b.generation;
  txn_.job_count = b.job_count;
  // Room for every job the parser announced (the decoder caps the count at
  // limits::kJobs), so no job descriptor is moved by a vector's growth:
  // each move touches fresh pages, and `pmtr -t` on 10,000 jobs paid more
  // in page faults than in decoding.  Only address space: pages are
  // touched as jobs arrive.  A job is kept or changed only if the current
  // table has it; any job may be new.
  const size_t matched = std::min<size_t>(txn_.job_count, current_count_);
  txn_.added.reserve(txn_.job_count);
  txn_.changed.reserve(matched);
  txn_.kept.reserve(matched);
  state_ = S::InTxn;
  return Outcome::Continue;
}

A::Outcome A::on_failed(Message& m) noexcept {
  failed_ = std::get<MsgParseFailed>(m);
  if (failed_.generation != generation_) return violation("failure for a parse never requested");
  if (failed_.errors == 0) return violation("parse failed without errors");
  state_ = S::Idle;
  return Outcome::Failed;
}

A::Outcome A::on_globals(Message& m) noexcept {
  if (have_globals_) return violation("duplicate globals");
  have_globals_ = true;
  txn_.globals = std::move(std::get<MsgTxnGlobals>(m).globals);
  if (auto s = check_globals(txn_.globals); !s) return violation(s.error().message());
  return Outcome::Continue;
}

A::Outcome A::on_keep(Message& m) noexcept {
  auto& jobs = std::get<MsgTxnKeep>(m).jobs;
  entries_ += jobs.size();
  if (entries_ > txn_.job_count) return violation("more jobs than announced");
  for (auto& k : jobs) txn_.kept.push_back(std::move(k));
  return Outcome::Continue;
}

A::Outcome A::on_add(Message& m) noexcept {
  auto& jobs = std::get<MsgTxnAdd>(m).jobs;
  entries_ += jobs.size();
  if (entries_ > txn_.job_count) return violation("more jobs than announced");
  for (auto& ij : jobs) txn_.added.push_back(std::move(ij));
  return Outcome::Continue;
}

A::Outcome A::on_change(Message& m) noexcept {
  auto& jobs = std::get<MsgTxnChange>(m).jobs;
  entries_ += jobs.size();
  if (entries_ > txn_.job_count) return violation("more jobs than announced");
  for (auto& ij : jobs) txn_.changed.push_back(std::move(ij));
  return Outcome::Continue;
}

A::Outcome A::on_remove(Message& m) noexcept {
  if (txn_.removed.size() >= current_count_) return violation("more removals than jobs");
  txn_.removed.push_back(std::move(std::get<MsgTxnRemove>(m).name));
  return Outcome::Continue;
}

A::Outcome A::on_end(Message& m) noexcept {
  txn_.warnings = std::get<MsgTxnEnd>(m).warnings;
  return validate();
}

A::Outcome A::validate() noexcept {
  if (!have_globals_) return violation("transaction without globals");
  if (entries_ != txn_.job_count) return violation("fewer jobs than announced");

  std::vector<bool> index_seen(txn_.job_count, false);
  std::unordered_set<std::string_view> names;
  names.reserve(txn_.job_count + txn_.removed.size());
  auto take_index = [&](uint32_t i) {
    if (i >= txn_.job_count || index_seen[i]) return false;
    index_seen[i] = true;
    return true;
  };
  size_t accounted = 0;  // current jobs kept, changed or removed
  for (const auto& k : txn_.kept) {
    if (!take_index(k.index)) return violation("bad or repeated job index");
    if (!valid_job_name(k.name) || !names.insert(k.name).second) return violation("bad or duplicate job name");
    if (!has_job_(k.name)) return violation("kept job '" + k.name + "' does not exist");
    ++accounted;
  }
  for (const auto& ij : txn_.changed) {
    if (!take_index(ij.index)) return violation("bad or repeated job index");
    if (auto s = check_job(ij.job); !s) return violation("job '" + ij.job.name + "': " + s.error().message());
    if (!names.insert(ij.job.name).second) return violation("duplicate job name '" + ij.job.name + "'");
    if (!has_job_(ij.job.name)) return violation("changed job '" + ij.job.name + "' does not exist");
    ++accounted;
  }
  for (const auto& ij : txn_.added) {
    if (!take_index(ij.index)) return violation("bad or repeated job index");
    if (auto s = check_job(ij.job); !s) return violation("job '" + ij.job.name + "': " + s.error().message());
    if (!names.insert(ij.job.name).second) return violation("duplicate job name '" + ij.job.name + "'");
    if (has_job_(ij.job.name)) return violation("added job '" + ij.job.name + "' already exists");
  }
  for (const auto& name : txn_.removed) {
    if (!names.insert(name).second) return violation("removed job '" + name + "' also kept or repeated");
    if (!has_job_(name)) return violation("removed job '" + name + "' does not exist");
    ++accounted;
  }
  if (accounted != current_count_) return violation("transaction does not account for every current job");
  state_ = S::Idle;
  return Outcome::Complete;
}

}  // namespace pmtr
