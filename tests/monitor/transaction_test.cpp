// TransactionAssembler: the monitor's dispatcher for what pmtr-parser sends.
// Every message is hostile until the whole transaction has been re-checked
// against the current table; these tests walk the happy path, every
// (state, type) pair of the dispatch table and every rule of the final
// validation, then the real decode path (bytes -> decode_message -> feed).
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
#include "parser/config_diff.hpp"
#include "parser/config_parser.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using Outcome = TransactionAssembler::Outcome;
using State = TransactionAssembler::State;

namespace {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Continue: return "Continue";
    case Outcome::Diagnostic: return "Diagnostic";
    case Outcome::Complete: return "Complete";
    case Outcome::Failed: return "Failed";
    case Outcome::Violation: return "Violation";
  }
  return "?";
}

const char* state_name(State s) {
  switch (s) {
    case State::Idle: return "Idle";
    case State::Awaiting: return "Awaiting";
    case State::InTxn: return "InTxn";
  }
  return "?";
}

#define CHECK_OUTCOME(expected, actual) STRCMP_EQUAL(outcome_name(expected), outcome_name(actual))
#define CHECK_STATE(expected, actual) STRCMP_EQUAL(state_name(expected), state_name(actual))

// A job that passes check_job.
JobDesc job(const std::string& name, const std::string& cmd = "/usr/bin/true") {
  JobDesc j;
  j.name = name;
  j.argv = {cmd};
  return j;
}

IndexedJob at(uint32_t index, JobDesc j) { return IndexedJob{index, std::move(j)}; }

bool contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

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

std::vector<std::byte> encode(const Message& m) { return encode_message(m); }

}  // namespace

// The current table holds keep, chg and gone.
TEST_GROUP(Transaction) {
  std::set<std::string> current{"keep", "chg", "gone"};
  TransactionAssembler a{[this](std::string_view n) { return current.count(std::string(n)) != 0; }, 0};

  Outcome feed(Message m) {
    const size_t bytes = encode_message(m).size();
    return a.feed(std::move(m), bytes);
  }

  // Awaiting generation `gen`, then TxnBegin announcing `count` jobs.
  void begin(uint32_t count, uint32_t gen = 7) {
    a.expect(gen, current.size());
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{gen, count}));
    CHECK_STATE(State::InTxn, a.state());
  }

  // Inside a transaction with globals already sent.
  void begin_with_globals(uint32_t count) {
    begin(count);
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnGlobals{GlobalConfig{}}));
  }

  // The last feed was a violation whose reason mentions `why`; the
  // assembler is back to Idle and its half transaction is gone.
  void check_violation(Outcome o, const char* why) {
    CHECK_OUTCOME(Outcome::Violation, o);
    CHECK_STATE(State::Idle, a.state());
    CHECK_TEXT(contains(a.why(), why), ("why() = \"" + a.why() + "\", expected it to mention \"" + why + "\"").c_str());
  }

  // Everything accounted for except what the test adds: keep at 0, chg
  // changed at 1, gone removed; the test supplies index 2.
  void three_of_three_but_last(uint32_t count = 3) {
    begin_with_globals(count);
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnChange{{at(1, job("chg", "/bin/changed"))}}));
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
  }

  // Full valid transaction whose add batch holds `added` at index 2.
  Outcome with_added(JobDesc added) {
    three_of_three_but_last();
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnAdd{{at(2, std::move(added))}}));
    return feed(MsgTxnEnd{0});
  }

  // A short valid transaction for `gen` on the current table.
  void complete_one(uint32_t gen) {
    a.expect(gen, current.size());
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{gen, 2}));
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnGlobals{GlobalConfig{}}));
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{1, "keep"}, KeptJob{0, "chg"}}}));
    CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{"gone"}));
    CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{0}));
    CHECK_STATE(State::Idle, a.state());
  }
};

// ---- happy paths -----------------------------------------------------------

TEST(Transaction, FullTransactionCompletesWithEverythingItCarried) {
  a.expect(7, current.size());
  CHECK_STATE(State::Awaiting, a.state());
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{7, 5}));
  GlobalConfig g = test::make_globals(UdpAddress{"127.0.0.1", 9999, ""}, UdpAddress{"::1", 10000, "lo"});
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

TEST(Transaction, EmptyConfigOnEmptyTableCompletes) {
  current.clear();
  a.expect(1, 0);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnBegin{1, 0}));
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnGlobals{GlobalConfig{}}));
  CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{0}));
  Transaction t = a.take();
  CHECK_EQUAL(0u, t.job_count);
  CHECK(t.kept.empty() && t.added.empty() && t.changed.empty() && t.removed.empty());
}

TEST(Transaction, EverythingRemovedCompletes) {
  begin_with_globals(0);
  for (const char* n : {"gone", "keep", "chg"}) CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnRemove{n}));
  CHECK_OUTCOME(Outcome::Complete, feed(MsgTxnEnd{0}));
  CHECK_EQUAL(3u, a.take().removed.size());
}

TEST(Transaction, DiagnosticsBeforeTheTransactionAreReported) {
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

TEST(Transaction, ParseFailedEndsTheParseWithItsCounts) {
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

TEST(Transaction, ParseFailedWithoutErrorsIsAViolation) {
  a.expect(9, current.size());
  check_violation(feed(MsgParseFailed{9, 0, 3}), "without errors");
}

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
      test::make_globals(UdpAddress{"not-an-address", 514, ""}, std::nullopt),
      test::make_globals(UdpAddress{"127.0.0.1", 0, ""}, std::nullopt),
      test::make_globals(std::nullopt, UdpAddress{"::1", 10000, "eth 0"}),
      test::make_globals(std::nullopt, UdpAddress{std::string("127.0.0.1\0x", 11), 1, ""}),
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

// ---- reset and recovery -------------------------------------------------------------

TEST(Transaction, ResetDiscardsAHalfTransaction) {
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

TEST(Transaction, ExpectDiscardsAHalfTransaction) {
  begin_with_globals(3);
  CHECK_OUTCOME(Outcome::Continue, feed(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  complete_one(8);
  CHECK_EQUAL(2u, a.take().kept.size());
}

TEST(Transaction, AfterAViolationANewExpectWorks) {
  begin_with_globals(3);
  check_violation(feed(MsgTxnGlobals{GlobalConfig{}}), "duplicate globals");
  check_violation(feed(MsgTxnEnd{0}), "unexpected");
  complete_one(9);
  CHECK_EQUAL(9u, a.take().generation);
}

TEST(Transaction, DiagnosticCountStartsOverWithEachParse) {
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
      MsgTxnGlobals{test::make_globals(UdpAddress{"127.0.0.1", 9999, ""}, std::nullopt)},
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

TEST(Transaction, EveryTruncationOfEveryRecordFailsToDecode) {
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

TEST(Transaction, DecodedRecordsOfAValidTransactionComplete) {
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
TEST(Transaction, ParserDifferOutputIsAccepted) {
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
