#include "parser/config_diff.hpp"

#include <string_view>
#include <unordered_map>

namespace pmtr {

JobKey make_job_key(const JobDesc& job) { return JobKey{job.name, job_definition_key(job)}; }

std::vector<Message> make_transaction(uint32_t generation, const std::vector<JobDesc>& current,
                                      const std::vector<JobDesc>& next, const GlobalConfig& globals,
                                      uint32_t warnings) {
  std::vector<JobKey> keys, next_keys;
  keys.reserve(current.size());
  for (const auto& j : current) keys.push_back(make_job_key(j));
  next_keys.reserve(next.size());
  for (const auto& j : next) next_keys.push_back(make_job_key(j));
  return make_transaction(generation, keys, next, next_keys, globals, warnings);
}

std::vector<Message> make_transaction(uint32_t generation, const std::vector<JobKey>& current,
                                      std::vector<JobDesc> next, const std::vector<JobKey>& next_keys,
                                      const GlobalConfig& globals, uint32_t warnings) {
  std::unordered_map<std::string_view, const JobKey*> old_by_name;
  old_by_name.reserve(current.size());
  for (const auto& j : current) old_by_name.emplace(j.name, &j);

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
    auto it = old_by_name.find(job.name);
    if (it == old_by_name.end()) {
      added.push_back(IndexedJob{i, std::move(job)});
      continue;
    }
    const JobKey* old = it->second;
    old_by_name.erase(it);
    if (old->definition == next_keys[i].definition) {
      keep.jobs.push_back(KeptJob{i, job.name});
      if (keep.jobs.size() == kKeptPerMessage) flush_keep();
    } else {
      changed.push_back(IndexedJob{i, std::move(job)});
    }
  }
  flush_keep();
  for (auto& batch : pack_indexed(std::move(added))) out.emplace_back(MsgTxnAdd{std::move(batch)});
  for (auto& batch : pack_indexed(std::move(changed))) out.emplace_back(MsgTxnChange{std::move(batch)});
  // Removals in the old table's order, so logs read like the file did.
  for (const auto& j : current)
    if (old_by_name.count(j.name) != 0) out.emplace_back(MsgTxnRemove{j.name});
  out.emplace_back(MsgTxnEnd{warnings});
  return out;
}

}  // namespace pmtr
