// LineForwarder: a child's stderr turned into log lines that cannot forge
// others (issue 11, finding 5): split at newlines, escaped, capped in
// length, a partial last line forwarded at the end.
#include "monitor/line_forwarder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

TEST_GROUP(LineForwarder) {
  LineForwarder fw;
  int write_end = -1;
  std::vector<std::string> lines;
  LineForwarder::Emit emit = [this](const std::string& l) { lines.push_back(l); };

  void setup() override {
    int p[2];
    CHECK_EQUAL(0, pipe2(p, O_CLOEXEC));
    fw.reset(unique_fd(p[0]), "child");
    write_end = p[1];
  }
  void teardown() override {
    if (write_end >= 0) ::close(write_end);
  }
  void put(const std::string& s) { CHECK_EQUAL(static_cast<ssize_t>(s.size()), ::write(write_end, s.data(), s.size())); }
  void close_writer() {
    ::close(write_end);
    write_end = -1;
  }
};

TEST(LineForwarder, CompleteLinesAreForwardedEscaped) {
  put("hello\npmtr: started job x [1]\n\x1b[2Jcleared\n\xc3\xa9t\xc3\xa9\n");
  CHECK(fw.pump(emit));
  CHECK_EQUAL(4u, lines.size());
  STRCMP_EQUAL("hello", lines[0].c_str());
  STRCMP_EQUAL("pmtr: started job x [1]", lines[1].c_str());   // one line, attributed by the caller
  STRCMP_EQUAL("\\x1b[2Jcleared", lines[2].c_str());
  STRCMP_EQUAL("\\xc3\\xa9t\\xc3\\xa9", lines[3].c_str());
}

TEST(LineForwarder, PartialLineWaitsForItsEndOrForEof) {
  put("par");
  CHECK(fw.pump(emit));
  CHECK(lines.empty());
  put("tial\nlast");
  CHECK(fw.pump(emit));
  CHECK_EQUAL(1u, lines.size());
  STRCMP_EQUAL("partial", lines[0].c_str());
  close_writer();
  CHECK_FALSE(fw.pump(emit));   // end of file: the rest comes out
  CHECK_EQUAL(2u, lines.size());
  STRCMP_EQUAL("last", lines[1].c_str());
}

TEST(LineForwarder, LongLinesAreCutNotBuffered) {
  put(std::string(LineForwarder::kMaxLine * 2 + 10, 'a') + "\n");
  CHECK(fw.pump(emit));
  CHECK_EQUAL(3u, lines.size());
  CHECK_EQUAL(LineForwarder::kMaxLine, lines[0].size());
  CHECK_EQUAL(10u, lines[2].size());
}

// One call reads at most kReadBudget bytes; the rest waits for the next.
TEST(LineForwarder, OnePumpReadsABoundedAmount) {
  const std::string line(99, 'b');
  for (size_t i = 0; i < 2 * LineForwarder::kReadBudget / 100; ++i) put(line + "\n");
  CHECK(fw.pump(emit));
  const size_t first = lines.size();
  CHECK(first > 0 && first <= LineForwarder::kReadBudget / 100 + 1);
  CHECK(fw.pump(emit));
  CHECK_EQUAL(2 * LineForwarder::kReadBudget / 100, lines.size());
}
