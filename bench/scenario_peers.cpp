// `make bench-peers`: scenarios 1 (cold start), 2 (restart), 3 (reload:
// change one job, add one job), 4 (idle), 5 (memory) and 6 (shutdown) on
// runit, s6 and supervisord, in the same run as pmtr's, with pmtr's median
// over the peer's in the "pmtr vs peer" column; 6 with TERM-ignoring jobs
// and 7 (restart storm) are in bench/scenario_peers_runtime.cpp.  Each peer
// runs in the foreground on a directory under the bench's temporary
// directory; everything it starts is followed from the pid the bench forked
// and ended by pid.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "bench/bench.hpp"
#include "bench/peer_run.hpp"
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
const char* const kStorm = "7 storm";
const std::vector<std::string> kSleep{"/bin/sleep", "1000"};

std::string jobs_label(size_t n) { return std::to_string(n) + " jobs"; }

// Other jobs a reload touched, in the 300 ms after the expected exec: job
// execs beyond that one, job exits beyond the expected ones (the changed
// job's old process).
double others_restarted(const ProcessWatch& w, size_t expected_exits) {
  size_t job_exits = 0;
  for (const auto& e : w.events())
    if (e.kind == ProcEventKind::Exit && e.job) ++job_exits;
  const size_t extra_execs = w.job_execs() > 0 ? w.job_execs() - 1 : 0;
  const size_t extra_exits = job_exits > expected_exits ? job_exits - expected_exits : 0;
  return static_cast<double>(std::max(extra_execs, extra_exits));
}

// Scenario 3: one job added to a running peer with n jobs; save -> its exec,
// and how many other jobs exited or exec'd in the next 300 ms.
void add_one(Bench& b, PeerSetup& s, size_t n, size_t k) {
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
      s.programs.pop_back();   // restore() saves the config without it
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
  b.row(kReload, who + ": other jobs restarted per reload", Unit::Count).samples.push_back(others_restarted(w, 0));
}

// Scenario 3, second half: one job's command changed, applied the peer's
// way.  runit and s6 have no config file: the admin rewrites the service's
// run script and restarts that one service (`sv restart`: TERM, CONT, up;
// `s6-svc -r`: TERM, and s6-supervise spawns ./run again).  supervisord
// re-reads its config on `supervisorctl update` and stops, removes and
// re-adds every program whose section changed.  Save -> the job's new
// exec; then, as for an addition, 300 ms in which any other job's exit or
// exec counts (the changed job's old process must exit: expected).
void change_one(Bench& b, PeerSetup& s, size_t n, size_t k) {
  const std::string who = peer_name(s.peer);
  Result& lat = b.row(kReload, who + ": change 1 job of " + std::to_string(n) + ": save -> its new exec", Unit::Millis);
  const size_t index = changed_job_index(k, n);
  const std::vector<std::string> argv = changed_argv(k);
  const std::string service = s.dir + "/" + job_name(s.prefix, index);
  ProcessWatch& w = b.watch();
  w.clear_events();
  s.changed.push_back(index);
  std::string why;
  uint64_t t0 = 0;
  bool ok = true;
  switch (s.peer) {
    case Peer::Runit:
      ok = replace_run_script(service, argv, &why, &t0) && control(b, {which("sv"), "restart", service}, "sv-restart");
      break;
    case Peer::S6:
      ok = replace_run_script(service, argv, &why, &t0) && control(b, {which("s6-svc"), "-r", service}, "s6-svc-r");
      break;
    case Peer::Supervisord:
      s.programs[index].argv = argv;
      ok = save_config(s.conf, supervisord_config(s.dir, s.programs), &why, &t0) &&
           control(b, {which("supervisorctl"), "-c", s.conf, "update"}, "supervisorctl-update");
      break;
  }
  if (!ok) {
    lat.void_reason = why.empty() ? "control command failed" : why;
    return;
  }
  if (!w.wait_until([&] { return w.job_execs() >= 1; }, t0 + secs(15))) {
    lat.void_reason = "no new exec within 15 s";
    return;
  }
  lat.samples.push_back(to_ms(w.last_job_exec_ns() - t0));
  w.drain_for(ms(300));
  b.row(kReload, who + ": other jobs restarted per reload", Unit::Count).samples.push_back(others_restarted(w, 1));
}

