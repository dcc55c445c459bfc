// Scenarios 1, 3, 5 and 6 (TERM-obeying jobs), which share one pmtr per
// repetition: cold start of N sleeps, then (N = 1000) memory, reloads and
// shutdown.  The floor runs in the same repetition, just before or after
// pmtr (alternating, so a drift in the machine's load hits both alike).
#include <signal.h>

#include <algorithm>
#include <string>

#include "bench/bench.hpp"
#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

const char* const kStart = "1 cold start";
const char* const kReload = "3 reload";
const char* const kMemory = "5 memory";
const char* const kShutdown = "6 shutdown";
const std::vector<std::string> kSleep{"/bin/sleep", "1000"};

std::string jobs_label(size_t n) { return std::to_string(n) + " jobs"; }

// First job exec and per-job spawn cost (first to N-th exec), from the
// tree's events; for pmtr also when its parser exec'd (a helper's exec at
// depth 1) and when the first job was forked.
void record_phases(Bench& b, const std::string& who, size_t n, uint64_t t0) {
  uint64_t first = 0;
  uint64_t helper = 0;
  uint64_t first_fork = 0;
  for (const auto& e : b.watch().events()) {
    if (e.kind == ProcEventKind::Exec && e.job && (first == 0 || e.ns < first)) first = e.ns;
    if (e.kind == ProcEventKind::Exec && e.depth == 1 && !e.job && helper == 0) helper = e.ns;
  }
  if (first == 0 || n < 2) return;
  for (const auto& e : b.watch().events())
    if (e.kind == ProcEventKind::Fork && e.depth == 1 && e.ns > helper && first_fork == 0) first_fork = e.ns;
  if (helper != 0 && first_fork > helper) {
    const std::string at = who + ", " + jobs_label(n) + ": ";
    b.row(kStart, at + "launch -> parser exec", Unit::Millis).samples.push_back(to_ms(helper - t0));
    b.row(kStart, at + "parser exec -> 1st job fork", Unit::Millis).samples.push_back(to_ms(first_fork - helper));
  }
  b.row(kStart, who + ", " + jobs_label(n) + ": launch -> 1st job exec", Unit::Millis).samples.push_back(to_ms(first - t0));
  b.row(kStart, who + ", " + jobs_label(n) + ": per job, 1st -> N-th exec", Unit::Micros)
      .samples.push_back(static_cast<double>(b.watch().last_job_exec_ns() - first) / 1e3 / static_cast<double>(n - 1));
}

// The floors, in the table's order.  The ratio is taken against
// fork+setsid+exec: pmtr's jobs are session leaders, and with the
// scheduler's autogroup every session is a scheduling group of its own,
// which on a busy machine changes how fast N children get to exec.
struct FloorKind {
  const char* mode;
  bool setsid;
  const char* label;
};
constexpr FloorKind kFloors[] = {
    {"fork", true, "floor fork+setsid+exec"},
    {"fork", false, "floor fork+exec (no setsid)"},
    {"vfork", true, "floor vfork+setsid+exec"},
    {"spawn", true, "floor posix_spawn+setsid"},
};
const FloorKind& kRatioFloor = kFloors[0];

std::string floor_label(const FloorKind& f, size_t n) {
  return std::string(f.label) + ", " + jobs_label(n) + ": launch -> N-th exec";
}

void floor_run(Bench& b, const FloorKind& f, size_t n) {
  const bool ratio_floor = &f == &kRatioFloor;
  Result& r = b.row(kStart, floor_label(f, n), Unit::Millis);
  Run run = b.start_floor(f.mode, n, f.setsid, false, kSleep, std::string("floor-") + f.mode);
  if (b.wait_jobs(n, secs(60)) && !b.watch().lost()) {
    r.samples.push_back(to_ms(b.watch().last_job_exec_ns() - run.t0));
    if (ratio_floor && n == b.settings().n_large) record_phases(b, "floor fork+setsid", n, run.t0);
  } else {
    r.void_reason = b.watch().lost() ? "events lost" : "timeout";
  }
  if (ratio_floor && n == b.settings().n_large) {
    Result& s = b.row(kShutdown, "floor: SIGTERM -> all " + jobs_label(n) + " reaped", Unit::Millis);
    size_t left = 0;
    if (const uint64_t t = b.stop(run, secs(30), &left)) s.samples.push_back(to_ms(t));
  } else {
    b.stop(run, secs(30), nullptr);
  }
  b.finish(run);
}

