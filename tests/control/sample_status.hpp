// One fixed status report shared by the table, JSON and metrics tests, so
// the three views are checked against the same jobs.
#pragma once

#include "control/status_report.hpp"

namespace pmtr::test {

inline constexpr uint64_t kNowMs = 1700000000000;   // 2023-11-14T22:13:20Z

inline ctl::StatusReport sample_report() {
  ctl::StatusReport r;
  r.now_ms = kNowMs;
  JobStatus web;
  web.name = "web";
  web.state = PublicState::Running;
  web.pid = 1234;
  web.started_ms = kNowMs - ((3 * 24 + 4) * 3600 + 5 * 60) * 1000ull;
  r.jobs.push_back(web);

  JobStatus worker;
  worker.name = "worker";
  worker.state = PublicState::Delayed;
  worker.restarts = 7;
  worker.last_exit_kind = kExitCode;
  worker.last_exit_value = 1;
  worker.last_exit_ms = kNowMs - 2000;
  worker.next_start_ms = kNowMs + 7500;
  worker.backoff_ms = 10000;
  r.jobs.push_back(worker);

  JobStatus cron;
  cron.name = "cron";
  cron.state = PublicState::Ready;
  cron.pid = 88123;
  cron.started_ms = kNowMs - (5 * 60 + 12) * 1000 - 250;
  cron.restarts = 2;
  cron.last_exit_kind = kExitSignal;
  cron.last_exit_value = 15;
  cron.last_exit_ms = kNowMs - 3 * 60 * 1000 - 1500;
  cron.has_ready_fd = true;
  r.jobs.push_back(cron);

  JobStatus odd;
  odd.name = "odd\"na\\me";
  odd.state = PublicState::Stopped;
  odd.last_exit_kind = kExitCode;
  odd.last_exit_value = 0;
  odd.last_exit_ms = kNowMs - 3600 * 1000;
  odd.backoff_ms = 1500;
  r.jobs.push_back(odd);
  return r;
}

}  // namespace pmtr::test
