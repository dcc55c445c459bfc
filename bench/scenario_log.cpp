// Scenarios 10-12, log capture (issue 15), on pmtr: jobs with `log` whose
// lines pmtr-log writes to DIR/JOB/current, beside s6-log and svlogd fed
// by the same writer (bench/scenario_log_peers.cpp).  Until pmtr-log is
// built, pmtr's rows are skipped (a note, not a VOID) and the peers still
// run, so the bar pmtr-log must reach is known.
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/proc_tree.hpp"
#include "bench/scenario_log.hpp"

namespace pmtr::bench {
namespace {

constexpr double kLineBytes = 100;

// The same rotation as the peers (bench/log_pipeline.hpp).
std::string log_globals(const std::string& logs) {
  return "log to " + quote_arg(logs) + "\nlog rotate " + std::to_string(kRotateBytes) + " keep " +
         std::to_string(kKeep) + "\n";
}

double cpu_seconds(uint64_t ticks) { return static_cast<double>(ticks) / static_cast<double>(ticks_per_second()); }

bool have_log_helper(Bench& b, const char* scenario) {
  if (access(b.log_bin().c_str(), X_OK) == 0) return true;
  b.note("%s: pmtr skipped: %s missing", scenario, b.log_bin().c_str());
  return false;
}

// A pmtr with these captured jobs, and its pmtr-log; false (and *why) when
// either did not come up.
bool start_capturing(Bench& b, Run* run, const std::string& tag, const std::vector<JobSpec>& jobs,
                     const std::string& logs, pid_t* helper, std::string* why) {
  *run = b.start_pmtr(b.write_config(tag, jobs, log_globals(logs)), tag);
  if (!b.wait_jobs(jobs.size(), secs(120))) {
    *why = "jobs did not start";
    return false;
  }
  const uint64_t deadline = now_ns() + secs(5);
  while ((*helper = log_helper_of(run->pid)) < 0 && now_ns() < deadline) b.watch().drain_for(ms(10));
  if (*helper < 0) *why = "no pmtr-log child of pmtr";
  return *helper > 0;
}

void end_capturing(Bench& b, Run& run, const std::string& what) {
  b.stop(run, secs(30), nullptr);
  b.check_log(run, what);
  b.finish(run);
}

JobSpec captured_job(const Bench& b, const std::string& name, std::vector<std::string> args,
                     const std::string& report) {
  JobSpec j;
  j.name = name;
  j.argv = linegen_argv(b, std::move(args), report);
  j.extra = {"log"};
  return j;
}

// Reports of every job, then the lines in each job's directory.
double lost_in_jobs(Bench& b, const std::string& logs, const std::vector<JobSpec>& jobs,
                    const std::vector<std::string>& reports, std::string* why) {
  double lost = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    WriterReport r;
    if (!read_report(reports[i], &r)) {
      *why = "no report from " + jobs[i].name;
      return 0;
    }
    const LogCheck c = check_log_dir(logs + "/" + jobs[i].name, r.lines);
    if (!c.ok) {
      *why = "no log directory " + logs + "/" + jobs[i].name;
      return 0;
    }
    lost += static_cast<double>(c.lost);
    if (c.duplicates > 0) b.note("%s: %" PRIu64 " lines logged twice", jobs[i].name.c_str(), c.duplicates);
  }
  return lost;
}

ThroughputSample pmtr_throughput(Bench& b, const std::string& disk, int rep) {
  ThroughputSample out;
  const std::string logs = disk + "/pmtr-logs";
  const std::string report = b.tmp().file("log-throughput." + std::to_string(rep));
  const std::string secs_arg = std::to_string(b.settings().log_seconds);
  const std::vector<JobSpec> jobs{captured_job(b, "writer", {"--seconds", secs_arg, "--pause"}, report)};
  Run run;
  pid_t helper = -1;
  if (start_capturing(b, &run, "log-throughput", jobs, logs, &helper, &out.why)) {
    WriterReport r;
    if (!wait_reports(b, {report}, secs(static_cast<uint64_t>(b.settings().log_seconds) + 60)) ||
        !read_report(report, &r)) {
      out.why = "the writer did not finish";
    } else if (!wait_written(logs, 300, 60000)) {
      out.why = "pmtr-log still writing after 60 s";
    } else {
      // All of pmtr-log's CPU since it started, a few ms before the writer.
      const double cpu = cpu_seconds(cpu_ticks(helper));
      const LogCheck c = check_log_dir(logs, r.lines);
      if (!c.ok) out.why = "no log directory " + logs;
      out.lines_per_s = static_cast<double>(c.lines) / (static_cast<double>(r.ns) / 1e9);
      out.cpu_ms_per_gb = c.lines > 0 ? cpu * 1e3 / (static_cast<double>(c.lines) * kLineBytes / 1e9) : 0;
      out.lost = static_cast<double>(c.lost);
      out.duplicates = static_cast<double>(c.duplicates);
    }
  }
  end_capturing(b, run, "log throughput");
  std::filesystem::remove_all(logs);
  return out;
}

}  // namespace