// One config change or addition: save (rename) -> the new job's exec,
// then a quiet 300 ms in which no other job may exit or exec.
void reload_sample(Bench& b, const std::string& config, std::vector<JobSpec>& jobs, bool add, size_t k, Result& lat,
                   Result& others, pid_t pmtr) {
  if (add) {
    jobs.push_back(make_job(JobKind::Sleep, "added", k));
  } else {
    jobs[changed_job_index(k, b.settings().n_large)].argv = changed_argv(k);
  }
  b.watch().clear_events();
  // Where the time goes: CPU spent by the monitor and by the parser.
  const pid_t parser = parser_of(pmtr);
  const uint64_t mon0 = run_ns(pmtr);
  const uint64_t par0 = run_ns(parser);
  std::string why;
  uint64_t t0 = 0;
  if (!save_config(config, render_config(jobs), &why, &t0)) {
    lat.void_reason = why;
    return;
  }
  if (!b.watch().wait_until([&] { return b.watch().job_execs() >= 1; }, t0 + secs(10))) {
    lat.void_reason = "no new exec within 10 s";
    return;
  }
  const uint64_t exec_ns = b.watch().last_job_exec_ns();
  lat.samples.push_back(to_ms(exec_ns - t0));
  // Phases: save -> the old job's exit (change only) -> the fork -> exec.
  uint64_t exit_ns = 0;
  uint64_t fork_ns = 0;
  for (const auto& e : b.watch().events()) {
    if (e.kind == ProcEventKind::Exit && e.depth == 1 && e.job && exit_ns == 0) exit_ns = e.ns;
    if (e.kind == ProcEventKind::Fork && e.depth == 1 && e.ns <= exec_ns) fork_ns = e.ns;
  }
  const char* what = add ? "add" : "change";
  if (fork_ns != 0 && fork_ns >= t0) {
    if (!add && exit_ns != 0 && exit_ns >= t0 && exit_ns <= fork_ns) {
      b.row(kReload, "change: save -> old job's exit", Unit::Millis).samples.push_back(to_ms(exit_ns - t0));
      b.row(kReload, "change: old job's exit -> fork", Unit::Millis).samples.push_back(to_ms(fork_ns - exit_ns));
    } else if (add) {
      b.row(kReload, "add: save -> fork", Unit::Millis).samples.push_back(to_ms(fork_ns - t0));
    }
    b.row(kReload, std::string(what) + ": fork -> exec", Unit::Millis).samples.push_back(to_ms(exec_ns - fork_ns));
  }
  b.watch().drain_for(ms(300));
  b.row(kReload, std::string(what) + ": CPU of pmtr (monitor) per reload", Unit::Millis)
      .samples.push_back(to_ms(run_ns(pmtr) - mon0));
  if (parser > 0 && parser_of(pmtr) == parser)
    b.row(kReload, std::string(what) + ": CPU of pmtr-parser per reload", Unit::Millis)
        .samples.push_back(to_ms(run_ns(parser) - par0));
  const size_t extra_execs = b.watch().job_execs() - 1;
  const size_t expected_exits = add ? 0 : 1;
  const size_t exits = b.watch().child_exits();
  const size_t extra_exits = exits > expected_exits ? exits - expected_exits : 0;
  others.samples.push_back(static_cast<double>(std::max(extra_execs, extra_exits)));
}

