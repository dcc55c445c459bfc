// parser/confine_options.cpp and the `log` check of job_validator.cpp:
// every error of umask, group, groups, caps, nonewprivs, limit, log and
// operators, with its exact line, column and text.  One problem per job,
// so each line is read on its own.
#include <CppUTest/TestHarness.h>

#include <string>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;
using pmtr::test::job_with;

namespace {

// The job's line 4 is `body`; the expected diagnostic is on line 4.
std::string at4(const std::string& col_and_text) { return "FILE:4:" + col_and_text + "\n"; }

}  // namespace

TEST_GROUP(ConfineErrors){};

// ---- umask, group, groups ------------------------------------------------------------

TEST(ConfineErrors, Umask) {
  CHECK_DIAGS(job_with(" umask\n"), at4("2: error: missing argument for 'umask' (octal, as in 'umask 027')"));
  for (const char* w : {"8", "0778", "1000", "01777", "00027", "0o27", "u=rwx", "-1", "+7", "\"\""}) {
    const std::string shown = std::string(w) == "\"\"" ? "" : w;
    CHECK_DIAGS(job_with(" umask " + std::string(w) + "\n"),
                at4("8: error: invalid umask '" + shown + "' (octal from 0 to 0777, as in 'umask 027')"));
  }
  // Left to right: the value's problem first, then an extra word.
  CHECK_DIAGS(job_with(" umask 99 x\n"), at4("8: error: invalid umask '99' (octal from 0 to 0777, as in 'umask 027')"));
  CHECK_DIAGS(job_with(" umask 027 x\n"), at4("12: error: extra argument 'x' for 'umask'"));
}

TEST(ConfineErrors, Group) {
  CHECK_DIAGS(job_with(" group\n"), at4("2: error: missing argument for 'group' (a group name, as in 'group www-data')"));
  CHECK_DIAGS(job_with(" group -adm\n"), at4("8: error: invalid group name '-adm'"));
  CHECK_DIAGS(job_with(" group a:b\n"), at4("8: error: invalid group name 'a:b'"));
  CHECK_DIAGS(job_with(" group staff adm\n"),
              at4("14: error: extra argument 'adm' for 'group' (one primary group; supplementary groups go on a "
                  "'groups' line)"));
}

TEST(ConfineErrors, Groups) {
  CHECK_DIAGS(job_with(" groups\n"),
              at4("2: error: missing argument for 'groups' (group names, as in 'groups ssl-cert adm', or 'none')"));
  CHECK_DIAGS(job_with(" groups # none\n"),
              at4("2: error: missing argument for 'groups' (group names, as in 'groups ssl-cert adm', or 'none')"));
  CHECK_DIAGS(job_with(" groups adm none\n"), at4("13: error: 'none' must stand alone (it means no groups)"));
  CHECK_DIAGS(job_with(" groups none adm\n"), at4("9: error: 'none' must stand alone (it means no groups)"));
  CHECK_DIAGS(job_with(" groups none none\n"), at4("14: error: 'none' must stand alone (it means no groups)"));
  CHECK_DIAGS(job_with(" groups adm bad:name\n"), at4("13: error: invalid group name 'bad:name'"));
  CHECK_DIAGS(job_with(" groups adm,staff\n"),
              at4("9: error: invalid group name 'adm,staff' (separate names with blanks, not commas)"));
}

TEST(ConfineErrors, TooManyGroupsIsReportedAtTheFirstOneOver) {
  std::string line = " groups";
  for (size_t i = 0; i <= limits::kGroups; ++i) line += " g" + std::to_string(i);
  const size_t col = line.rfind(' ') + 2;
  CHECK_DIAGS(job_with(line + "\n"), at4(std::to_string(col) + ": error: too many groups (max 256)"));
}

// ---- caps, nonewprivs ------------------------------------------------------------------

TEST(ConfineErrors, Caps) {
  CHECK_DIAGS(job_with(" caps\n"), at4("2: error: missing argument for 'caps' (capability names, as in 'caps "
                                       "net_bind_service', or 'none')"));
  CHECK_DIAGS(job_with(" caps net_bind_servic\n"),
              at4("7: error: unknown capability 'net_bind_servic' (did you mean 'net_bind_service'?)"));
  CHECK_DIAGS(job_with(" caps chown CAP_NET_BIND_SERVIC\n"),
              at4("13: error: unknown capability 'CAP_NET_BIND_SERVIC' (did you mean 'CAP_NET_BIND_SERVICE'?)"));
  CHECK_DIAGS(job_with(" caps 64\n"), at4("7: error: capability number '64' is out of range (0 to 63)"));
  CHECK_DIAGS(job_with(" caps none chown\n"), at4("7: error: 'none' must stand alone (it means no capabilities)"));
  CHECK_DIAGS(job_with(" caps chown,kill\n"),
              at4("7: error: unknown capability 'chown,kill' (separate capabilities with blanks, not commas)"));
  // The first problem on the line only.
  CHECK_DIAGS(job_with(" caps bogus 99\n"),
              at4("7: error: unknown capability 'bogus' (a name from capabilities(7), as in 'net_bind_service' or "
                  "'CAP_NET_BIND_SERVICE', or a number from 0 to 63)"));
}

