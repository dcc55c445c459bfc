// parser/keywords.{hpp,cpp}: option, statement and ulimit tables.
#include "parser/keywords.hpp"

#include <CppUTest/TestHarness.h>
#include <sys/resource.h>

#include <string>

#include "common/job_check.hpp"

using namespace pmtr;
using namespace pmtr::conf;

TEST_GROUP(Keywords){};

TEST(Keywords, EveryOptionNameLooksUpToItself) {
  LONGS_EQUAL(kOptionCount, option_names().size());
  for (size_t i = 0; i < kOptionCount; ++i) {
    const auto o = static_cast<Option>(i);
    const auto found = lookup_option(option_name(o));
    CHECK_TRUE(found.has_value());
    CHECK_TRUE(*found == o);
  }
}

TEST(Keywords, UnknownWordsAreNotOptions) {
  for (const char* w : {"", "job", "Name", "nam", "names", "z", "{", "report", "-n", "0"})
    CHECK_FALSE(lookup_option(w).has_value());
}

TEST(Keywords, OnlyEnvUlimitDependsRepeat) {
  for (size_t i = 0; i < kOptionCount; ++i) {
    const auto o = static_cast<Option>(i);
    const bool repeatable = o == Option::Env || o == Option::Ulimit || o == Option::Depends;
    CHECK_EQUAL(!repeatable, single_valued(o));
  }
}

TEST(Keywords, Statements) {
  CHECK_TRUE(lookup_statement("job") == Statement::Job);
  CHECK_TRUE(lookup_statement("report") == Statement::Report);
  CHECK_TRUE(lookup_statement("listen") == Statement::Listen);
  CHECK_FALSE(lookup_statement("name").has_value());
  CHECK_FALSE(lookup_statement("jobs").has_value());
}

TEST(Keywords, BashUlimitLettersMapToTheirResource) {
  const struct {
    const char* flag;
    int res;
  } map[] = {{"-c", RLIMIT_CORE},    {"-d", RLIMIT_DATA},       {"-e", RLIMIT_NICE},
             {"-f", RLIMIT_FSIZE},   {"-i", RLIMIT_SIGPENDING}, {"-l", RLIMIT_MEMLOCK},
             {"-m", RLIMIT_RSS},     {"-n", RLIMIT_NOFILE},     {"-q", RLIMIT_MSGQUEUE},
             {"-r", RLIMIT_RTPRIO},  {"-s", RLIMIT_STACK},      {"-t", RLIMIT_CPU},
             {"-u", RLIMIT_NPROC},   {"-v", RLIMIT_AS},         {"-x", RLIMIT_LOCKS},
             {"-R", RLIMIT_RTTIME}};
  for (const auto& m : map) {
    const auto r = lookup_ulimit(m.flag);
    CHECK_TRUE_TEXT(r.has_value(), m.flag);
    LONGS_EQUAL_TEXT(m.res, *r, m.flag);
    CHECK_TRUE(valid_ulimit_resource(*r));
  }
}

TEST(Keywords, RlimitNamesAreAcceptedAsInTheOriginalPmtr) {
  CHECK_TRUE(lookup_ulimit("RLIMIT_NOFILE") == RLIMIT_NOFILE);
  CHECK_TRUE(lookup_ulimit("RLIMIT_MEMLOCK") == RLIMIT_MEMLOCK);
  CHECK_TRUE(lookup_ulimit("RLIMIT_RTTIME") == RLIMIT_RTTIME);
  CHECK_FALSE(lookup_ulimit("RLIMIT_BOGUS").has_value());
  CHECK_FALSE(lookup_ulimit("-z").has_value());
  CHECK_FALSE(lookup_ulimit("-N").has_value());
  CHECK_FALSE(lookup_ulimit("n").has_value());
}
