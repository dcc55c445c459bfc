// The `listen on` datagram: modes and names as the original read them,
// and one short, escaped problem line per thing that is wrong.
#include "common/listen_request.hpp"

#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::string ops_text(const ListenParse& p) {
  std::string s;
  for (const auto& op : p.ops) s += (op.enable ? "+" : "-") + op.name + " ";
  return s;
}

}  // namespace

TEST_GROUP(ListenRequest){};

TEST(ListenRequest, ModesApplyToTheNamesAfterThem) {
  const ListenParse p = parse_listen_datagram("disable web db enable cache");
  STRCMP_EQUAL("-web -db +cache ", ops_text(p).c_str());
  CHECK_TRUE(p.problems.empty());
}

TEST(ListenRequest, AnyWhiteSpaceSeparates) {
  const ListenParse p = parse_listen_datagram("  enable\tweb\r\ndb\n\n");
  STRCMP_EQUAL("+web +db ", ops_text(p).c_str());
  CHECK_TRUE(p.problems.empty());
  CHECK_TRUE(parse_listen_datagram("").ops.empty());
  CHECK_TRUE(parse_listen_datagram("enable").problems.empty());
}

TEST(ListenRequest, RoundTrip) {
  const std::vector<std::string> names{"web", "db-1", "x.y"};
  const std::string d = format_listen_datagram(false, names);
  STRCMP_EQUAL("disable web db-1 x.y", d.c_str());
  const ListenParse p = parse_listen_datagram(d);
  STRCMP_EQUAL("-web -db-1 -x.y ", ops_text(p).c_str());
  STRCMP_EQUAL("enable a", format_listen_datagram(true, {"a"}).c_str());
}

TEST(ListenRequest, NameBeforeAModeIsAProblem) {
  const ListenParse p = parse_listen_datagram("web enable db");
  STRCMP_EQUAL("+db ", ops_text(p).c_str());
  LONGS_EQUAL(1, p.problems.size());
  STRCMP_EQUAL("name before enable/disable: 'web'", p.problems[0].c_str());
}

TEST(ListenRequest, ModesAreCaseSensitiveAsInTheOriginal) {
  const ListenParse p = parse_listen_datagram("Enable web");
  CHECK_TRUE(p.ops.empty());
  LONGS_EQUAL(2, p.problems.size());
}

TEST(ListenRequest, ControlBytesMakeTheWordInvalid) {
  const ListenParse p = parse_listen_datagram(std::string("enable we\0b ok\x1b[2J", 18));
  CHECK_TRUE(p.ops.empty());
  LONGS_EQUAL(2, p.problems.size());
  STRCMP_EQUAL("not a job name: 'we\\x00b'", p.problems[0].c_str());
  STRCMP_EQUAL("not a job name: 'ok\\x1b[2J'", p.problems[1].c_str());
}

TEST(ListenRequest, LongWordsAreQuotedCut) {
  const ListenParse p = parse_listen_datagram("enable " + std::string(100, 'n'));
  LONGS_EQUAL(1, p.problems.size());
  STRCMP_EQUAL(("not a job name: '" + std::string(64, 'n') + "...'").c_str(), p.problems[0].c_str());
  // Escapes count as what they print, and no escape is cut.
  const ListenParse q = parse_listen_datagram("enable " + std::string(20, '\x01'));
  STRCMP_EQUAL("not a job name: '\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01...'",
               q.problems[0].c_str());
}

TEST(ListenRequest, NamesBeyondTheMaximumAreDroppedWithOneProblem) {
  std::string d = "enable";
  for (size_t i = 0; i < kListenNamesMax + 10; ++i) d += " j" + std::to_string(i);
  const ListenParse p = parse_listen_datagram(d);
  LONGS_EQUAL(kListenNamesMax, p.ops.size());
  LONGS_EQUAL(1, p.problems.size());
  STRCMP_EQUAL("more than 256 names, dropped from 'j256' on", p.problems[0].c_str());
}

TEST(ListenRequest, ProblemsAreBounded) {
  std::string d;
  for (int i = 0; i < 1000; ++i) d += "x ";
  const ListenParse p = parse_listen_datagram(d);
  CHECK_TRUE(p.problems.size() <= 17);
  STRCMP_EQUAL("and 984 more problems", p.problems.back().c_str());
}
