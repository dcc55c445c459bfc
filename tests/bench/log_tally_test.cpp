// bench/log_tally: lines found, lost and duplicated in what a logger wrote,
// whatever prefix it puts in front and however the files are read.
#include "bench/log_tally.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/launch.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

// As bench/linegen writes it: '#', ten digits, a space, filler.
std::string numbered(unsigned n, const std::string& prefix = "") {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%010u ", n);
  return prefix + buf + std::string(88, 'x') + "\n";
}

void feed(LineTally& t, const std::string& s) { t.feed(s.data(), s.size()); }

}  // namespace

TEST_GROUP(BenchLogTally){};

TEST(BenchLogTally, CountsNumberedLinesWhateverThePrefix) {
  LineTally t;
  feed(t, numbered(0, "2026-12-07T09:15:02.123456Z ") + numbered(1, "2026-12-07 09:15:02.123456789  ") +
              numbered(2, "2026-12-07_09:15:02.12345 ") + numbered(3));
  t.end_file();
  LONGS_EQUAL(4, t.numbered());
  LONGS_EQUAL(0, t.unnumbered());
  LONGS_EQUAL(0, t.missing(4));
  LONGS_EQUAL(0, t.duplicates());
}

TEST(BenchLogTally, FindsGapsDuplicatesAndLinesBeyondTheReport) {
  LineTally t;
  feed(t, numbered(0) + numbered(2) + numbered(2) + numbered(5));
  t.end_file();
  LONGS_EQUAL(3, t.missing(5));   // 1, 3, 4
  LONGS_EQUAL(1, t.duplicates());
  LONGS_EQUAL(1, t.beyond(5));    // 5
  LONGS_EQUAL(7, t.missing(10));   // a longer report: 5 is found
}

TEST(BenchLogTally, ALineSplitAcrossChunksCountsOnce) {
  const std::string text = numbered(0) + numbered(1) + numbered(2);
  for (size_t cut = 1; cut < text.size(); cut += 37) {
    LineTally t;
    t.feed(text.data(), cut);
    t.feed(text.data() + cut, text.size() - cut);
    t.end_file();
    LONGS_EQUAL(3, t.numbered());
    LONGS_EQUAL(0, t.missing(3));
  }
}

TEST(BenchLogTally, LinesWithoutANumberAreTheLoggersOwn) {
  LineTally t;
  feed(t, "pmtr-log: started\n#12 short\n" + numbered(0));
  t.end_file();
  LONGS_EQUAL(1, t.numbered());
  LONGS_EQUAL(2, t.unnumbered());
}

TEST(BenchLogTally, AnUnterminatedLastLineCountsAtEndOfFile) {
  LineTally t;
  std::string last = numbered(1);
  last.pop_back();
  feed(t, numbered(0) + last);
  LONGS_EQUAL(1, t.numbered());
  t.end_file();
  LONGS_EQUAL(2, t.numbered());
}

TEST(BenchLogTally, ADirectoryTreeIsReadExceptTheLoggersBookkeeping) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("job/sub"));
  std::ofstream(dir.file("job/current")) << numbered(0) << numbered(1);
  std::ofstream(dir.file("job/sub/@400000001.s")) << numbered(2);
  std::ofstream(dir.file("job/lock")) << numbered(7);
  std::ofstream(dir.file("job/state")) << numbered(8);
  std::ofstream(dir.file("job/config")) << "s100\n";
  LineTally t;
  CHECK_TRUE(tally_dir(dir.path(), &t));
  LONGS_EQUAL(3, t.numbered());
  LONGS_EQUAL(0, t.missing(3));
  CHECK_TRUE(dir_bytes(dir.path()) > 300);
  LineTally none;
  CHECK_FALSE(tally_dir(dir.file("absent"), &none));
}
