// One peer as the bench runs it: the directory or config it reads (the
// layouts of bench/peers.hpp, for N jobs of one kind), how it is launched
// and followed, its control commands, its own way to stop everything, and
// which processes are its own.  Shared by the peers' scenarios
// (bench/scenario_peers.cpp, bench/scenario_peers_runtime.cpp).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench.hpp"
#include "bench/config_gen.hpp"
#include "bench/peers.hpp"

namespace pmtr::bench {

// The full path of an installed program, empty when it is missing.
[[nodiscard]] std::string which(const std::string& name);
// The basename a job's exec of /bin/sh shows in /proc/PID/exe (dash on
// Debian: /bin/sh is a symlink).
[[nodiscard]] std::string shell_exe();

struct PeerSetup {
  Peer peer = Peer::Runit;
  std::string dir;      // scandir, or supervisord's directory
  std::string conf;     // supervisord only
  std::string prefix;   // of the job names
  std::vector<std::string> argv;
  std::vector<Program> programs;   // supervisord: what its config holds now
  std::vector<size_t> changed;     // jobs whose command a reload changed
};

// A fresh directory under the bench's for n jobs of `kind`.
PeerSetup prepare_peer(Bench& b, Peer p, size_t n, const std::string& prefix, JobKind kind = JobKind::Sleep);
// Launches the peer and follows its tree; a job is the exec of job_exe at
// the peer's job depth.
Run start_peer(Bench& b, const PeerSetup& s, const std::string& tag, const std::string& job_exe = "sleep");
// Runs a control command (sv, s6-svc, s6-svscanctl, supervisorctl) to
// completion; false (and a note) unless it exited 0.
bool control(Bench& b, const std::vector<std::string>& argv, const std::string& tag);

// The peer's way to stop everything: runit SIGHUP to runsvdir, s6
// `s6-svscanctl -t`, supervisord SIGTERM.  Then until every process of the
// tree is gone: ns from the signal (or the control command's start) to the
// last exit, 0 on timeout.
uint64_t stop_peer(Bench& b, const PeerSetup& s, Run& run, uint64_t timeout_ns);
// Members of the tree still alive.
[[nodiscard]] size_t tree_left(Bench& b);

// Every live member of the tree that is not a running job (for memory and
// idle, once the jobs have settled).
[[nodiscard]] std::vector<pid_t> own_processes(Bench& b);
// The supervisor's processes by what they are, not by whether a job is
// running under them (while jobs restart, a fork that has not exec'd yet
// is neither): the root, and for runit and s6 its runsv or s6-supervise
// children.
[[nodiscard]] std::vector<pid_t> supervisor_processes(const Run& run, Peer p);

// Whatever is left, SIGKILLed by pid: the root, every member the watch saw,
// every /proc descendant of the bench (orphans come to it: it is a
// subreaper); again until none is left, since a leftover shell loop can
// fork between the scan and its kill.
void end_peer(Bench& b, Run& run);

// Scenarios on a running peer (bench/scenario_peers_runtime.cpp).
void peer_storm(Bench& b, Peer p);    // 7 restart storm
void peer_ignore(Bench& b, Peer p);   // 6 shutdown of jobs that ignore SIGTERM
void peer_status(Bench& b, Peer p);   // 9 status of the running jobs (bench/scenario_peers_status.cpp)

}  // namespace pmtr::bench
