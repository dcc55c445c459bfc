// parser/config_parser.cpp: where a missing '}' is reported.  At the block
// that lacks it, saying where the parser noticed (the next `job`, the end
// of the file); and when a `}` that was meant for the job closed an inner
// `ulimit`/`depends` block instead, at that inner block, not at the job.
#include <CppUTest/TestHarness.h>

#include <string>

#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;

namespace {

const char* kGood = "job {\n  name a\n  cmd /bin/true\n}\n";   // lines 1-4

}  // namespace

TEST_GROUP(ConfigUnterminated){};

TEST(ConfigUnterminated, LastJobOfTheFile) {
  CHECK_DIAGS(std::string(kGood) + "\n  job {\n  name b\n  cmd /bin/true\n",
              "FILE:6:3: error: unterminated job block (missing '}' at end of file)\n");
}

TEST(ConfigUnterminated, JobFollowedByTheNextJob) {
  const ParsedConfig c =
      parse_config(std::string(kGood) + "job {\n  name b\n  cmd /bin/true\njob {\n  name c\n  cmd /bin/true\n}\n");
  STRCMP_EQUAL("FILE:5:1: error: unterminated job block (missing '}' before the next 'job' at line 8)\n",
               diag_lines(c).c_str());
  LONGS_EQUAL(3, c.jobs.size());
  STRCMP_EQUAL("c", c.jobs[2].name.c_str());
}

TEST(ConfigUnterminated, UlimitBlockWhoseBraceWentToTheJob) {
  CHECK_DIAGS(std::string(kGood) +
                  "job {\n  name b\n  cmd /bin/true\n  ulimit {\n    -n 5\n}\njob {\n  name c\n  cmd /bin/true\n}\n",
              "FILE:8:3: error: unterminated 'ulimit' block (missing '}': the '}' at line 10 closes this block, "
              "which leaves job 'b' open)\n");
}

TEST(ConfigUnterminated, DependsBlockWhoseBraceWentToTheJobAtEndOfFile) {
  CHECK_DIAGS("# x\njob {\n  cmd /bin/true\n  depends {\n    /etc/x\n}  # end of job\n",
              "FILE:4:3: error: unterminated 'depends' block (missing '}': the '}' at line 6 closes this block, "
              "which leaves the job open)\n");
}

TEST(ConfigUnterminated, IndentedBraceBelongsToTheBlockSoTheJobLacksOne) {
  CHECK_DIAGS("job {\n  name b\n  cmd /bin/true\n  ulimit {\n    -n 5\n  }\njob {\n  name c\n  cmd /x\n}\n",
              "FILE:1:1: error: unterminated job block (missing '}' before the next 'job' at line 7)\n");
}

TEST(ConfigUnterminated, UnindentedBlockGivesNoClue) {
  CHECK_DIAGS("job {\nname b\ncmd /bin/true\nulimit {\n-n 5\n}\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n");
}

TEST(ConfigUnterminated, BlockClosedOnItsOwnLineDoesNotCount) {
  CHECK_DIAGS("job {\n  name b\n  cmd /bin/true\n  ulimit { -n 5\n  -c 0 }\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n");
  CHECK_DIAGS("job {\n  name b\n  cmd /bin/true\n  depends { /a }\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n");
}

TEST(ConfigUnterminated, ABlockClosedLikeThatInACompleteJobIsFine) {
  CHECK_DIAGS("job {\n  name b\n  cmd /bin/true\n  ulimit {\n    -n 5\n}\n}\n", "");
}

TEST(ConfigUnterminated, TheLastClosedBlockIsTheOneReported) {
  CHECK_DIAGS("job {\n  name b\n  cmd /x\n  ulimit {\n    -n 5\n  }\n  depends {\n    /a\n}\n",
              "FILE:7:3: error: unterminated 'depends' block (missing '}': the '}' at line 9 closes this block, "
              "which leaves job 'b' open)\n");
}

TEST(ConfigUnterminated, OpenBlockAndJobAtEndOfFile) {
  CHECK_DIAGS("job {\n  name b\n  cmd /x\n  depends {\n    /a\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n"
              "FILE:4:3: error: unterminated 'depends' block (missing '}')\n");
}
