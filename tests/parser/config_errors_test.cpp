// parser/config_parser.{hpp,cpp}: every error path, with its exact line,
// column and text, and recovery (every problem in the file reported).
#include "parser/config_parser.hpp"

#include <CppUTest/TestHarness.h>

#include <string>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;
using pmtr::test::job_with;

TEST_GROUP(ConfigErrors){};

// ---- statements and blocks -------------------------------------------------

TEST(ConfigErrors, UnknownOptionWithHint) {
  CHECK_DIAGS(job_with("  nmae x\n"), "FILE:4:3: error: unknown option 'nmae' (did you mean 'name'?)\n");
}

TEST(ConfigErrors, UnknownOptionWithoutHint) {
  CHECK_DIAGS(job_with("  respawn always\n"), "FILE:4:3: error: unknown option 'respawn'\n");
}

TEST(ConfigErrors, UnknownStatementWithHint) {
  CHECK_DIAGS("jbo {\n name a\n cmd /bin/true\n}\n",
              "FILE:1:1: error: unknown statement 'jbo' (did you mean 'job'?)\n");
}

TEST(ConfigErrors, MisspelledJobBlockIsStillCheckedInside) {
  CHECK_DIAGS("jbo {\n nmae a\n cmd /bin/true\n}\n",
              "FILE:1:1: error: unknown statement 'jbo' (did you mean 'job'?)\n"
              "FILE:1:1: error: job has no 'name'\n"
              "FILE:2:2: error: unknown option 'nmae' (did you mean 'name'?)\n");
}

TEST(ConfigErrors, WordLikeJobWithoutABlockIsNotReadAsAJob) {
  CHECK_DIAGS("jobs are below\n", "FILE:1:1: error: unknown statement 'jobs' (did you mean 'job'?)\n");
}

TEST(ConfigErrors, UnknownStatementWithoutHint) {
  CHECK_DIAGS("  daemon foo\n", "FILE:1:3: error: unknown statement 'daemon'\n");
  CHECK_DIAGS("reprot to udp://1.2.3.4:5\n", "FILE:1:1: error: unknown statement 'reprot' (did you mean 'report'?)\n");
}

TEST(ConfigErrors, OptionOutsideAJob) {
  CHECK_DIAGS("name foo\n  cmd /bin/x\n",
              "FILE:1:1: error: option 'name' outside a job block\n"
              "FILE:2:3: error: option 'cmd' outside a job block\n");
}

TEST(ConfigErrors, GlobalInsideAJob) {
  CHECK_DIAGS(job_with(" report to udp://1.2.3.4:5\n"),
              "FILE:4:2: error: 'report' is a global statement; it cannot be inside a job block\n");
}

TEST(ConfigErrors, StrayBraces) {
  CHECK_DIAGS("}\n", "FILE:1:1: error: unexpected '}' (no open block)\n");
  CHECK_DIAGS("  {\n", "FILE:1:3: error: unexpected '{'\n");
  CHECK_DIAGS(job_with(" {\n"), "FILE:4:2: error: unexpected '{'\n");
  CHECK_DIAGS(job_with("") + "}\n", "FILE:5:1: error: unexpected '}' (no open block)\n");
}

TEST(ConfigErrors, ExtraWordsAfterBraces) {
  CHECK_DIAGS("job { name a\n cmd /bin/true\n}\n",
              "FILE:1:1: error: job has no 'name'\n"
              "FILE:1:7: error: unexpected 'name' after '{' (one option per line)\n");
  CHECK_DIAGS("job {\n name a\n cmd /bin/true\n} x\n", "FILE:4:3: error: unexpected 'x' after '}'\n");
  CHECK_DIAGS("job {\n name a\n cmd /bin/true\n} }\n", "FILE:4:3: error: unexpected '}' after '}'\n");
}

TEST(ConfigErrors, JobWithoutBrace) {
  CHECK_DIAGS("job x {\n name a\n cmd /bin/true\n}\n", "FILE:1:5: error: expected '{' after 'job', got 'x'\n");
}

