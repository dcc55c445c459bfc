#include "control/humanize.hpp"

#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

constexpr uint64_t kMinute = 60, kHour = 3600, kDay = 86400;

void unit(std::string& out, uint64_t v, char u) {
  append_u64(out, v);
  out += u;
}

}  // namespace

void append_uptime(std::string& out, uint64_t ms) {
  const uint64_t s = ms / 1000;
  uint64_t big = 0, small = 0;
  char big_unit = 's', small_unit = 's';
  if (s >= kDay) {
    big = s / kDay, big_unit = 'd', small = s % kDay / kHour, small_unit = 'h';
  } else if (s >= kHour) {
    big = s / kHour, big_unit = 'h', small = s % kHour / kMinute, small_unit = 'm';
  } else if (s >= kMinute) {
    big = s / kMinute, big_unit = 'm', small = s % kMinute, small_unit = 's';
  } else {
    big = s;
  }
  unit(out, big, big_unit);
  if (small != 0) {
    out += ' ';
    unit(out, small, small_unit);
  }
}

void append_coarse(std::string& out, uint64_t ms) {
  const uint64_t s = ms / 1000;
  if (s < kMinute) {
    append_u64(out, s), out += " s";
  } else if (s < kHour) {
    append_u64(out, s / kMinute), out += " m";
  } else if (s < kDay) {
    append_u64(out, s / kHour), out += " h";
  } else {
    append_u64(out, s / kDay), out += " d";
  }
}

void append_ago(std::string& out, uint64_t ms) {
  append_coarse(out, ms);
  out += " ago";
}

void append_in(std::string& out, uint64_t ms) {
  if (ms == 0) {
    out += "now";
    return;
  }
  out += "in ";
  // Seconds rounded up, so a pending start never reads "in 0 s".
  append_coarse(out, (ms + 999) / 1000 * 1000);
}

}  // namespace pmtr::ctl
