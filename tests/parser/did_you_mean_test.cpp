// common/did_you_mean.{hpp,cpp}: edit distance and typo hints.
#include "common/did_you_mean.hpp"
#include "parser/option_hint.hpp"

#include <CppUTest/TestHarness.h>

#include <array>
#include <string>

#include "parser/keywords.hpp"

using namespace pmtr::conf;

namespace {

std::string hint(std::string_view w) { return std::string(did_you_mean(w, option_names())); }

}  // namespace

TEST_GROUP(DidYouMean){};

TEST(DidYouMean, EditDistanceCountsInsertDeleteSubstitute) {
  LONGS_EQUAL(0, edit_distance("name", "name", 3));
  LONGS_EQUAL(1, edit_distance("nam", "name", 3));
  LONGS_EQUAL(1, edit_distance("names", "name", 3));
  LONGS_EQUAL(1, edit_distance("nome", "name", 3));
  LONGS_EQUAL(3, edit_distance("kitten", "sitting", 3));
  LONGS_EQUAL(4, edit_distance("", "wait", 4));
}

TEST(DidYouMean, AdjacentTranspositionIsOneEdit) {
  LONGS_EQUAL(1, edit_distance("jbo", "job", 2));
  LONGS_EQUAL(1, edit_distance("nmae", "name", 2));
  LONGS_EQUAL(2, edit_distance("enam", "name", 3));
}

TEST(DidYouMean, DistanceBeyondTheCapIsReportedAsCapPlusOne) {
  LONGS_EQUAL(2, edit_distance("abcdef", "uvwxyz", 1));
  LONGS_EQUAL(3, edit_distance("a", "abcd", 2));   // length gap alone
  LONGS_EQUAL(2, edit_distance(std::string(100, 'a'), "a", 1));
}

TEST(DidYouMean, SuggestsTheCloseOption) {
  STRCMP_EQUAL("name", hint("nmae").c_str());
  STRCMP_EQUAL("name", hint("Name").c_str());
  STRCMP_EQUAL("disable", hint("disabled").c_str());
  STRCMP_EQUAL("depends", hint("depend").c_str());
  STRCMP_EQUAL("ulimit", hint("ulimits").c_str());
  STRCMP_EQUAL("bounce", hint("bouncee").c_str());
  STRCMP_EQUAL("order", hint("ordr").c_str());
}

TEST(DidYouMean, NoHintWhenNothingIsClose) {
  STRCMP_EQUAL("", hint("xyzzy").c_str());
  STRCMP_EQUAL("", hint("respawn").c_str());
  STRCMP_EQUAL("", hint(std::string(200, 'n')).c_str());
  STRCMP_EQUAL("", hint("").c_str());
}

TEST(DidYouMean, ShortWordsGetAtMostOneEdit) {
  STRCMP_EQUAL("cmd", hint("cmf").c_str());
  STRCMP_EQUAL("", hint("xmf").c_str());   // two edits from cmd, cpu
}

TEST(DidYouMean, TiesGoToTheEarlierCandidate) {
  const std::array<std::string_view, 2> c = {"abcd", "abce"};
  STRCMP_EQUAL("abcd", std::string(did_you_mean("abcx", c)).c_str());
}

TEST(DidYouMean, StatementsHaveTheirOwnList) {
  STRCMP_EQUAL("job", std::string(did_you_mean("jbo", statement_names())).c_str());
  STRCMP_EQUAL("report", std::string(did_you_mean("reprot", statement_names())).c_str());
  STRCMP_EQUAL("listen", std::string(did_you_mean("lisen", statement_names())).c_str());
}

// ---- option hints: synonyms, case, typos -----------------------------------------

namespace {

std::string option(std::string_view w) { return std::string(option_hint(w)); }

}  // namespace