TEST(ConfigErrors, MissingBraceOnNextLineReadsTheLineAsAnOption) {
  CHECK_DIAGS("job\n  name a\n  cmd /bin/true\n}\n", "FILE:2:3: error: expected '{' after 'job', got 'name'\n");
}

TEST(ConfigErrors, JobKeywordAtEndOfFile) {
  CHECK_DIAGS("job {\n name a\n cmd /bin/true\n}\njob  # next\n",
              "FILE:5:1: error: expected '{' after 'job', got end of file\n");
}

TEST(ConfigErrors, UnterminatedJobAtEndOfFile) {
  CHECK_DIAGS("\n  job {\n name a\n cmd /bin/true\n",
              "FILE:2:3: error: unterminated job block (missing '}' at end of file)\n");
}

TEST(ConfigErrors, UnterminatedJobBeforeTheNextJob) {
  const ParsedConfig c = parse_config("job {\n name a\n cmd /bin/true\njob {\n name b\n cmd /bin/true\n}\n");
  STRCMP_EQUAL("FILE:1:1: error: unterminated job block (missing '}' before the next 'job' at line 4)\n",
               diag_lines(c).c_str());
  LONGS_EQUAL(2, c.jobs.size());
  STRCMP_EQUAL("b", c.jobs[1].name.c_str());
}

TEST(ConfigErrors, EmptyJobOnOneLine) {
  CHECK_DIAGS("job { }\n", "FILE:1:1: error: job has no 'name'\nFILE:1:1: error: job has no 'cmd'\n");
}

TEST(ConfigErrors, MissingRequiredOptions) {
  CHECK_DIAGS("job {\n name web\n}\n", "FILE:1:1: error: job 'web' has no 'cmd'\n");
  CHECK_DIAGS("job {\n cmd /bin/true\n}\n", "FILE:1:1: error: job has no 'name'\n");
}

TEST(ConfigErrors, RejectedValueDoesNotAlsoReadAsMissing) {
  CHECK_DIAGS("job {\n name a b\n cmd bin/x\n}\n",
              "FILE:2:9: error: extra argument 'b' for 'name'\n"
              "FILE:3:6: error: cmd must be an absolute path (no PATH search)\n");
}

TEST(ConfigErrors, DuplicateJobNameNamesTheFirstLine) {
  CHECK_DIAGS(job_with("", "web") + "\n" + job_with("", "db") + job_with("", "web"),
              "FILE:11:8: error: duplicate job name 'web' (first defined at line 2)\n");
}

TEST(ConfigErrors, EveryRepeatOfANameIsReported) {
  CHECK_DIAGS(job_with("", "x") + job_with("", "x") + job_with("", "x"),
              "FILE:6:8: error: duplicate job name 'x' (first defined at line 2)\n"
              "FILE:10:8: error: duplicate job name 'x' (first defined at line 2)\n");
}

TEST(ConfigErrors, DiagnosticsComeInFileOrder) {
  const ParsedConfig c = parse_config("job {\n nmae a\n}\n}\n");
  STRCMP_EQUAL("FILE:1:1: error: job has no 'name'\n"
               "FILE:1:1: error: job has no 'cmd'\n"
               "FILE:2:2: error: unknown option 'nmae' (did you mean 'name'?)\n"
               "FILE:4:1: error: unexpected '}' (no open block)\n",
               diag_lines(c).c_str());
  LONGS_EQUAL(4, c.errors());
  LONGS_EQUAL(0, c.warnings());
}

TEST(ConfigErrors, AllProblemsOfAFileInOnePass) {
  const ParsedConfig c = parse_config(
      "job {\n name a\n cmd /bin/true\n nice 99\n cpu 9-1\n}\n"
      "job {\n name b\n cmd x\n user -bad\n}\nlisten on udp://host:1\n");
  STRCMP_EQUAL("FILE:4:7: error: invalid nice value '99' (an integer from -20 to 19)\n"
               "FILE:5:6: error: invalid cpu range '9-1' (start above end)\n"
               "FILE:9:6: error: cmd must be an absolute path (no PATH search)\n"
               "FILE:10:7: error: invalid user name '-bad'\n"
               "FILE:12:11: error: invalid host 'host' (numeric IPv4 or [IPv6] only; no DNS)\n",
               diag_lines(c).c_str());
  LONGS_EQUAL(5, c.errors());
}

