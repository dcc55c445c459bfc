#include "parser/config_diff.hpp"

#include <algorithm>
#include <utility>

#include "common/limits.hpp"

namespace pmtr {
namespace {

// What pack_indexed() (common/messages.cpp) packs a record to: the record
// header (version, type, count) and some slack below the record cap.
constexpr size_t kBatchBudget = limits::kMessageBytes - 16;

// Moves the jobs at `indexes` (file order) into TxnAdd or TxnChange
// batches packed up to the record cap, handing each to the sink as soon
// as it is full; the batch's storage is reused for the next one.
template <typename Batch>
bool send_batches(std::vector<JobDesc>& jobs, const std::vector<uint32_t>& indexes, const MessageSink& sink) {
  std::vector<IndexedJob> batch;
  batch.reserve(std::min(indexes.size(), kJobsPerMessage));
  size_t used = 0;
  auto flush = [&] {
    Message m = Batch{std::move(batch)};
    const bool ok = sink(m);
    batch = std::move(std::get<Batch>(m).jobs);
    batch.clear();
    used = 0;
    return ok;
  };
  for (uint32_t i : indexes) {
    const size_t cost = 4 + encoded_job_size(jobs[i]);
    if (!batch.empty() && (used + cost > kBatchBudget || batch.size() == kJobsPerMessage) && !flush())
      return false;
    batch.push_back(IndexedJob{i, std::move(jobs[i])});
    used += cost;
  }
  return batch.empty() || flush();
}

}  // namespace

bool stream_transaction(uint32_t generation, const JobKeyTable& current, std::vector<JobDesc>& next,
                        const GlobalConfig& globals, uint32_t warnings, JobKeyTable* next_table,
                        const MessageSink& sink) {
  const JobKeyIndex old_by_name(current);
  DefinitionDigester digest_of;
  // matched[k]: current job k is kept or changed (so not removed).
  std::vector<bool> matched(current.size());
  if (next_table != nullptr) {
    size_t name_bytes = 0;
    for (const auto& j : next) name_bytes += j.name.size();
    next_table->clear();
    next_table->reserve(next.size(), name_bytes);
  }
  auto emit = [&sink](Message m) { return sink(m); };
  if (!emit(MsgTxnBegin{generation, static_cast<uint32_t>(next.size())}) || !emit(MsgTxnGlobals{globals}))
    return false;

  // Kept jobs go out as they are found; added and changed ones, by index,
  // after them, so the message order does not depend on the batching.
  MsgTxnKeep keep;
  auto flush_keep = [&] {
    if (keep.jobs.empty()) return true;
    Message m = std::move(keep);
    keep = MsgTxnKeep{};
    return sink(m);
  };
  std::vector<uint32_t> added, changed;
  for (uint32_t i = 0; i < next.size(); ++i) {
    const JobDesc& job = next[i];
    size_t old = old_by_name.find(job.name);
    if (old != JobKeyTable::npos && matched[old]) old = JobKeyTable::npos;   // a repeated name is new
    DefinitionDigest digest{};
    if (next_table != nullptr || old != JobKeyTable::npos) digest = digest_of(job);
    if (next_table != nullptr) next_table->add(job.name, digest);
    if (old == JobKeyTable::npos) {
      added.push_back(i);
      continue;
    }
    matched[old] = true;
    if (current.digest(old) == digest) {
      keep.jobs.push_back(KeptJob{i, job.name});
      if (keep.jobs.size() == kKeptPerMessage && !flush_keep()) return false;
    } else {
      changed.push_back(i);
    }
  }
  if (!flush_keep() || !send_batches<MsgTxnAdd>(next, added, sink) ||
      !send_batches<MsgTxnChange>(next, changed, sink))
    return false;
  // Removals in the old table's order, so logs read like the file did (a
  // name the table repeats is removed once, as the index sees only the
  // first).
  for (size_t k = 0; k < current.size(); ++k)
    if (!matched[k] && old_by_name.find(current.name(k)) == k && !emit(MsgTxnRemove{std::string(current.name(k))}))
      return false;
  return emit(MsgTxnEnd{warnings});
}

std::vector<Message> make_transaction(uint32_t generation, const JobKeyTable& current, std::vector<JobDesc> next,
                                      const GlobalConfig& globals, uint32_t warnings, JobKeyTable* next_table) {
  std::vector<Message> out;
  (void)stream_transaction(generation, current, next, globals, warnings, next_table, [&out](Message& m) {
    out.push_back(std::move(m));
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
