// TransactionAssembler: the monitor's dispatcher for what pmtr-parser sends.
// The monitor applies a reload only from a transaction the assembler has
// completed, so these tests show that a whole legal one gets through with
// everything it carried: the happy paths, reset and recovery after a half
// or refused transaction, and the real decode path (bytes ->
// decode_message -> feed).  What it must refuse is in
// transaction_test.cpp.
#include "monitor/transaction.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_diff.hpp"
#include "tests/common/samples.hpp"
#include "tests/monitor/transaction_fixture.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test::txn;

TEST_GROUP_BASE(TransactionLifecycle, TransactionFixture){};

// ---- happy paths -----------------------------------------------------------

TEST(TransactionLifecycle, FullTransactionCompletesWithEverythingItCarried) {
  a.expect(7, current.size());
  CHECK_STATE(State::Awaiting, a.state());
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{7, 5}));
  GlobalConfig g = test::make_globals({UdpAddress{"127.0.0.1", 9999, ""}, UdpAddress{"logs.example.org", 514, ""}},
                                      UdpAddress{"::1", 10000, "lo"});
  g.listen_key = "/etc/pmtr/listen.key";
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnGlobals{g}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{3, "keep"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(0, job("new1")), at(4, job("new2"))}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(1, job("new3"))}}));
  JobDesc changed = job("chg", "/bin/changed");
  changed.nice = 5;
  changed.has_nice = true;
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnChange{{at(2, changed)}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{4}));
  CHECK_STATE(State::Idle, a.state());

  Transaction t = a.take();
  CHECK_EQUAL(7u, t.generation);
  CHECK_EQUAL(5u, t.job_count);
  CHECK_EQUAL(4u, t.warnings);
  CHECK(t.globals == g);
  CHECK_EQUAL(1u, t.kept.size());
  CHECK(t.kept[0] == (KeptJob{3, "keep"}));
  CHECK_EQUAL(3u, t.added.size());
  CHECK(test::eq(t.added[0], at(0, job("new1"))));
  CHECK(test::eq(t.added[1], at(4, job("new2"))));
  CHECK(test::eq(t.added[2], at(1, job("new3"))));
  CHECK_EQUAL(1u, t.changed.size());
  CHECK(test::eq(t.changed[0], at(2, changed)));
  CHECK_EQUAL(1u, t.removed.size());
  STRCMP_EQUAL("gone", t.removed[0].c_str());
}

TEST(TransactionLifecycle, EmptyConfigOnEmptyTableCompletes) {
  current.clear();
  a.expect(1, 0);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{1, 0}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnGlobals{GlobalConfig{}}));
  CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{0}));
  Transaction t = a.take();
  CHECK_EQUAL(0u, t.job_count);
  CHECK(t.kept.empty() && t.added.empty() && t.changed.empty() && t.removed.empty());
}

TEST(TransactionLifecycle, EverythingRemovedCompletes) {
  begin_with_globals(0);
  for (const char* n : {"gone", "keep", "chg"}) CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{n}));
  CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{0}));
  CHECK_EQUAL(3u, a.take().removed.size());
}

TEST(TransactionLifecycle, DiagnosticsBeforeTheTransactionAreReported) {
  a.expect(3, current.size());
  CHECK_OUTCOME(Outcome::Diagnostic, feed(MsgDiag{Severity::Warning, 12, 7, "duplicate depends path"}));
  CHECK_STATE(State::Awaiting, a.state());
  const MsgDiag& d = a.last_diag();
  CHECK(d.severity == Severity::Warning);
  CHECK_EQUAL(12u, d.line);
  CHECK_EQUAL(7u, d.col);
  STRCMP_EQUAL("duplicate depends path", d.text.c_str());
  CHECK_OUTCOME(Outcome::Diagnostic, feed(MsgDiag{Severity::Error, 0, 0, "second"}));
  STRCMP_EQUAL("second", a.last_diag().text.c_str());
  // The transaction can still follow.
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{3, 2}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnGlobals{GlobalConfig{}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{1}));
}

TEST(TransactionLifecycle, ParseFailedEndsTheParseWithItsCounts) {
  a.expect(9, current.size());
  CHECK_OUTCOME(Outcome::Diagnostic, feed(MsgDiag{Severity::Error, 1, 1, "unknown option"}));
  CHECK_OUTCOME(Outcome::Failed, feed(MsgParseFailed{9, 2, 1}));
  CHECK_STATE(State::Idle, a.state());
  CHECK_EQUAL(9u, a.failure().generation);
  CHECK_EQUAL(2u, a.failure().errors);
  CHECK_EQUAL(1u, a.failure().warnings);
  // Nothing more is accepted for that parse.
  check_violation(feed(MsgTxnBegin{9, 0}), "unexpected");
}

// ---- reset and recovery -------------------------------------------------------------

TEST(TransactionLifecycle, ResetDiscardsAHalfTransaction) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  a.reset();
  CHECK_STATE(State::Idle, a.state());
  check_violation(feed(MsgTxnKeep{{KeptJob{1, "chg"}}}), "unexpected");
  // A new parse starts from nothing: its globals are not duplicates and the
  // earlier keep does not count.
  complete_one(8);
  Transaction t = a.take();
  CHECK_EQUAL(8u, t.generation);
  CHECK_EQUAL(2u, t.kept.size());
}