// ---- options: duplicates, arguments ------------------------------------------

TEST(ConfigErrors, EverySingleValuedOptionTwice) {
  const char* lines[] = {"name b",  "cmd /bin/b", "dir /d", "out o",   "err e",  "in i",    "user u",
                         "nice 1",  "cpu 1",      "order 1", "wait",   "once",   "disable", "bounce every 1s"};
  for (const char* l : lines) {
    const std::string opt = std::string(l).substr(0, std::string(l).find(' '));
    const std::string line = std::string(" ") + l + "\n";
    // name and cmd are already on lines 2 and 3.
    const bool given = opt == "name" || opt == "cmd";
    const std::string text = job_with(given ? line : line + line);
    const std::string first = opt == "name" ? "2" : opt == "cmd" ? "3" : "4";
    const std::string at = given ? "4" : "5";
    const std::string want = "FILE:" + at + ":2: error: duplicate option '" + opt + "' (first set at line " + first + ")\n";
    STRCMP_EQUAL_TEXT(want.c_str(), diag_lines(parse_config(text)).c_str(), l);
  }
}

TEST(ConfigErrors, MissingArgumentForEachOption) {
  for (const char* opt : {"dir", "out", "err", "in", "user", "env", "nice", "cpu", "order", "cmd"}) {
    const std::string text = "job {\n name a\n cmd /bin/true\n  " + std::string(opt) + "   # nothing\n}\n";
    std::string want = "FILE:4:3: error: missing argument for '" + std::string(opt) + "'\n";
    if (std::string(opt) == "cmd") want = "FILE:4:3: error: duplicate option 'cmd' (first set at line 3)\n";
    STRCMP_EQUAL_TEXT(want.c_str(), diag_lines(parse_config(text)).c_str(), opt);
  }
  CHECK_DIAGS("job {\n name a\n cmd\n}\n", "FILE:3:2: error: missing argument for 'cmd'\n");
  CHECK_DIAGS("job {\n name\n cmd /bin/true\n}\n", "FILE:2:2: error: missing argument for 'name'\n");
}

TEST(ConfigErrors, ExtraArgumentForEachOption) {
  for (const char* l : {"dir /a /b", "out a b", "err a b", "in a b", "user a b", "env A=1 B=2", "nice 1 2",
                        "cpu 1 2", "order 1 2", "wait x", "once x", "disable x", "bounce every 1 s x"}) {
    const std::string line(l);
    const size_t extra = line.rfind(' ') + 1;
    const std::string opt = line.substr(0, line.find(' '));
    const std::string text = job_with(" " + line + "\n");
    const std::string want = "FILE:4:" + std::to_string(extra + 2) + ": error: extra argument '" +
                             line.substr(extra) + "' for '" + opt + "'\n";
    STRCMP_EQUAL_TEXT(want.c_str(), diag_lines(parse_config(text)).c_str(), l);
  }
}

TEST(ConfigErrors, ValuesInQuotesWithSpacesAreOneArgument) {
  CHECK_DIAGS(job_with(" out \"my file.log\"\n"), "");
  CHECK_DIAGS(job_with(" name \"a b\"\n"), "FILE:4:2: error: duplicate option 'name' (first set at line 2)\n");
  CHECK_DIAGS("job {\n name \"a b\"\n cmd /x\n}\n",
              "FILE:2:7: error: invalid job name 'a b' (printable, no spaces, at most 64 bytes)\n");
}

// ---- options: values ---------------------------------------------------------

