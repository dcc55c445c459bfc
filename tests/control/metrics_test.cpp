// control/metrics.{hpp,cpp}: the Prometheus text format, exactly, for the
// sample status; and the format's rules for any report (families once and
// whole, HELP and TYPE first, escaped labels, no timestamps).
#include "control/metrics.hpp"

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/control/sample_status.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using pmtr::test::sample_report;

namespace {

std::string metrics(const StatusReport& r) {
  OutBuffer b;
  format_metrics(r, b);
  return b.text();
}

// The rules node_exporter's textfile collector relies on; "" when all hold.
std::string format_problem(const std::string& text) {
  if (text.empty() || text.back() != '\n') return "no final newline";
  std::istringstream in(text);
  std::set<std::string> done;
  std::string current, line;
  bool help = false, type = false;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      if (name != current) {
        if (done.count(name)) return "family twice: " + name;
        if (!current.empty()) done.insert(current);
        current = name, help = false, type = false;
      }
      (line[2] == 'H' ? help : type) = true;
      continue;
    }
    const std::string name = line.substr(0, line.find_first_of("{ "));
    if (name != current || !help || !type) return "sample outside its family: " + line;
    // The value is the last field; a timestamp would be a third one after the labels.
    const size_t close = line.rfind('}');
    const std::string rest = line.substr(close == std::string::npos ? name.size() : close + 1);
    if (rest.find(' ', 1) != std::string::npos) return "timestamp or junk: " + line;
  }
  return "";
}

}  // namespace

TEST_GROUP(Metrics){};

TEST(Metrics, ExactTextOfTheSample) {
  const std::string expected =
      "# HELP pmtr_job_up Whether the job is up: 1 running, ready or starting, else 0.\n"
      "# TYPE pmtr_job_up gauge\n"
      "pmtr_job_up{job=\"web\"} 1\n"
      "pmtr_job_up{job=\"worker\"} 0\n"
      "pmtr_job_up{job=\"cron\"} 1\n"
      "pmtr_job_up{job=\"odd\\\"na\\\\me\"} 0\n"
      "# HELP pmtr_job_state The job's state: 1 for the current one, 0 for the others.\n"
      "# TYPE pmtr_job_state gauge\n"
      "pmtr_job_state{job=\"web\",state=\"starting\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"running\"} 1\n"
      "pmtr_job_state{job=\"web\",state=\"ready\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"stopping\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"delayed\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"waiting\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"stopped\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"disabled\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"done\"} 0\n"
      "pmtr_job_state{job=\"web\",state=\"failed\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"starting\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"running\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"ready\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"stopping\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"delayed\"} 1\n"
      "pmtr_job_state{job=\"worker\",state=\"waiting\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"stopped\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"disabled\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"done\"} 0\n"
      "pmtr_job_state{job=\"worker\",state=\"failed\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"starting\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"running\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"ready\"} 1\n"
      "pmtr_job_state{job=\"cron\",state=\"stopping\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"delayed\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"waiting\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"stopped\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"disabled\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"done\"} 0\n"
      "pmtr_job_state{job=\"cron\",state=\"failed\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"starting\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"running\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"ready\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"stopping\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"delayed\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"waiting\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"stopped\"} 1\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"disabled\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"done\"} 0\n"
      "pmtr_job_state{job=\"odd\\\"na\\\\me\",state=\"failed\"} 0\n"
      "# HELP pmtr_job_restarts_total Restarts of the job since pmtr started.\n"
      "# TYPE pmtr_job_restarts_total counter\n"
      "pmtr_job_restarts_total{job=\"web\"} 0\n"
      "pmtr_job_restarts_total{job=\"worker\"} 7\n"
      "pmtr_job_restarts_total{job=\"cron\"} 2\n"
      "pmtr_job_restarts_total{job=\"odd\\\"na\\\\me\"} 0\n"
      "# HELP pmtr_job_start_time_seconds Start time of the job's current process, in Unix seconds (jobs with a "
      "process).\n"
      "# TYPE pmtr_job_start_time_seconds gauge\n"
      "pmtr_job_start_time_seconds{job=\"web\"} 1699726100\n"
      "pmtr_job_start_time_seconds{job=\"cron\"} 1699999687.75\n"
      "# HELP pmtr_job_last_exit_code Exit status of the job's last exit (jobs whose last run exited).\n"
      "# TYPE pmtr_job_last_exit_code gauge\n"
      "pmtr_job_last_exit_code{job=\"worker\"} 1\n"
      "pmtr_job_last_exit_code{job=\"odd\\\"na\\\\me\"} 0\n"
      "# HELP pmtr_job_last_exit_signal Number of the signal that ended the job's last run (jobs whose last run "
      "was killed).\n"
      "# TYPE pmtr_job_last_exit_signal gauge\n"
      "pmtr_job_last_exit_signal{job=\"cron\"} 15\n"
      "# HELP pmtr_job_last_exit_time_seconds Time of the job's last exit, in Unix seconds (jobs that exited).\n"
      "# TYPE pmtr_job_last_exit_time_seconds gauge\n"
      "pmtr_job_last_exit_time_seconds{job=\"worker\"} 1699999998\n"
      "pmtr_job_last_exit_time_seconds{job=\"cron\"} 1699999818.5\n"
      "pmtr_job_last_exit_time_seconds{job=\"odd\\\"na\\\\me\"} 1699996400\n"
      "# HELP pmtr_job_backoff_seconds The job's current restart delay, in seconds.\n"
      "# TYPE pmtr_job_backoff_seconds gauge\n"
      "pmtr_job_backoff_seconds{job=\"web\"} 0\n"
      "pmtr_job_backoff_seconds{job=\"worker\"} 10\n"
      "pmtr_job_backoff_seconds{job=\"cron\"} 0\n"
      "pmtr_job_backoff_seconds{job=\"odd\\\"na\\\\me\"} 1.5\n"
      "# HELP pmtr_job_memory_bytes Memory charged to the job's cgroup (memory.current; jobs with a cgroup and "
      "the memory controller).\n"
      "# TYPE pmtr_job_memory_bytes gauge\n"
      "# HELP pmtr_job_tasks Processes and threads in the job's cgroup (pids.current; jobs with a cgroup and the "
      "pids controller).\n"
      "# TYPE pmtr_job_tasks gauge\n"
      "# HELP pmtr_job_cpu_seconds_total CPU time used in the job's cgroup since it was made, in seconds "
      "(cpu.stat usage_usec; jobs with a cgroup).\n"
      "# TYPE pmtr_job_cpu_seconds_total counter\n"
      "# HELP pmtr_job_next_start_time_seconds When a delayed job starts again, in Unix seconds (delayed jobs).\n"
      "# TYPE pmtr_job_next_start_time_seconds gauge\n"
      "pmtr_job_next_start_time_seconds{job=\"worker\"} 1700000007.5\n";
  const std::string got = metrics(sample_report());
  STRCMP_EQUAL(expected.c_str(), got.c_str());
  STRCMP_EQUAL("", format_problem(got).c_str());
}

