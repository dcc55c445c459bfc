// control/humanize.{hpp,cpp}: uptimes and relative times for the table.
#include "control/humanize.hpp"

#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::ctl;

namespace {

constexpr uint64_t kS = 1000, kM = 60 * kS, kH = 60 * kM, kD = 24 * kH;

std::string uptime(uint64_t ms) {
  std::string s;
  append_uptime(s, ms);
  return s;
}
std::string ago(uint64_t ms) {
  std::string s;
  append_ago(s, ms);
  return s;
}
std::string in(uint64_t ms) {
  std::string s;
  append_in(s, ms);
  return s;
}

}  // namespace

TEST_GROUP(Humanize){};

TEST(Humanize, UptimeInTwoUnits) {
  STRCMP_EQUAL("0s", uptime(0).c_str());
  STRCMP_EQUAL("0s", uptime(999).c_str());
  STRCMP_EQUAL("42s", uptime(42 * kS + 900).c_str());
  STRCMP_EQUAL("1m", uptime(kM).c_str());
  STRCMP_EQUAL("5m 12s", uptime(5 * kM + 12 * kS).c_str());
  STRCMP_EQUAL("59m 59s", uptime(kH - 1).c_str());
  STRCMP_EQUAL("1h", uptime(kH + 59 * kS).c_str());
  STRCMP_EQUAL("2h 5m", uptime(2 * kH + 5 * kM).c_str());
  STRCMP_EQUAL("3d 4h", uptime(3 * kD + 4 * kH + 59 * kM).c_str());
  STRCMP_EQUAL("3d", uptime(3 * kD + 59 * kM).c_str());
  STRCMP_EQUAL("400d 23h", uptime(400 * kD + 23 * kH).c_str());
}

TEST(Humanize, AgoInOneUnitRoundedDown) {
  STRCMP_EQUAL("0 s ago", ago(0).c_str());
  STRCMP_EQUAL("12 s ago", ago(12 * kS + 999).c_str());
  STRCMP_EQUAL("3 m ago", ago(3 * kM + 59 * kS).c_str());
  STRCMP_EQUAL("23 h ago", ago(kD - 1).c_str());
  STRCMP_EQUAL("2 d ago", ago(2 * kD).c_str());
}

TEST(Humanize, InRoundsSecondsUp) {
  STRCMP_EQUAL("now", in(0).c_str());
  STRCMP_EQUAL("in 1 s", in(1).c_str());
  STRCMP_EQUAL("in 8 s", in(7 * kS + 1).c_str());
  STRCMP_EQUAL("in 10 s", in(10 * kS).c_str());
  STRCMP_EQUAL("in 1 m", in(59 * kS + 1).c_str());
  STRCMP_EQUAL("in 2 h", in(2 * kH).c_str());
  STRCMP_EQUAL("in 1 d", in(kD).c_str());
}
