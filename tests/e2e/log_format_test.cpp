// pmtr's stderr log through the real binary: with -F every line starts
// with a UTC timestamp (docs/pmtr.8, LOGGING); when stderr is the journal
// (JOURNAL_STREAM names it) nothing goes to stderr at all, syslog alone
// carries the lines and the journal stamps them; `pmtr -t`, a report and
// not a log, is not stamped.
#include <sys/stat.h>
#include <time.h>

#include <cstdio>
#include <ctime>
#include <sstream>
#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {


// JOURNAL_STREAM's value for a file: "DEVICE:INODE", as systemd sets it.
std::string journal_stream_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "";
  return std::to_string(static_cast<unsigned long>(st.st_dev)) + ":" +
         std::to_string(static_cast<unsigned long>(st.st_ino));
}

// The time of a "YYYY-MM-DDThh:mm:ss.mmmZ " prefix, or -1 when the line
// does not start with exactly that.
double stamp_seconds(const std::string& line) {
  static const std::string kShape = "dddd-dd-ddTdd:dd:dd.dddZ ";
  if (line.size() < kShape.size()) return -1;
  for (size_t i = 0; i < kShape.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? (line[i] >= '0' && line[i] <= '9') : line[i] == kShape[i];
    if (!ok) return -1;
  }
  tm t{};
  if (strptime(line.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &t) == nullptr) return -1;
  return static_cast<double>(timegm(&t)) + std::stoi(line.substr(20, 3)) / 1000.0;
}

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

TEST_GROUP(StderrLog) {
  TempDir dir;
};

// Every line pmtr writes to a file starts with the time it was logged.  A
// JOURNAL_STREAM that names some other file (inherited from a unit whose
// stderr was then redirected) does not count as the journal.
TEST(StderrLog, ForegroundLinesStartWithUtcTimestamp) {
  const std::string conf = dir / "pmtr.conf";
  write_file(conf, job("web", "/bin/sleep 2001"));
  const double before = now_seconds();
  Pmtr pmtr(conf, {}, {"JOURNAL_STREAM=" + journal_stream_of(conf)});
  CHECK(pmtr.wait_job("web", 5000ms) > 0);
  const double after = now_seconds();
  CHECK(pmtr.stop() == 0);

  std::istringstream lines(pmtr.log());
  std::string line;
  int stamped = 0;
  bool started_seen = false;
  while (std::getline(lines, line)) {
    const double at = stamp_seconds(line);
    CHECK_TEXT(at >= 0, ("not stamped: " + line).c_str());
    CHECK_TEXT(line.compare(25, 6, "pmtr: ") == 0, line.c_str());
    ++stamped;
    if (line.find("started job web [") != std::string::npos) {
      started_seen = true;
      // Millisecond stamps, truncated: the line was logged in [before, after].
      CHECK_TEXT(at >= before - 0.001 && at <= after, line.c_str());
    }
  }
  CHECK(started_seen);
  CHECK(stamped >= 2);
}

// Under systemd stderr is the journal: a stderr copy would show every line
// twice, each with two timestamps.  The job still starts; stderr stays empty.
TEST(StderrLog, NothingOnStderrWhenItIsTheJournal) {
  const std::string conf = dir / "pmtr.conf";
  write_file(conf, job("quiet", "/bin/sleep 2002"));
  // The harness's log file, made here so that its inode is known before
  // pmtr starts (the harness opens it with O_TRUNC, which keeps the inode).
  write_file(conf + ".log", "");
  Pmtr pmtr(conf, {}, {"JOURNAL_STREAM=" + journal_stream_of(conf + ".log")});
  CHECK(poll_until([&] { return find_descendant(pmtr.pid(), "/bin/sleep 2002") > 0; }, 5000ms));
  CHECK(pmtr.stop() == 0);
  STRCMP_EQUAL("", pmtr.log().c_str());
}

// `pmtr -t` prints a report for people and CI scripts: "pmtr: FILE: ok (N
// jobs)" at the start of the line, as pmtr(8) documents, never stamped.
TEST(StderrLog, CheckModeReportIsNotStamped) {
  const std::string conf = dir / "pmtr.conf";
  write_file(conf, job("web", "/bin/sleep 2003"));
  std::string out;
  CHECK_EQUAL(0, run_command({pmtr_bin(), "-t", "-c", conf}, &out));
  STRCMP_EQUAL(("pmtr: " + conf + ": ok (1 job)\n").c_str(), out.c_str());
}
