#include "bench/peer_run.hpp"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

std::string basename_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What the root's supervisor children execute: runsvdir starts runsv,
// s6-svscan starts s6-supervise; supervisord's children are the jobs.
const char* child_supervisor(Peer p) {
  switch (p) {
    case Peer::Runit: return "runsv";
    case Peer::S6: return "s6-supervise";
    case Peer::Supervisord: return nullptr;
  }
  return nullptr;
}

}  // namespace

std::string which(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"}) {
    const std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

std::string shell_exe() {
  char buf[PATH_MAX];
  if (realpath("/bin/sh", buf) == nullptr) return "sh";
  return basename_of(buf);
}

PeerSetup prepare_peer(Bench& b, Peer p, size_t n, const std::string& prefix, JobKind kind) {
  PeerSetup s;
  s.peer = p;
  s.prefix = prefix;
  s.dir = b.tmp().file(std::string(peer_name(p)) + "-" + prefix + "-" + std::to_string(n));
  std::filesystem::remove_all(s.dir);
  std::filesystem::create_directories(s.dir);
  std::string why;
  for (size_t i = 0; i < n; ++i) {
    const JobSpec job = make_job(kind, prefix, i);
    if (p == Peer::Supervisord) {
      s.programs.push_back({job.name, job.argv});
    } else if (!write_service_dir(s.dir, job.name, job.argv, &why)) {
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

Run start_peer(Bench& b, const PeerSetup& s, const std::string& tag, const std::string& job_exe) {
  b.watch().set_job_rule(peer_job_depth(s.peer), {job_exe});
  return b.start_program(s.argv, std::string(peer_name(s.peer)) + "-" + tag);
}

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

uint64_t stop_peer(Bench& b, const PeerSetup& s, Run& run, uint64_t timeout_ns) {
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
  // The root may still be there on a timeout: no long wait for it then.
  run.reaped = reap(run.pid, done ? 5000 : 0, &run.status);
  if (!done) return 0;
  uint64_t last = 0;
  for (const auto& e : w.events())
    if (e.kind == ProcEventKind::Exit) last = std::max(last, e.ns);
  return last > t0 ? last - t0 : 1;
}

size_t tree_left(Bench& b) {
  size_t n = 0;
  for (pid_t p : b.watch().alive_members())
    if (alive(p)) ++n;
  return n;
}

std::vector<pid_t> own_processes(Bench& b) {
  const auto jobs = b.watch().running_jobs();
  std::vector<pid_t> out;
  for (pid_t p : b.watch().alive_members())
    if (!std::binary_search(jobs.begin(), jobs.end(), p) && alive(p)) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<pid_t> supervisor_processes(const Run& run, Peer p) {
  std::vector<pid_t> out{run.pid};
  if (const char* exe = child_supervisor(p))
    for (pid_t c : children_of(run.pid))
      if (basename_of(exe_of(c)) == exe) out.push_back(c);
  return out;
}

void end_peer(Bench& b, Run& run) {
  b.finish(run);
  for (int i = 0; i < 50 && !descendants(getpid()).empty(); ++i) {
    b.watch().drain_for(ms(20));
    b.finish(run);
  }
  if (!descendants(getpid()).empty()) b.note("%s: processes left after cleanup", run.log.c_str());
}

}  // namespace pmtr::bench
