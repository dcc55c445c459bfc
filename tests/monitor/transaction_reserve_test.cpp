// TransactionAssembler reserves its job lists once TxnBegin announces the
// job count (monitor/transaction.cpp), so receiving a transaction never
// moves a job descriptor to grow a vector.
#include <set>
#include <string>
#include <string_view>

#include "common/messages.hpp"
#include "monitor/transaction.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using Outcome = TransactionAssembler::Outcome;

namespace {

JobDesc job(const std::string& name) {
  JobDesc j;
  j.name = name;
  j.argv = {"/usr/bin/true"};
  return j;
}

}  // namespace

TEST_GROUP(TransactionReserve) {
  std::set<std::string> current;
  TransactionAssembler a{[this](std::string_view n) { return current.count(std::string(n)) != 0; }, 0};

  Outcome feed(Message m) {
    const size_t bytes = encode_message(m).size();
    return a.feed(std::move(m), bytes);
  }
};

// Jobs arriving one record at a time: growth by doubling would leave a
// capacity of 8 for 5 jobs, and would have moved the first ones thrice.
TEST(TransactionReserve, AddedJobsFillExactlyTheAnnouncedRoom) {
  a.expect(1, 0);
  CHECK_TRUE(feed(MsgTxnBegin{1, 5}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnGlobals{GlobalConfig{}}) == Outcome::Continue);
  for (uint32_t i = 0; i < 5; ++i)
    CHECK_TRUE(feed(MsgTxnAdd{{IndexedJob{i, job("j" + std::to_string(i))}}}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnEnd{0}) == Outcome::Complete);
  const Transaction t = a.take();
  LONGS_EQUAL(5, t.added.size());
  LONGS_EQUAL(5, t.added.capacity());
}

// Kept and changed jobs are at most the current table (or the announced
// count, when smaller); nothing is reserved for them against an empty one.
TEST(TransactionReserve, KeptAndChangedRoomIsBoundedByTheCurrentTable) {
  current = {"a", "b", "c"};
  a.expect(2, current.size());
  CHECK_TRUE(feed(MsgTxnBegin{2, 4}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnGlobals{GlobalConfig{}}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnKeep{{KeptJob{0, "a"}}}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnChange{{IndexedJob{1, job("b")}}}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnChange{{IndexedJob{2, job("c")}}}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnAdd{{IndexedJob{3, job("d")}}}) == Outcome::Continue);
  CHECK_TRUE(feed(MsgTxnEnd{0}) == Outcome::Complete);
  const Transaction t = a.take();
  LONGS_EQUAL(3, t.kept.capacity());
  LONGS_EQUAL(3, t.changed.capacity());
  LONGS_EQUAL(4, t.added.capacity());
}
