// Scenarios of a running supervisor: 2 restart latency, 4 idle, 6 shutdown
// of jobs that ignore SIGTERM, 7 restart storm.
#include <signal.h>

#include <algorithm>
#include <string>

#include "bench/bench.hpp"
#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

const char* const kRestart = "2 restart";
const char* const kIdle = "4 idle";
const char* const kShutdown = "6 shutdown";
const char* const kStorm = "7 storm";
const std::vector<std::string> kSleep{"/bin/sleep", "1000"};

struct Breakdown {
  uint64_t total = 0;      // kill -> replacement exec
  uint64_t to_exit = 0;    // kill -> the old process's exit event
  uint64_t to_fork = 0;    // exit -> the supervisor's fork
  uint64_t to_exec = 0;    // fork -> exec
};

// SIGKILL to one job, then until a new job has exec'd.
bool kill_and_respawn(Bench& b, pid_t victim, Breakdown* out) {
  ProcessWatch& w = b.watch();
  w.clear_events();
  const uint64_t t0 = now_ns();
  kill(victim, SIGKILL);
  if (!w.wait_until([&] { return w.job_execs() >= 1; }, t0 + secs(5))) return false;
  out->total = w.last_job_exec_ns() - t0;
  const uint64_t exit = w.exit_ns(victim);
  uint64_t fork = 0;
  for (const auto& e : w.events())
    if (e.kind == ProcEventKind::Fork && e.depth == 1 && e.ns >= t0) {
      fork = e.ns;
      break;
    }
  if (exit != 0 && fork >= exit) {
    out->to_exit = exit - t0;
    out->to_fork = fork - exit;
    out->to_exec = w.last_job_exec_ns() - fork;
  }
  w.drain_for(ms(20));
  return true;
}

void restart_samples(Bench& b, size_t n, Result& total, const std::string& who, bool phases) {
  const std::vector<pid_t> victims = b.watch().running_jobs();
  for (size_t i = 0; i < n && i < victims.size(); ++i) {
    Breakdown bd;
    if (!kill_and_respawn(b, victims[i], &bd)) {
      total.void_reason = "no replacement within 5 s";
      break;
    }
    total.samples.push_back(to_ms(bd.total));
    if (!phases || bd.to_exec == 0) continue;
    b.row(kRestart, who + ": kill -> old job's exit (kernel)", Unit::Millis).samples.push_back(to_ms(bd.to_exit));
    b.row(kRestart, who + ": exit -> fork (supervisor reacts)", Unit::Millis).samples.push_back(to_ms(bd.to_fork));
    b.row(kRestart, who + ": fork -> exec (child setup)", Unit::Millis).samples.push_back(to_ms(bd.to_exec));
  }
}

struct Usage {
  uint64_t ticks = 0;
  uint64_t run_ns = 0;
  uint64_t voluntary = 0;
  uint64_t involuntary = 0;
};

Usage usage_of(const std::vector<pid_t>& pids) {
  Usage u;
  for (pid_t p : pids) {
    if (p <= 0) continue;
    u.ticks += cpu_ticks(p);
    u.run_ns += run_ns(p);
    u.voluntary += status_number(p, "voluntary_ctxt_switches");
    u.involuntary += status_number(p, "nonvoluntary_ctxt_switches");
  }
  return u;
}

}  // namespace

void scenario_restart(Bench& b) {
  const Settings& s = b.settings();
  const size_t n = s.restart_samples;
  Result& total = b.row(kRestart, "pmtr: kill -> replacement exec (job ran >10 s)", Unit::Millis,
                        at_most(1, "<= 1 ms median"));
  Result& floor = b.row(kRestart, "floor fork+setsid+exec respawn: kill -> replacement exec", Unit::Millis);

  std::fprintf(stderr, "bench: restart latency, %zu jobs (waiting 10.5 s for them to count as long-running)\n", n);
  Run run = b.start_pmtr(b.write_config("restart", make_jobs(n, JobKind::Sleep, "r")), "restart");
  if (b.wait_jobs(n, secs(30))) {
    // "Ran at least 10 s" counts from pmtr's fork, which precedes the exec.
    const uint64_t ready = b.watch().last_job_exec_ns() + ms(10500);
    b.watch().drain_for(ready > now_ns() ? ready - now_ns() : 0);
    restart_samples(b, n, total, "pmtr", true);
  } else {
    total.void_reason = "jobs did not start";
  }
  b.stop(run, secs(30), nullptr);
  b.check_log(run, "restart");
  b.finish(run);

  Run fl = b.start_floor("fork", n, true, true, kSleep, "floor-respawn");
  if (b.wait_jobs(n, secs(30))) restart_samples(b, n, floor, "floor", false);
  b.stop(fl, secs(30), nullptr);
  b.finish(fl);
  total.floor = floor.samples;
}