TEST(TransactionLifecycle, ExpectDiscardsAHalfTransaction) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  complete_one(8);
  CHECK_EQUAL(2u, a.take().kept.size());
}

TEST(TransactionLifecycle, AfterAViolationANewExpectWorks) {
  begin_with_globals(3);
  check_violation(feed(MsgTxnGlobals{GlobalConfig{}}), "duplicate globals");
  check_violation(feed(MsgTxnEnd{0}), "unexpected");
  complete_one(9);
  CHECK_EQUAL(9u, a.take().generation);
}

TEST(TransactionLifecycle, DiagnosticCountStartsOverWithEachParse) {
  for (uint32_t gen = 1; gen <= 3; ++gen) {
    a.expect(gen, current.size());
    for (size_t i = 0; i < limits::kDiagnostics; ++i)
      CHECK_OUTCOME(Outcome::Diagnostic, feed(MsgDiag{Severity::Error, 1, 1, "x"}));
    CHECK_OUTCOME(Outcome::Failed, feed(MsgParseFailed{gen, static_cast<uint32_t>(limits::kDiagnostics), 0}));
  }
}

// ---- the decode path: bytes from the channel, then feed -------------------------------

namespace {

std::vector<Message> valid_records() {
  return {
      MsgDiag{Severity::Warning, 3, 4, "duplicate depends path '/x' ignored"},
      MsgTxnBegin{11, 3},
      MsgTxnGlobals{test::make_globals({UdpAddress{"127.0.0.1", 9999, ""}}, std::nullopt)},
      MsgTxnKeep{{KeptJob{2, "keep"}}},
      MsgTxnAdd{{IndexedJob{0, [] {
                               JobDesc j = test::full_job();
                               j.name = "new";
                               return j;
                             }()}}},
      MsgTxnChange{{IndexedJob{1, job("chg", "/bin/changed")}}},
      MsgTxnRemove{"gone"},
      MsgTxnEnd{1},
  };
}

}  // namespace

TEST(TransactionLifecycle, EveryTruncationOfEveryRecordFailsToDecode) {
  std::vector<Message> all = valid_records();
  all.push_back(MsgParseFailed{11, 1, 0});
  for (const Message& m : all) {
    const std::vector<std::byte> rec = encode(m);
    CHECK(decode_message(rec).ok());
    for (size_t len = 0; len < rec.size(); ++len) {
      const std::vector<std::byte> cut(rec.begin(), rec.begin() + static_cast<std::ptrdiff_t>(len));
      if (decode_message(cut).ok())
        FAIL(("truncated " + std::string(message_type_name(message_type(m))) + " decoded at " +
              std::to_string(len) + " of " + std::to_string(rec.size()) + " bytes").c_str());
    }
  }
}

TEST(TransactionLifecycle, DecodedRecordsOfAValidTransactionComplete) {
  a.expect(11, current.size());
  std::vector<Outcome> outcomes;
  for (const Message& m : valid_records()) {
    auto decoded = decode_message(encode(m));
    CHECK_TEXT(decoded.ok(), decoded.ok() ? "" : decoded.error().message().c_str());
    outcomes.push_back(feed(std::move(*decoded)));
  }
  CHECK_OUTCOME(Outcome::Diagnostic, outcomes.front());
  for (size_t i = 1; i + 1 < outcomes.size(); ++i) CHECK_OUTCOME(Outcome::Continue, outcomes[i]);
  CHECK_OUTCOME(Outcome::Complete, outcomes.back());
  Transaction t = a.take();
  CHECK_EQUAL(3u, t.job_count);
  CHECK_EQUAL(1u, t.added.size());
  JobDesc expected = test::full_job();
  expected.name = "new";
  CHECK(test::eq(t.added[0].job, expected));
  CHECK(test::eq(t.changed.at(0), at(1, job("chg", "/bin/changed"))));
}

// Interop: what the parser's differ produces for a real edit is accepted.
TEST(TransactionLifecycle, ParserDifferOutputIsAccepted) {
  std::vector<JobDesc> before;
  for (const char* n : {"keep", "chg", "gone"}) before.push_back(job(n));
  std::vector<JobDesc> after = {job("new"), job("chg", "/bin/changed"), job("keep")};
  const auto msgs = make_transaction(21, before, after, GlobalConfig{}, 0);
  a.expect(21, current.size());
  Outcome last = Outcome::Continue;
  for (const Message& m : msgs) {
    auto decoded = decode_message(encode(m));
    CHECK(decoded.ok());
    last = feed(std::move(*decoded));
    if (last == Outcome::Violation) FAIL(a.why().c_str());
  }
  CHECK_OUTCOME(Outcome::Complete, last);
  Transaction t = a.take();
  CHECK_EQUAL(1u, t.kept.size());
  CHECK(t.kept[0] == (KeptJob{2, "keep"}));
  CHECK_EQUAL(1u, t.added.size());
  CHECK_EQUAL(0u, t.added[0].index);
  CHECK_EQUAL(1u, t.changed.size());
  CHECK_EQUAL(1u, t.changed[0].index);
  CHECK_EQUAL(1u, t.removed.size());
  STRCMP_EQUAL("gone", t.removed[0].c_str());
}