void add_throughput_rows(Bench& b, const std::string& who, const ThroughputSample& s) {
  const std::string label = "lines/s, 1 writer of 100-byte lines, flat out, " +
                            std::to_string(b.settings().log_seconds) + " s";
  Result& rate = b.row(kLogThroughput, who + ": " + label, Unit::PerSecond);
  Result& cpu = b.row(kLogThroughput, who + ": CPU per GB of lines (utime+stime)", Unit::Millis);
  // The target is pmtr-log's; a peer's loss is reported, not judged.
  Result& lost = b.row(kLogThroughput, who + ": lines lost", Unit::Count,
                       who == "pmtr-log" ? at_most(0, "0") : Target{});
  if (!s.why.empty()) {
    rate.void_reason = s.why;
    return;
  }
  rate.samples.push_back(s.lines_per_s);
  cpu.samples.push_back(s.cpu_ms_per_gb);
  lost.samples.push_back(s.lost);
  if (s.duplicates > 0) b.note("%s: %.0f lines logged twice", who.c_str(), s.duplicates);
}

void scenario_log_throughput(Bench& b) {
  const Settings& s = b.settings();
  TempDir disk("/var/tmp");
  if (!disk.ok()) {
    b.row(kLogThroughput, "lines/s", Unit::PerSecond).void_reason = "cannot create a directory under /var/tmp";
    return;
  }
  const bool pmtr = have_log_helper(b, "logthroughput");
  std::vector<int> who;   // -1 pmtr, else a Logger
  if (pmtr) who.push_back(-1);
  for (Logger l : kLoggers) {
    if (!logger_path(l).empty()) {
      who.push_back(static_cast<int>(l));
    } else {
      b.note("logthroughput: %s not installed (make bench-peers installs it)", logger_name(l));
    }
  }
  const int reps = std::min(s.reps, s.log_reps);
  for (int rep = 0; rep < reps && !ProcessWatch::stop_requested(); ++rep) {
    // Each repetition starts with the next one: a drift in the host's
    // speed does not always hit the same logger.
    for (size_t k = 0; k < who.size(); ++k) {
      const int w = who[(k + static_cast<size_t>(rep)) % who.size()];
      const char* name = w < 0 ? "pmtr-log" : logger_name(static_cast<Logger>(w));
      std::fprintf(stderr, "bench: log throughput, %s, %d s, repetition %d of %d\n", name, s.log_seconds, rep + 1,
                   reps);
      add_throughput_rows(b, name, w < 0 ? pmtr_throughput(b, disk.path(), rep)
                                         : peer_throughput(b, static_cast<Logger>(w), disk.path(), s.log_seconds));
    }
  }
  // The target: pmtr-log at least as fast as the faster peer.
  const std::string label = "lines/s, 1 writer of 100-byte lines, flat out, " + std::to_string(s.log_seconds) + " s";
  Result* ours = b.find(kLogThroughput, "pmtr-log: " + label);
  std::vector<double> best;
  for (Logger l : kLoggers) {
    Result* peer = b.find(kLogThroughput, std::string(logger_name(l)) + ": " + label);
    if (peer == nullptr || peer->samples.empty()) continue;
    if (ours != nullptr) peer->pmtr = ours->samples;
    if (best.empty() || summarize(peer->samples).median > summarize(best).median) best = peer->samples;
  }
  if (ours != nullptr && !best.empty()) {
    ours->floor = best;
    ours->target = {true, 1.0, true, false, ">= s6-log, svlogd", true};
  }
  if (s.keep) disk.keep();
}

