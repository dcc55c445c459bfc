#include "bench/bench.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

std::string basename_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Orphans of a run that was killed come to us (we are a subreaper): end
// and reap them, by pid.
void reap_orphans() {
  for (pid_t p : descendants(getpid())) kill(p, SIGKILL);
  int st;
  while (waitpid(-1, &st, WNOHANG) > 0) {}
}

}  // namespace

bool Settings::wants(const std::string& scenario) const {
  return only.empty() || std::find(only.begin(), only.end(), scenario) != only.end();
}

void Settings::make_quick() {
  quick = true;
  reps = 1;
  n_small = 10;
  n_large = 100;
  reload_samples = 1;
  restart_samples = 3;
  ignore_jobs = 3;
  ignore_reps = 1;
  idle_seconds = 3;
  idle_jobs = 10;
  storm_seconds = 12;
  log_seconds = 2;
  log_reps = 1;
  log_jobs = 10;
  log_cpu_seconds = 3;
  log_memory_jobs = 100;
  check_small = 1000;
  check_large = 10000;
}

bool Bench::init(std::string* why) {
  if (!tmp_.ok()) {
    *why = "cannot create a temporary directory under /tmp";
    return false;
  }
  // Every pmtr started here listens in our directory, never on the
  // system's /run/pmtr/control (a running pmtr there would refuse ours).
  setenv("PMTR_CONTROL_SOCKET", tmp_.file("control").c_str(), 1);
  for (const auto& bin : {pmtr_bin(), s_.build + "/pmtr-parser", floor_bin()}) {
    if (access(bin.c_str(), X_OK) != 0) {
      *why = bin + " is missing: run `make bench` (or make BUILD=" + s_.build + " all " + s_.build +
             "/bench/bench " + s_.build + "/bench/floor)";
      return false;
    }
  }
  watch_.open();
  watch_.set_helpers({"pmtr-parser", "pmtr-log"});
  if (!watch_.precise()) note("%s", watch_.fallback_reason().c_str());
  return true;
}

Result& Bench::row(const std::string& scenario, const std::string& metric, Unit unit, Target target) {
  for (auto& r : results_)
    if (r.scenario == scenario && r.metric == metric) return r;
  Result r;
  r.scenario = scenario;
  r.metric = metric;
  r.unit = unit;
  r.target = std::move(target);
  results_.push_back(std::move(r));
  return results_.back();
}

Result* Bench::find(const std::string& scenario, const std::string& metric) {
  for (auto& r : results_)
    if (r.scenario == scenario && r.metric == metric) return &r;
  return nullptr;
}

void Bench::note(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  notes_.emplace_back(buf);
  std::fprintf(stderr, "bench: %s\n", buf);
}

std::string Bench::write_config(const std::string& name, const std::vector<JobSpec>& jobs,
                                const std::string& globals) {
  const std::string dir = tmp_.file(name);
  ::mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/pmtr.conf";
  std::string why;
  if (!save_config(path, globals + render_config(jobs), &why)) note("cannot write %s: %s", path.c_str(), why.c_str());
  return path;
}

Run Bench::start_pmtr(const std::string& config, const std::string& tag) {
  return start_program({pmtr_bin(), "-F", "-c", config}, tag);
}

Run Bench::start_program(const std::vector<std::string>& argv, const std::string& tag) {
  Run run;
  run.log = tmp_.file(tag + "." + std::to_string(++runs_) + ".log");
  Launch how;
  how.argv = argv;
  how.output = run.log;
  how.nofile_soft = s_.nofile;
  if (ProcessWatch::stop_requested()) return run;
  run.t0 = now_ns();
  run.pid = launch(how);
  watch_.follow(run.pid);
  return run;
}

Run Bench::start_floor(const std::string& mode, size_t n, bool setsid, bool respawn,
                       const std::vector<std::string>& argv, const std::string& tag) {
  Run run;
  run.log = tmp_.file(tag + "." + std::to_string(++runs_) + ".log");
  Launch how;
  how.argv = {floor_bin(), mode, std::to_string(n)};
  if (setsid) how.argv.emplace_back("--setsid");
  if (respawn) how.argv.emplace_back("--respawn");
  how.argv.emplace_back("--");
  how.argv.insert(how.argv.end(), argv.begin(), argv.end());
  how.output = run.log;
  how.nofile_soft = s_.nofile;
  if (ProcessWatch::stop_requested()) return run;
  run.t0 = now_ns();
  run.pid = launch(how);
  watch_.follow(run.pid);
  return run;
}

bool Bench::wait_jobs(size_t n, uint64_t timeout_ns) {
  return watch_.wait_until([&] { return watch_.job_execs() >= n; }, now_ns() + timeout_ns);
}

uint64_t Bench::stop(Run& run, uint64_t timeout_ns, size_t* left) {
  if (left != nullptr) *left = 0;
  if (run.pid <= 0) return 0;   // never started: and kill(-1) would be everyone
  const uint64_t t0 = now_ns();
  kill(run.pid, SIGTERM);
  const bool done = watch_.wait_until([&] { return watch_.exit_ns(run.pid) != 0; }, t0 + timeout_ns);
  if (done) {
    run.reaped = reap(run.pid, 5000, &run.status);
    // Processes that outlived the root exit within moments or not at all.
    watch_.drain_for(ms(50));
  }
  if (left != nullptr) {
    size_t n = 0;
    for (pid_t p : watch_.alive_members())
      if (p != run.pid && alive(p)) ++n;
    *left = n;
  }
  return done ? watch_.exit_ns(run.pid) - t0 : 0;
}

void Bench::finish(Run& run) {
  if (run.pid <= 0) return;
  if (!run.reaped) kill_tree(run.pid, watch_.alive_members());
  for (pid_t p : watch_.alive_members())
    if (p != run.pid && alive(p)) kill(p, SIGKILL);
  reap_orphans();
  run.reaped = true;
}

void Bench::check_log(const Run& run, const std::string& what) {
  const std::string text = slurp(run.log);
  size_t trouble = 0;
  std::string first;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    // pmtr's expected chatter; anything else with an error word is news.
    if (line.find("no 'pmtr' user") != std::string::npos) continue;
    if (line.find("error") != std::string::npos || line.find("Too many") != std::string::npos ||
        line.find("cannot") != std::string::npos || line.find("parser [") != std::string::npos ||
        line.find("failed") != std::string::npos) {
      if (trouble++ == 0) first = line;
    }
  }
  if (trouble > 0)
    note("%s (%s): %zu trouble line(s) in pmtr's log, first: %s", what.c_str(), basename_of(run.log).c_str(), trouble,
         first.c_str());
}

pid_t parser_of(pid_t pmtr) {
  for (pid_t c : children_of(pmtr))
    if (basename_of(exe_of(c)) == "pmtr-parser") return c;
  return -1;
}

pid_t log_helper_of(pid_t pmtr) {
  for (pid_t c : children_of(pmtr))
    if (basename_of(exe_of(c)) == "pmtr-log" || comm_of(c) == "pmtr: log") return c;
  return -1;
}

}  // namespace pmtr::bench
