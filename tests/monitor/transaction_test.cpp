// TransactionAssembler: the monitor's dispatcher for what pmtr-parser sends.
// Every message is hostile until the whole transaction has been re-checked
// against the current table, because a parser taken over could send
// anything: these tests walk every (state, type) pair of the dispatch table
// and every rule of the final validation (generations, globals, counts and
// indexes, names, check_job, the diagnostics cap), each refused as a
// violation.  Transactions that complete are in transaction_lifecycle_test.cpp.
#include "monitor/transaction.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "tests/common/samples.hpp"
#include "tests/monitor/transaction_fixture.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test::txn;

namespace {

// One message of every type, generation-bearing ones carrying `gen`.
std::vector<Message> one_of_each(uint32_t gen) {
  return {
      MsgHello{ParseMode::Run, "/etc/pmtr.conf"},
      MsgTableBegin{1},
      MsgTableJob{{job("keep")}},
      MsgTableEnd{},
      MsgParse{gen},
      MsgDiag{Severity::Warning, 1, 1, "w"},
      MsgTxnBegin{gen, 0},
      MsgTxnKeep{{KeptJob{0, "keep"}}},
      MsgTxnAdd{{at(0, job("new"))}},
      MsgTxnChange{{at(0, job("chg"))}},
      MsgTxnRemove{"gone"},
      MsgTxnGlobals{GlobalConfig{}},
      MsgTxnEnd{0},
      MsgParseFailed{gen, 1, 0},
  };
}

bool allowed(State s, MsgType t) {
  switch (s) {
    case State::Idle:
      return false;
    case State::Awaiting:
      return t == MsgType::Diag || t == MsgType::TxnBegin || t == MsgType::ParseFailed;
    case State::InTxn:
      return t == MsgType::TxnGlobals || t == MsgType::TxnKeep || t == MsgType::TxnAdd ||
             t == MsgType::TxnChange || t == MsgType::TxnRemove || t == MsgType::TxnEnd;
  }
  return false;
}

}  // namespace

TEST_GROUP_BASE(Transaction, TransactionFixture){};

// ---- the dispatch table: (state, type) ---------------------------------------

TEST(Transaction, EveryMessageOutsideItsStateIsAViolation) {
  const uint32_t gen = 5;
  std::set<MsgType> types;
  for (const Message& m : one_of_each(gen)) types.insert(message_type(m));
  CHECK_EQUAL(std::variant_size_v<Message>, types.size());

  for (State s : {State::Idle, State::Awaiting, State::InTxn}) {
    for (const Message& m : one_of_each(gen)) {
      const MsgType type = message_type(m);
      TransactionAssembler fresh([this](std::string_view n) { return current.count(std::string(n)) != 0; }, 0);
      if (s != State::Idle) fresh.expect(gen, current.size());
      if (s == State::InTxn) CHECK_OUTCOME(Outcome::Continue, fresh.feed(MsgTxnBegin{gen, 1}, 10));
      CHECK_STATE(s, fresh.state());
      const Outcome o = fresh.feed(m, encode(m).size());
      const std::string where = std::string(state_name(s)) + " / " + message_type_name(type);
      if (allowed(s, type)) {
        CHECK_TEXT(o != Outcome::Violation || !contains(fresh.why(), "unexpected"),
                   ("refused in its own state: " + where).c_str());
      } else {
        CHECK_TEXT(o == Outcome::Violation, ("accepted: " + where).c_str());
        CHECK_TEXT(fresh.state() == State::Idle, ("not reset: " + where).c_str());
        CHECK_TEXT(contains(fresh.why(), message_type_name(type)), ("why: " + where + ": " + fresh.why()).c_str());
      }
    }
  }
}

TEST(Transaction, MonitorToParserTypesAreNeverAccepted) {
  const std::vector<Message> reverse = {MsgHello{ParseMode::Check, "x"}, MsgTableBegin{0},
                                        MsgTableJob{{job("keep")}}, MsgTableEnd{}, MsgParse{7}};
  for (const Message& m : reverse) {
    a.expect(7, current.size());
    check_violation(feed(m), "unexpected");
    begin(1);
    check_violation(feed(m), "unexpected");
  }
}