void pmtr_run(Bench& b, size_t n, const std::string& config, int rep) {
  const Settings& s = b.settings();
  const bool large = n == s.n_large;
  Result& cold = b.row(kStart, "pmtr, " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis,
                       at_most_floor(1.15, "<= 1.15x floor"));
  Run run = b.start_pmtr(config, "start-" + std::to_string(n));
  if (!b.wait_jobs(n, secs(60)) || b.watch().lost()) {
    cold.void_reason = b.watch().lost() ? "events lost" : "timeout: " + std::to_string(b.watch().job_execs()) + " of " +
                                                              std::to_string(n) + " jobs exec'd";
    b.check_log(run, "cold start");
    b.finish(run);
    return;
  }
  cold.samples.push_back(to_ms(b.watch().last_job_exec_ns() - run.t0));
  if (large) record_phases(b, "pmtr", n, run.t0);

  if (large && s.wants("memory")) {
    b.watch().drain_for(ms(300));   // error pipes read, parser idle
    const pid_t parser = parser_of(run.pid);
    const auto mon = read_memory(run.pid);
    const auto par = read_memory(parser);
    if (mon && par) {
      const std::string at = " (" + jobs_label(n) + ")";
      b.row(kMemory, "PSS pmtr + parser" + at, Unit::KiB, at_most(1536, "<= 1.5 MiB"))
          .samples.push_back(static_cast<double>(mon->pss_kib + par->pss_kib));
      b.row(kMemory, "RSS pmtr + parser" + at, Unit::KiB, at_most(5120, "<= 5 MiB"))
          .samples.push_back(static_cast<double>(mon->rss_kib + par->rss_kib));
      b.row(kMemory, "PSS pmtr (monitor)", Unit::KiB).samples.push_back(static_cast<double>(mon->pss_kib));
      b.row(kMemory, "PSS pmtr-parser", Unit::KiB).samples.push_back(static_cast<double>(par->pss_kib));
      b.row(kMemory, "RSS pmtr (monitor)", Unit::KiB).samples.push_back(static_cast<double>(mon->rss_kib));
      b.row(kMemory, "RSS pmtr-parser", Unit::KiB).samples.push_back(static_cast<double>(par->rss_kib));
    } else {
      b.row(kMemory, "PSS pmtr + parser (" + jobs_label(n) + ")", Unit::KiB, at_most(1536, "<= 1.5 MiB")).void_reason =
          "smaps_rollup unreadable";
    }
  }

  if (large && s.wants("reload")) {
    auto jobs = make_jobs(n, JobKind::Sleep);
    Result& change = b.row(kReload, "change 1 job of " + std::to_string(n) + ": save -> its new exec", Unit::Millis,
                           at_most(5, "<= 5 ms"));
    Result& add = b.row(kReload, "add 1 job to " + std::to_string(n) + ": save -> its exec", Unit::Millis,
                        at_most(5, "<= 5 ms"));
    Result& others = b.row(kReload, "other jobs restarted per reload", Unit::Count, at_most(0, "0"));
    for (const char* phase : {"change: save -> old job's exit", "change: old job's exit -> fork", "change: fork -> exec",
                              "add: save -> fork", "add: fork -> exec"})
      (void)b.row(kReload, phase, Unit::Millis);
    for (const char* what : {"change", "add"})
      for (const char* who : {"pmtr (monitor)", "pmtr-parser"})
        (void)b.row(kReload, std::string(what) + ": CPU of " + who + " per reload", Unit::Millis);
    for (size_t i = 0; i < s.reload_samples; ++i) {
      const size_t k = static_cast<size_t>(rep) * s.reload_samples + i;   // distinct edits across repetitions
      reload_sample(b, config, jobs, false, k, change, others, run.pid);
      reload_sample(b, config, jobs, true, k, add, others, run.pid);
    }
    // The next repetition starts from the original config again.
    std::string why;
    (void)save_config(config, render_config(make_jobs(n, JobKind::Sleep)), &why);
    b.watch().drain_for(ms(300));
  }

  if (large) {
    Result& down = b.row(kShutdown, "pmtr: SIGTERM -> exited, all " + jobs_label(n) + " reaped", Unit::Millis,
                         at_most(300, "<= 300 ms"));
    Result& left = b.row(kShutdown, "processes left behind", Unit::Count, at_most(0, "0"));
    size_t n_left = 0;
    if (const uint64_t t = b.stop(run, secs(30), &n_left)) {
      down.samples.push_back(to_ms(t));
      left.samples.push_back(static_cast<double>(n_left));
    } else {
      down.void_reason = "pmtr did not exit within 30 s";
    }
  } else {
    b.stop(run, secs(30), nullptr);
  }
  b.check_log(run, "cold start " + jobs_label(n));
  b.finish(run);
}

