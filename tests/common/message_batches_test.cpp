// Batched messages (TableJob, TxnKeep, TxnAdd, TxnChange): counts, caps,
// and pack_table / pack_indexed, which must keep every record within
// limits::kMessageBytes and the jobs in order.
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::test::decode_reason;
using pmtr::test::eq;
using pmtr::test::full_job;
using pmtr::test::minimal_job;

namespace {

// The batch count sits right after version and type in all four batched
// messages.
std::vector<std::byte> with_count(std::vector<std::byte> rec, uint32_t n) {
  for (int i = 0; i < 4; ++i) rec[2 + i] = static_cast<std::byte>(n >> (8 * i));
  return rec;
}

std::vector<Message> one_element_batches() {
  return {MsgTableJob{{full_job()}}, MsgTxnKeep{{KeptJob{1, "web"}}},
          MsgTxnAdd{{IndexedJob{1, full_job()}}}, MsgTxnChange{{IndexedJob{1, full_job()}}}};
}

template <typename Batch>
void check_batches(const std::vector<Batch>& batches, const std::vector<JobDesc>& jobs,
                   const std::function<const JobDesc&(const Batch&, size_t)>& job_at,
                   const std::function<size_t(const Batch&)>& size_of,
                   const std::function<Message(const Batch&)>& as_message) {
  size_t next = 0;
  for (const Batch& b : batches) {
    CHECK(size_of(b) > 0);
    CHECK(size_of(b) <= kJobsPerMessage);
    const auto rec = encode_message(as_message(b));
    CHECK(rec.size() <= limits::kMessageBytes);
    Result<Message> r = decode_message(rec);
    CHECK_TRUE(r.ok());
    CHECK_TRUE(eq(r.value(), as_message(b)));
    for (size_t i = 0; i < size_of(b); ++i) CHECK_TRUE(eq(job_at(b, i), jobs.at(next++)));
  }
  CHECK_EQUAL(jobs.size(), next);
}

// Jobs of many sizes, up to the per-job limit, in a fixed pseudo-random order.
std::vector<JobDesc> jobs_of_mixed_sizes(size_t count) {
  std::mt19937 rng(99);
  std::vector<JobDesc> jobs;
  for (size_t i = 0; i < count; ++i) {
    JobDesc j = minimal_job();
    j.name = "job" + std::to_string(i);
    const size_t kind = rng() % 4;
    const size_t extra = kind == 0 ? 0 : kind == 1 ? rng() % 1000 : kind == 2 ? rng() % 20000 : 0;
    for (size_t left = extra; left > 0;) {
      const size_t n = std::min(left, limits::kStringBytes);
      j.argv.emplace_back(n, 'x');
      left -= n;
    }
    if (kind == 3) {   // as large as a job may be
      while (encoded_job_size(j) + 4 + limits::kStringBytes <= limits::kJobEncodedBytes)
        j.argv.emplace_back(limits::kStringBytes, 'y');
    }
    CHECK(encoded_job_size(j) <= limits::kJobEncodedBytes);
    jobs.push_back(std::move(j));
  }
  return jobs;
}

}  // namespace

TEST_GROUP(MessageBatches){};

TEST(MessageBatches, EmptyBatchesAreRejected) {
  STRCMP_EQUAL("empty job batch", decode_reason(encode_message(MsgTableJob{})).c_str());
  STRCMP_EQUAL("empty job batch", decode_reason(encode_message(MsgTxnAdd{})).c_str());
  STRCMP_EQUAL("empty job batch", decode_reason(encode_message(MsgTxnChange{})).c_str());
  STRCMP_EQUAL("empty keep list", decode_reason(encode_message(MsgTxnKeep{})).c_str());
}

TEST(MessageBatches, BatchCountsAboveTheCapAreRejected) {
  for (const Message& m : one_element_batches()) {
    const auto rec = encode_message(m);
    for (uint32_t n : {static_cast<uint32_t>(kJobsPerMessage + 1), 0xffffffffu}) {
      STRCMP_EQUAL_TEXT("list too long", decode_reason(with_count(rec, n)).c_str(),
                        message_type_name(message_type(m)));
    }
  }
}