TEST(ConfigErrors, JobNameRules) {
  CHECK_DIAGS("job {\n name " + std::string(65, 'n') + "\n cmd /x\n}\n",
              "FILE:2:7: error: invalid job name '" + std::string(64, 'n') +
                  "...' (printable, no spaces, at most 64 bytes)\n");
  CHECK_DIAGS("job {\n name " + std::string(64, 'n') + "\n cmd /x\n}\n", "");
  CHECK_DIAGS("job {\n name caf\xc3\xa9\n cmd /x\n}\n",
              "FILE:2:7: error: invalid job name 'caf\\xc3\\xa9' (printable, no spaces, at most 64 bytes)\n");
  CHECK_DIAGS("job {\n name \"\"\n cmd /x\n}\n",
              "FILE:2:7: error: invalid job name '' (printable, no spaces, at most 64 bytes)\n");
}

TEST(ConfigErrors, CmdMustBeAbsolute) {
  CHECK_DIAGS("job {\n name a\n cmd  sleep 5\n}\n", "FILE:3:7: error: cmd must be an absolute path (no PATH search)\n");
  CHECK_DIAGS("job {\n name a\n cmd ./run\n}\n", "FILE:3:6: error: cmd must be an absolute path (no PATH search)\n");
  CHECK_DIAGS("job {\n name a\n cmd \"\"\n}\n", "FILE:3:6: error: cmd must be an absolute path (no PATH search)\n");
}

TEST(ConfigErrors, CmdPathWithControlCharacter) {
  CHECK_DIAGS("job {\n name a\n cmd /bin/a\x01\n}\n", "FILE:3:6: error: invalid cmd path '/bin/a\\x01'\n");
}

TEST(ConfigErrors, CloseBraceOnTheCmdLineIsAnArgument) {
  CHECK_DIAGS("job {\n name a\n cmd /bin/x }\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n"
              "FILE:3:13: warning: '}' is an argument of 'cmd' (cmd takes the rest of its line; put '}' on "
              "its own line)\n");
  const ParsedConfig c = parse_config("job {\n name a\n cmd /bin/echo \"}\"\n}\n");
  LONGS_EQUAL(0, c.diagnostics.size());
  STRCMP_EQUAL("}", c.jobs[0].argv[1].c_str());
}

TEST(ConfigErrors, CmdTooManyArguments) {
  std::string cmd = " cmd /b";
  for (size_t i = 1; i <= limits::kArgs; ++i) cmd += " a";
  CHECK_DIAGS("job {\n name a\n" + cmd + "\n}\n",
              "FILE:3:" + std::to_string(cmd.size()) + ": error: too many arguments for 'cmd' (max 256)\n");
}

TEST(ConfigErrors, DirMustBeAbsolute) {
  CHECK_DIAGS(job_with(" dir data\n"), "FILE:4:6: error: dir must be an absolute path\n");
  CHECK_DIAGS(job_with(" dir /da\tta\n"), "FILE:4:10: error: extra argument 'ta' for 'dir'\n");
  CHECK_DIAGS(job_with(" dir \"/da\tta\"\n"), "FILE:4:6: error: invalid dir path '/da\\x09ta'\n");
}

TEST(ConfigErrors, IoPathsMustBeNonEmptyAndPrintable) {
  CHECK_DIAGS(job_with(" out \"\"\n"), "FILE:4:6: error: invalid path '' for 'out'\n");
  CHECK_DIAGS(job_with(" err \"a\x1b[0m\"\n"), "FILE:4:6: error: invalid path 'a\\x1b[0m' for 'err'\n");
  CHECK_DIAGS(job_with(" in \"\"\n"), "FILE:4:5: error: invalid path '' for 'in'\n");
}

TEST(ConfigErrors, UserNameRules) {
  CHECK_DIAGS(job_with(" user -root\n"), "FILE:4:7: error: invalid user name '-root'\n");
  CHECK_DIAGS(job_with(" user a:b\n"), "FILE:4:7: error: invalid user name 'a:b'\n");
  CHECK_DIAGS(job_with(" user " + std::string(33, 'u') + "\n"),
              "FILE:4:7: error: invalid user name '" + std::string(33, 'u') + "'\n");
}

