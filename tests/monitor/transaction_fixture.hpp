// What the TransactionAssembler tests (transaction_test.cpp,
// transaction_lifecycle_test.cpp) share: readable outcome and state checks,
// jobs that pass check_job, and a fixture whose current table holds keep,
// chg and gone, with the steps of a transaction the tests build on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/messages.hpp"
#include "monitor/transaction.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace pmtr::test::txn {

using Outcome = TransactionAssembler::Outcome;
using State = TransactionAssembler::State;

inline const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Continue: return "Continue";
    case Outcome::Diagnostic: return "Diagnostic";
    case Outcome::Complete: return "Complete";
    case Outcome::Failed: return "Failed";
    case Outcome::Violation: return "Violation";
  }
  return "?";
}

inline const char* state_name(State s) {
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
inline JobDesc job(const std::string& name, const std::string& cmd = "/usr/bin/true") {
  JobDesc j;
  j.name = name;
  j.argv = {cmd};
  return j;
}

inline IndexedJob at(uint32_t index, JobDesc j) { return IndexedJob{index, std::move(j)}; }

inline bool contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::vector<std::byte> encode(const Message& m) { return encode_message(m); }

// The current table holds keep, chg and gone.
struct TransactionFixture : Utest {
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

}  // namespace pmtr::test::txn
