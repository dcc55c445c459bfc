// Turns a parsed config and the monitor's current job table into one
// transaction: TxnBegin, TxnGlobals, TxnKeep/TxnAdd/TxnChange in file
// order, TxnRemove for what is gone, TxnEnd.  The monitor re-checks all of
// it; this side only has to be right, not trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "common/job.hpp"
#include "common/messages.hpp"
#include "parser/encoded_jobs.hpp"
#include "parser/job_key_table.hpp"

namespace pmtr {

// Takes each record of a transaction, encoded, in order; false ends the
// transaction there (the channel failed).
using RecordSink = std::function<bool(std::span<const std::byte>)>;

// current: the monitor's table as the parser knows it.  Each record is
// handed to the sink as soon as it is built, so the monitor decodes one
// batch while the next is built, and a 10,000-job transaction holds one
// record at a time.  TxnAdd and TxnChange records are assembled from the
// jobs' encodings as they are (encode_message() of the same jobs gives the
// same bytes).  next_table, when given (and not current), is replaced by
// next's keys (the table after this transaction); without it, a
// definition is digested only when current has a job of that name (a `-t`
// check, against an empty table, digests nothing).  False when the sink
// refused a record.
[[nodiscard]] bool stream_transaction(uint32_t generation, const JobKeyTable& current, const EncodedJobs& next,
                                      const GlobalConfig& globals, uint32_t warnings, JobKeyTable* next_table,
                                      const RecordSink& sink);

// The same transaction, decoded back into messages (tests).
[[nodiscard]] std::vector<Message> make_transaction(uint32_t generation, const JobKeyTable& current,
                                                    const std::vector<JobDesc>& next, const GlobalConfig& globals,
                                                    uint32_t warnings, JobKeyTable* next_table = nullptr);
// Convenience for tests: the current table given as full descriptors.
[[nodiscard]] std::vector<Message> make_transaction(uint32_t generation,
                                                    const std::vector<JobDesc>& current,
                                                    const std::vector<JobDesc>& next,
                                                    const GlobalConfig& globals, uint32_t warnings);

}  // namespace pmtr