TEST(MessageBatches, BatchCountsLargerThanTheBatchAreRejected) {
  for (const Message& m : one_element_batches()) {
    const auto rec = encode_message(m);
    for (uint32_t n : {2u, 3u, 1000u}) {
      STRCMP_EQUAL_TEXT("truncated record", decode_reason(with_count(rec, n)).c_str(),
                        message_type_name(message_type(m)));
    }
    // Smaller: the one element becomes trailing bytes or an empty batch.
    CHECK_FALSE(decode_message(with_count(rec, 0)).ok());
  }
}

TEST(MessageBatches, KeepListAtItsCapDecodes) {
  MsgTxnKeep at;
  for (uint32_t i = 0; i < kKeptPerMessage; ++i) at.jobs.push_back({i, "j" + std::to_string(i)});
  Result<Message> r = decode_message(encode_message(at));
  CHECK_TRUE(r.ok());
  CHECK_TRUE(eq(r.value(), Message{at}));
  at.jobs.push_back({0, "x"});
  STRCMP_EQUAL("list too long", decode_reason(encode_message(at)).c_str());
}

TEST(MessageBatches, BadJobInsideABatchFailsTheWholeRecord) {
  JobDesc bad = minimal_job();
  bad.argv.clear();
  const auto rec = encode_message(MsgTxnAdd{{IndexedJob{0, full_job()}, IndexedJob{1, bad}}});
  STRCMP_EQUAL("job without argv", decode_reason(rec).c_str());
}

TEST(MessageBatches, PackNothingIsNoBatch) {
  CHECK_EQUAL(0u, pack_table({}).size());
  CHECK_EQUAL(0u, pack_indexed({}).size());
}

TEST(MessageBatches, PackTableKeepsOrderAndEveryRecordWithinTheCap) {
  for (size_t count : {size_t{1}, size_t{700}, size_t{3000}}) {
    std::vector<JobDesc> jobs;
    for (size_t i = 0; i < count; ++i) {
      JobDesc j = minimal_job();
      j.name = "j" + std::to_string(i);
      jobs.push_back(j);
    }
    const auto batches = pack_table(jobs);
    check_batches<MsgTableJob>(
        batches, jobs, [](const MsgTableJob& b, size_t i) -> const JobDesc& { return b.jobs[i]; },
        [](const MsgTableJob& b) { return b.jobs.size(); }, [](const MsgTableJob& b) { return Message{b}; });
    if (count == 3000) CHECK(batches.size() < 10);   // batched, not one record per job
  }
}

TEST(MessageBatches, PackTableWithJobsOfEverySize) {
  const auto jobs = jobs_of_mixed_sizes(120);
  check_batches<MsgTableJob>(
      pack_table(jobs), jobs, [](const MsgTableJob& b, size_t i) -> const JobDesc& { return b.jobs[i]; },
      [](const MsgTableJob& b) { return b.jobs.size(); }, [](const MsgTableJob& b) { return Message{b}; });
}

TEST(MessageBatches, PackIndexedKeepsIndicesOrderAndTheCap) {
  const auto jobs = jobs_of_mixed_sizes(120);
  std::vector<IndexedJob> indexed;
  for (size_t i = 0; i < jobs.size(); ++i) indexed.push_back({static_cast<uint32_t>(i * 3 + 1), jobs[i]});
  const auto batches = pack_indexed(indexed);
  using Batch = std::vector<IndexedJob>;
  check_batches<Batch>(
      batches, jobs, [](const Batch& b, size_t i) -> const JobDesc& { return b[i].job; },
      [](const Batch& b) { return b.size(); }, [](const Batch& b) { return Message{MsgTxnChange{b}}; });
  size_t k = 0;
  for (const Batch& b : batches)
    for (const IndexedJob& ij : b) {
      CHECK_EQUAL(indexed[k].index, ij.index);
      ++k;
    }
}