void scenario_log_cpu(Bench& b) {
  const Settings& s = b.settings();
  const size_t n = s.log_jobs;
  const int window = s.log_cpu_seconds;
  const std::string label = std::to_string(n) + " writers x " + std::to_string(s.log_rate) + " lines/s, " +
                            std::to_string(window) + " s";
  TempDir disk("/var/tmp");
  // The writers outlast the window: startup, 1 s of settling, and margin
  // (checked below: the window must end before the first writer does).
  const int writing = window + 3;
  const std::vector<std::string> args{"--rate", std::to_string(s.log_rate), "--seconds", std::to_string(writing),
                                      "--pause"};
  if (have_log_helper(b, "logcpu")) {
    Result& cpu = b.row(kLogCpu, "pmtr-log CPU, " + label, Unit::Percent, below(2, "< 2 % of one core"));
    Result& wake = b.row(kLogCpu, "pmtr-log wakeups (voluntary ctx switches)", Unit::PerSecond);
    Result& mon = b.row(kLogCpu, "pmtr (monitor) CPU", Unit::Percent);
    Result& lost = b.row(kLogCpu, "pmtr-log: lines lost", Unit::Count, at_most(0, "0"));
    std::fprintf(stderr, "bench: log CPU, pmtr-log, %s\n", label.c_str());
    const std::string logs = disk.path() + "/pmtr-logs";
    std::vector<JobSpec> jobs;
    std::vector<std::string> reports;
    for (size_t i = 0; i < n; ++i) {
      reports.push_back(b.tmp().file("log-cpu." + std::to_string(i)));
      jobs.push_back(captured_job(b, job_name("w", i), args, reports.back()));
    }
    Run run;
    pid_t helper = -1;
    std::string why;
    if (start_capturing(b, &run, "log-cpu", jobs, logs, &helper, &why)) {
      b.watch().drain_for(secs(1));
      const uint64_t h0 = cpu_ticks(helper), m0 = cpu_ticks(run.pid);
      const uint64_t v0 = status_number(helper, "voluntary_ctxt_switches");
      const uint64_t t0 = now_ns();
      b.watch().drain_for(secs(static_cast<uint64_t>(window)));
      const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
      if (now_ns() - run.t0 > secs(static_cast<uint64_t>(writing)))
        b.note("logcpu: the window ended after the first writers stopped (startup took long): a lower bound");
      cpu.samples.push_back(cpu_seconds(cpu_ticks(helper) - h0) / seconds * 100);
      mon.samples.push_back(cpu_seconds(cpu_ticks(run.pid) - m0) / seconds * 100);
      wake.samples.push_back(static_cast<double>(status_number(helper, "voluntary_ctxt_switches") - v0) / seconds);
      if (!wait_reports(b, reports, secs(60)) || !wait_written(logs, 300, 60000)) {
        lost.void_reason = "the writers did not finish";
      } else {
        const double l = lost_in_jobs(b, logs, jobs, reports, &why);
        if (why.empty()) lost.samples.push_back(l);
        else lost.void_reason = why;
      }
    } else {
      cpu.void_reason = why;
    }
    end_capturing(b, run, "log CPU");
  }
  if (s.keep) disk.keep();
  if (!s.peers) return;
  for (Logger l : kLoggers) {
    std::fprintf(stderr, "bench: log CPU, %s, %s\n", logger_name(l), label.c_str());
    const FleetSample f = peer_fleet(b, l, disk.path(), n, args, window);
    const std::string who = std::string(logger_name(l)) + " x" + std::to_string(n);
    Result& cpu = b.row(kLogCpu, who + ": CPU of the loggers, " + label, Unit::Percent);
    Result& lost = b.row(kLogCpu, who + ": lines lost", Unit::Count);
    if (Result* ours = b.find(kLogCpu, "pmtr-log CPU, " + label)) cpu.pmtr = ours->samples;
    if (!f.why.empty()) {
      cpu.void_reason = f.why;
      continue;
    }
    cpu.samples.push_back(f.cpu_percent);
    lost.samples.push_back(f.lost);
  }
}