TEST(ConfineErrors, Nonewprivs) {
  CHECK_DIAGS(job_with(" nonewprivs yes\n"), at4("13: error: extra argument 'yes' for 'nonewprivs'"));
  CHECK_DIAGS(job_with(" nonewprivs\n nonewprivs\n"), "FILE:5:2: error: duplicate option 'nonewprivs' (first set at line 4)\n");
}

// ---- limit ---------------------------------------------------------------------------------

TEST(ConfineErrors, LimitShape) {
  CHECK_DIAGS(job_with(" limit\n"),
              at4("2: error: missing argument for 'limit' (as in 'limit memory 512M', 'limit swap 1G', 'limit tasks "
                  "100' or 'limit cpu 150%')"));
  CHECK_DIAGS(job_with(" limit memroy 1G\n"),
              at4("8: error: expected 'memory', 'swap', 'tasks' or 'cpu' after 'limit', got 'memroy' (did you mean "
                  "'memory'?)"));
  CHECK_DIAGS(job_with(" limit 1G\n"),
              at4("8: error: expected 'memory', 'swap', 'tasks' or 'cpu' after 'limit', got '1G'"));
  CHECK_DIAGS(job_with(" limit memory\n"), at4("2: error: missing argument for 'limit memory' (as in 'limit memory 512M')"));
  CHECK_DIAGS(job_with(" limit memory 1G 2G\n"), at4("18: error: extra argument '2G' for 'limit memory'"));
}

TEST(ConfineErrors, LimitResourcesFromOtherToolsGetTheirName) {
  const struct {
    const char* word;
    const char* meant;
  } cases[] = {{"pids", "tasks"}, {"pids.max", "tasks"}, {"memory.max", "memory"}, {"MEM", "memory"},
               {"memory.swap.max", "swap"}, {"cpu.max", "cpu"}, {"CPUQuota", "cpu"}, {"threads", "tasks"}};
  for (const auto& k : cases)
    CHECK_DIAGS(job_with(" limit " + std::string(k.word) + " 1\n"),
                at4("8: error: expected 'memory', 'swap', 'tasks' or 'cpu' after 'limit', got '" + std::string(k.word) +
                    "' (did you mean '" + k.meant + "'?)"));
}

TEST(ConfineErrors, EachResourceOnceButSeveralLimitLines) {
  CHECK_DIAGS(job_with(" limit memory 1G\n limit tasks 5\n limit memory 2G\n"),
              "FILE:6:2: error: duplicate option 'limit memory' (first set at line 4)\n");
  CHECK_DIAGS(job_with(" limit cpu 1%\n limit cpu 2%\n"), "FILE:5:2: error: duplicate option 'limit cpu' (first set at line 4)\n");
  // A rejected value still counts as given.
  CHECK_DIAGS(job_with(" limit swap x\n limit swap 1G\n"),
              at4("13: error: invalid size 'x' (a whole number of bytes, or one with the unit K, M, G or T, as in "
                  "'512M')") +
                  "FILE:5:2: error: duplicate option 'limit swap' (first set at line 4)\n");
}

TEST(ConfineErrors, LimitSizes) {
  CHECK_DIAGS(job_with(" limit memory 0\n"), at4("15: error: limit memory must be positive"));
  CHECK_DIAGS(job_with(" limit memory 0M\n"), at4("15: error: limit memory must be positive"));
  CHECK_DIAGS(job_with(" limit memory 512m\n"),
              at4("15: error: invalid size '512m' (units are K, M, G and T, uppercase, powers of 1024: did you mean "
                  "'512M'?)"));
  CHECK_DIAGS(job_with(" limit swap 2048T\n"), at4("13: error: size '2048T' is too large (max 1024T)"));
}

TEST(ConfineErrors, LimitTasks) {
  for (const char* w : {"0", "4194305", "-1", "+5", "1K", "many"})
    CHECK_DIAGS(job_with(" limit tasks " + std::string(w) + "\n"),
                at4("14: error: invalid task limit '" + std::string(w) + "' (an integer from 1 to 4194304)"));
}

TEST(ConfineErrors, LimitCpu) {
  CHECK_DIAGS(job_with(" limit cpu 150\n"),
              at4("12: error: cpu limit '150' needs a '%' (write '150%': a percentage of one CPU)"));
  CHECK_DIAGS(job_with(" limit cpu 150 %\n"),
              at4("12: error: cpu limit '150' has its '%' apart (write '150%', without a space)"));
  for (const char* w : {"0%", "102401%", "1.5", "1.5%", "%", "150%%", "-5%", "+5%", "half"})
    CHECK_DIAGS(job_with(" limit cpu " + std::string(w) + "\n"),
                at4("12: error: invalid cpu limit '" + std::string(w) +
                    "' (a whole percentage of one CPU from 1% to 102400%, as in '150%')"));
  CHECK_DIAGS(job_with(" limit cpu\n"),
              at4("2: error: missing argument for 'limit cpu' (a percentage of one CPU, as in 'limit cpu 150%')"));
}