TEST(DidYouMean, WordsFromOtherSupervisorsPointToTheOption) {
  for (const char* w : {"command", "CMD", "exec", "ExecStart", "program"}) STRCMP_EQUAL_TEXT("cmd", option(w).c_str(), w);
  for (const char* w : {"directory", "cwd", "workdir", "WorkingDirectory", "chdir"})
    STRCMP_EQUAL_TEXT("dir", option(w).c_str(), w);
  STRCMP_EQUAL("out", option("stdout").c_str());
  STRCMP_EQUAL("err", option("stderr").c_str());
  STRCMP_EQUAL("in", option("stdin").c_str());
  for (const char* w : {"user_name", "username", "uid", "User_Name", "runas"})
    STRCMP_EQUAL_TEXT("user", option(w).c_str(), w);
  STRCMP_EQUAL("env", option("environment").c_str());
  STRCMP_EQUAL("env", option("Environment").c_str());
  STRCMP_EQUAL("restart", option("restart_policy").c_str());
  STRCMP_EQUAL("restart", option("autorestart").c_str());
  STRCMP_EQUAL("stop signal", option("kill_signal").c_str());
  STRCMP_EQUAL("stop signal", option("KillSignal").c_str());
  STRCMP_EQUAL("stop timeout", option("TimeoutStopSec").c_str());
  STRCMP_EQUAL("ready fd", option("ready_fd").c_str());
  STRCMP_EQUAL("cpu", option("CPUAffinity").c_str());
}

TEST(DidYouMean, ConfinementWordsFromSystemdDockerAndSupervisord) {
  for (const char* w : {"CapabilityBoundingSet", "AmbientCapabilities", "cap_add", "capabilities"})
    STRCMP_EQUAL_TEXT("caps", option(w).c_str(), w);
  for (const char* w : {"NoNewPrivileges", "no_new_privs", "no-new-privileges"})
    STRCMP_EQUAL_TEXT("nonewprivs", option(w).c_str(), w);
  for (const char* w : {"MemoryMax", "MemoryLimit", "mem_limit"}) STRCMP_EQUAL_TEXT("limit memory", option(w).c_str(), w);
  for (const char* w : {"TasksMax", "pids_limit"}) STRCMP_EQUAL_TEXT("limit tasks", option(w).c_str(), w);
  STRCMP_EQUAL("limit cpu", option("CPUQuota").c_str());
  STRCMP_EQUAL("limit swap", option("MemorySwapMax").c_str());
  STRCMP_EQUAL("groups", option("SupplementaryGroups").c_str());
  STRCMP_EQUAL("group", option("Group").c_str());
  STRCMP_EQUAL("group", option("gid").c_str());
  STRCMP_EQUAL("umask", option("UMask").c_str());
  STRCMP_EQUAL("log", option("stdout_logfile").c_str());
  STRCMP_EQUAL("log", option("stderr_logfile").c_str());
}

TEST(DidYouMean, OptionInAnotherCaseIsThatOption) {
  STRCMP_EQUAL("name", option("NAME").c_str());
  STRCMP_EQUAL("depends", option("Depends").c_str());
  STRCMP_EQUAL("restart", option("RESTART").c_str());
}

TEST(DidYouMean, OptionHintsFallBackToEditDistance) {
  STRCMP_EQUAL("name", option("nmae").c_str());
  STRCMP_EQUAL("backoff", option("bakoff").c_str());
  STRCMP_EQUAL("restart", option("restrat").c_str());
  STRCMP_EQUAL("stable", option("stabel").c_str());
  STRCMP_EQUAL("", option("respawn").c_str());
  STRCMP_EQUAL("", option("").c_str());
}

TEST(DidYouMean, EverySynonymIsLowercaseAndNamesARealOption) {
  CHECK_TRUE(option_synonyms().size() >= 20);
  for (const Synonym& s : option_synonyms()) {
    const std::string w(s.word);
    CHECK_TRUE_TEXT(!lookup_option(s.word).has_value(), w.c_str());   // a synonym is not itself an option
    // "stop signal", "wait ready": the first word is an option.
    const std::string_view first = s.option.substr(0, s.option.find(' '));
    CHECK_TRUE_TEXT(lookup_option(first).has_value(), w.c_str());
    for (char c : w) CHECK_FALSE_TEXT(c >= 'A' && c <= 'Z', w.c_str());
  }
}
