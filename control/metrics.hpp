// `pmtrctl metrics`: every job's status in the Prometheus text exposition
// format 0.0.4, as node_exporter's textfile collector reads it: each family
// once, its # HELP and # TYPE lines first, then its samples; no timestamps
// (the collector refuses them); label values escaped (\\ \" \n); a newline
// at the end.  Times are Unix seconds with millisecond fractions.
//
// Families (names and meanings are a contract, pmtrctl(8) METRICS):
//   pmtr_job_up{job}                       1 running/ready/starting, else 0
//   pmtr_job_state{job,state}              1 for the current state, 0 for the 9 others
//   pmtr_job_restarts_total{job}           restarts since pmtr started
//   pmtr_job_start_time_seconds{job}       start of the current process (jobs with one)
//   pmtr_job_last_exit_code{job}           exit status of the last exit (when it exited)
//   pmtr_job_last_exit_signal{job}         signal number of the last exit (when killed)
//   pmtr_job_last_exit_time_seconds{job}   when the job last exited
//   pmtr_job_backoff_seconds{job}          the current restart delay
//   pmtr_job_next_start_time_seconds{job}  next start of a delayed job
// A job without a value for a family (no process, never exited, not
// delayed) has no sample in it.
#pragma once

#include <string>
#include <string_view>

#include "control/status_report.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {

void format_metrics(const StatusReport& r, OutBuffer& out);

// A label value between its quotes, escaped as the format requires.
void append_label_value(std::string& out, std::string_view v);

}  // namespace pmtr::ctl
