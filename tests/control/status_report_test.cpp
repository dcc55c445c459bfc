// control/status_report.{hpp,cpp}: the readings the table, JSON and
// metrics share.
#include "control/status_report.hpp"

#include <string>

#include "tests/control/sample_status.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using pmtr::test::kNowMs;

namespace {

std::string last_exit(const JobStatus& j) {
  std::string s;
  append_last_exit(s, j, kNowMs);
  return s;
}

}  // namespace

TEST_GROUP(StatusReport){};

TEST(StatusReport, UpIsRunningReadyOrStarting) {
  size_t up = 0;
  for (const PublicState s : kAllStates) {
    const bool expected = s == PublicState::Running || s == PublicState::Ready || s == PublicState::Starting;
    CHECK_EQUAL_TEXT(expected, is_up(s), public_state_name(s));
    up += is_up(s) ? 1 : 0;
  }
  CHECK_EQUAL(3u, up);
  CHECK_EQUAL(10u, sizeof kAllStates / sizeof kAllStates[0]);
}

TEST(StatusReport, UptimeOnlyWithAProcessAndAStart) {
  JobStatus j;
  j.pid = 10;
  j.started_ms = kNowMs - 1500;
  CHECK_EQUAL(1500u, *uptime_ms(j, kNowMs));
  j.started_ms = kNowMs + 10;   // clock stepped back: not negative
  CHECK_EQUAL(0u, *uptime_ms(j, kNowMs));
  j.started_ms = 0;
  CHECK_FALSE(uptime_ms(j, kNowMs).has_value());
  j.started_ms = kNowMs;
  j.pid = -1;
  CHECK_FALSE(uptime_ms(j, kNowMs).has_value());
}

TEST(StatusReport, NextStartOnlyWhenDelayed) {
  JobStatus j;
  j.state = PublicState::Delayed;
  j.next_start_ms = kNowMs + 8000;
  CHECK_EQUAL(8000u, *next_start_in_ms(j, kNowMs));
  j.next_start_ms = kNowMs - 1;
  CHECK_EQUAL(0u, *next_start_in_ms(j, kNowMs));
  j.next_start_ms = 0;
  CHECK_FALSE(next_start_in_ms(j, kNowMs).has_value());
  j.next_start_ms = kNowMs + 8000;
  j.state = PublicState::Waiting;
  CHECK_FALSE(next_start_in_ms(j, kNowMs).has_value());
}

TEST(StatusReport, LastExitCell) {
  JobStatus j;
  STRCMP_EQUAL("-", last_exit(j).c_str());
  j.last_exit_kind = kExitCode;
  j.last_exit_value = 255;
  j.last_exit_ms = kNowMs - 12000;
  STRCMP_EQUAL("exited 255 (12 s ago)", last_exit(j).c_str());
  j.last_exit_kind = kExitSignal;
  j.last_exit_value = 15;
  j.last_exit_ms = kNowMs - 3 * 60000;
  STRCMP_EQUAL("killed by TERM (3 m ago)", last_exit(j).c_str());
  j.last_exit_ms = 0;
  STRCMP_EQUAL("killed by TERM", last_exit(j).c_str());
}