// Back to the setup's original jobs for the next repetition: the added
// service goes, changed commands are restored.  supervisord's config is
// saved again too: it reads the whole file at start, so a program added in
// one repetition would start with the next one and be removed by that
// repetition's first `update`, and its exit be counted as a job the reload
// restarted (the "1" of earlier runs).
void restore(Bench& b, PeerSetup& s, size_t rep) {
  std::string why;
  if (s.peer == Peer::Supervisord) {
    for (size_t i : s.changed) s.programs[i].argv = kSleep;
    if (!save_config(s.conf, supervisord_config(s.dir, s.programs), &why)) b.note("supervisord: %s", why.c_str());
  } else {
    std::filesystem::remove_all(s.dir + "/" + job_name("added", rep));
    for (size_t i : s.changed)
      if (!replace_run_script(s.dir + "/" + job_name(s.prefix, i), kSleep, &why)) b.note("%s: %s", peer_name(s.peer), why.c_str());
  }
  s.changed.clear();
}

void cold_run(Bench& b, PeerSetup& s, size_t n, int rep) {
  const Settings& st = b.settings();
  const std::string who = peer_name(s.peer);
  const bool large = n == st.n_large;
  Result& cold = b.row(kStart, who + ", " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis);
  Run run = start_peer(b, s, "start-" + std::to_string(n));
  if (!b.wait_jobs(n, secs(120)) || b.watch().lost()) {
    cold.void_reason = b.watch().lost() ? "events lost"
                                        : "timeout: " + std::to_string(b.watch().job_execs()) + " of " +
                                              std::to_string(n) + " jobs exec'd";
    end_peer(b, run);
    return;
  }
  cold.samples.push_back(to_ms(b.watch().last_job_exec_ns() - run.t0));
  const uint64_t all_started = b.watch().last_job_exec_ns();
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
    if (st.wants("reload")) {
      // runsv sleeps a second before restarting a service that ran less
      // than one: an admin's change meets services that ran longer.
      const uint64_t ready = all_started + ms(1100);
      if (ready > now_ns()) b.watch().drain_for(ready - now_ns());
      for (size_t i = 0; i < st.reload_samples; ++i)
        change_one(b, s, n, static_cast<size_t>(rep) * st.reload_samples + i);   // distinct edits across repetitions
      add_one(b, s, n, static_cast<size_t>(rep));
    }
    Result& down = b.row(kShutdown, who + ": stop -> all " + jobs_label(n) + " and itself gone", Unit::Millis);
    // supervisord stops its groups one after the other (each program is a
    // group of its own), which takes minutes with 1000: timed once.
    const bool slow = s.peer == Peer::Supervisord;
    if (!slow || rep == 0) {
      const uint64_t limit = slow ? secs(300) : secs(60);
      if (const uint64_t t = stop_peer(b, s, run, limit)) down.samples.push_back(to_ms(t));
      else down.void_reason = "not all gone within " + std::to_string(limit / secs(1)) + " s";
    }
  }
  end_peer(b, run);
  restore(b, s, static_cast<size_t>(rep));
}

void restart_run(Bench& b, Peer p) {
  const size_t n = b.settings().restart_samples;
  const std::string who = peer_name(p);
  Result& total = b.row(kRestart, who + ": kill -> replacement exec (job ran >10 s)", Unit::Millis);
  PeerSetup s = prepare_peer(b, p, n, "r");
  std::fprintf(stderr, "bench: %s restart latency, %zu jobs (10.5 s wait)\n", who.c_str(), n);
  Run run = start_peer(b, s, "restart");
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
  end_peer(b, run);
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
  PeerSetup s = prepare_peer(b, p, st.idle_jobs, "i");
  std::fprintf(stderr, "bench: %s idle, %zu jobs for %d s\n", who.c_str(), st.idle_jobs, st.idle_seconds);
  Run run = start_peer(b, s, "idle");
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
  end_peer(b, run);
}

