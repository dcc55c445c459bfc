// parser/diag_sink.{hpp,cpp} and parser/duplicate_names.{hpp,cpp}.
#include "parser/diag_sink.hpp"

#include <string>
#include <vector>

#include "parser/duplicate_names.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::conf;

TEST_GROUP(DiagSink){};

TEST(DiagSink, ErrorCapAddsOneGivingUpLine) {
  std::vector<Diagnostic> out;
  DiagSink sink(out, 3);
  for (uint32_t i = 1; i <= 10; ++i) sink.error(i, 1, "e");
  LONGS_EQUAL(4, out.size());
  CHECK_TRUE(sink.gave_up());
  STRCMP_EQUAL("too many errors, giving up", out.back().text.c_str());
  LONGS_EQUAL(4, out.back().line);
  sink.warning(11, 1, "w");
  LONGS_EQUAL(4, out.size());
}

TEST(DiagSink, WarningsTakeATenthOfTheRoomAndAreDroppedSilently) {
  std::vector<Diagnostic> out;
  DiagSink sink(out, 20);
  for (int i = 0; i < 50; ++i) sink.warning(1, 1, "w");
  LONGS_EQUAL(2, out.size());
  CHECK_FALSE(sink.gave_up());
  LONGS_EQUAL(0, sink.errors());
  for (int i = 0; i < 18; ++i) sink.error(2, 1, "e");
  LONGS_EQUAL(20, out.size());
  CHECK_FALSE(sink.gave_up());
  sink.error(3, 1, "e");
  CHECK_TRUE(sink.gave_up());
  LONGS_EQUAL(21, out.size());
}

TEST(DiagSink, NeverMoreThanTheCapPlusOneInAll) {
  std::vector<Diagnostic> out;
  DiagSink sink(out, 30);
  for (int i = 0; i < 100; ++i) {
    sink.warning(1, 1, "w");
    sink.error(1, 1, "e");
  }
  LONGS_EQUAL(31, out.size());
  STRCMP_EQUAL("too many errors, giving up", out.back().text.c_str());
}

TEST(DiagSink, SortByPositionIsStableAndKeepsGivingUpLast) {
  std::vector<Diagnostic> out;
  DiagSink sink(out, 3);
  sink.error(5, 2, "b");
  sink.error(5, 1, "a");
  sink.error(1, 9, "first");
  sink.error(0, 0, "late");
  sink.sort_by_position();
  STRCMP_EQUAL("first", out[0].text.c_str());
  STRCMP_EQUAL("a", out[1].text.c_str());
  STRCMP_EQUAL("b", out[2].text.c_str());
  STRCMP_EQUAL("too many errors, giving up", out[3].text.c_str());
}

TEST(DiagSink, QuoteCutsLongWords) {
  STRCMP_EQUAL("'abc'", quote("abc").c_str());
  STRCMP_EQUAL("''", quote("").c_str());
  STRCMP_EQUAL(("'" + std::string(64, 'z') + "'").c_str(), quote(std::string(64, 'z')).c_str());
  STRCMP_EQUAL(("'" + std::string(64, 'z') + "...'").c_str(), quote(std::string(65, 'z')).c_str());
}

TEST(DiagSink, DuplicateNamesFarApartAmongManyJobs) {
  std::vector<JobDesc> jobs(5000);
  DuplicateNames names;
  for (uint32_t i = 0; i < jobs.size(); ++i) {
    jobs[i].name = "job" + std::to_string(i == 4321 ? 17 : i == 4999 ? 17 : i);
    names.add(jobs[i].name, i, SourcePos{i + 1, 3});
  }
  std::vector<Diagnostic> out;
  DiagSink sink(out);
  names.report([&jobs](uint32_t i) { return std::string_view(jobs[i].name); }, sink);
  LONGS_EQUAL(2, out.size());
  sink.sort_by_position();
  LONGS_EQUAL(4322, out[0].line);
  STRCMP_EQUAL("duplicate job name 'job17' (first defined at line 18)", out[0].text.c_str());
  LONGS_EQUAL(5000, out[1].line);
}
