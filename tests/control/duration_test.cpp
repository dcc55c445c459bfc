// control/duration.{hpp,cpp}: --timeout values.
#include "control/duration.hpp"

#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::ctl;

namespace {

uint64_t ms(const char* text) {
  const DurationResult r = parse_duration(text);
  CHECK_TRUE_TEXT(r.error.empty(), r.error.c_str());
  return r.ms;
}

std::string error(const char* text) {
  const DurationResult r = parse_duration(text);
  CHECK_FALSE_TEXT(r.error.empty(), text);
  return r.error;
}

}  // namespace

TEST_GROUP(Duration){};

TEST(Duration, EveryUnit) {
  CHECK_EQUAL(250u, ms("250ms"));
  CHECK_EQUAL(30000u, ms("30s"));
  CHECK_EQUAL(120000u, ms("2m"));
  CHECK_EQUAL(3600000u, ms("1h"));
  CHECK_EQUAL(86400000u, ms("1d"));
}

TEST(Duration, FractionsAreExact) {
  CHECK_EQUAL(1500u, ms("1.5s"));
  CHECK_EQUAL(100u, ms("0.1s"));
  CHECK_EQUAL(90000u, ms("1.5m"));
  CHECK_EQUAL(1u, ms("1.999ms"));        // below a millisecond: dropped
  CHECK_EQUAL(1234u, ms("1.2345678901234s"));
  CHECK_EQUAL(500u, ms(".5s"));
}

TEST(Duration, SumsOfParts) {
  CHECK_EQUAL(5400000u, ms("1h30m"));
  CHECK_EQUAL(90500u, ms("1m30s500ms"));
}

TEST(Duration, BadInputsSayWhy) {
  STRCMP_EQUAL("invalid duration '30': a unit is needed: ms, s, m, h or d (e.g. 30s)", error("30").c_str());
  STRCMP_EQUAL("invalid duration '3x': unknown unit (ms, s, m, h or d)", error("3x").c_str());
  STRCMP_EQUAL("invalid duration '3 s': unknown unit (ms, s, m, h or d)", error("3 s").c_str());
  STRCMP_EQUAL("invalid duration 's': expected a number (e.g. 30s, 1.5s)", error("s").c_str());
  STRCMP_EQUAL("invalid duration '.s': expected a number (e.g. 30s, 1.5s)", error(".s").c_str());
  STRCMP_EQUAL("invalid duration '-1s': expected a number (e.g. 30s, 1.5s)", error("-1s").c_str());
  STRCMP_EQUAL("invalid duration '0s': must be at least 1ms", error("0s").c_str());
  STRCMP_EQUAL("invalid duration '0.0001s': must be at least 1ms", error("0.0001s").c_str());
  CHECK(error("").find("empty") != std::string::npos);
  error("1.5.5s");
  error("1e3s");
}

TEST(Duration, CappedAtThirtyDays) {
  CHECK_EQUAL(kMaxDurationMs, ms("30d"));
  STRCMP_EQUAL("invalid duration '31d': too long (at most 30d)", error("31d").c_str());
  STRCMP_EQUAL("invalid duration '29d25h': too long (at most 30d)", error("29d25h").c_str());
  error("99999999999999999999999s");   // no overflow on the way
}
