// `make bench-peers`: scenarios 1 (cold start), 2 (restart), 3 (reload:
// add one job), 4 (idle), 5 (memory) and 6 (shutdown) on runit, s6 and
// supervisord, in the same run as pmtr's, with pmtr's median over the
// peer's in the "pmtr vs peer" column.  Each peer runs in the foreground on
// a directory under the bench's temporary directory; everything it starts
// is followed from the pid the bench forked and ended by pid.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "bench/bench.hpp"
#include "bench/peers.hpp"
#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

const char* const kStart = "1 cold start";
const char* const kRestart = "2 restart";
const char* const kReload = "3 reload";
const char* const kIdle = "4 idle";
const char* const kMemory = "5 memory";
const char* const kShutdown = "6 shutdown";
const std::vector<std::string> kSleep{"/bin/sleep", "1000"};

std::string jobs_label(size_t n) { return std::to_string(n) + " jobs"; }

std::string which(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"}) {
    const std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

// One peer's setup for N jobs: its directory, and how to start it.
struct Setup {
  Peer peer = Peer::Runit;
  std::string dir;    // scandir, or supervisord's directory
  std::string conf;   // supervisord only
  std::vector<std::string> argv;
  std::vector<Program> programs;
};

Setup prepare(Bench& b, Peer p, size_t n, const std::string& prefix) {
  Setup s;
  s.peer = p;
  s.dir = b.tmp().file(std::string(peer_name(p)) + "-" + prefix + "-" + std::to_string(n));
  std::filesystem::remove_all(s.dir);
  std::filesystem::create_directories(s.dir);
  std::string why;
  for (size_t i = 0; i < n; ++i) {
    const std::string name = job_name(prefix, i);
    if (p == Peer::Supervisord) {
      s.programs.push_back({name, kSleep});
    } else if (!write_service_dir(s.dir, name, kSleep, &why)) {
      b.note("%s: %s", peer_name(p), why.c_str());
      break;
    }
  }
  switch (p) {
    case Peer::Runit:
      s.argv = {which("runsvdir"), "-P", s.dir};
      break;
    case Peer::S6:
      s.argv = {which("s6-svscan"), "-c", std::to_string(n + 100), s.dir};
      break;
    case Peer::Supervisord:
      s.conf = s.dir + "/supervisord.conf";
      if (!save_config(s.conf, supervisord_config(s.dir, s.programs), &why)) b.note("supervisord: %s", why.c_str());
      s.argv = {which("supervisord"), "-n", "-c", s.conf};
      break;
  }
  return s;
}

Run start(Bench& b, const Setup& s, const std::string& tag) {
  b.watch().set_job_rule(peer_job_depth(s.peer), {"sleep"});
  return b.start_program(s.argv, std::string(peer_name(s.peer)) + "-" + tag);
}

// The peer's own processes: every live member of the tree that is not a job.
std::vector<pid_t> own_processes(Bench& b) {
  const auto jobs = b.watch().running_jobs();
  std::vector<pid_t> out;
  for (pid_t p : b.watch().alive_members())
    if (!std::binary_search(jobs.begin(), jobs.end(), p) && alive(p)) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

// Runs a control command (s6-svscanctl, supervisorctl) to completion.
bool control(Bench& b, const std::vector<std::string>& argv, const std::string& tag) {
  Launch how;
  how.argv = argv;
  how.output = b.tmp().file(tag + ".log");
  int status = 0;
  (void)run_timed(how, &status);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  b.note("%s: exit status %d (see %s)", argv[0].c_str(), status, how.output.c_str());
  return false;
}

// The peer's way to stop everything; then until every process of the
// tree is gone.  ns from the signal (or the control command's start) to
// the last exit, 0 on timeout.
uint64_t shutdown(Bench& b, const Setup& s, Run& run, uint64_t timeout_ns) {
  if (run.pid <= 0) return 0;
  const uint64_t t0 = now_ns();
  switch (s.peer) {
    case Peer::Runit:
      kill(run.pid, SIGHUP);   // runsvdir: TERM to every runsv, which stop their service and exit
      break;
    case Peer::S6:
      (void)control(b, {which("s6-svscanctl"), "-t", s.dir}, "s6-svscanctl-t");
      break;
    case Peer::Supervisord:
      kill(run.pid, SIGTERM);
      break;
  }
  ProcessWatch& w = b.watch();
  const bool done = w.wait_until([&] { return w.alive_members().empty(); }, t0 + timeout_ns);
  run.reaped = reap(run.pid, 5000, &run.status);
  if (!done) return 0;
  uint64_t last = 0;
  for (const auto& e : w.events())
    if (e.kind == ProcEventKind::Exit) last = std::max(last, e.ns);
  return last > t0 ? last - t0 : 1;
}

// Whatever is left: SIGKILL by pid to the root and every member the watch
// saw (a peer's graceful stop is only timed where the scenario asks).
void end(Bench& b, Run& run) { b.finish(run); }

// Scenario 3: one job added to a running peer with n jobs; save -> its exec,
// and how many other jobs exited or exec'd in the next 300 ms.
void add_one(Bench& b, Setup& s, size_t n, size_t k) {
  const std::string who = peer_name(s.peer);
  const std::string lat_metric = who + ": add 1 job to " + std::to_string(n) + ": save -> its exec";
  // runsvdir supervises at most 1000 service directories (MAXSERVICES in
  // runsvdir.c): a 1001st is never started.  Measured as such: whether it
  // started within 7 s (runsvdir looks every 5 s).
  const bool capped = s.peer == Peer::Runit && n >= 1000;
  ProcessWatch& w = b.watch();
  w.clear_events();
  const std::string name = job_name("added", k);
  std::string why;
  uint64_t t0 = 0;
  bool ok = true;
  switch (s.peer) {
    case Peer::Runit:
      // runsvdir looks at its directory every 5 s: no signal makes it rescan.
      ok = write_service_dir(s.dir, name, kSleep, &why, &t0);
      break;
    case Peer::S6:
      ok = write_service_dir(s.dir, name, kSleep, &why, &t0) &&
           control(b, {which("s6-svscanctl"), "-a", s.dir}, "s6-svscanctl-a");
      break;
    case Peer::Supervisord: {
      s.programs.push_back({name, kSleep});
      ok = save_config(s.conf, supervisord_config(s.dir, s.programs), &why, &t0) &&
           control(b, {which("supervisorctl"), "-c", s.conf, "update"}, "supervisorctl-update");
      s.programs.pop_back();   // the next repetition starts from the original config
      break;
    }
  }
  if (!ok) {
    b.row(kReload, lat_metric, Unit::Millis).void_reason = why.empty() ? "control command failed" : why;
    return;
  }
  const bool started = w.wait_until([&] { return w.job_execs() >= 1; }, t0 + (capped ? secs(7) : secs(15)));
  if (capped) {
    b.row(kReload, who + ": a service added to " + std::to_string(n) + " started within 7 s", Unit::Count)
        .samples.push_back(started ? 1 : 0);
    if (started) b.row(kReload, lat_metric, Unit::Millis).samples.push_back(to_ms(w.last_job_exec_ns() - t0));
    return;
  }
  Result& lat = b.row(kReload, lat_metric, Unit::Millis);
  if (!started) {
    lat.void_reason = "no new exec within 15 s";
    return;
  }
  lat.samples.push_back(to_ms(w.last_job_exec_ns() - t0));
  w.drain_for(ms(300));
  // Other jobs: exits of jobs, and job execs beyond the added one's.
  size_t job_exits = 0;
  for (const auto& e : w.events())
    if (e.kind == ProcEventKind::Exit && e.job) ++job_exits;
  const size_t extra_execs = w.job_execs() - 1;
  b.row(kReload, who + ": other jobs restarted per reload", Unit::Count)
      .samples.push_back(static_cast<double>(std::max(extra_execs, job_exits)));
}

void cold_run(Bench& b, Setup& s, size_t n, int rep) {
  const Settings& st = b.settings();
  const std::string who = peer_name(s.peer);
  const bool large = n == st.n_large;
  Result& cold = b.row(kStart, who + ", " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis);
  Run run = start(b, s, "start-" + std::to_string(n));
  if (!b.wait_jobs(n, secs(120)) || b.watch().lost()) {
    cold.void_reason = b.watch().lost() ? "events lost"
                                        : "timeout: " + std::to_string(b.watch().job_execs()) + " of " +
                                              std::to_string(n) + " jobs exec'd";
    end(b, run);
    return;
  }
  cold.samples.push_back(to_ms(b.watch().last_job_exec_ns() - run.t0));
  if (!large && st.wants("reload")) {
    b.watch().drain_for(ms(300));
    add_one(b, s, n, static_cast<size_t>(rep));
  }
  if (large) {
    b.watch().drain_for(ms(500));   // settled: every run script is its sleep
    const auto own = own_processes(b);
    Memory sum;
    for (pid_t p : own)
      if (const auto m = read_memory(p)) {
        sum.rss_kib += m->rss_kib;
        sum.pss_kib += m->pss_kib;
      }
    const std::string at = " (" + jobs_label(n) + ", " + std::to_string(own.size()) + " processes)";
    b.row(kMemory, who + ": PSS of its own processes", Unit::KiB).samples.push_back(static_cast<double>(sum.pss_kib));
    b.row(kMemory, who + ": RSS of its own processes", Unit::KiB).samples.push_back(static_cast<double>(sum.rss_kib));
    b.row(kMemory, who + ": own processes", Unit::Count).samples.push_back(static_cast<double>(own.size()));
    if (st.wants("reload")) add_one(b, s, n, static_cast<size_t>(rep));
    Result& down = b.row(kShutdown, who + ": stop -> all " + jobs_label(n) + " and itself gone", Unit::Millis);
    // supervisord stops its groups one after the other (each program is a
    // group of its own), which takes minutes with 1000: timed once.
    const bool slow = s.peer == Peer::Supervisord;
    if (!slow || rep == 0) {
      const uint64_t limit = slow ? secs(300) : secs(60);
      if (const uint64_t t = shutdown(b, s, run, limit)) down.samples.push_back(to_ms(t));
      else down.void_reason = "not all gone within " + std::to_string(limit / secs(1)) + " s";
    }
  }
  end(b, run);
  // The added job goes: the next repetition starts from n again.
  if (s.peer != Peer::Supervisord) std::filesystem::remove_all(s.dir + "/" + job_name("added", static_cast<size_t>(rep)));
}

void restart_run(Bench& b, Peer p) {
  const size_t n = b.settings().restart_samples;
  const std::string who = peer_name(p);
  Result& total = b.row(kRestart, who + ": kill -> replacement exec (job ran >10 s)", Unit::Millis);
  Setup s = prepare(b, p, n, "r");
  std::fprintf(stderr, "bench: %s restart latency, %zu jobs (10.5 s wait)\n", who.c_str(), n);
  Run run = start(b, s, "restart");
  ProcessWatch& w = b.watch();
  if (b.wait_jobs(n, secs(60))) {
    const uint64_t ready = w.last_job_exec_ns() + ms(10500);
    w.drain_for(ready > now_ns() ? ready - now_ns() : 0);
    const std::vector<pid_t> victims = w.running_jobs();
    for (size_t i = 0; i < n && i < victims.size(); ++i) {
      w.clear_events();
      const uint64_t t0 = now_ns();
      kill(victims[i], SIGKILL);
      if (!w.wait_until([&] { return w.job_execs() >= 1; }, t0 + secs(10))) {
        total.void_reason = "no replacement within 10 s";
        break;
      }
      total.samples.push_back(to_ms(w.last_job_exec_ns() - t0));
      w.drain_for(ms(20));
    }
  } else {
    total.void_reason = "jobs did not start";
  }
  end(b, run);
}

struct Usage {
  uint64_t ticks = 0;
  uint64_t voluntary = 0;
};

Usage usage_of(const std::vector<pid_t>& pids) {
  Usage u;
  for (pid_t p : pids) {
    u.ticks += cpu_ticks(p);
    u.voluntary += status_number(p, "voluntary_ctxt_switches");
  }
  return u;
}

void idle_run(Bench& b, Peer p) {
  const Settings& st = b.settings();
  const std::string who = peer_name(p);
  const std::string label = std::to_string(st.idle_jobs) + " jobs, " + std::to_string(st.idle_seconds) + " s";
  Result& wake = b.row(kIdle, who + ": wakeups (voluntary ctx switches) of its own processes, " + label,
                       Unit::PerSecond);
  Result& cpu = b.row(kIdle, who + ": CPU of its own processes (utime+stime)", Unit::Percent);
  Setup s = prepare(b, p, st.idle_jobs, "i");
  std::fprintf(stderr, "bench: %s idle, %zu jobs for %d s\n", who.c_str(), st.idle_jobs, st.idle_seconds);
  Run run = start(b, s, "idle");
  if (b.wait_jobs(st.idle_jobs, secs(60))) {
    b.watch().drain_for(secs(1));
    const auto pids = own_processes(b);
    const Usage before = usage_of(pids);
    const uint64_t t0 = now_ns();
    b.watch().drain_for(secs(static_cast<uint64_t>(st.idle_seconds)));
    const Usage after = usage_of(pids);
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    wake.samples.push_back(static_cast<double>(after.voluntary - before.voluntary) / seconds);
    cpu.samples.push_back(static_cast<double>(after.ticks - before.ticks) / static_cast<double>(ticks_per_second()) /
                          seconds * 100);
  } else {
    wake.void_reason = "jobs did not start";
  }
  end(b, run);
}

// pmtr's samples of the same metric, for the ratio column.
void compare(Bench& b, const std::string& scenario, const std::string& pmtr_metric, const std::string& peer_metric,
             Unit unit) {
  (void)unit;
  const Result* mine = b.find(scenario, pmtr_metric);
  if (mine == nullptr || mine->samples.empty()) return;
  for (Peer p : kPeers)
    if (Result* r = b.find(scenario, std::string(peer_name(p)) + peer_metric)) r->pmtr = mine->samples;
}

}  // namespace

void scenario_peers(Bench& b) {
  const Settings& st = b.settings();
  for (Peer p : kPeers) {
    const char* bin = p == Peer::Runit ? "runsvdir" : p == Peer::S6 ? "s6-svscan" : "supervisord";
    if (which(bin).empty()) {
      b.note("%s: %s not installed (make bench-peers installs runit, s6 and supervisor)", peer_name(p), bin);
      return;
    }
  }
  // Rows in the table's order, so a void one still shows.
  for (size_t n : {st.n_small, st.n_large})
    for (Peer p : kPeers) (void)b.row(kStart, std::string(peer_name(p)) + ", " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis);

  for (size_t n : {st.n_small, st.n_large}) {
    std::vector<Setup> setups;
    for (Peer p : kPeers) setups.push_back(prepare(b, p, n, "j"));
    for (int rep = 0; rep < st.reps; ++rep) {
      std::fprintf(stderr, "bench: peers cold start %zu jobs, repetition %d of %d\n", n, rep + 1, st.reps);
      for (auto& s : setups) {
        if (ProcessWatch::stop_requested()) break;
        cold_run(b, s, n, rep);
      }
    }
    for (auto& s : setups) std::filesystem::remove_all(s.dir);
  }
  if (st.wants("restart"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) restart_run(b, p);
  if (st.wants("idle"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) idle_run(b, p);
  b.watch().set_job_rule(1, {});

  for (size_t n : {st.n_small, st.n_large})
    compare(b, kStart, "pmtr, " + jobs_label(n) + ": launch -> N-th exec", ", " + jobs_label(n) + ": launch -> N-th exec",
            Unit::Millis);
  compare(b, kRestart, "pmtr: kill -> replacement exec (job ran >10 s)", ": kill -> replacement exec (job ran >10 s)",
          Unit::Millis);
  compare(b, kReload, "add 1 job to " + std::to_string(st.n_large) + ": save -> its exec",
          ": add 1 job to " + std::to_string(st.n_large) + ": save -> its exec", Unit::Millis);
  compare(b, kMemory, "PSS pmtr + parser (" + jobs_label(st.n_large) + ")", ": PSS of its own processes", Unit::KiB);
  compare(b, kMemory, "RSS pmtr + parser (" + jobs_label(st.n_large) + ")", ": RSS of its own processes", Unit::KiB);
  compare(b, kShutdown, "pmtr: SIGTERM -> exited, all " + jobs_label(st.n_large) + " reaped",
          ": stop -> all " + jobs_label(st.n_large) + " and itself gone", Unit::Millis);
  const std::string label = std::to_string(st.idle_jobs) + " jobs, " + std::to_string(st.idle_seconds) + " s";
  compare(b, kIdle, "wakeups (voluntary ctx switches) pmtr + parser, " + label,
          ": wakeups (voluntary ctx switches) of its own processes, " + label, Unit::PerSecond);
  compare(b, kIdle, "CPU pmtr + parser (utime+stime)", ": CPU of its own processes (utime+stime)", Unit::Percent);
}

}  // namespace pmtr::bench
