// parser/confine_options.{hpp,cpp}: what umask, group, groups, caps,
// nonewprivs, limit, log and operators put in a job (JobDesc::confine,
// log, operators).  Their errors are in confine_errors_test.cpp.
#include "parser/confine_options.hpp"

#include <CppUTest/TestHarness.h>

#include <string>
#include <vector>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;
using pmtr::test::job_with;
using pmtr::test::only_job_with;
using pmtr::test::parse_ok;

namespace {

Confinement confine(std::string_view body) { return only_job_with(body).confine; }

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

std::string joined(const std::vector<uint8_t>& v) {
  std::string s;
  for (uint8_t x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

}  // namespace

TEST_GROUP(ConfineOptions){};

TEST(ConfineOptions, DefaultsChangeNothing) {
  const JobDesc j = only_job_with("");
  CHECK_TRUE(j.confine == Confinement{});
  CHECK_FALSE(j.confine.has_umask || j.confine.set_groups || j.confine.set_caps || j.confine.nonewprivs);
  CHECK_TRUE(j.confine.group.empty());
  LONGS_EQUAL(0, j.confine.memory_max);
  CHECK_FALSE(j.confine.has_swap_max);
  CHECK_FALSE(j.log);
  CHECK_TRUE(j.operators.empty());
}

TEST(ConfineOptions, UmaskIsOctalWithOrWithoutItsLeadingZero) {
  for (const char* w : {"027", "27", "0027"}) {
    const Confinement k = confine(" umask " + std::string(w) + "\n");
    CHECK_TRUE_TEXT(k.has_umask, w);
    LONGS_EQUAL_TEXT(027, k.umask, w);
  }
  LONGS_EQUAL(0, confine(" umask 0\n").umask);
  CHECK_TRUE(confine(" umask 0\n").has_umask);
  LONGS_EQUAL(0777, confine(" umask 777\n").umask);
  LONGS_EQUAL(022, confine(" umask \"022\"\n").umask);
}

TEST(ConfineOptions, GroupAndGroups) {
  STRCMP_EQUAL("www-data", confine(" group www-data\n").group.c_str());
  const Confinement k = confine(" groups ssl-cert adm _svc\n");
  CHECK_TRUE(k.set_groups);
  STRCMP_EQUAL("ssl-cert adm _svc", joined(k.groups).c_str());   // as written
  const Confinement none = confine(" groups none\n");
  CHECK_TRUE(none.set_groups);
  CHECK_TRUE(none.groups.empty());
  // `group` and `groups` together, and without `user`: both allowed.
  const Confinement both = confine(" group staff\n groups adm\n");
  STRCMP_EQUAL("staff", both.group.c_str());
  STRCMP_EQUAL("adm", joined(both.groups).c_str());
}

TEST(ConfineOptions, ARepeatedGroupIsAWarningAndKeptOnce) {
  const ParsedConfig c = parse_config(job_with(" groups adm ssl-cert adm\n"));
  STRCMP_EQUAL("FILE:4:22: warning: duplicate group 'adm' ignored\n", diag_lines(c).c_str());
  STRCMP_EQUAL("adm ssl-cert", joined(c.jobs[0].confine.groups).c_str());
}

TEST(ConfineOptions, CapsAreNumbersSortedAndUnique) {
  const Confinement k = confine(" caps net_raw CAP_CHOWN 63 Net_Bind_Service\n");
  CHECK_TRUE(k.set_caps);
  STRCMP_EQUAL("0 10 13 63", joined(k.caps).c_str());
  const Confinement none = confine(" caps none\n");
  CHECK_TRUE(none.set_caps);
  CHECK_TRUE(none.caps.empty());
  const ParsedConfig c = parse_config(job_with(" caps chown kill CAP_CHOWN\n"));
  STRCMP_EQUAL("FILE:4:18: warning: duplicate capability 'CAP_CHOWN' ignored\n", diag_lines(c).c_str());
  STRCMP_EQUAL("0 5", joined(c.jobs[0].confine.caps).c_str());
}

TEST(ConfineOptions, EveryCapabilityAtOnce) {
  std::string line = " caps";
  for (int i = 0; i <= limits::kCapMax; ++i) line += " " + std::to_string(i);
  const Confinement k = confine(line + "\n");
  LONGS_EQUAL(limits::kCapMax + 1, k.caps.size());
  CHECK_TRUE(check_confinement(k).ok());
}

TEST(ConfineOptions, CapsWithNonewprivsIsFine) {
  const Confinement k = confine(" caps net_bind_service\n nonewprivs\n");
  CHECK_TRUE(k.nonewprivs);
  STRCMP_EQUAL("10", joined(k.caps).c_str());
}

TEST(ConfineOptions, Limits) {
  const Confinement k = confine(" limit memory 512M\n limit swap 1G\n limit tasks 100\n limit cpu 150%\n");
  LONGS_EQUAL(512ull << 20, k.memory_max);
  CHECK_TRUE(k.has_swap_max);
  LONGS_EQUAL(1ull << 30, k.swap_max);
  LONGS_EQUAL(100, k.tasks_max);
  LONGS_EQUAL(150, k.cpu_percent);
}

TEST(ConfineOptions, LimitBoundsAreAccepted) {
  const Confinement hi = confine(" limit memory 1024T\n limit swap 1024T\n limit tasks 4194304\n limit cpu 102400%\n");
  CHECK_TRUE(hi.memory_max == limits::kSizeMax);
  CHECK_TRUE(hi.swap_max == limits::kSizeMax);
  LONGS_EQUAL(limits::kTasksMax, hi.tasks_max);
  LONGS_EQUAL(limits::kCpuPercentMax, hi.cpu_percent);
  const Confinement lo = confine(" limit memory 1\n limit tasks 1\n limit cpu 1%\n");
  LONGS_EQUAL(1, lo.memory_max);
  LONGS_EQUAL(1, lo.tasks_max);
  LONGS_EQUAL(1, lo.cpu_percent);
}

TEST(ConfineOptions, SwapZeroMeansNoSwapEvenWithoutAMemoryLimit) {
  const Confinement k = confine(" limit swap 0\n");
  CHECK_TRUE(k.has_swap_max);
  LONGS_EQUAL(0, k.swap_max);
  LONGS_EQUAL(0, k.memory_max);
}

TEST(ConfineOptions, LogAndItsWarningWhenOutAndErrLeaveNothing) {
  CHECK_TRUE(only_job_with(" log\n").log);
  CHECK_TRUE(only_job_with(" log\n out o\n").log);   // captures stderr
  CHECK_TRUE(only_job_with(" err e\n log\n").log);   // captures stdout
  const ParsedConfig c = parse_config(job_with(" log\n out o\n err e\n"));
  STRCMP_EQUAL("FILE:4:2: warning: 'log' captures nothing here: the job's stdout goes to 'out' and its stderr to 'err'\n",
               diag_lines(c).c_str());
  CHECK_EQUAL(0u, c.errors());
  CHECK_TRUE(c.jobs[0].log);
}

TEST(ConfineOptions, OperatorsAreUsersAndGroupsAsWritten) {
  const JobDesc j = only_job_with(" operators alice @deploy bob.smith @ops-team\n");
  STRCMP_EQUAL("alice @deploy bob.smith @ops-team", joined(j.operators).c_str());
  const ParsedConfig c = parse_config(job_with(" operators alice @adm alice\n"));
  STRCMP_EQUAL("FILE:4:23: warning: duplicate operator 'alice' ignored\n", diag_lines(c).c_str());
  STRCMP_EQUAL("alice @adm", joined(c.jobs[0].operators).c_str());
}

TEST(ConfineOptions, ListsUpToTheirCaps) {
  std::string groups = " groups", ops = " operators";
  for (size_t i = 0; i < limits::kGroups; ++i) groups += " g" + std::to_string(i);
  for (size_t i = 0; i < limits::kPrincipals; ++i) ops += " u" + std::to_string(i);
  const JobDesc j = only_job_with(groups + "\n" + ops + "\n");
  LONGS_EQUAL(limits::kGroups, j.confine.groups.size());
  LONGS_EQUAL(limits::kPrincipals, j.operators.size());
  CHECK_TRUE(check_job(j).ok());
}

TEST(ConfineOptions, EverythingTogetherPassesTheMonitorsCheckAndRoundTrips) {
  const JobDesc j = only_job_with(
      " umask 077\n group www-data\n groups ssl-cert adm\n caps net_bind_service sys_nice\n nonewprivs\n"
      " limit memory 512M\n limit swap 64M\n limit tasks 64\n limit cpu 50%\n log\n operators alice @deploy\n");
  CHECK_TRUE(check_job(j).ok());
  MsgTxnAdd add;
  add.jobs.push_back(IndexedJob{0, j});
  const auto back = decode_message(encode_message(add));
  CHECK_TRUE(back.ok());
  const JobDesc& got = std::get<MsgTxnAdd>(back.value()).jobs[0].job;
  CHECK_TRUE(same_definition(got, j));
  CHECK_TRUE(got.confine == j.confine);
  CHECK_TRUE(got.operators == j.operators);
  CHECK_TRUE(got.log);
}
