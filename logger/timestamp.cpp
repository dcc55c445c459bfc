#include "logger/timestamp.hpp"

#include <cstdint>

namespace pmtr {
namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm,
// proleptic Gregorian calendar).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

// Its inverse: days since 1970-01-01 of a civil date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool read_digits(const char* in, int n, unsigned& v) noexcept {
  v = 0;
  for (int i = 0; i < n; ++i) {
    if (in[i] < '0' || in[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(in[i] - '0');
  }
  return true;
}

void digits(char* out, uint64_t v, int n) noexcept {
  for (int i = n - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

void format_stamp(const timespec& t, char* out) noexcept {
  int64_t secs = t.tv_sec;
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  digits(out, static_cast<uint64_t>(y), 4);
  out[4] = '-';
  digits(out + 5, m, 2);
  out[7] = '-';
  digits(out + 8, d, 2);
  out[10] = 'T';
  digits(out + 11, static_cast<uint64_t>(rem / 3600), 2);
  out[13] = ':';
  digits(out + 14, static_cast<uint64_t>(rem / 60 % 60), 2);
  out[16] = ':';
  digits(out + 17, static_cast<uint64_t>(rem % 60), 2);
  out[19] = '.';
  const long us = t.tv_nsec >= 0 && t.tv_nsec < 1000000000 ? t.tv_nsec / 1000 : 0;
  digits(out + 20, static_cast<uint64_t>(us), 6);
  out[26] = 'Z';
}

bool parse_stamp(const char* in, timespec& t) noexcept {
  unsigned y, mo, d, h, mi, s, us;
  if (!read_digits(in, 4, y) || in[4] != '-' || !read_digits(in + 5, 2, mo) || in[7] != '-' ||
      !read_digits(in + 8, 2, d) || in[10] != 'T' || !read_digits(in + 11, 2, h) || in[13] != ':' ||
      !read_digits(in + 14, 2, mi) || in[16] != ':' || !read_digits(in + 17, 2, s) || in[19] != '.' ||
      !read_digits(in + 20, 6, us) || in[26] != 'Z')
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  t.tv_sec = static_cast<time_t>(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s);
  t.tv_nsec = static_cast<long>(us) * 1000;
  return true;
}

}  // namespace pmtr