TEST(Transaction, NothingIsAcceptedBeforeExpect) {
  check_violation(feed(MsgTxnBegin{0, 0}), "unexpected");
  check_violation(feed(MsgDiag{Severity::Error, 1, 1, "x"}), "unexpected");
  check_violation(feed(MsgParseFailed{0, 1, 0}), "unexpected");
}

TEST(Transaction, ACompletedTransactionCannotBeReplayed) {
  complete_one(4);
  check_violation(feed(MsgTxnBegin{4, 2}), "unexpected");
  check_violation(feed(MsgTxnEnd{0}), "unexpected");
}

TEST(Transaction, DiagnosticInsideATransactionIsAViolation) {
  begin(0);
  check_violation(feed(MsgDiag{Severity::Warning, 1, 1, "late"}), "unexpected");
}

TEST(Transaction, SecondBeginIsAViolation) {
  begin(0);
  check_violation(feed(MsgTxnBegin{7, 0}), "unexpected");
}

// ---- generations -------------------------------------------------------------

TEST(Transaction, BeginForAnotherGenerationIsAViolation) {
  a.expect(7, current.size());
  check_violation(feed(MsgTxnBegin{6, 0}), "never requested");
  a.expect(7, current.size());
  check_violation(feed(MsgTxnBegin{8, 0}), "never requested");
}

TEST(Transaction, ParseFailedForAnotherGenerationIsAViolation) {
  a.expect(7, current.size());
  check_violation(feed(MsgParseFailed{6, 1, 0}), "never requested");
}

TEST(Transaction, ParseFailedWithoutErrorsIsAViolation) {
  a.expect(9, current.size());
  check_violation(feed(MsgParseFailed{9, 0, 3}), "without errors");
}

// ---- globals -------------------------------------------------------------------

TEST(Transaction, DuplicateGlobalsIsAViolation) {
  begin_with_globals(0);
  check_violation(feed(MsgTxnGlobals{GlobalConfig{}}), "duplicate globals");
}

TEST(Transaction, MissingGlobalsIsAViolation) {
  begin(2);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "without globals");
}

TEST(Transaction, BadGlobalsAreAViolation) {
  const std::vector<GlobalConfig> bad = {
      test::make_globals({UdpAddress{"not an address", 514, ""}}, std::nullopt),
      test::make_globals({UdpAddress{"1.2.3", 514, ""}}, std::nullopt),
      test::make_globals({UdpAddress{"logs.example.org", 514, ""}, UdpAddress{"logs.example.org", 514, ""}}),
      test::make_globals({}, UdpAddress{"logs.example.org", 10000, ""}),
      test::make_globals({UdpAddress{"127.0.0.1", 0, ""}}, std::nullopt),
      test::make_globals({}, UdpAddress{"::1", 10000, "eth 0"}),
      test::make_globals({}, UdpAddress{std::string("127.0.0.1\0x", 11), 1, ""}),
  };
  for (const auto& g : bad) {
    begin(0);
    check_violation(feed(MsgTxnGlobals{g}), "address");
  }
}

// ---- counts and indexes ------------------------------------------------------------

TEST(Transaction, MoreJobsThanAnnouncedIsAViolationAsSoonAsItArrives) {
  begin_with_globals(1);
  check_violation(feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}}}), "more jobs than announced");
  begin_with_globals(1);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  check_violation(feed(MsgTxnAdd{{at(1, job("new"))}}), "more jobs than announced");
  begin_with_globals(1);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(0, job("new"))}}));
  check_violation(feed(MsgTxnChange{{at(1, job("chg"))}}), "more jobs than announced");
}

TEST(Transaction, FewerJobsThanAnnouncedIsAViolation) {
  three_of_three_but_last();
  check_violation(feed(MsgTxnEnd{0}), "fewer jobs than announced");
}

TEST(Transaction, MoreRemovalsThanCurrentJobsIsAViolation) {
  begin_with_globals(0);
  for (const char* n : {"gone", "keep", "chg"}) CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{n}));
  check_violation(feed(MsgTxnRemove{"gone"}), "more removals");
}

TEST(Transaction, RepeatedIndexIsAViolation) {
  three_of_three_but_last();
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(1, job("new"))}}));
  check_violation(feed(MsgTxnEnd{0}), "index");
}