// ---- log, operators ------------------------------------------------------------------------

TEST(ConfineErrors, GlobalLogStatementsInAJobDoNotCountAsItsLog) {
  for (const char* w : {"to /var/log/x", "rotate 10M keep 1", "all"}) {
    const std::string word = std::string(w).substr(0, std::string(w).find(' '));
    CHECK_DIAGS(job_with(" log " + std::string(w) + "\n log\n"),
                at4("2: error: 'log " + word + "' is a global statement; it cannot be inside a job block"));
  }
  CHECK_DIAGS(job_with(" log please\n"), at4("6: error: extra argument 'please' for 'log'"));
  CHECK_DIAGS(job_with(" log\n log\n"), "FILE:5:2: error: duplicate option 'log' (first set at line 4)\n");
}

TEST(ConfineErrors, Operators) {
  CHECK_DIAGS(job_with(" operators\n"),
              at4("2: error: missing argument for 'operators' (user names and @groups, as in 'operators alice "
                  "@deploy')"));
  CHECK_DIAGS(job_with(" operators alice @\n"),
              at4("18: error: invalid operator '@' (a user name, or '@' and a group name)"));
  CHECK_DIAGS(job_with(" operators @@ops\n"),
              at4("12: error: invalid operator '@@ops' (a user name, or '@' and a group name)"));
  CHECK_DIAGS(job_with(" operators alice,bob\n"),
              at4("12: error: invalid operator 'alice,bob' (separate names with blanks, not commas)"));
  CHECK_DIAGS(job_with(" operators a\n operators b\n"),
              "FILE:5:2: error: duplicate option 'operators' (first set at line 4)\n");
  std::string line = " operators";
  for (size_t i = 0; i <= limits::kPrincipals; ++i) line += " u" + std::to_string(i);
  CHECK_DIAGS(job_with(line + "\n"), at4(std::to_string(line.rfind(' ') + 2) + ": error: too many operators (max 256)"));
}

TEST(ConfineErrors, NewOptionsOutsideAJob) {
  CHECK_DIAGS("umask 027\n", "FILE:1:1: error: option 'umask' outside a job block\n");
  CHECK_DIAGS("limit memory 1G\n", "FILE:1:1: error: option 'limit' outside a job block\n");
  CHECK_DIAGS("operators alice\n", "FILE:1:1: error: option 'operators' outside a job block\n");
}

TEST(ConfineErrors, SynonymsFromOtherSupervisors) {
  const struct {
    const char* word;
    const char* option;
  } cases[] = {{"UMask", "umask"},
               {"Group", "group"},
               {"SupplementaryGroups", "groups"},
               {"CapabilityBoundingSet", "caps"},
               {"AmbientCapabilities", "caps"},
               {"NoNewPrivileges", "nonewprivs"},
               {"MemoryMax", "limit memory"},
               {"TasksMax", "limit tasks"},
               {"CPUQuota", "limit cpu"},
               {"stdout_logfile", "log"}};
  for (const auto& k : cases)
    CHECK_DIAGS(job_with(" " + std::string(k.word) + " x\n"),
                at4("2: error: unknown option '" + std::string(k.word) + "' (did you mean '" + k.option + "'?)"));
}

// The validator's cheap bound on a job's encoding must count the new
// lists, or a job over the cap would go unreported and the monitor would
// take the parser's transaction for a protocol violation.
TEST(ConfineErrors, OperatorsAndGroupsCountTowardsTheSizeCap) {
  std::string body;
  for (int i = 0; i < 55; ++i) body += " depends /" + std::string(1000, 'a' + i % 26) + std::to_string(i) + "\n";
  std::string ops = " operators", groups = " groups";
  for (int i = 0; i < 120; ++i) {
    const std::string n = std::to_string(1000 + i);
    ops += " " + std::string(28, 'u') + n;
    groups += " " + std::string(28, 'g') + n;
  }
  const ParsedConfig under = parse_config(job_with(body, "big"));
  LONGS_EQUAL(0, under.errors());
  const ParsedConfig c = parse_config(job_with(body + ops + "\n" + groups + "\n", "big"));
  LONGS_EQUAL(1, c.errors());
  CHECK_TRUE(encoded_job_size(c.jobs[0]) > limits::kJobEncodedBytes);
  const std::string want = "FILE:1:1: error: job 'big' is too large (" + std::to_string(encoded_job_size(c.jobs[0])) +
                           " bytes encoded, max 60000)\n";
  STRCMP_EQUAL(want.c_str(), diag_lines(c).c_str());
}
