#include "parser/config_diff.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/limits.hpp"

namespace pmtr {
namespace {

// What pack_indexed() (common/messages.cpp) packs a record to: the record
// header (version, type, count) and some slack below the record cap.
constexpr size_t kBatchBudget = limits::kMessageBytes - 16;

// TxnAdd / TxnChange records, built from the jobs' encodings: the layout
// of put_indexed() in common/messages.cpp (u8 version, u8 type, u32
// count, then per job a u32 index and the job), which the tests hold
// byte for byte against encode_message().
class BatchRecords {
 public:
  BatchRecords(MsgType type, const RecordSink& sink) : type_(type), sink_(sink) {
    rec_.reserve(limits::kMessageBytes);
  }

  bool add(uint32_t index, std::span<const std::byte> job) {
    const size_t cost = 4 + job.size();
    if (count_ != 0 && (used_ + cost > kBatchBudget || count_ == kJobsPerMessage) && !flush()) return false;
    if (count_ == 0) {
      rec_.clear();
      rec_.push_back(std::byte{kProtocolVersion});
      rec_.push_back(static_cast<std::byte>(type_));
      put_u32(0);   // the count, written at flush()
    }
    put_u32(index);
    rec_.insert(rec_.end(), job.begin(), job.end());
    used_ += cost;
    ++count_;
    return true;
  }

  bool flush() {
    if (count_ == 0) return true;
    for (size_t i = 0; i < 4; ++i) rec_[2 + i] = static_cast<std::byte>(count_ >> (8 * i));
    count_ = 0;
    used_ = 0;
    return sink_(rec_);
  }

 private:
  void put_u32(uint32_t v) {
    for (size_t i = 0; i < 4; ++i) rec_.push_back(static_cast<std::byte>(v >> (8 * i)));
  }

  MsgType type_;
  const RecordSink& sink_;
  std::vector<std::byte> rec_;
  uint32_t count_ = 0;
  size_t used_ = 0;
};

bool send_batches(MsgType type, const EncodedJobs& jobs, const std::vector<uint32_t>& indexes,
                  const RecordSink& sink) {
  if (indexes.empty()) return true;
  BatchRecords records(type, sink);
  for (uint32_t i : indexes)
    if (!records.add(i, jobs.job(i))) return false;
  return records.flush();
}

}  // namespace

bool stream_transaction(uint32_t generation, const JobKeyTable& current, const EncodedJobs& next,
                        const GlobalConfig& globals, uint32_t warnings, JobKeyTable* next_table,
                        const RecordSink& sink) {
  const JobKeyIndex old_by_name(current);
  std::string key;   // one buffer for every definition key
  // matched[k]: current job k is kept or changed (so not removed).
  std::vector<bool> matched(current.size());
  if (next_table != nullptr) {
    size_t name_bytes = 0;
    for (size_t i = 0; i < next.size(); ++i) name_bytes += next.name(i).size();
    next_table->clear();
    next_table->reserve(next.size(), name_bytes);
  }
  auto emit = [&sink](const Message& m) { return sink(encode_message(m)); };
  if (!emit(MsgTxnBegin{generation, static_cast<uint32_t>(next.size())}) || !emit(MsgTxnGlobals{globals}))
    return false;

  // Kept jobs go out as they are found; added and changed ones, by index,
  // after them, so the message order does not depend on the batching.
  MsgTxnKeep keep;
  auto flush_keep = [&] {
    if (keep.jobs.empty()) return true;
    const bool ok = emit(keep);
    keep.jobs.clear();
    return ok;
  };
  std::vector<uint32_t> added, changed;
  for (uint32_t i = 0; i < next.size(); ++i) {
    const std::string_view name = next.name(i);
    size_t old = old_by_name.find(name);
    if (old != JobKeyTable::npos && matched[old]) old = JobKeyTable::npos;   // a repeated name is new
    DefinitionDigest digest{};
    if (next_table != nullptr || old != JobKeyTable::npos) {
      next.definition_key(i, key);
      digest = digest_definition_key(key);
    }
    if (next_table != nullptr) next_table->add(name, digest);
    if (old == JobKeyTable::npos) {
      added.push_back(i);
      continue;
    }
    matched[old] = true;
    if (current.digest(old) == digest) {
      keep.jobs.push_back(KeptJob{i, std::string(name)});
      if (keep.jobs.size() == kKeptPerMessage && !flush_keep()) return false;
    } else {
      changed.push_back(i);
    }
  }
  if (!flush_keep() || !send_batches(MsgType::TxnAdd, next, added, sink) ||
      !send_batches(MsgType::TxnChange, next, changed, sink))
    return false;
  // Removals in the old table's order, so logs read like the file did (a
  // name the table repeats is removed once, as the index sees only the
  // first).
  for (size_t k = 0; k < current.size(); ++k)
    if (!matched[k] && old_by_name.find(current.name(k)) == k && !emit(MsgTxnRemove{std::string(current.name(k))}))
      return false;
  return emit(MsgTxnEnd{warnings});
}

std::vector<Message> make_transaction(uint32_t generation, const JobKeyTable& current,
                                      const std::vector<JobDesc>& next, const GlobalConfig& globals,
                                      uint32_t warnings, JobKeyTable* next_table) {
  EncodedJobs encoded;
  for (const auto& j : next) encoded.add(j);
  std::vector<Message> out;
  (void)stream_transaction(generation, current, encoded, globals, warnings, next_table,
                           [&out](std::span<const std::byte> rec) {
                             auto m = decode_message(rec);
                             if (!m) throw std::logic_error("transaction record does not decode: " + m.error().what);
                             out.push_back(std::move(m).value());
                             return true;
                           });
  return out;
}

std::vector<Message> make_transaction(uint32_t generation, const std::vector<JobDesc>& current,
                                      const std::vector<JobDesc>& next, const GlobalConfig& globals,
                                      uint32_t warnings) {
  JobKeyTable keys;
  size_t name_bytes = 0;
  for (const auto& j : current) name_bytes += j.name.size();
  keys.reserve(current.size(), name_bytes);
  DefinitionDigester digest;
  for (const auto& j : current) keys.add(j.name, digest(j));
  return make_transaction(generation, keys, next, globals, warnings);
}

}  // namespace pmtr
