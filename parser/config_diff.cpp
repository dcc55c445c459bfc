#include "parser/config_diff.hpp"

#include <utility>

namespace pmtr {

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

std::vector<Message> make_transaction(uint32_t generation, const JobKeyTable& current,
                                      std::vector<JobDesc> next, const GlobalConfig& globals,
                                      uint32_t warnings, JobKeyTable* next_table) {
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

  std::vector<Message> out;
  out.emplace_back(MsgTxnBegin{generation, static_cast<uint32_t>(next.size())});
  out.emplace_back(MsgTxnGlobals{globals});

  MsgTxnKeep keep;
  auto flush_keep = [&] {
    if (keep.jobs.empty()) return;
    out.emplace_back(std::move(keep));
    keep = MsgTxnKeep{};
  };
  std::vector<IndexedJob> added, changed;
  for (uint32_t i = 0; i < next.size(); ++i) {
    JobDesc& job = next[i];
    size_t old = old_by_name.find(job.name);
    if (old != JobKeyTable::npos && matched[old]) old = JobKeyTable::npos;   // a repeated name is new
    DefinitionDigest digest{};
    if (next_table != nullptr || old != JobKeyTable::npos) digest = digest_of(job);
    if (next_table != nullptr) next_table->add(job.name, digest);
    if (old == JobKeyTable::npos) {
      added.push_back(IndexedJob{i, std::move(job)});
      continue;
    }
    matched[old] = true;
    if (current.digest(old) == digest) {
      keep.jobs.push_back(KeptJob{i, job.name});
      if (keep.jobs.size() == kKeptPerMessage) flush_keep();
    } else {
      changed.push_back(IndexedJob{i, std::move(job)});
    }
  }
  flush_keep();
  for (auto& batch : pack_indexed(std::move(added))) out.emplace_back(MsgTxnAdd{std::move(batch)});
  for (auto& batch : pack_indexed(std::move(changed))) out.emplace_back(MsgTxnChange{std::move(batch)});
  // Removals in the old table's order, so logs read like the file did (a
  // name the table repeats is removed once, as the index sees only the
  // first).
  for (size_t k = 0; k < current.size(); ++k)
    if (!matched[k] && old_by_name.find(current.name(k)) == k)
      out.emplace_back(MsgTxnRemove{std::string(current.name(k))});
  out.emplace_back(MsgTxnEnd{warnings});
  return out;
}

}  // namespace pmtr
