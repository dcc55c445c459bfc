// Turns a parsed config and the monitor's current job table into one
// transaction: TxnBegin, TxnGlobals, TxnKeep/TxnAdd/TxnChange in file
// order, TxnRemove for what is gone, TxnEnd.  The monitor re-checks all of
// it; this side only has to be right, not trusted.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/job.hpp"
#include "common/messages.hpp"
#include "parser/job_key_table.hpp"

namespace pmtr {

// Takes each message of a transaction in order, and may move from it;
// false ends the transaction there (the channel failed).
using MessageSink = std::function<bool(Message&)>;

// current: the monitor's table as the parser knows it.  The jobs of next
// are moved into the messages, one batch at a time, each handed to the
// sink before the next is built: a 10,000-job transaction never holds
// more than one batch of moved jobs.  next_table, when given (and not
// current), is replaced by next's keys (the table after this
// transaction); without it, a definition is digested only when current
// has a job of that name (a `-t` check, against an empty table, digests
// nothing).  False when the sink refused a message.
[[nodiscard]] bool stream_transaction(uint32_t generation, const JobKeyTable& current, std::vector<JobDesc>& next,
                                      const GlobalConfig& globals, uint32_t warnings, JobKeyTable* next_table,
                                      const MessageSink& sink);

// The same messages, collected.
[[nodiscard]] std::vector<Message> make_transaction(uint32_t generation, const JobKeyTable& current,
                                                    std::vector<JobDesc> next, const GlobalConfig& globals,
                                                    uint32_t warnings, JobKeyTable* next_table = nullptr);
// Convenience for tests: the current table given as full descriptors.
[[nodiscard]] std::vector<Message> make_transaction(uint32_t generation,
                                                    const std::vector<JobDesc>& current,
                                                    const std::vector<JobDesc>& next,
                                                    const GlobalConfig& globals, uint32_t warnings);

}  // namespace pmtr