void scenario_log_memory(Bench& b) {
  const Settings& s = b.settings();
  const size_t n = s.log_memory_jobs;
  TempDir disk("/var/tmp");
  const std::vector<std::string> args{"--lines", "1", "--pause"};
  const std::string label = std::to_string(n) + " captured jobs idle after 1 line";
  if (have_log_helper(b, "logmemory")) {
    Result& rss = b.row(kLogMemory, "pmtr-log RSS, " + label, Unit::KiB, at_most(2048, "<= 2 MiB"));
    Result& pss = b.row(kLogMemory, "pmtr-log PSS", Unit::KiB);
    Result& lost = b.row(kLogMemory, "pmtr-log: lines lost", Unit::Count, at_most(0, "0"));
    std::fprintf(stderr, "bench: log memory, pmtr-log, %s\n", label.c_str());
    const std::string logs = disk.path() + "/pmtr-logs";
    std::vector<JobSpec> jobs;
    std::vector<std::string> reports;
    for (size_t i = 0; i < n; ++i) {
      reports.push_back(b.tmp().file("log-memory." + std::to_string(i)));
      jobs.push_back(captured_job(b, job_name("m", i), args, reports.back()));
    }
    Run run;
    pid_t helper = -1;
    std::string why;
    if (!start_capturing(b, &run, "log-memory", jobs, logs, &helper, &why)) {
      rss.void_reason = why;
    } else if (!wait_reports(b, reports, secs(60)) || !wait_written(logs, 300, 60000)) {
      rss.void_reason = "the writers did not finish";
    } else {
      const double l = lost_in_jobs(b, logs, jobs, reports, &why);
      if (why.empty()) lost.samples.push_back(l);
      else lost.void_reason = why;
      b.watch().drain_for(ms(300));
      if (const auto m = read_memory(helper)) {
        rss.samples.push_back(static_cast<double>(m->rss_kib));
        pss.samples.push_back(static_cast<double>(m->pss_kib));
      } else {
        rss.void_reason = "pmtr-log's smaps_rollup unreadable";
      }
    }
    end_capturing(b, run, "log memory");
  }
  if (s.keep) disk.keep();
  if (!s.peers) return;
  for (Logger l : kLoggers) {
    std::fprintf(stderr, "bench: log memory, %s, %s\n", logger_name(l), label.c_str());
    const FleetSample f = peer_fleet(b, l, disk.path(), n, args, 0);
    const std::string who = std::string(logger_name(l)) + " x" + std::to_string(n);
    Result& rss = b.row(kLogMemory, who + ": RSS of the loggers, summed", Unit::KiB);
    Result& pss = b.row(kLogMemory, who + ": PSS of the loggers, summed", Unit::KiB);
    Result& lost = b.row(kLogMemory, who + ": lines lost", Unit::Count);
    if (Result* ours = b.find(kLogMemory, "pmtr-log RSS, " + label)) rss.pmtr = ours->samples;
    if (Result* ours = b.find(kLogMemory, "pmtr-log PSS")) pss.pmtr = ours->samples;
    if (!f.why.empty()) {
      rss.void_reason = f.why;
      continue;
    }
    rss.samples.push_back(f.rss_kib);
    pss.samples.push_back(f.pss_kib);
    lost.samples.push_back(f.lost);
  }
}

}  // namespace pmtr::bench
