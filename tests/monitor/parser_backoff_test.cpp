// The delay before a new parser after failures in a row (SPEC §4 "Failure
// policy"): 100 ms doubling, capped at a minute, never giving up.  The e2e
// test ParserFailure.BackoffDoublesWhileParsersDieAndResetsAfterACompletedParse
// watches the first steps and the reset on a running pmtr.
#include <chrono>
#include <vector>

#include "monitor/monitor.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

TEST_GROUP(ParserBackoff){};

TEST(ParserBackoff, DoublesFromAHundredMillisecondsUpToAMinute) {
  using namespace std::chrono;
  pmtr::Duration d = pmtr::kParserBackoffMin;
  std::vector<long long> got;
  for (int i = 0; i < 12; ++i) {
    got.push_back(duration_cast<milliseconds>(d).count());
    d = pmtr::next_parser_backoff(d);
  }
  const std::vector<long long> want{100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000};
  CHECK(got == want);
}