TEST(ConfigErrors, EnvRules) {
  CHECK_DIAGS(job_with(" env FOO\n"), "FILE:4:6: error: env needs NAME=VALUE, got 'FOO'\n");
  CHECK_DIAGS(job_with(" env 1X=2\n"), "FILE:4:6: error: invalid environment variable name '1X'\n");
  CHECK_DIAGS(job_with(" env =2\n"), "FILE:4:6: error: invalid environment variable name ''\n");
  CHECK_DIAGS(job_with(" env A-B=2\n"), "FILE:4:6: error: invalid environment variable name 'A-B'\n");
}

TEST(ConfigErrors, EnvSameVariableTwice) {
  CHECK_DIAGS(job_with(" env A=1\n env B=1\n env A=2\n"), "FILE:6:6: error: duplicate env 'A' (first set at line 4)\n");
  CHECK_DIAGS(job_with(" env A=1\n env AB=1\n"), "");
}

TEST(ConfigErrors, EnvTooManyLines) {
  std::string body;
  for (size_t i = 0; i <= limits::kEnv; ++i) body += " env V" + std::to_string(i) + "=x\n";
  CHECK_DIAGS(job_with(body), "FILE:" + std::to_string(4 + limits::kEnv) + ":2: error: too many env lines (max 256)\n");
}

TEST(ConfigErrors, NiceAndOrderValues) {
  CHECK_DIAGS(job_with(" nice 20\n"), "FILE:4:7: error: invalid nice value '20' (an integer from -20 to 19)\n");
  CHECK_DIAGS(job_with(" nice -21\n"), "FILE:4:7: error: invalid nice value '-21' (an integer from -20 to 19)\n");
  CHECK_DIAGS(job_with(" nice high\n"), "FILE:4:7: error: invalid nice value 'high' (an integer from -20 to 19)\n");
  CHECK_DIAGS(job_with(" order 2147483648\n"),
              "FILE:4:8: error: invalid order '2147483648' (an integer from -2147483648 to 2147483647)\n");
  CHECK_DIAGS(job_with(" order first\n"),
              "FILE:4:8: error: invalid order 'first' (an integer from -2147483648 to 2147483647)\n");
}

TEST(ConfigErrors, CpuValues) {
  CHECK_DIAGS(job_with(" cpu 1024\n"), "FILE:4:6: error: cpu 1024 out of range (max 1023)\n");
  CHECK_DIAGS(job_with(" cpu 0x0\n"), "FILE:4:6: error: cpu mask '0x0' selects no cpu\n");
  CHECK_DIAGS(job_with(" cpu 0, 1\n"), "FILE:4:9: error: extra argument '1' for 'cpu'\n");
  CHECK_DIAGS(job_with(" cpu all\n"),
              "FILE:4:6: error: invalid cpu list 'all' (expected a list like 0,2-4 or a mask like 0x1d)\n");
}

TEST(ConfigErrors, UlimitFlagsAndValues) {
  CHECK_DIAGS(job_with(" ulimit -z 5\n"),
              "FILE:4:9: error: unknown ulimit flag '-z' (one of -c -d -e -f -i -l -m -n -q -r -s -t -u -v -x -R)\n");
  CHECK_DIAGS(job_with(" ulimit -n\n"), "FILE:4:9: error: missing value for ulimit '-n'\n");
  CHECK_DIAGS(job_with(" ulimit -n 1 -c\n"), "FILE:4:14: error: missing value for ulimit '-c'\n");
  CHECK_DIAGS(job_with(" ulimit -n 4k\n"), "FILE:4:12: error: invalid ulimit value '4k' (a number, or infinity)\n");
  CHECK_DIAGS(job_with(" ulimit -n -1\n"), "FILE:4:12: error: invalid ulimit value '-1' (a number, or infinity)\n");
  CHECK_DIAGS(job_with(" ulimit 4096\n"),
              "FILE:4:9: error: unknown ulimit flag '4096' (one of -c -d -e -f -i -l -m -n -q -r -s -t -u -v -x -R)\n");
}

