// The byte cap on one parse's answer (issue 11, finding 2): a record is at
// most 64 KiB, but 200,000 of them made a substitute parser's transaction
// cost the monitor gigabytes.  The cap follows the config the monitor
// handed over, so a few-KiB config allows about 1 MiB; and no legal config,
// however dense, reaches it (checked with the real parser and differ).
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "monitor/transaction.hpp"
#include "parser/config_diff.hpp"
#include "parser/config_parser.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using Outcome = TransactionAssembler::Outcome;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// Every record the real parser would send for `text` against an empty
// table, and their total size on the wire.
size_t wire_bytes_of(const std::string& text, size_t* jobs) {
  ParsedConfig parsed = parse_config(text);
  CHECK_EQUAL(0u, parsed.errors());
  *jobs = parsed.jobs.size();
  size_t total = 0;
  for (const Message& m : make_transaction(1, std::vector<JobDesc>{}, parsed.jobs, parsed.globals, 0))
    total += encode_message(m).size();
  return total;
}

}  // namespace

TEST_GROUP(TransactionSize) {
  TransactionAssembler a{[](std::string_view) { return false; }, 0};
};

TEST(TransactionSize, CapFollowsTheConfigSize) {
  const size_t mib = size_t{1} << 20;
  CHECK_EQUAL(mib, transaction_byte_cap(0, 0));
  CHECK_EQUAL(10 * 4096 + 80 * 10 + mib, transaction_byte_cap(4096, 10));
  CHECK_EQUAL(limits::kTransactionBytes, transaction_byte_cap(limits::kConfigBytes, 0));
  CHECK_EQUAL(limits::kTransactionBytes, transaction_byte_cap(uint64_t{1} << 40, limits::kJobs));
}

// What a flooding parser sends: 64 KiB TxnAdd records of jobs, far more
// than a small config could produce.  Refused at the cap, with nothing kept.
TEST(TransactionSize, FloodBeyondTheCapIsAViolation) {
  const size_t cap = transaction_byte_cap(200, 0);
  a.expect(1, 0, cap);
  CHECK(a.feed(MsgTxnBegin{1, limits::kJobs}, 10) == Outcome::Continue);
  CHECK(a.feed(MsgTxnGlobals{}, 10) == Outcome::Continue);
  JobDesc j;
  j.argv = {"/bin/true", std::string(3000, 'x')};
  size_t sent = 20, records = 0;
  Outcome o = Outcome::Continue;
  while (o == Outcome::Continue && records < 10000) {
    std::vector<IndexedJob> batch;
    for (uint32_t i = 0; i < 20; ++i) {
      j.name = "j" + std::to_string(records * 20 + i);
      batch.push_back(IndexedJob{static_cast<uint32_t>(records * 20 + i), j});
    }
    Message m = MsgTxnAdd{std::move(batch)};
    const size_t bytes = encode_message(m).size();
    sent += bytes;
    ++records;
    o = a.feed(std::move(m), bytes);
  }
  CHECK(o == Outcome::Violation);
  CHECK_TEXT(contains(a.why(), "answer larger than " + std::to_string(cap) + " bytes"), a.why().c_str());
  CHECK(sent > cap && sent <= cap + limits::kMessageBytes);
  CHECK(a.state() == TransactionAssembler::State::Idle);
  CHECK_EQUAL(0u, a.take().added.size());   // the half transaction is gone
}

// Diagnostics count too (a flood of them is capped by number anyway).
TEST(TransactionSize, DiagnosticsCountAgainstTheCap) {
  a.expect(1, 0, 2000);
  const std::string text(500, 'e');
  CHECK(a.feed(MsgDiag{Severity::Error, 1, 1, text}, 520) == Outcome::Diagnostic);
  CHECK(a.feed(MsgDiag{Severity::Error, 1, 1, text}, 520) == Outcome::Diagnostic);
  CHECK(a.feed(MsgDiag{Severity::Error, 1, 1, text}, 520) == Outcome::Diagnostic);
  CHECK(a.feed(MsgDiag{Severity::Error, 1, 1, text}, 520) == Outcome::Violation);
}

// The two extreme shapes of a legal config, through the real parser: the
// smallest job blocks (per-job overhead dominates: about 7 bytes on the
// wire per byte of text) and jobs of 256 one-letter arguments (about 2.6).
// Both stay under the cap computed from their size, and the densest shape
// at the config size limit stays under limits::kTransactionBytes.
TEST(TransactionSize, LegalConfigsOfEveryShapeFitTheirCap) {
  std::string small;
  for (int i = 0; i < 5000; ++i) small += "job{\nname j" + std::to_string(i) + "\ncmd /\n}\n";
  size_t jobs = 0;
  const size_t small_wire = wire_bytes_of(small, &jobs);
  CHECK_EQUAL(5000u, jobs);
  CHECK(small_wire <= transaction_byte_cap(small.size(), 0));
  CHECK(small_wire > 5 * small.size());   // the ratio the cap is built on

  std::string dense;
  for (int i = 0; i < 500; ++i) {
    dense += "job{\nname d" + std::to_string(i) + "\ncmd /a";
    for (size_t k = 1; k < limits::kArgs; ++k) dense += " a";
    dense += "\n}\n";
  }
  const size_t dense_wire = wire_bytes_of(dense, &jobs);
  CHECK_EQUAL(500u, jobs);
  CHECK(dense_wire <= transaction_byte_cap(dense.size(), 0));
  const double ratio = static_cast<double>(dense_wire) / static_cast<double>(dense.size());
  CHECK(ratio > 2.5 && ratio < 2.8);
  CHECK(ratio * static_cast<double>(limits::kConfigBytes) < static_cast<double>(limits::kTransactionBytes));
}
