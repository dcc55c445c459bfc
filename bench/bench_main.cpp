// pmtr's benchmark driver: runs the scenarios of docs/benchmarks.md against
// build/pmtr and against the floor (build/bench/floor), and prints one
// results table.  Root is needed (pmtr's jobs, the process-events
// connector).
//
//   bench [--build DIR] [--reps N] [--quick] [--only s1,s2,...] [--nofile N] [--keep] [--peers]
//
// --peers (make bench-peers): also runit, s6 and supervisord on the same
// scenarios (bench/scenario_peers.cpp, bench/scenario_peers_runtime.cpp);
// without --only, pmtr runs the ones compared (start reload memory shutdown
// restart idle storm, and ignore through shutdown, and the log scenarios
// beside s6-log and svlogd), not check, which has no peer equivalent.
//
// Scenarios: check start reload memory shutdown restart ignore idle storm
// control logthroughput logcpu logmemory.
// Exit status: 0 when every scenario produced numbers (a missed target is
// a result, not a failure), 1 when one could not be measured, 2 on usage.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/bench.hpp"
#include "bench/proc_tree.hpp"

using namespace pmtr::bench;

namespace {

void on_signal(int) { ProcessWatch::request_stop(); }

int usage() {
  std::fprintf(stderr,
               "usage: bench [--build DIR] [--reps N] [--quick] [--only LIST] [--nofile N] [--keep] [--peers]\n"
               "  LIST: comma-separated of check start reload memory shutdown restart ignore idle storm control\n"
               "        logthroughput logcpu logmemory\n");
  return 2;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t comma = s.find(',', pos);
    const size_t end = comma == std::string::npos ? s.size() : comma;
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string cpu_model() {
  const std::string info = slurp("/proc/cpuinfo");
  const size_t at = info.find("model name");
  if (at == std::string::npos) return "unknown";
  const size_t colon = info.find(':', at);
  const size_t end = info.find('\n', at);
  return info.substr(colon + 2, end - colon - 2);
}

std::string loadavg() {
  std::string l = slurp("/proc/loadavg");
  const size_t sp = l.find(' ', l.find(' ', l.find(' ') + 1) + 1);
  return sp == std::string::npos ? l : l.substr(0, sp);
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  bool quick = false;
  int reps = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--build") {
      const char* v = value();
      if (v == nullptr) return usage();
      s.build = v;
    } else if (a == "--reps") {
      const char* v = value();
      if (v == nullptr || std::atoi(v) <= 0) return usage();
      reps = std::atoi(v);
    } else if (a == "--quick") {
      quick = true;
    } else if (a == "--only") {
      const char* v = value();
      if (v == nullptr) return usage();
      s.only = split(v);
    } else if (a == "--nofile") {
      const char* v = value();
      if (v == nullptr) return usage();
      s.nofile = static_cast<rlim_t>(std::strtoull(v, nullptr, 10));
    } else if (a == "--keep") {
      s.keep = true;
    } else if (a == "--peers") {
      s.peers = true;
    } else {
      return usage();
    }
  }
  if (s.peers && s.only.empty())
    s.only = {"start", "reload", "memory", "shutdown", "restart", "idle", "storm", "logthroughput", "logcpu", "logmemory"};
  if (quick) s.make_quick();
  if (reps > 0) s.reps = reps;
  if (geteuid() != 0) {
    std::fprintf(stderr, "bench: needs root (pmtr's jobs, the kernel's process events)\n");
    return 1;
  }
  // The bench itself holds few fds, but gets room anyway; the programs
  // under test get the soft limit a service gets by default (--nofile).
  raise_nofile();
  // Orphans of a killed run come back to us, to be ended by pid.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  // ^C: the waits return, each scenario ends what it started, we stop.
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);

  Bench b(s);
  std::string why;
  if (!b.init(&why)) {
    std::fprintf(stderr, "bench: %s\n", why.c_str());
    return 1;
  }
  const uint64_t t0 = now_ns();
  const std::string load_before = loadavg();

  const struct {
    bool wanted;
    void (*run)(Bench&);
  } scenarios[] = {
      {s.wants("check"), scenario_check},
      {s.wants("start") || s.wants("reload") || s.wants("memory") || s.wants("shutdown"), scenario_start},
      {s.wants("restart"), scenario_restart},
      {s.wants("shutdown") || s.wants("ignore"), scenario_ignore},
      {s.wants("idle"), scenario_idle},
      {s.wants("storm"), scenario_storm},
      {s.wants("control"), scenario_control},
      {s.wants("logthroughput"), scenario_log_throughput},
      {s.wants("logcpu"), scenario_log_cpu},
      {s.wants("logmemory"), scenario_log_memory},
      {s.peers, scenario_peers},
  };
  for (const auto& sc : scenarios) {
    if (ProcessWatch::stop_requested()) {
      std::fprintf(stderr, "bench: interrupted; everything it started has been ended\n");
      return 130;
    }
    if (sc.wanted) sc.run(b);
  }

  utsname u{};
  uname(&u);
  std::printf("\n## pmtr bench%s%s: %d repetition(s)\n\n",
              s.peers ? " with peers (runit, s6, supervisord; s6-log, svlogd)" : "",
              s.quick ? " (QUICK smoke run, small N)" : "", s.reps);
  std::printf("- machine: %ld CPUs, %s, Linux %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpu_model().c_str(), u.release);
  std::printf("- load average (1, 5, 15 min): %s before, %s after\n", load_before.c_str(), loadavg().c_str());
  std::printf("- exec events: %s\n", b.watch().precise() ? "kernel process-events connector (kernel timestamps)"
                                                           : "polling /proc every 1 ms (connector unavailable)");
  std::printf("- pmtr and floor run with RLIMIT_NOFILE soft %llu; programs from %s/\n",
              static_cast<unsigned long long>(s.nofile), s.build.c_str());
  std::printf("- wall time of this run: %.0f s\n\n", static_cast<double>(now_ns() - t0) / 1e9);
  const auto results = b.results();
  std::printf("%s", render_table(results).c_str());
  if (!b.notes().empty()) {
    std::printf("\nNotes:\n");
    for (const auto& n : b.notes()) std::printf("- %s\n", n.c_str());
  }
  int pass = 0, miss = 0, voids = 0;
  for (const auto& r : results) {
    switch (judge(r)) {
      case Verdict::Pass: ++pass; break;
      case Verdict::Miss: ++miss; break;
      case Verdict::Void: ++voids; break;
      case Verdict::Info: break;
    }
  }
  std::printf("\ntargets: %d pass, %d miss, %d void\n", pass, miss, voids);
  if (s.keep) {
    std::printf("kept: %s\n", b.tmp().path().c_str());
    b.tmp().keep();
  }
  return voids == 0 ? 0 : 1;
}