// Scenarios 1, 3, 5 and 6 (TERM-obeying jobs): a cold start of each peer
// per repetition, N = 100 and 1000, on one setup per peer and N (the
// reloads' edits are undone after each repetition).
void cold_runs(Bench& b) {
  const Settings& st = b.settings();
  // Rows in the table's order, so a void one still shows.
  for (size_t n : {st.n_small, st.n_large})
    for (Peer p : kPeers) (void)b.row(kStart, std::string(peer_name(p)) + ", " + jobs_label(n) + ": launch -> N-th exec", Unit::Millis);
  for (size_t n : {st.n_small, st.n_large}) {
    std::vector<PeerSetup> setups;
    for (Peer p : kPeers) setups.push_back(prepare_peer(b, p, n, "j"));
    for (int rep = 0; rep < st.reps; ++rep) {
      std::fprintf(stderr, "bench: peers cold start %zu jobs, repetition %d of %d\n", n, rep + 1, st.reps);
      for (auto& s : setups) {
        if (ProcessWatch::stop_requested()) break;
        cold_run(b, s, n, rep);
      }
    }
    for (auto& s : setups) std::filesystem::remove_all(s.dir);
  }
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
  // One run of each peer per repetition serves 1, 3, 5 and 6 (as pmtr's).
  if (st.wants("start") || st.wants("reload") || st.wants("memory") || st.wants("shutdown")) cold_runs(b);
  if (st.wants("restart"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) restart_run(b, p);
  if (st.wants("idle"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) idle_run(b, p);
  if (st.wants("shutdown") || st.wants("ignore"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) peer_ignore(b, p);
  if (st.wants("storm"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) peer_storm(b, p);
  if (st.wants("control"))
    for (Peer p : kPeers)
      if (!ProcessWatch::stop_requested()) peer_status(b, p);
  b.watch().set_job_rule(1, {});

  for (size_t n : {st.n_small, st.n_large})
    compare(b, kStart, "pmtr, " + jobs_label(n) + ": launch -> N-th exec", ", " + jobs_label(n) + ": launch -> N-th exec",
            Unit::Millis);
  compare(b, kRestart, "pmtr: kill -> replacement exec (job ran >10 s)", ": kill -> replacement exec (job ran >10 s)",
          Unit::Millis);
  compare(b, kReload, "change 1 job of " + std::to_string(st.n_large) + ": save -> its new exec",
          ": change 1 job of " + std::to_string(st.n_large) + ": save -> its new exec", Unit::Millis);
  compare(b, kReload, "add 1 job to " + std::to_string(st.n_large) + ": save -> its exec",
          ": add 1 job to " + std::to_string(st.n_large) + ": save -> its exec", Unit::Millis);
  compare(b, "9 control", "pmtrctl status, " + std::to_string(st.n_large) + " running jobs: whole command",
          ": status of " + std::to_string(st.n_large) + " running jobs: whole command", Unit::Millis);
  compare(b, kMemory, "PSS pmtr + parser (" + jobs_label(st.n_large) + ")", ": PSS of its own processes", Unit::KiB);
  compare(b, kMemory, "RSS pmtr + parser (" + jobs_label(st.n_large) + ")", ": RSS of its own processes", Unit::KiB);
  compare(b, kShutdown, "pmtr: SIGTERM -> exited, all " + jobs_label(st.n_large) + " reaped",
          ": stop -> all " + jobs_label(st.n_large) + " and itself gone", Unit::Millis);
  const std::string ignoring = std::to_string(st.ignore_jobs) + " jobs ignoring SIGTERM";
  compare(b, kShutdown, "pmtr: SIGTERM -> exited, " + ignoring, ": stop -> all gone, " + ignoring, Unit::Millis);
  const std::string storm = std::to_string(st.n_large) + " jobs exiting after 1 s, " + std::to_string(st.storm_seconds) + " s";
  compare(b, kStorm, "pmtr CPU share, " + storm, ": CPU share of its supervisor processes, " + storm, Unit::Percent);
  compare(b, kStorm, "pmtr CPU per job exec", ": CPU per job exec", Unit::Micros);
  const std::string label = std::to_string(st.idle_jobs) + " jobs, " + std::to_string(st.idle_seconds) + " s";
  compare(b, kIdle, "wakeups (voluntary ctx switches) pmtr + parser, " + label,
          ": wakeups (voluntary ctx switches) of its own processes, " + label, Unit::PerSecond);
  compare(b, kIdle, "CPU pmtr + parser (utime+stime)", ": CPU of its own processes (utime+stime)", Unit::Percent);
}

}  // namespace pmtr::bench
