// The stderr log line: "2026-12-07T09:15:02.123Z pmtr: MSG\n" (UTC,
// milliseconds truncated, fixed width), or "pmtr: MSG\n" unstamped.
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "common/log.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using pmtr::format_log_line;
using pmtr::format_log_stamp;
using pmtr::kLogStampLength;

namespace {

std::string stamp(time_t sec, long nsec) {
  char out[kLogStampLength + 1];
  const timespec ts{sec, nsec};
  if (!format_log_stamp(ts, out, sizeof out)) return "(none)";
  return out;
}

// TZ set for the life of one test, restored after.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) {
      old_ = old;
      had_ = true;
    }
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::string old_;
  bool had_ = false;
};

}  // namespace

TEST_GROUP(LogFormat){};

TEST(LogFormat, StampIsUtcIso8601WithMilliseconds) {
  // 1796634902 is 2026-12-07 09:15:02 UTC.
  STRCMP_EQUAL("2026-12-07T09:15:02.123Z", stamp(1796634902, 123000000).c_str());
  STRCMP_EQUAL("1970-01-01T00:00:00.000Z", stamp(0, 0).c_str());
  STRCMP_EQUAL("2028-02-29T23:59:59.001Z", stamp(1835481599, 1000000).c_str());   // leap day
  LONGS_EQUAL(kLogStampLength, stamp(1796634902, 5).size());
}

TEST(LogFormat, MillisecondsAreTruncatedNotRounded) {
  // Rounding .9999 up would print the next second: a stamp from the future.
  STRCMP_EQUAL("2026-12-07T09:15:02.999Z", stamp(1796634902, 999999999).c_str());
  STRCMP_EQUAL("2026-12-07T09:15:02.000Z", stamp(1796634902, 999999).c_str());
}

TEST(LogFormat, StampIgnoresTheLocalTimeZone) {
  ScopedTz tz("America/New_York");
  STRCMP_EQUAL("2026-12-07T09:15:02.123Z", stamp(1796634902, 123000000).c_str());
}

TEST(LogFormat, StampRefusesWhatDoesNotFitTheFixedWidth) {
  char out[kLogStampLength + 1] = "x";
  CHECK_FALSE(format_log_stamp(timespec{253402300800, 0}, out, sizeof out));   // year 10000
  STRCMP_EQUAL("", out);
  char small[kLogStampLength];   // no room for the NUL
  CHECK_FALSE(format_log_stamp(timespec{0, 0}, small, sizeof small));
}

TEST(LogFormat, LineIsStampIdentMessageNewline) {
  char line[128];
  const size_t n = format_log_line(line, sizeof line, "2026-12-07T09:15:02.123Z", "pmtr", "started job web [12]");
  STRCMP_EQUAL("2026-12-07T09:15:02.123Z pmtr: started job web [12]\n", line);
  LONGS_EQUAL(std::strlen(line), n);
}

TEST(LogFormat, UnstampedLineIsIdentMessageNewline) {
  char line[128];
  const size_t n = format_log_line(line, sizeof line, nullptr, "pmtr", "f.conf: ok (2 jobs)");
  STRCMP_EQUAL("pmtr: f.conf: ok (2 jobs)\n", line);
  LONGS_EQUAL(std::strlen(line), n);
}

TEST(LogFormat, LongMessageIsCutButStillEndsTheLine) {
  char line[40];
  const std::string msg(200, 'x');
  const size_t n = format_log_line(line, sizeof line, "2026-12-07T09:15:02.123Z", "pmtr", msg.c_str());
  LONGS_EQUAL(sizeof line - 1, n);
  LONGS_EQUAL(n, std::strlen(line));
  LONGS_EQUAL('\n', line[n - 1]);
  STRNCMP_EQUAL("2026-12-07T09:15:02.123Z pmtr: xxx", line, 34);
}