// Jobs beyond the fd headroom: a service gets a soft RLIMIT_NOFILE of 1024
// by default, and a supervisor that holds an fd per starting job must still
// start them all.
void fd_headroom(Bench& b) {
  const size_t n = 1100;
  Result& r = b.row(kStart, std::to_string(n) + " jobs at RLIMIT_NOFILE " + std::to_string(b.settings().nofile) +
                                ": jobs started",
                    Unit::Count, at_least(static_cast<double>(n), "all " + std::to_string(n)));
  std::fprintf(stderr, "bench: %zu jobs at RLIMIT_NOFILE %llu\n", n, static_cast<unsigned long long>(b.settings().nofile));
  Run run = b.start_pmtr(b.write_config("headroom", make_jobs(n, JobKind::Sleep, "h")), "headroom");
  // Until every job has exec'd, or no new one did for half a second.
  size_t seen = 0;
  uint64_t last_change = now_ns();
  while (b.watch().job_execs() < n && now_ns() - last_change < ms(500) && now_ns() - run.t0 < secs(30)) {
    b.watch().drain_for(ms(50));
    if (b.watch().job_execs() != seen) {
      seen = b.watch().job_execs();
      last_change = now_ns();
    }
  }
  r.samples.push_back(static_cast<double>(b.watch().job_execs()));
  b.stop(run, secs(30), nullptr);
  b.check_log(run, "fd headroom");
  b.finish(run);
}

}  // namespace

void scenario_start(Bench& b) {
  const Settings& s = b.settings();
  // The table's order: pmtr, then its floors, then the phases.
  for (size_t n : {s.n_small, s.n_large}) {
    b.row(kStart, "pmtr, " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis, at_most_floor(1.15, "<= 1.15x floor"));
    for (const auto& f : kFloors) b.row(kStart, floor_label(f, n), Unit::Millis);
  }
  for (const char* phase : {"launch -> parser exec", "parser exec -> 1st job fork"})
    b.row(kStart, "pmtr, " + jobs_label(s.n_large) + ": " + phase, Unit::Millis);
  for (const char* who : {"pmtr", "floor fork+setsid"}) {
    b.row(kStart, std::string(who) + ", " + jobs_label(s.n_large) + ": launch -> 1st job exec", Unit::Millis);
    b.row(kStart, std::string(who) + ", " + jobs_label(s.n_large) + ": per job, 1st -> N-th exec", Unit::Micros);
  }
  fd_headroom(b);
  for (size_t n : {s.n_small, s.n_large}) {
    const std::string config = b.write_config("start-" + std::to_string(n), make_jobs(n, JobKind::Sleep));
    for (int rep = 0; rep < s.reps; ++rep) {
      std::fprintf(stderr, "bench: cold start %zu jobs, repetition %d of %d\n", n, rep + 1, s.reps);
      auto floors = [&] {
        for (const auto& f : kFloors) floor_run(b, f, n);
      };
      if (rep % 2 == 0) {
        floors();
        pmtr_run(b, n, config, rep);
      } else {
        pmtr_run(b, n, config, rep);
        floors();
      }
    }
    Result& cold = b.row(kStart, "pmtr, " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis);
    cold.floor = b.row(kStart, floor_label(kRatioFloor, n), Unit::Millis).samples;
  }
  const std::string down = "pmtr: SIGTERM -> exited, all " + jobs_label(s.n_large) + " reaped";
  Result& d = b.row(kShutdown, down, Unit::Millis);
  d.floor = b.row(kShutdown, "floor: SIGTERM -> all " + jobs_label(s.n_large) + " reaped", Unit::Millis).samples;
}

}  // namespace pmtr::bench
