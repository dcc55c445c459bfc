// parser/config_parser.{hpp,cpp}: hard caps and hostile input (file and
// line size, NUL bytes, the diagnostics cap, deep braces, random bytes).
// Everything here must end quickly, with errors, and without recursion.
#include "parser/config_parser.hpp"

#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <string>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;
using pmtr::test::job_with;

namespace {

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_GROUP(ConfigLimits){};

TEST(ConfigLimits, FileTooLargeIsOneWholeFileError) {
  const std::string text(limits::kConfigBytes + 1, '#');
  const ParsedConfig c = parse_config(text);
  STRCMP_EQUAL("FILE: error: file too large (67108865 bytes, max 67108864)\n", diag_lines(c).c_str());
  LONGS_EQUAL(0, c.diagnostics[0].line);
  LONGS_EQUAL(0, c.diagnostics[0].col);
}

TEST(ConfigLimits, FileAtTheSizeCapIsRead) {
  // Comment lines of exactly kLineBytes (plus newline) up to the cap.
  const std::string line = std::string(limits::kLineBytes, '#') + "\n";
  std::string text = repeat(line, limits::kConfigBytes / line.size());
  text += std::string(limits::kConfigBytes - text.size(), '\n');
  LONGS_EQUAL(limits::kConfigBytes, text.size());
  LONGS_EQUAL(0, parse_config(text).diagnostics.size());
}

TEST(ConfigLimits, LineTooLongIsOneErrorAndTheRestIsParsed) {
  const std::string text = "job {\n name a\n cmd /bin/true " + std::string(5000, 'x') + "\n cmd /bin/true\n nice 99\n}\n";
  CHECK_DIAGS(text, "FILE:3:1: error: line too long (5015 bytes, max 4096)\n"
                    "FILE:5:7: error: invalid nice value '99' (an integer from -20 to 19)\n");
}

TEST(ConfigLimits, LineAtTheCapIsFine) {
  std::string cmd = " cmd /" + std::string(limits::kLineBytes - 6, 'x');
  LONGS_EQUAL(limits::kLineBytes, cmd.size());
  const ParsedConfig c = parse_config("job {\n name a\n" + cmd + "\n}\n");
  LONGS_EQUAL(0, c.diagnostics.size());
  LONGS_EQUAL(limits::kLineBytes - 5, c.jobs[0].argv[0].size());
  CHECK_TRUE(check_job(c.jobs[0]).ok());
}

TEST(ConfigLimits, OneMebibyteLineIsRejectedAtOnce) {
  const std::string text = "# x\n" + std::string(1u << 20, 'a');
  CHECK_DIAGS(text, "FILE:2:1: error: line too long (1048576 bytes, max 4096)\n");
}

TEST(ConfigLimits, LongestWordThatFitsALineIsAccepted) {
  // With the shipped caps a line caps a word first; the lexer tests reach
  // the word cap itself.
  const std::string env = " env X=" + std::string(limits::kLineBytes - 7, 'v');
  const ParsedConfig c = parse_config(job_with(env + "\n"));
  LONGS_EQUAL(0, c.errors());
  LONGS_EQUAL(limits::kLineBytes - 5, c.jobs[0].env[0].size());
}

TEST(ConfigLimits, NulByteIsReportedAtItsColumnOncePerLine) {
  static const char kText[] = "job {\n name a\0b\0c\n cmd /bin/true\n}\n";
  const std::string text(kText, sizeof kText - 1);
  const ParsedConfig c = parse_config(text);
  STRCMP_EQUAL("FILE:2:8: error: NUL byte in config\n", diag_lines(c).c_str());
  STRCMP_EQUAL("a", c.jobs[0].name.c_str());   // the line up to the NUL still counts
}

TEST(ConfigLimits, NulBytesOnSeveralLines) {
  const std::string text("\0\n\0\0\n  \0", 8);
  CHECK_DIAGS(text, "FILE:1:1: error: NUL byte in config\n"
                    "FILE:2:1: error: NUL byte in config\n"
                    "FILE:3:3: error: NUL byte in config\n");
}

TEST(ConfigLimits, AllNulFileIsOneError) {
  CHECK_DIAGS(std::string(1u << 20, '\0'), "FILE:1:1: error: line too long (1048576 bytes, max 4096)\n");
  CHECK_DIAGS(std::string(4096, '\0'), "FILE:1:1: error: NUL byte in config\n");
}

TEST(ConfigLimits, TooManyErrorsGivesUp) {
  const ParsedConfig c = parse_config(repeat("}\n", 5000));
  LONGS_EQUAL(limits::kDiagnostics + 1, c.diagnostics.size());
  LONGS_EQUAL(limits::kDiagnostics + 1, c.errors());
  const Diagnostic& last = c.diagnostics.back();
  STRCMP_EQUAL("too many errors, giving up", last.text.c_str());
  LONGS_EQUAL(limits::kDiagnostics + 1, last.line);
  STRCMP_EQUAL("unexpected '}' (no open block)", c.diagnostics[limits::kDiagnostics - 1].text.c_str());
}

TEST(ConfigLimits, GivingUpStaysLastAfterSorting) {
  // The unterminated-job errors are found late but belong early; the
  // "giving up" line still closes the list.
  const ParsedConfig c = parse_config(repeat("job {\n", 3000));
  LONGS_EQUAL(limits::kDiagnostics + 1, c.diagnostics.size());
  STRCMP_EQUAL("too many errors, giving up", c.diagnostics.back().text.c_str());
  for (size_t i = 1; i < limits::kDiagnostics; ++i) CHECK_TRUE(c.diagnostics[i - 1].line <= c.diagnostics[i].line);
}

TEST(ConfigLimits, WarningsNeverMakeAConfigFail) {
  std::string body = " depends {\n";
  body += repeat("  /a\n", 3000);
  body += " }\n";
  const ParsedConfig c = parse_config(job_with(body));
  LONGS_EQUAL(0, c.errors());
  LONGS_EQUAL(limits::kDiagnostics / 10, c.warnings());
  LONGS_EQUAL(1, c.jobs[0].depends.size());
}

TEST(ConfigLimits, WarningsDoNotCrowdOutErrors) {
  std::string body = " depends {\n" + repeat("  /a\n", 3000) + " }\n";
  const ParsedConfig c = parse_config(job_with(body) + repeat("}\n", 5000));
  LONGS_EQUAL(limits::kDiagnostics + 1, c.diagnostics.size());   // the monitor's cap
  LONGS_EQUAL(limits::kDiagnostics / 10, c.warnings());
  STRCMP_EQUAL("too many errors, giving up", c.diagnostics.back().text.c_str());
}

TEST(ConfigLimits, ALineOfOpenBracesIsOneError) {
  CHECK_DIAGS(std::string(4096, '{'), "FILE:1:1: error: unexpected '{'\n");
  CHECK_DIAGS(std::string(10000, '{'), "FILE:1:1: error: line too long (10000 bytes, max 4096)\n");
}

TEST(ConfigLimits, NestedBracesInsideABlockOnOneLine) {
  CHECK_DIAGS(job_with(" " + std::string(4000, '{') + "\n"), "FILE:4:2: error: unexpected '{'\n");
  CHECK_DIAGS(job_with(" depends { " + std::string(4000, '{') + "\n }\n"),
              "FILE:4:2: error: empty 'depends' block\n"
              "FILE:4:12: error: unexpected '{' in 'depends' block\n");
}

TEST(ConfigLimits, TenThousandLinesOfBraces) {
  const ParsedConfig c = parse_config(repeat("{\n", 10000));
  LONGS_EQUAL(limits::kDiagnostics + 1, c.diagnostics.size());
  const ParsedConfig d = parse_config("job {\n" + repeat("{ {\n", 10000) + "}\n");
  LONGS_EQUAL(limits::kDiagnostics + 1, d.diagnostics.size());
}

TEST(ConfigLimits, TooManyJobsAndThoseBeyondAreStillChecked) {
  std::string text;
  text.reserve((limits::kJobs + 2) * 32);
  for (size_t i = 0; i < limits::kJobs; ++i) text += "job {\nname j" + std::to_string(i) + "\ncmd /x\n}\n";
  text += "job {\nname j0\ncmd x\n}\n";
  const ParsedConfig c = parse_config(text);
  const size_t l = limits::kJobs * 4;
  STRCMP_EQUAL(("FILE:" + std::to_string(l + 1) + ":1: error: too many jobs (max 200000)\n" +
                "FILE:" + std::to_string(l + 3) + ":5: error: cmd must be an absolute path (no PATH search)\n")
                   .c_str(),
               diag_lines(c).c_str());
  LONGS_EQUAL(limits::kJobs, c.jobs.size());
  STRCMP_EQUAL("j199999", c.jobs.back().name.c_str());
}

TEST(ConfigLimits, DiagnosticTextStaysShortForHugeWords) {
  const std::string word(4000, 'q');
  const ParsedConfig c = parse_config(word + "\n" + job_with(" " + word + "\n env " + word + "\n"));
  LONGS_EQUAL(3, c.errors());
  for (const auto& d : c.diagnostics) CHECK_TRUE(d.text.size() < limits::kDiagnosticBytes);
}

TEST(ConfigLimits, RandomBytesNeverCrashAndPositionsStayInTheText) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const size_t n = 1 + (round * 97) % 3000;
    for (size_t i = 0; i < n; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      // Mostly config-ish bytes, so the parser goes deep, plus anything.
      static const char kAlphabet[] = "job{} \n\"\\#name cmd/ulimit-n depends bounce every1s\t\r";
      text += (x & 0x300) ? kAlphabet[(x >> 16) % (sizeof kAlphabet - 1)] : static_cast<char>(x >> 24);
    }
    const ParsedConfig c = parse_config(text);
    uint32_t lines = 1;
    for (char ch : text) lines += ch == '\n';
    for (const auto& d : c.diagnostics) {
      CHECK_TRUE(d.line >= 1 && d.line <= lines);
      CHECK_TRUE(d.col >= 1 && d.col <= limits::kLineBytes + 1);
      CHECK_TRUE(d.text.size() < limits::kDiagnosticBytes);
    }
    if (c.errors() == 0)
      for (const auto& j : c.jobs) CHECK_TRUE(check_job(j).ok());
  }
}