TEST(ConfigErrors, UlimitSameFlagTwiceInAJob) {
  CHECK_DIAGS(job_with(" ulimit -n 1 -n 2\n"), "FILE:4:14: error: duplicate ulimit '-n' (first set at line 4)\n");
  CHECK_DIAGS(job_with(" ulimit -n 1\n ulimit { -c 0\n RLIMIT_NOFILE 2 }\n"),
              "FILE:6:2: error: duplicate ulimit 'RLIMIT_NOFILE' (first set at line 4)\n");
}

TEST(ConfigErrors, UlimitBlockShape) {
  CHECK_DIAGS(job_with(" ulimit -n 1 }\n"), "FILE:4:14: error: unexpected '}' after 'ulimit'\n");
  CHECK_DIAGS(job_with(" ulimit }\n"), "FILE:4:9: error: unexpected '}' after 'ulimit'\n");
  CHECK_DIAGS(job_with(" ulimit {\n { -n 1\n }\n"), "FILE:5:2: error: unexpected '{' in 'ulimit' block\n");
  CHECK_DIAGS(job_with(" ulimit { -n 1 } x\n"), "FILE:4:18: error: unexpected 'x' after '}'\n");
  CHECK_DIAGS(job_with(" ulimit { -n }\n"), "FILE:4:11: error: missing value for ulimit '-n'\n");
}

TEST(ConfigErrors, ErrorInsideABlockStillLetsItsBraceClose) {
  CHECK_DIAGS(job_with(" depends { rel }\n nice 1\n"), "FILE:4:12: error: depends path 'rel' is not an absolute path\n");
  CHECK_DIAGS(job_with(" ulimit { -n x -c 1 }\n"), "FILE:4:14: error: invalid ulimit value 'x' (a number, or infinity)\n");
}

TEST(ConfigErrors, UlimitAloneWithoutBlock) {
  CHECK_DIAGS(job_with(" ulimit\n nice 1\n"),
              "FILE:4:2: error: missing argument for 'ulimit' (pairs like -n 4096, or a '{' block)\n");
}

TEST(ConfigErrors, UnterminatedUlimitBlockBeforeAnOption) {
  const ParsedConfig c = parse_config(job_with(" ulimit {\n   -n 5\n nice 3\n"));
  STRCMP_EQUAL("FILE:4:2: error: unterminated 'ulimit' block (missing '}')\n", diag_lines(c).c_str());
  LONGS_EQUAL(3, c.jobs[0].nice);
  LONGS_EQUAL(1, c.jobs[0].ulimits.size());
}

TEST(ConfigErrors, UnterminatedBlocksAtEndOfFile) {
  CHECK_DIAGS("job {\n name a\n cmd /x\n depends {\n /a\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n"
              "FILE:4:2: error: unterminated 'depends' block (missing '}')\n");
  CHECK_DIAGS("job {\n name a\n cmd /x\n depends\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n"
              "FILE:4:2: error: missing argument for 'depends' (paths, or a '{' block)\n");
}

TEST(ConfigErrors, BounceShapes) {
  CHECK_DIAGS(job_with(" bounce\n"), "FILE:4:2: error: missing argument for 'bounce' (as in 'bounce every 1d')\n");
  CHECK_DIAGS(job_with(" bounce 1d\n"), "FILE:4:9: error: expected 'every' after 'bounce', got '1d'\n");
  CHECK_DIAGS(job_with(" bounce every\n"),
              "FILE:4:9: error: missing interval after 'bounce every' (as in 'bounce every 1d')\n");
  CHECK_DIAGS(job_with(" bounce every 0d\n"), "FILE:4:15: error: bounce interval must be positive\n");
  CHECK_DIAGS(job_with(" bounce every 400 d\n"), "FILE:4:15: error: bounce interval too long (max 366d)\n");
  CHECK_DIAGS(job_with(" bounce every 12\n"),
              "FILE:4:15: error: invalid bounce interval '12' (a number and a unit: s, m, h or d, as in "
              "'bounce every 1d')\n");
  CHECK_DIAGS(job_with(" bounce every 1 week\n"),
              "FILE:4:15: error: invalid bounce interval '1' (a number and a unit: s, m, h or d, as in "
              "'bounce every 1d')\n");
}