TEST(Transaction, IndexOutOfRangeIsAViolation) {
  for (uint32_t bad : {3u, 4u, 0xffffffffu}) {
    three_of_three_but_last();
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(bad, job("new"))}}));
    check_violation(feed(MsgTxnEnd{0}), "index");
  }
  // Same for a kept job's index.
  begin_with_globals(2);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{2, "keep"}, KeptJob{0, "chg"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "index");
}

// ---- names against the current table -------------------------------------------------

TEST(Transaction, DuplicateNameAcrossKeepAndChangeIsAViolation) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnChange{{at(2, job("chg", "/bin/other"))}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "duplicate");
}

TEST(Transaction, DuplicateNameWithinKeepIsAViolation) {
  current = {"keep"};
  begin_with_globals(2);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "keep"}}}));
  check_violation(feed(MsgTxnEnd{0}), "duplicate");
}

TEST(Transaction, DuplicateAddedNameIsAViolation) {
  three_of_three_but_last(4);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(2, job("new")), at(3, job("new"))}}));
  check_violation(feed(MsgTxnEnd{0}), "duplicate");
}

TEST(Transaction, AddedNameEqualToAKeptOneIsAViolation) {
  // "keep" exists, so this is caught either as a duplicate or as an add of
  // an existing job; both are violations.
  CHECK_OUTCOME(Outcome::Violation, with_added(job("keep")));
  CHECK_STATE(State::Idle, a.state());
}

TEST(Transaction, KeptJobThatDoesNotExistIsAViolation) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}, KeptJob{2, "ghost"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "does not exist");
}

TEST(Transaction, ChangedJobThatDoesNotExistIsAViolation) {
  three_of_three_but_last();
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnChange{{at(2, job("ghost"))}}));
  check_violation(feed(MsgTxnEnd{0}), "does not exist");
}

TEST(Transaction, RemovedJobThatDoesNotExistIsAViolation) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}, KeptJob{2, "gone"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"ghost"}));
  check_violation(feed(MsgTxnEnd{0}), "does not exist");
}

TEST(Transaction, AddedJobThatAlreadyExistsIsAViolation) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(2, job("gone"))}}));
  // "gone" is neither kept nor removed: it can only be an add of an existing job.
  check_violation(feed(MsgTxnEnd{0}), "already exists");
}

TEST(Transaction, RemovedJobAlsoKeptIsAViolation) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}, KeptJob{2, "gone"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "also kept");
}

TEST(Transaction, RemovedTwiceIsAViolation) {
  begin_with_globals(1);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "gone");
}

TEST(Transaction, CurrentJobNotAccountedForIsAViolation) {
  // "gone" is neither kept, changed nor removed.
  begin_with_globals(2);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}}}));
  check_violation(feed(MsgTxnEnd{0}), "account");
}

TEST(Transaction, KeptNameThatIsNotAJobNameIsAViolation) {
  current.insert("bad name");
  begin_with_globals(4);
  CHECK_OUTCOME(Outcome::Continue,
                feed(MsgTxnKeep{{KeptJob{0, "keep"}, KeptJob{1, "chg"}, KeptJob{2, "gone"}, KeptJob{3, "bad name"}}}));
  check_violation(feed(MsgTxnEnd{0}), "name");
}

// ---- every added or changed job passes check_job ----------------------------------

TEST(Transaction, AddedJobFailingCheckJobIsAViolation) {
  struct Case {
    const char* what;
    void (*mutate)(JobDesc&);
  };
  const Case cases[] = {
      {"relative cmd", [](JobDesc& j) { j.argv = {"bin/true"}; }},
      {"empty argv", [](JobDesc& j) { j.argv.clear(); }},
      {"name with a space", [](JobDesc& j) { j.name = "two words"; }},
      {"name with a control byte", [](JobDesc& j) { j.name = "a\x1b[2J"; }},
      {"nice 99", [](JobDesc& j) { j.has_nice = true; j.nice = 99; }},
      {"nice -21", [](JobDesc& j) { j.has_nice = true; j.nice = -21; }},
      {"nice without flag", [](JobDesc& j) { j.nice = 3; }},
      {"unsorted cpus", [](JobDesc& j) { j.cpus = {3, 1}; }},
      {"repeated cpu", [](JobDesc& j) { j.cpus = {1, 1}; }},
      {"cpu out of range", [](JobDesc& j) { j.cpus = {static_cast<uint16_t>(limits::kCpus)}; }},
      {"relative dir", [](JobDesc& j) { j.dir = "srv"; }},
      {"bad env entry", [](JobDesc& j) { j.env = {"1X=2"}; }},
      {"bad user", [](JobDesc& j) { j.user = "-root"; }},
      {"relative depends", [](JobDesc& j) { j.depends = {"etc/x"}; }},
      {"unknown ulimit", [](JobDesc& j) { j.ulimits = {{200, 1}}; }},
      {"bounce too long", [](JobDesc& j) { j.bounce_seconds = limits::kBounceSecondsMax + 1; }},
  };
  for (const Case& c : cases) {
    JobDesc j = job("new");
    c.mutate(j);
    const Outcome o = with_added(j);
    CHECK_TEXT(o == Outcome::Violation, c.what);
    CHECK_TEXT(a.state() == State::Idle, c.what);
  }
}

