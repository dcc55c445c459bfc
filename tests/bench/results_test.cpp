// bench/results: the summary statistics, the verdicts against targets and
// the floor, and the table's layout.
#include "bench/results.hpp"

#include <sstream>
#include <string>
#include <vector>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

Result row(std::vector<double> samples, Target t = {}, std::vector<double> floor = {}) {
  Result r;
  r.scenario = "1 cold start";
  r.metric = "pmtr, 1000 jobs";
  r.samples = std::move(samples);
  r.floor = std::move(floor);
  r.target = std::move(t);
  return r;
}

}  // namespace

TEST_GROUP(BenchResults){};

TEST(BenchResults, SummaryOfOddAndEvenCounts) {
  const Summary odd = summarize({5, 1, 3});
  LONGS_EQUAL(3, odd.n);
  DOUBLES_EQUAL(3, odd.median, 0);
  DOUBLES_EQUAL(1, odd.min, 0);
  DOUBLES_EQUAL(5, odd.max, 0);
  DOUBLES_EQUAL(2.5, summarize({4, 1, 3, 2}).median, 0);
  LONGS_EQUAL(0, summarize({}).n);
}

TEST(BenchResults, P90IsTheNearestRank) {
  std::vector<double> twenty;
  for (int i = 20; i >= 1; --i) twenty.push_back(i);
  DOUBLES_EQUAL(18, summarize(twenty).p90, 0);   // ceil(0.9 * 20) = 18th smallest
  DOUBLES_EQUAL(9, summarize({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).p90, 0);   // rank ceil(9) = 9th
  DOUBLES_EQUAL(7, summarize({7}).p90, 0);
}

TEST(BenchResults, QuantitiesCarryTheirUnit) {
  STRCMP_EQUAL("812 ms", format_quantity(812.4, Unit::Millis).c_str());
  STRCMP_EQUAL("0.530 ms", format_quantity(0.53, Unit::Millis).c_str());
  STRCMP_EQUAL("5.50 ms", format_quantity(5.5, Unit::Millis).c_str());
  STRCMP_EQUAL("12.3 us", format_quantity(12.34, Unit::Micros).c_str());
  STRCMP_EQUAL("900 KiB", format_quantity(900, Unit::KiB).c_str());
  STRCMP_EQUAL("1.50 MiB", format_quantity(1536, Unit::KiB).c_str());
  STRCMP_EQUAL("3.20 %", format_quantity(3.2, Unit::Percent).c_str());
  STRCMP_EQUAL("0/s", format_quantity(0, Unit::PerSecond).c_str());
  STRCMP_EQUAL("0.100/s", format_quantity(0.1, Unit::PerSecond).c_str());
  STRCMP_EQUAL("12", format_quantity(12, Unit::Count).c_str());
  STRCMP_EQUAL("1.15x", format_quantity(1.15, Unit::Times).c_str());
}

TEST(BenchResults, VerdictsAgainstAbsoluteTargets) {
  CHECK_TRUE(judge(row({4, 5, 6}, at_most(5, "<= 5 ms"))) == Verdict::Pass);
  CHECK_TRUE(judge(row({5, 6, 7}, at_most(5, "<= 5 ms"))) == Verdict::Miss);
  CHECK_TRUE(judge(row({5}, below(5, "< 5 %"))) == Verdict::Miss);
  CHECK_TRUE(judge(row({4.9}, below(5, "< 5 %"))) == Verdict::Pass);
  CHECK_TRUE(judge(row({0, 0}, at_most(0, "0"))) == Verdict::Pass);
  CHECK_TRUE(judge(row({1100}, at_least(1100, "all 1100"))) == Verdict::Pass);
  CHECK_TRUE(judge(row({1013}, at_least(1100, "all 1100"))) == Verdict::Miss);
  CHECK_TRUE(judge(row({1, 2})) == Verdict::Info);
  CHECK_TRUE(judge(row({}, at_most(5, "<= 5 ms"))) == Verdict::Void);
  Result failed = row({1}, at_most(5, "<= 5 ms"));
  failed.void_reason = "timeout";
  CHECK_TRUE(judge(failed) == Verdict::Void);
}

TEST(BenchResults, VerdictsAgainstTheFloor) {
  const Target t = at_most_floor(1.15, "<= 1.15x floor");
  DOUBLES_EQUAL(1.1, floor_ratio(row({110}, t, {100})), 1e-9);
  CHECK_TRUE(judge(row({110, 114, 200}, t, {100, 100, 90})) == Verdict::Pass);
  CHECK_TRUE(judge(row({120}, t, {100})) == Verdict::Miss);
  CHECK_TRUE(judge(row({120}, t, {})) == Verdict::Void);   // no floor measured
  DOUBLES_EQUAL(0, floor_ratio(row({120})), 0);
}

TEST(BenchResults, TableIsAlignedMarkdown) {
  std::vector<Result> rs;
  rs.push_back(row({700, 720, 680}, at_most_floor(1.15, "<= 1.15x floor"), {650, 640, 660}));
  Result mem = row({1700});
  mem.scenario = "5 memory";
  mem.metric = "PSS pmtr + parser";
  mem.unit = Unit::KiB;
  mem.target = at_most(1536, "<= 1.5 MiB");
  rs.push_back(mem);
  Result bad = row({});
  bad.metric = "broken";
  bad.void_reason = "timeout";
  rs.push_back(bad);
  const auto lines = lines_of(render_table(rs));
  LONGS_EQUAL(5, lines.size());   // header, delimiter, three rows
  for (const auto& l : lines) {
    LONGS_EQUAL(lines[0].size(), l.size());
    CHECK_EQUAL('|', l.front());
    CHECK_EQUAL('|', l.back());
  }
  CHECK_TRUE(lines[0].find("| Scenario") == 0);
  CHECK_TRUE(lines[1].find("---") != std::string::npos);
  CHECK_TRUE(lines[1].find(":") != std::string::npos);   // numbers right-aligned
  CHECK_TRUE(lines[2].find("700 ms") != std::string::npos);
  CHECK_TRUE(lines[2].find("650 ms") != std::string::npos);
  CHECK_TRUE(lines[2].find("1.08x") != std::string::npos);
  CHECK_TRUE(lines[2].find("| pass") != std::string::npos);
  CHECK_TRUE(lines[3].find("1.66 MiB") != std::string::npos);
  CHECK_TRUE(lines[3].find("MISS") != std::string::npos);
  CHECK_TRUE(lines[4].find("VOID (timeout)") != std::string::npos);
}

TEST(BenchResults, PeerRowsGetAPmtrVsPeerColumn) {
  std::vector<Result> rs;
  rs.push_back(row({100, 110, 90}));
  Result peer = row({400});
  peer.metric = "runit, 1000 jobs";
  peer.pmtr = {100, 110, 90};
  DOUBLES_EQUAL(0.25, pmtr_ratio(peer), 1e-9);
  DOUBLES_EQUAL(0, pmtr_ratio(rs[0]), 0);
  rs.push_back(peer);
  const auto lines = lines_of(render_table(rs));
  LONGS_EQUAL(4, lines.size());
  for (const auto& l : lines) LONGS_EQUAL(lines[0].size(), l.size());
  CHECK_TRUE(lines[0].find("| pmtr vs peer |") != std::string::npos);
  CHECK_TRUE(lines[3].find("0.25x") != std::string::npos);
  // Without a peer's row the table keeps its columns.
  CHECK_TRUE(render_table({rs[0]}).find("pmtr vs peer") == std::string::npos);
}