TEST(ConfigErrors, DependsPaths) {
  CHECK_DIAGS(job_with(" depends etc/x.conf\n"), "FILE:4:10: error: depends path 'etc/x.conf' is not an absolute path\n");
  CHECK_DIAGS(job_with(" depends {\n  /a\n  b\n }\n"), "FILE:6:3: error: depends path 'b' is not an absolute path\n");
  CHECK_DIAGS(job_with(" depends \"/a\tb\"\n"), "FILE:4:10: error: invalid depends path '/a\\x09b'\n");
  CHECK_DIAGS(job_with(" depends { }\n"), "FILE:4:2: error: empty 'depends' block\n");
  CHECK_DIAGS(job_with(" depends {\n }\n"), "FILE:4:2: error: empty 'depends' block\n");
  CHECK_DIAGS(job_with(" depends /a }\n"), "FILE:4:13: error: unexpected '}' after 'depends'\n");
  CHECK_DIAGS(job_with(" depends\n wait\n"), "FILE:4:2: error: missing argument for 'depends' (paths, or a '{' block)\n");
}

TEST(ConfigErrors, DependsTooManyPathsReportedOnce) {
  std::string body = " depends {\n";
  for (size_t i = 0; i < limits::kDepends + 3; ++i) body += "  /p" + std::to_string(i) + "\n";
  body += " }\n";
  CHECK_DIAGS(job_with(body), "FILE:" + std::to_string(5 + limits::kDepends) + ":3: error: too many depends paths (max 64)\n");
}

TEST(ConfigErrors, JobTooLargeToSend) {
  // 64 depends of ~1000 bytes: about 64 KB encoded, over the 60,000 cap.
  std::string body;
  for (int i = 0; i < 64; ++i) body += " depends /" + std::string(990, 'a' + i % 26) + std::to_string(i) + "\n";
  const ParsedConfig c = parse_config(job_with(body, "big"));
  LONGS_EQUAL(1, c.errors());
  const Diagnostic& d = c.diagnostics[0];
  LONGS_EQUAL(1, d.line);
  LONGS_EQUAL(1, d.col);
  const std::string want = "job 'big' is too large (" + std::to_string(encoded_job_size(c.jobs[0])) +
                           " bytes encoded, max 60000)";
  STRCMP_EQUAL(want.c_str(), d.text.c_str());
}

TEST(ConfigErrors, JobJustUnderTheSizeCapIsAccepted) {
  std::string body;
  for (int i = 0; i < 58; ++i) body += " depends /" + std::string(1000, 'a' + i % 26) + std::to_string(i) + "\n";
  const ParsedConfig c = parse_config(job_with(body, "big"));
  LONGS_EQUAL(0, c.errors());
  CHECK_TRUE(encoded_job_size(c.jobs[0]) <= limits::kJobEncodedBytes);
  CHECK_TRUE(encoded_job_size(c.jobs[0]) > limits::kJobEncodedBytes - 2000);
}

// ---- lexical errors through the parser -------------------------------------------

TEST(ConfigErrors, QuoteErrorsWithTheirPositions) {
  const ParsedConfig c = parse_config("job {\n name a\n cmd /bin/echo \"a\\tb\"\n}\n");
  LONGS_EQUAL(1, c.diagnostics.size());
  LONGS_EQUAL(3, c.diagnostics[0].line);
  LONGS_EQUAL(18, c.diagnostics[0].col);
  STRCMP_EQUAL(R"(invalid escape '\t' in quoted string (only \" and \\))", c.diagnostics[0].text.c_str());
  CHECK_DIAGS("job {\n name a\n cmd /bin/echo \"abc\n}\n", "FILE:3:16: error: unterminated quoted string\n");
}

TEST(ConfigErrors, LexicalErrorInAnOptionSkipsOnlyThatLine) {
  CHECK_DIAGS("job {\n name \"a\n cmd /bin/x\n nice 3\n}\n", "FILE:2:7: error: unterminated quoted string\n");
}
