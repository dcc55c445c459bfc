// Turns a parsed config and the monitor's current job table into one
// transaction: TxnBegin, TxnGlobals, TxnKeep/TxnAdd/TxnChange in file
// order, TxnRemove for what is gone, TxnEnd.  The monitor re-checks all of
// it; this side only has to be right, not trusted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/messages.hpp"

namespace pmtr {

// What the parser remembers of a current job: its name and definition key
// (common/messages.hpp), a fraction of a JobDesc's memory.
struct JobKey {
  std::string name;
  std::string definition;
};
[[nodiscard]] JobKey make_job_key(const JobDesc& job);

// next_keys[i] is make_job_key(next[i]) (the caller keeps them as its new
// table); the jobs themselves are moved into the messages.
[[nodiscard]] std::vector<Message> make_transaction(uint32_t generation,
                                                    const std::vector<JobKey>& current,
                                                    std::vector<JobDesc> next,
                                                    const std::vector<JobKey>& next_keys,
                                                    const GlobalConfig& globals, uint32_t warnings);
// Convenience for tests: keys computed from full descriptors.
[[nodiscard]] std::vector<Message> make_transaction(uint32_t generation,
                                                    const std::vector<JobDesc>& current,
                                                    const std::vector<JobDesc>& next,
                                                    const GlobalConfig& globals, uint32_t warnings);

}  // namespace pmtr
