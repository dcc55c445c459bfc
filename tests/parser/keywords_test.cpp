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
  for (const char* w : {"", "job", "Name", "nam", "names", "z", "{", "report", "-n", "0", "stopp", "Stop"})
    CHECK_FALSE(lookup_option(w).has_value());
}

TEST(Keywords, OnlyEnvUlimitDependsRepeat) {
  for (size_t i = 0; i < kSettingCount; ++i) {
    const auto s = static_cast<Setting>(i);
    const bool repeatable = s == Setting::Env || s == Setting::Ulimit || s == Setting::Depends;
    CHECK_EQUAL(!repeatable, single_valued(s));
  }
}

TEST(Keywords, LifecycleOptionsAreKnown) {
  for (const char* w : {"restart", "backoff", "stable", "give", "stop", "ready"})
    CHECK_TRUE_TEXT(lookup_option(w).has_value(), w);
  for (const char* w : {"stop_signal", "signal", "timeout", "fd", "up", "after", "ready fd"})
    CHECK_FALSE_TEXT(lookup_option(w).has_value(), w);
}

TEST(Keywords, EachOptionHasOneSettingButStopReadyAndLimit) {
  for (size_t i = 0; i < kOptionCount; ++i) {
    const auto o = static_cast<Option>(i);
    const auto s = only_setting(o);
    if (o == Option::Stop || o == Option::Ready || o == Option::Limit) {
      CHECK_FALSE(s.has_value());
      continue;
    }
    CHECK_TRUE(s.has_value());
    // The setting is named after its option's keyword.
    const std::string name(setting_name(*s));
    CHECK_EQUAL_TEXT(0u, name.find(option_name(o)), name.c_str());
  }
}

TEST(Keywords, ConfinementCaptureAndAccessOptionsAreKnown) {
  for (const char* w : {"umask", "group", "groups", "caps", "nonewprivs", "limit", "log", "operators"})
    CHECK_TRUE_TEXT(lookup_option(w).has_value(), w);
  for (const char* w : {"memory", "limit memory", "cap", "operator", "Group", "grou", "logs", "nonewpriv"})
    CHECK_FALSE_TEXT(lookup_option(w).has_value(), w);
}

TEST(Keywords, LimitResourcesAreSettingsOfTheirOwn) {
  STRCMP_EQUAL("limit memory", std::string(setting_name(Setting::LimitMemory)).c_str());
  STRCMP_EQUAL("limit swap", std::string(setting_name(Setting::LimitSwap)).c_str());
  STRCMP_EQUAL("limit tasks", std::string(setting_name(Setting::LimitTasks)).c_str());
  STRCMP_EQUAL("limit cpu", std::string(setting_name(Setting::LimitCpu)).c_str());
  for (Setting s : {Setting::LimitMemory, Setting::LimitSwap, Setting::LimitTasks, Setting::LimitCpu})
    CHECK_TRUE(single_valued(s));
}

TEST(Keywords, EverySettingNameIsUniqueAndSorted) {
  for (size_t i = 1; i < kSettingCount; ++i)
    CHECK_TRUE_TEXT(setting_name(static_cast<Setting>(i - 1)) < setting_name(static_cast<Setting>(i)),
                    std::string(setting_name(static_cast<Setting>(i))).c_str());
}

TEST(Keywords, TwoWordSettingsHaveTheirWholeName) {
  STRCMP_EQUAL("stop signal", std::string(setting_name(Setting::StopSignal)).c_str());
  STRCMP_EQUAL("stop timeout", std::string(setting_name(Setting::StopTimeout)).c_str());
  STRCMP_EQUAL("ready fd", std::string(setting_name(Setting::ReadyFd)).c_str());
  STRCMP_EQUAL("ready timeout", std::string(setting_name(Setting::ReadyTimeout)).c_str());
  STRCMP_EQUAL("give up", std::string(setting_name(Setting::GiveUp)).c_str());
  STRCMP_EQUAL("stable after", std::string(setting_name(Setting::StableAfter)).c_str());
  STRCMP_EQUAL("wait", std::string(setting_name(Setting::Wait)).c_str());
}

TEST(Keywords, Statements) {
  CHECK_TRUE(lookup_statement("job") == Statement::Job);
  CHECK_TRUE(lookup_statement("report") == Statement::Report);
  CHECK_TRUE(lookup_statement("listen") == Statement::Listen);
  CHECK_TRUE(lookup_statement("log") == Statement::Log);
  CHECK_TRUE(lookup_statement("control") == Statement::Control);
  CHECK_FALSE(lookup_statement("name").has_value());
  CHECK_FALSE(lookup_statement("logs").has_value());
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
