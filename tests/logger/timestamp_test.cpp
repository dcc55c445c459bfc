// The stamp of every record and archive (logger/timestamp.hpp): ISO 8601
// UTC with microseconds, computed without gmtime (which would read
// /etc/localtime inside the sandbox); checked against gmtime here.
#include <time.h>

#include <cstdio>
#include <string>

#include "logger/timestamp.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

namespace {

std::string stamp(time_t s, long ns) {
  char out[pmtr::kStampBytes];
  pmtr::format_stamp(timespec{s, ns}, out);
  return std::string(out, sizeof out);
}

std::string by_gmtime(time_t s, long us) {
  tm t{};
  gmtime_r(&s, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, us);
  return buf;
}

}  // namespace

TEST_GROUP(Timestamp) {};

TEST(Timestamp, KnownInstants) {
  STRCMP_EQUAL("1970-01-01T00:00:00.000000Z", stamp(0, 0).c_str());
  STRCMP_EQUAL("2026-12-07T09:15:02.123456Z", stamp(1796634902, 123456789).c_str());
  STRCMP_EQUAL("2000-02-29T23:59:59.999999Z", stamp(951868799, 999999999).c_str());
}

TEST(Timestamp, AgreesWithGmtimeOverFourCenturies) {
  // Every 9 days and 7 hours from 1970 to 2400: leap years, century rules.
  for (time_t s = 0; s < 13569465600; s += 9 * 86400 + 7 * 3600 + 13)
    STRCMP_EQUAL(by_gmtime(s, 42).c_str(), stamp(s, 42000).c_str());
}

TEST(Timestamp, ClampedOutsideFourDigitYears) {
  CHECK_EQUAL(pmtr::kStampBytes, stamp(-1, 0).size());
  STRCMP_EQUAL("0000", stamp(-70000000000, 0).substr(0, 4).c_str());
  STRCMP_EQUAL("9999", stamp(400000000000, 0).substr(0, 4).c_str());
}

TEST(Timestamp, ParsesWhatItFormats) {
  for (time_t s : {time_t{0}, time_t{951868799}, time_t{1796634902}, time_t{253402300799}}) {
    timespec t{};
    CHECK(pmtr::parse_stamp(stamp(s, 123456000).c_str(), t));
    CHECK_EQUAL(s, t.tv_sec);
    CHECK_EQUAL(123456000, t.tv_nsec);
  }
  timespec t{};
  CHECK_FALSE(pmtr::parse_stamp("2026-12-07T09:15:02.12345xZ", t));
  CHECK_FALSE(pmtr::parse_stamp("2026-13-07T09:15:02.123456Z", t));
  CHECK_FALSE(pmtr::parse_stamp("2026-12-07 09:15:02.123456Z", t));
}