TEST(Transaction, ChangedJobFailingCheckJobIsAViolation) {
  begin_with_globals(2);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnChange{{at(1, job("chg", "relative/cmd"))}}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  check_violation(feed(MsgTxnEnd{0}), "chg");
}

TEST(Transaction, ValidAddedJobWithEveryFieldSetIsAccepted) {
  JobDesc j = test::full_job();
  j.name = "new";
  CHECK_OUTCOME(Outcome::Complete, with_added(j));
  CHECK(test::eq(a.take().added.at(0).job, j));
}

// ---- diagnostics cap -----------------------------------------------------------

// The protocol's cap, shared with the parser's DiagSink: at most
// kDiagnostics diagnostics of either severity, then one "too many errors,
// giving up".  That whole stream is legal and ends in Failed.
TEST(Transaction, TheLargestLegalDiagnosticStreamIsAccepted) {
  a.expect(2, current.size());
  const size_t most = limits::kDiagnostics + 1;
  for (size_t i = 0; i < most; ++i) {
    const Severity sev = i % 10 == 0 ? Severity::Warning : Severity::Error;
    const Outcome o = feed(MsgDiag{sev, static_cast<uint32_t>(i + 1), 1, "x"});
    if (o != Outcome::Diagnostic)
      FAIL(("diagnostic " + std::to_string(i + 1) + " of " + std::to_string(most) + " refused: " + a.why()).c_str());
  }
  CHECK_OUTCOME(Outcome::Failed, feed(MsgParseFailed{2, 900, 101}));
}

TEST(Transaction, OneDiagnosticBeyondTheCapIsAViolation) {
  a.expect(2, current.size());
  for (size_t i = 0; i < limits::kDiagnostics + 1; ++i)
    CHECK_OUTCOME(Outcome::Diagnostic, feed(MsgDiag{Severity::Warning, 1, 1, "x"}));
  check_violation(feed(MsgDiag{Severity::Error, 1, 1, "x"}), "too many diagnostics");
}

// Interop with the real parser: a config with many duplicate depends lines
// (warnings) and many unknown options (errors) stays within the cap.
TEST(Transaction, RealParserDiagnosticFloodEndsInFailedNotViolation) {
  std::string text = "job {\n name a\n cmd /x\n depends {\n";
  for (size_t i = 0; i < limits::kDiagnostics + 50; ++i) text += "  /etc/e\n";
  text += " }\n";
  for (size_t i = 0; i < limits::kDiagnostics + 50; ++i) text += " bogus" + std::to_string(i) + " 1\n";
  text += "}\n";
  const ParsedConfig parsed = parse_config(text);
  CHECK(parsed.errors() > 0);
  a.expect(1, current.size());
  size_t n = 0;
  for (const auto& d : parsed.diagnostics) {
    ++n;
    const Outcome o = feed(MsgDiag{d.severity, d.line, d.col, d.text});
    if (o != Outcome::Diagnostic)
      FAIL(("diagnostic " + std::to_string(n) + " of " + std::to_string(parsed.diagnostics.size()) +
            " refused: " + a.why()).c_str());
  }
  CHECK_OUTCOME(Outcome::Failed, feed(MsgParseFailed{1, static_cast<uint32_t>(parsed.errors()),
                                                     static_cast<uint32_t>(parsed.warnings())}));
}

