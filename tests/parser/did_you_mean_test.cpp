// parser/did_you_mean.{hpp,cpp}: edit distance and typo hints.
#include "parser/did_you_mean.hpp"

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
