// parser/name_lists.{hpp,cpp}: the one reader of word lists (groups, caps,
// operators, control users).
#include "parser/name_lists.hpp"

#include <CppUTest/TestHarness.h>

#include <string>
#include <vector>

#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using namespace pmtr::conf;

namespace {

struct Read {
  ListResult r;
  std::vector<std::string> items;
  std::string diags;
};

// Reads `line` as a list of principals, with the spec given.
Read read(std::string_view line, ListSpec spec) {
  Read out;
  std::vector<Diagnostic> diagnostics;
  DiagSink diag(diagnostics);
  LineLexer lx(line, 1, diag);
  out.r = read_list(lx, diag, spec, [&](const Token& t) { return add_principal(t, 1, diag, "user", out.items); });
  ParsedConfig c;
  c.diagnostics = diagnostics;
  out.diags = test::diag_lines(c);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

constexpr ListSpec kUsers{"user", "users", 3, false};
constexpr ListSpec kUsersOrNone{"user", "users", 3, true};

}  // namespace

TEST_GROUP(NameLists){};

TEST(NameLists, EveryWordToTheEndOfTheLine) {
  const Read r = read("a @b c # comment", kUsers);
  CHECK_TRUE(r.r.ok);
  LONGS_EQUAL(3, r.r.items);
  CHECK_FALSE(r.r.none);
  STRCMP_EQUAL("a @b c", joined(r.items).c_str());
  STRCMP_EQUAL("", r.diags.c_str());
  LONGS_EQUAL(8, r.r.end_col);
}

TEST(NameLists, AnEmptyListIsTheCallersToReport) {
  const Read r = read("   ", kUsers);
  CHECK_TRUE(r.r.ok);
  LONGS_EQUAL(0, r.r.items);
  LONGS_EQUAL(4, r.r.end_col);
  STRCMP_EQUAL("", r.diags.c_str());
}

TEST(NameLists, RepeatsAreWarningsAndDoNotCountAgainstTheCap) {
  const Read r = read("a b a b c", kUsers);
  CHECK_TRUE(r.r.ok);
  LONGS_EQUAL(3, r.r.items);
  STRCMP_EQUAL("a b c", joined(r.items).c_str());
  STRCMP_EQUAL("FILE:1:5: warning: duplicate user 'a' ignored\nFILE:1:7: warning: duplicate user 'b' ignored\n",
               r.diags.c_str());
}

TEST(NameLists, OneOverTheCapIsAnErrorAtThatWord) {
  const Read r = read("a b c d e", kUsers);
  CHECK_FALSE(r.r.ok);
  STRCMP_EQUAL("FILE:1:7: error: too many users (max 3)\n", r.diags.c_str());
}

TEST(NameLists, ARejectedWordEndsTheLine) {
  const Read r = read("a b,c ! d", kUsers);
  CHECK_FALSE(r.r.ok);
  STRCMP_EQUAL("FILE:1:3: error: invalid user 'b,c' (separate names with blanks, not commas)\n", r.diags.c_str());
}

TEST(NameLists, NoneAloneIsTheEmptyList) {
  const Read r = read("none", kUsersOrNone);
  CHECK_TRUE(r.r.ok && r.r.none);
  LONGS_EQUAL(0, r.r.items);
  CHECK_TRUE(r.items.empty());
}

TEST(NameLists, NoneWithAnythingElseIsReportedAtTheNone) {
  STRCMP_EQUAL("FILE:1:3: error: 'none' must stand alone (it means no users)\n", read("a none", kUsersOrNone).diags.c_str());
  STRCMP_EQUAL("FILE:1:1: error: 'none' must stand alone (it means no users)\n", read("none a", kUsersOrNone).diags.c_str());
  STRCMP_EQUAL("FILE:1:6: error: 'none' must stand alone (it means no users)\n", read("none none", kUsersOrNone).diags.c_str());
  CHECK_FALSE(read("none a", kUsersOrNone).r.ok);
}

TEST(NameLists, WhereNoneIsNotAWordOfItsOwnItIsAName) {
  const Read r = read("none", kUsers);
  CHECK_TRUE(r.r.ok);
  CHECK_FALSE(r.r.none);
  STRCMP_EQUAL("none", joined(r.items).c_str());
}

TEST(NameLists, GroupNamesFollowTheUserNameRule) {
  std::vector<Diagnostic> diagnostics;
  DiagSink diag(diagnostics);
  std::vector<std::string> out;
  Token t;
  t.kind = TokKind::Word;
  t.col = 5;
  t.text = "ssl-cert";
  CHECK_TRUE(add_group(t, 2, diag, out) == ListItem::Added);
  CHECK_TRUE(add_group(t, 2, diag, out) == ListItem::Repeated);
  t.text = "@adm";   // an operator's spelling, not a group name
  CHECK_TRUE(add_group(t, 2, diag, out) == ListItem::Rejected);
  LONGS_EQUAL(1, diagnostics.size());
  STRCMP_EQUAL("invalid group name '@adm'", diagnostics[0].text.c_str());
  STRCMP_EQUAL("ssl-cert", joined(out).c_str());
}
