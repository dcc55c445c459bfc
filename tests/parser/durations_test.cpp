// parser/durations.{hpp,cpp}: the durations of the lifecycle options.
#include "parser/durations.hpp"

#include <CppUTest/TestHarness.h>

#include <string>

#include "common/limits.hpp"

using namespace pmtr;
using namespace pmtr::conf;

namespace {

std::string ms(std::string_view word) {
  const auto r = parse_duration(word);
  return r ? std::to_string(r.value()) : "error: " + r.error().what;
}

const std::string kUsage = " (a number and a unit, as in '30s', '1.5s' or '2m'; units ms, s, m, h, d)";

}  // namespace

TEST_GROUP(Durations){};

TEST(Durations, EveryUnit) {
  STRCMP_EQUAL("250", ms("250ms").c_str());
  STRCMP_EQUAL("30000", ms("30s").c_str());
  STRCMP_EQUAL("120000", ms("2m").c_str());
  STRCMP_EQUAL("3600000", ms("1h").c_str());
  STRCMP_EQUAL("86400000", ms("1d").c_str());
}

TEST(Durations, UnitTable) {
  LONGS_EQUAL(1, *duration_unit_ms("ms"));
  LONGS_EQUAL(1000, *duration_unit_ms("s"));
  LONGS_EQUAL(60000, *duration_unit_ms("m"));
  LONGS_EQUAL(3600000, *duration_unit_ms("h"));
  LONGS_EQUAL(86400000, *duration_unit_ms("d"));
  for (const char* u : {"", "S", "sec", "min", "us", "w", "M", "MS"}) CHECK_FALSE_TEXT(duration_unit_ms(u), u);
}

TEST(Durations, ZeroIsADuration) {
  // Whether zero makes sense is the option's business (stop timeout 0s).
  STRCMP_EQUAL("0", ms("0s").c_str());
  STRCMP_EQUAL("0", ms("0ms").c_str());
  STRCMP_EQUAL("0", ms("0.0d").c_str());
}

TEST(Durations, DecimalsComeToWholeMilliseconds) {
  STRCMP_EQUAL("1500", ms("1.5s").c_str());
  STRCMP_EQUAL("90000", ms("1.5m").c_str());
  STRCMP_EQUAL("1", ms("0.001s").c_str());
  STRCMP_EQUAL("1500", ms("1.500000000000000000000s").c_str());   // trailing zeros are free
  STRCMP_EQUAL("54", ms("0.000000625d").c_str());                  // 9 decimals, still whole
  STRCMP_EQUAL("7", ms("007ms").c_str());
}

TEST(Durations, FractionsOfAMillisecondAreRejectedNotRounded) {
  STRCMP_EQUAL("error: duration '1.0005s' is not a whole number of milliseconds", ms("1.0005s").c_str());
  STRCMP_EQUAL("error: duration '1.5ms' is not a whole number of milliseconds", ms("1.5ms").c_str());
  STRCMP_EQUAL("error: duration '0.00000000001d' is not a whole number of milliseconds",
               ms("0.00000000001d").c_str());
  STRCMP_EQUAL("error: duration '0.3333333333333333333333h' is not a whole number of milliseconds",
               ms("0.3333333333333333333333h").c_str());
}

TEST(Durations, ThirtyDaysAtMost) {
  STRCMP_EQUAL(std::to_string(limits::kDurationMsMax).c_str(), ms("30d").c_str());
  STRCMP_EQUAL(std::to_string(limits::kDurationMsMax).c_str(), ms("720h").c_str());
  STRCMP_EQUAL(std::to_string(limits::kDurationMsMax).c_str(), ms(std::to_string(limits::kDurationMsMax) + "ms").c_str());
  STRCMP_EQUAL("error: duration '30.001d' is too long (max 30d)", ms("30.001d").c_str());
  STRCMP_EQUAL("error: duration '2592000001ms' is too long (max 30d)", ms("2592000001ms").c_str());
  STRCMP_EQUAL("error: duration '31d' is too long (max 30d)", ms("31d").c_str());
  STRCMP_EQUAL("error: duration '99999999999999999999999s' is too long (max 30d)",
               ms("99999999999999999999999s").c_str());
}

TEST(Durations, ANumberWithoutUnitGetsAHint) {
  STRCMP_EQUAL("error: duration '30' has no unit (as in '30s'; units ms, s, m, h, d)", ms("30").c_str());
  STRCMP_EQUAL("error: duration '1.5' has no unit (as in '1.5s'; units ms, s, m, h, d)", ms("1.5").c_str());
  CHECK_TRUE(is_bare_number("30"));
  CHECK_FALSE(is_bare_number("30s"));
  CHECK_FALSE(is_bare_number("1.5"));
  CHECK_FALSE(is_bare_number(""));
  const std::string long_number(200, '9');
  STRCMP_EQUAL(("error: duration '" + std::string(64, '9') + "...' has no unit (as in '" + std::string(64, '9') +
                "...'; units ms, s, m, h, d)")
                   .c_str(),
               ms(long_number).c_str());
}

TEST(Durations, MalformedWords) {
  for (const char* w : {"s", ".5s", "1.s", "1..5s", "-1s", "+1s", "1 s", "1sec", "1S", "1h30m", "1e3ms", "", "1,5s",
                        "0x10s", "1.5.5s"})
    STRCMP_EQUAL_TEXT(("error: invalid duration '" + std::string(w) + "'" + kUsage).c_str(), ms(w).c_str(), w);
}
