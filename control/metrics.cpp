#include "control/metrics.hpp"

#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

enum class Kind { Gauge, Counter };

void header(std::string& out, std::string_view name, Kind kind, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  switch (kind) {
    case Kind::Gauge: out += " gauge\n"; break;
    case Kind::Counter: out += " counter\n"; break;
  }
}

void sample_start(std::string& out, std::string_view name, const JobStatus& j) {
  out += name;
  out += "{job=\"";
  append_label_value(out, j.name);
  out += '"';
}

// One family: a sample for each job that `value` gives one for.  The value
// is written by `value` itself (integers, or milliseconds as seconds).
template <typename Value>
void family(OutBuffer& buf, const StatusReport& r, std::string_view name, Kind kind, std::string_view help,
            Value value) {
  std::string& out = buf.text();
  header(out, name, kind, help);
  for (const JobStatus& j : r.jobs) {
    const size_t mark = out.size();
    sample_start(out, name, j);
    out += "} ";
    if (value(out, j))
      out += '\n';
    else
      out.resize(mark);   // no value for this job: no sample
    buf.row_done();
  }
}

}  // namespace

void append_label_value(std::string& out, std::string_view v) {
  if (v.find_first_of("\\\"\n") == std::string_view::npos) {
    out += v;   // the usual name: nothing to escape
    return;
  }
  for (const char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c; break;
    }
  }
}

void format_metrics(const StatusReport& r, OutBuffer& buf) {
  const uint64_t now = r.now_ms;
  std::string& out = buf.text();

  family(buf, r, "pmtr_job_up", Kind::Gauge, "Whether the job is up: 1 running, ready or starting, else 0.",
         [](std::string& o, const JobStatus& j) {
           o += is_up(j.state) ? '1' : '0';
           return true;
         });

  header(out, "pmtr_job_state", Kind::Gauge, "The job's state: 1 for the current one, 0 for the others.");
  for (const JobStatus& j : r.jobs) {
    for (const PublicState s : kAllStates) {
      sample_start(out, "pmtr_job_state", j);
      out += ",state=\"";
      out += public_state_name(s);
      out += s == j.state ? "\"} 1\n" : "\"} 0\n";
    }
    buf.row_done();
  }

  family(buf, r, "pmtr_job_restarts_total", Kind::Counter, "Restarts of the job since pmtr started.",
         [](std::string& o, const JobStatus& j) {
           append_u64(o, j.restarts);
           return true;
         });
  family(buf, r, "pmtr_job_start_time_seconds", Kind::Gauge,
         "Start time of the job's current process, in Unix seconds (jobs with a process).",
         [now](std::string& o, const JobStatus& j) {
           if (!uptime_ms(j, now)) return false;
           append_ms_as_seconds(o, j.started_ms);
           return true;
         });
  family(buf, r, "pmtr_job_last_exit_code", Kind::Gauge,
         "Exit status of the job's last exit (jobs whose last run exited).",
         [](std::string& o, const JobStatus& j) {
           if (j.last_exit_kind != kExitCode) return false;
           append_i64(o, j.last_exit_value);
           return true;
         });
  family(buf, r, "pmtr_job_last_exit_signal", Kind::Gauge,
         "Number of the signal that ended the job's last run (jobs whose last run was killed).",
         [](std::string& o, const JobStatus& j) {
           if (j.last_exit_kind != kExitSignal) return false;
           append_i64(o, j.last_exit_value);
           return true;
         });
  family(buf, r, "pmtr_job_last_exit_time_seconds", Kind::Gauge,
         "Time of the job's last exit, in Unix seconds (jobs that exited).",
         [](std::string& o, const JobStatus& j) {
           if (j.last_exit_kind == kExitNone || j.last_exit_ms == 0) return false;
           append_ms_as_seconds(o, j.last_exit_ms);
           return true;
         });
  family(buf, r, "pmtr_job_backoff_seconds", Kind::Gauge, "The job's current restart delay, in seconds.",
         [](std::string& o, const JobStatus& j) {
           append_ms_as_seconds(o, j.backoff_ms);
           return true;
         });
  family(buf, r, "pmtr_job_memory_bytes", Kind::Gauge,
         "Memory charged to the job's cgroup (memory.current; jobs with a cgroup and the memory controller).",
         [](std::string& o, const JobStatus& j) {
           if (!j.has_cgroup || !j.memory_bytes) return false;
           append_u64(o, *j.memory_bytes);
           return true;
         });
  family(buf, r, "pmtr_job_tasks", Kind::Gauge,
         "Processes and threads in the job's cgroup (pids.current; jobs with a cgroup and the pids controller).",
         [](std::string& o, const JobStatus& j) {
           if (!j.has_cgroup || !j.tasks) return false;
           append_u64(o, *j.tasks);
           return true;
         });
  family(buf, r, "pmtr_job_cpu_seconds_total", Kind::Counter,
         "CPU time used in the job's cgroup since it was made, in seconds (cpu.stat usage_usec; jobs with a cgroup).",
         [](std::string& o, const JobStatus& j) {
           if (!j.has_cgroup) return false;
           append_u64(o, j.cpu_usec / 1000000);
           o += '.';
           const uint64_t frac = j.cpu_usec % 1000000;
           std::string digits = std::to_string(frac);
           o.append(6 - digits.size(), '0');
           o += digits;
           return true;
         });
  family(buf, r, "pmtr_job_next_start_time_seconds", Kind::Gauge,
         "When a delayed job starts again, in Unix seconds (delayed jobs).",
         [now](std::string& o, const JobStatus& j) {
           if (!next_start_in_ms(j, now)) return false;
           append_ms_as_seconds(o, j.next_start_ms);
           return true;
         });
}

}  // namespace pmtr::ctl