void scenario_idle(Bench& b) {
  const Settings& s = b.settings();
  const std::string label = std::to_string(s.idle_jobs) + " jobs, " + std::to_string(s.idle_seconds) + " s";
  Result& wake = b.row(kIdle, "wakeups (voluntary ctx switches) pmtr + parser, " + label, Unit::PerSecond,
                       at_most(0, "0/s"));
  Result& cpu = b.row(kIdle, "CPU pmtr + parser (utime+stime)", Unit::Percent);
  Result& oncpu = b.row(kIdle, "time on CPU pmtr + parser (schedstat)", Unit::Micros);

  std::fprintf(stderr, "bench: idle, %zu jobs for %d s\n", s.idle_jobs, s.idle_seconds);
  Run run = b.start_pmtr(b.write_config("idle", make_jobs(s.idle_jobs, JobKind::Sleep, "i")), "idle");
  if (b.wait_jobs(s.idle_jobs, secs(30))) {
    b.watch().drain_for(secs(1));   // settle: spawn reports read, parser done
    const std::vector<pid_t> pids{run.pid, parser_of(run.pid)};
    const Usage before = usage_of(pids);
    const uint64_t t0 = now_ns();
    b.watch().drain_for(secs(static_cast<uint64_t>(s.idle_seconds)));
    const Usage after = usage_of(pids);
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    wake.samples.push_back(static_cast<double>(after.voluntary - before.voluntary) / seconds);
    cpu.samples.push_back(static_cast<double>(after.ticks - before.ticks) / static_cast<double>(ticks_per_second()) /
                          seconds * 100);
    oncpu.samples.push_back(static_cast<double>(after.run_ns - before.run_ns) / 1e3);
    if (after.involuntary != before.involuntary)
      b.note("idle: %llu involuntary context switches", static_cast<unsigned long long>(after.involuntary - before.involuntary));
    if (pids[1] < 0) b.note("idle: no parser process found; measured pmtr alone");
  } else {
    wake.void_reason = "jobs did not start";
  }
  b.stop(run, secs(30), nullptr);
  b.check_log(run, "idle");
  b.finish(run);
}

void scenario_ignore(Bench& b) {
  const Settings& s = b.settings();
  Result& down = b.row(kShutdown,
                       "pmtr: SIGTERM -> exited, " + std::to_string(s.ignore_jobs) + " jobs ignoring SIGTERM",
                       Unit::Millis, at_most(10100, "<= 10 s grace + 100 ms"));
  Result& left = b.row(kShutdown, "processes left behind", Unit::Count, at_most(0, "0"));
  const std::string config = b.write_config("ignore", make_jobs(s.ignore_jobs, JobKind::IgnoreTerm, "t"));
  for (int rep = 0; rep < s.ignore_reps; ++rep) {
    std::fprintf(stderr, "bench: shutdown with %zu jobs ignoring SIGTERM (10 s grace), repetition %d of %d\n",
                 s.ignore_jobs, rep + 1, s.ignore_reps);
    Run run = b.start_pmtr(config, "ignore");
    if (!b.wait_jobs(s.ignore_jobs, secs(30))) {
      down.void_reason = "jobs did not start";
      b.finish(run);
      break;
    }
    b.watch().drain_for(ms(300));   // each shell has forked its first sleep
    size_t n_left = 0;
    if (const uint64_t t = b.stop(run, secs(40), &n_left)) {
      down.samples.push_back(to_ms(t));
      left.samples.push_back(static_cast<double>(n_left));
    } else {
      down.void_reason = "pmtr did not exit within 40 s";
    }
    b.check_log(run, "ignore-TERM shutdown");
    b.finish(run);
  }
}

void scenario_storm(Bench& b) {
  const Settings& s = b.settings();
  const size_t n = s.n_large;
  const std::string label = std::to_string(n) + " jobs exiting after 1 s, " + std::to_string(s.storm_seconds) + " s";
  Result& cpu = b.row(kStorm, "pmtr CPU share, " + label, Unit::Percent, below(5, "< 5 % of one core"));
  Result& restarts = b.row(kStorm, "job execs in the window", Unit::Count);
  Result& parser_cpu = b.row(kStorm, "parser CPU share", Unit::Percent);
  Result& per_exec = b.row(kStorm, "pmtr CPU per job exec", Unit::Micros);

  std::fprintf(stderr, "bench: restart storm, %zu jobs for %d s\n", n, s.storm_seconds);
  Run run = b.start_pmtr(b.write_config("storm", make_jobs(n, JobKind::QuickExit, "s")), "storm");
  if (b.wait_jobs(n, secs(60))) {
    const pid_t parser = parser_of(run.pid);
    const uint64_t mon0 = cpu_ticks(run.pid);
    const uint64_t par0 = cpu_ticks(parser);
    b.watch().clear_events();
    const uint64_t t0 = now_ns();
    b.watch().drain_for(secs(static_cast<uint64_t>(s.storm_seconds)));
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    const double hz = static_cast<double>(ticks_per_second());
    const double cpu_s = static_cast<double>(cpu_ticks(run.pid) - mon0) / hz;
    cpu.samples.push_back(cpu_s / seconds * 100);
    parser_cpu.samples.push_back(static_cast<double>(cpu_ticks(parser) - par0) / hz / seconds * 100);
    restarts.samples.push_back(static_cast<double>(b.watch().job_execs()));
    // For comparison with peers that restart at other rates (make bench-peers).
    if (b.watch().job_execs() > 0) per_exec.samples.push_back(cpu_s * 1e6 / static_cast<double>(b.watch().job_execs()));
    if (b.watch().lost()) b.note("storm: process events were lost; the exec count is a lower bound");
  } else {
    cpu.void_reason = "jobs did not start";
  }
  b.stop(run, secs(30), nullptr);
  b.check_log(run, "storm");
  b.finish(run);
}

}  // namespace pmtr::bench
