// `make bench-peers`, scenario 9: the status of 1,000 running jobs as each
// peer's own tool gives it, the whole command (what an admin types):
// `sv status SCANDIR/*` (one command, every service dir as an argument),
// `s6-svstat` once per service dir (it reads one; a shell loop, as an
// admin would write it) and `supervisorctl status`.  Beside pmtrctl status
// of scenario 9.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/launch.hpp"
#include "bench/peer_run.hpp"

namespace pmtr::bench {
namespace {

const char* const kControl = "9 control";

std::vector<std::string> status_command(const PeerSetup& s) {
  switch (s.peer) {
    case Peer::Runit:
      return {"/bin/sh", "-c", "exec \"$0\" status \"$1\"/*", which("sv"), s.dir};
    case Peer::S6:
      return {"/bin/sh", "-c", "for d in \"$1\"/*; do \"$0\" \"$d\" || exit; done", which("s6-svstat"), s.dir};
    case Peer::Supervisord:
      return {which("supervisorctl"), "-c", s.conf, "status"};
  }
  return {};
}

}  // namespace

void peer_status(Bench& b, Peer p) {
  const size_t n = b.settings().n_large;
  const std::string who = peer_name(p);
  Result& row = b.row(kControl, who + ": status of " + std::to_string(n) + " running jobs: whole command", Unit::Millis);
  std::fprintf(stderr, "bench: %s status, %zu running jobs\n", who.c_str(), n);
  PeerSetup s = prepare_peer(b, p, n, "s");
  Run run = start_peer(b, s, "status");
  if (b.wait_jobs(n, secs(120))) {
    b.watch().drain_for(secs(2));   // the peer's own start-up is over
    Launch how;
    how.argv = status_command(s);
    how.output = b.tmp().file(who + "-status.out");
    for (int i = 0; i < 20 && !ProcessWatch::stop_requested(); ++i) {
      int status = 0;
      const uint64_t t = run_timed(how, &status);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        row.void_reason = "the status command failed (see " + how.output + ")";
        break;
      }
      row.samples.push_back(to_ms(t));
    }
  } else {
    row.void_reason = "jobs did not start";
  }
  end_peer(b, run);
  std::filesystem::remove_all(s.dir);
}

}  // namespace pmtr::bench
