// control/status_table.{hpp,cpp}: the status table fits 80 columns, its
// cells read as people expect, long names are shortened in the middle.
#include "control/status_table.hpp"

#include <signal.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "tests/control/sample_status.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using pmtr::test::kNowMs;
using pmtr::test::sample_report;

namespace {

std::string table(const StatusReport& r) {
  OutBuffer b;
  format_status_table(r, b);
  return b.text();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

void check_fits(const std::string& text, size_t width = kTableWidth) {
  CHECK(!text.empty() && text.back() == '\n');
  for (const auto& l : lines(text)) {
    CHECK_TEXT(l.size() <= width, l.c_str());
    CHECK_TEXT(l.empty() || l.back() != ' ', ("trailing space: " + l).c_str());
  }
}

JobStatus running(std::string name) {
  JobStatus j;
  j.name = std::move(name);
  j.state = PublicState::Running;
  j.pid = 4194303;
  j.started_ms = kNowMs - 1000;
  return j;
}

}  // namespace

TEST_GROUP(StatusTable){};

// Two-space columns would take 81: one space, every name whole.
TEST(StatusTable, SampleReport) {
  const std::string expected =
      "NAME      STATE     PID UPTIME RESTARTS LAST EXIT                NEXT START\n"
      "web       running  1234 3d 4h         0 -\n"
      "worker    delayed     - -             7 exited 1 (2 s ago)       in 8 s\n"
      "cron      ready   88123 5m 12s        2 killed by TERM (3 m ago)\n"
      "odd\"na\\me stopped     - -             0 exited 0 (1 h ago)\n";
  STRCMP_EQUAL(expected.c_str(), table(sample_report()).c_str());
  check_fits(expected);
}

TEST(StatusTable, NoNextStartColumnWithoutADelayedJob) {
  StatusReport r = sample_report();
  r.jobs.erase(r.jobs.begin() + 1);
  const std::string expected =
      "NAME       STATE      PID  UPTIME  RESTARTS  LAST EXIT\n"
      "web        running   1234  3d 4h          0  -\n"
      "cron       ready    88123  5m 12s         2  killed by TERM (3 m ago)\n"
      "odd\"na\\me  stopped      -  -              0  exited 0 (1 h ago)\n";
  STRCMP_EQUAL(expected.c_str(), table(r).c_str());
}

TEST(StatusTable, NoJobsIsTheHeaderAlone) {
  STRCMP_EQUAL("NAME  STATE  PID  UPTIME  RESTARTS  LAST EXIT\n", table(StatusReport{}).c_str());
}

TEST(StatusTable, LongNamesWidenTheColumnUpToEightyColumns) {
  StatusReport r;
  r.now_ms = kNowMs;
  r.jobs.push_back(running("a-rather-long-job-name-31-chars"));
  r.jobs.push_back(running("short"));
  const std::string t = table(r);
  check_fits(t);
  CHECK(t.find("a-rather-long-job-name-31-chars  running") != std::string::npos);
}

TEST(StatusTable, NamesBeyondTheRoomAreShortenedInTheMiddle) {
  StatusReport r = sample_report();   // one-space columns leave 14 for the name
  r.jobs.push_back(r.jobs[0]);
  r.jobs.back().name = "web-frontend-eu-west-1";
  r.jobs.push_back(r.jobs[0]);
  r.jobs.back().name = "web-frontend-eu-west-2";
  const std::string t = table(r);
  check_fits(t);
  CHECK_TEXT(t.find("\nweb-fro~west-1 running") != std::string::npos, t.c_str());
  CHECK_TEXT(t.find("\nweb-fro~west-2 running") != std::string::npos, t.c_str());
}

TEST(StatusTable, TheNameColumnKeepsItsMinimumWidth) {
  StatusReport r = sample_report();
  r.jobs[1].restarts = 4000000000u;
  r.jobs[2].last_exit_value = SIGRTMIN + 10;
  r.jobs[2].last_exit_ms = 1;
  r.jobs[0].name = std::string(30, 'x');
  const std::string t = table(r);
  CHECK_TEXT(t.find("\nxxxxx~xxxx running") != std::string::npos, t.c_str());
}

TEST(StatusTable, EveryLineFitsWhateverTheNames) {
  StatusReport r;
  r.now_ms = kNowMs;
  for (size_t len = 1; len <= 64; ++len) r.jobs.push_back(running(std::string(len, 'n')));
  r.jobs[3].last_exit_kind = kExitSignal;
  r.jobs[3].last_exit_value = 9;
  r.jobs[3].last_exit_ms = kNowMs - 1;
  const std::string t = table(r);
  check_fits(t);
  const auto l = lines(t);
  CHECK_TEXT(l.back().find("n~n") != std::string::npos, l.back().c_str());
  CHECK_EQUAL(l[0].find("STATE"), l.back().find("running"));
}

TEST(StatusTable, FittedNames) {
  std::string s;
  append_fitted_name(s, "abcdefghij", 10);
  STRCMP_EQUAL("abcdefghij", s.c_str());
  s.clear();
  append_fitted_name(s, "abcdefghijk", 10);
  STRCMP_EQUAL("abcde~hijk", s.c_str());
  s.clear();
  append_fitted_name(s, "abcdefghijk", 1);
  STRCMP_EQUAL("~", s.c_str());
}

TEST(StatusTable, CellsOfUnusualJobs) {
  StatusReport r;
  r.now_ms = kNowMs;
  JobStatus j = running("skewed");
  j.started_ms = kNowMs + 5000;            // a clock step: never negative
  j.last_exit_kind = kExitSignal;
  j.last_exit_value = 40;                  // a realtime signal
  j.last_exit_ms = 0;                      // time unknown
  j.restarts = 4294967295u;
  r.jobs.push_back(j);
  JobStatus d;
  d.name = "due";
  d.state = PublicState::Delayed;
  d.next_start_ms = kNowMs - 1;            // overdue
  r.jobs.push_back(d);
  const std::string t = table(r);
  check_fits(t);
  CHECK_TEXT(t.find("skewed  running  4194303  0s      4294967295  killed by RTMIN+6") != std::string::npos, t.c_str());
  CHECK_TEXT(t.find("  now\n") != std::string::npos, t.c_str());
}

TEST(StatusTable, NamesOnly) {
  OutBuffer b;
  format_status_names(sample_report(), b);
  STRCMP_EQUAL("web\nworker\ncron\nodd\"na\\me\n", b.text().c_str());
}