TEST(Metrics, NoJobsStillDescribesEveryFamily) {
  const std::string got = metrics(StatusReport{});
  STRCMP_EQUAL("", format_problem(got).c_str());
  size_t types = 0;
  for (size_t p = 0; (p = got.find("# TYPE ", p)) != std::string::npos; ++p) ++types;
  CHECK_EQUAL(12u, types);
}

TEST(Metrics, LabelValuesAreEscaped) {
  std::string s;
  append_label_value(s, "a\\b\"c\nd");
  STRCMP_EQUAL("a\\\\b\\\"c\\nd", s.c_str());
}

TEST(Metrics, ManyJobsKeepEveryFamilyWhole) {
  StatusReport r = sample_report();
  for (int i = 0; i < 200; ++i) {
    r.jobs.push_back(r.jobs[static_cast<size_t>(i % 4)]);
    r.jobs.back().name = "job-" + std::to_string(i);
  }
  const std::string got = metrics(r);
  STRCMP_EQUAL("", format_problem(got).c_str());
}

TEST(Metrics, SecondsKeepTheirMilliseconds) {
  StatusReport r;
  JobStatus j;
  j.name = "x";
  j.backoff_ms = 1;
  r.jobs.push_back(j);
  CHECK(metrics(r).find("pmtr_job_backoff_seconds{job=\"x\"} 0.001\n") != std::string::npos);
  r.jobs[0].backoff_ms = 120;
  CHECK(metrics(r).find("pmtr_job_backoff_seconds{job=\"x\"} 0.12\n") != std::string::npos);
}

// A job with a cgroup: each figure only where its controller gave one.
TEST(Metrics, CgroupFiguresOnlyWhereTheJobHasThem) {
  StatusReport r;
  JobStatus all, cpu_only, none;
  all.name = "all";
  all.has_cgroup = true;
  all.cpu_usec = 1500042;
  all.memory_bytes = 4096;
  all.tasks = 3;
  cpu_only.name = "cpu";
  cpu_only.has_cgroup = true;
  cpu_only.cpu_usec = 7;
  none.name = "none";
  r.jobs = {all, cpu_only, none};
  const std::string got = metrics(r);
  STRCMP_EQUAL("", format_problem(got).c_str());
  CHECK(got.find("pmtr_job_memory_bytes{job=\"all\"} 4096\n") != std::string::npos);
  CHECK(got.find("pmtr_job_tasks{job=\"all\"} 3\n") != std::string::npos);
  CHECK(got.find("pmtr_job_cpu_seconds_total{job=\"all\"} 1.500042\n") != std::string::npos);
  CHECK(got.find("pmtr_job_cpu_seconds_total{job=\"cpu\"} 0.000007\n") != std::string::npos);
  CHECK(got.find("pmtr_job_memory_bytes{job=\"cpu\"}") == std::string::npos);
  CHECK(got.find("pmtr_job_tasks{job=\"cpu\"}") == std::string::npos);
  CHECK(got.find("{job=\"none\"} 0.0") == std::string::npos);
  CHECK(got.find("pmtr_job_cpu_seconds_total{job=\"none\"}") == std::string::npos);
}
