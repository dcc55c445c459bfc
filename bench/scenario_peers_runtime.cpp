// `make bench-peers`: the scenarios of bench/scenario_runtime.cpp that need
// jobs of another kind, on runit, s6 and supervisord: 6 shutdown of jobs
// that ignore SIGTERM, and 7 restart storm.  The jobs are pmtr's (the same
// JobKind, so the same argv), in each peer's layout.
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/peer_run.hpp"
#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

const char* const kShutdown = "6 shutdown";
const char* const kStorm = "7 storm";

uint64_t ticks_of(const std::vector<pid_t>& pids) {
  uint64_t t = 0;
  for (pid_t p : pids) t += cpu_ticks(p);
  return t;
}

// How long a peer gets to stop jobs that ignore SIGTERM.  supervisord
// stops one program (a group of its own) at a time and gives each
// stopwaitsecs (10 s) before its SIGKILL, plus up to a second of its tick
// to notice, so it needs n times that; runit and s6 never send SIGKILL by
// themselves, and 20 s past pmtr's 10 s grace show that nothing happens.
uint64_t ignore_deadline(Peer p, size_t n) {
  return p == Peer::Supervisord ? secs(12 * n + 30) : secs(30);
}

// The storm's window opens once every job has started and the peer's own
// start-up is over.  The jobs exit after a second and are restarted, so
// the n-th job exec comes before every service has started (runsvdir takes
// about 2 s to start 1000 runsv, supervisord 5 s for 1000 programs): wait
// for every supervisor process (runit, s6), then settle for longer than
// supervisord's start-up, so that the window holds restarts only.
bool storm_ready(Bench& b, const Run& run, Peer p, size_t n) {
  const size_t want = p == Peer::Supervisord ? 1 : n + 1;
  const uint64_t deadline = now_ns() + secs(120);
  while (supervisor_processes(run, p).size() < want) {
    if (now_ns() >= deadline || ProcessWatch::stop_requested()) return false;
    b.watch().drain_for(ms(100));   // a /proc scan of n processes: not every 5 ms
  }
  b.watch().drain_for(b.settings().quick ? secs(3) : secs(15));
  return true;
}

}  // namespace

void peer_storm(Bench& b, Peer p) {
  const Settings& st = b.settings();
  const size_t n = st.n_large;
  const std::string who = peer_name(p);
  const std::string label = std::to_string(n) + " jobs exiting after 1 s, " + std::to_string(st.storm_seconds) + " s";
  Result& cpu = b.row(kStorm, who + ": CPU share of its supervisor processes, " + label, Unit::Percent);
  Result& execs = b.row(kStorm, who + ": job execs in the window", Unit::Count);
  Result& per_exec = b.row(kStorm, who + ": CPU per job exec", Unit::Micros);

  std::fprintf(stderr, "bench: %s restart storm, %zu jobs for %d s\n", who.c_str(), n, st.storm_seconds);
  PeerSetup s = prepare_peer(b, p, n, "s", JobKind::QuickExit);
  // The job is the shell of `sh -c "sleep 1; exit 0"` (its sleep is a
  // grandchild); a run script's sh that execs it counts once.
  Run run = start_peer(b, s, "storm", shell_exe());
  ProcessWatch& w = b.watch();
  if (b.wait_jobs(n, secs(120)) && storm_ready(b, run, p, n)) {
    const auto pids = supervisor_processes(run, p);
    const uint64_t before = ticks_of(pids);
    w.clear_events();
    const uint64_t t0 = now_ns();
    w.drain_for(secs(static_cast<uint64_t>(st.storm_seconds)));
    const double cpu_s = static_cast<double>(ticks_of(pids) - before) / static_cast<double>(ticks_per_second());
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.samples.push_back(cpu_s / seconds * 100);
    execs.samples.push_back(static_cast<double>(w.job_execs()));
    if (w.job_execs() > 0) per_exec.samples.push_back(cpu_s * 1e6 / static_cast<double>(w.job_execs()));
    b.row(kStorm, who + ": supervisor processes measured", Unit::Count).samples.push_back(static_cast<double>(pids.size()));
    if (w.lost()) b.note("%s storm: process events were lost; the exec count is a lower bound", who.c_str());
  } else {
    cpu.void_reason = "jobs did not start";
  }
  end_peer(b, run);
  std::filesystem::remove_all(s.dir);
}

void peer_ignore(Bench& b, Peer p) {
  const Settings& st = b.settings();
  const size_t n = st.ignore_jobs;
  const std::string who = peer_name(p);
  const uint64_t limit = ignore_deadline(p, n);
  const std::string jobs = std::to_string(n) + " jobs ignoring SIGTERM";
  Result& left = b.row(kShutdown, who + ": processes left " + std::to_string(limit / secs(1)) + " s after the stop, " + jobs,
                       Unit::Count);

  std::fprintf(stderr, "bench: %s shutdown with %s (up to %llu s)\n", who.c_str(), jobs.c_str(),
               static_cast<unsigned long long>(limit / secs(1)));
  PeerSetup s = prepare_peer(b, p, n, "t", JobKind::IgnoreTerm);
  Run run = start_peer(b, s, "ignore", shell_exe());
  if (b.wait_jobs(n, secs(60))) {
    b.watch().drain_for(ms(300));   // each shell has forked its first sleep
    const uint64_t t = stop_peer(b, s, run, limit);
    // Timed only when it happens: "never" is the count of what is left.
    if (t != 0) b.row(kShutdown, who + ": stop -> all gone, " + jobs, Unit::Millis).samples.push_back(to_ms(t));
    left.samples.push_back(static_cast<double>(t != 0 ? 0 : tree_left(b)));
  } else {
    left.void_reason = "jobs did not start";
  }
  end_peer(b, run);
  std::filesystem::remove_all(s.dir);
}

}  // namespace pmtr::bench
