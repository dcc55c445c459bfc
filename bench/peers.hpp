// The peers of `make bench-peers`: runit, s6 and supervisord, each run in
// the foreground on a temporary directory the bench fills (never as a
// system service).  The pure part: the layouts each one reads, generated
// from the same job list pmtr's scenarios use (tests/bench/peers_test.cpp).
//
//   runit:       DIR/<job>/run  (runsvdir -P DIR; one runsv per job;
//                a changed run script applied by sv restart DIR/<job>)
//   s6:          DIR/<job>/run  (s6-svscan -c MAX DIR; one s6-supervise per
//                job; s6-svscanctl -a DIR, s6-svc -r DIR/<job>)
//   supervisord: DIR/supervisord.conf, one [program:<job>] per job
//                (supervisord -n -c CONF; supervisorctl -c CONF update)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pmtr::bench {

enum class Peer : uint8_t { Runit, S6, Supervisord };
inline constexpr Peer kPeers[] = {Peer::Runit, Peer::S6, Peer::Supervisord};

[[nodiscard]] const char* peer_name(Peer p) noexcept;
// Depth of a job below the supervisor the bench starts: runsvdir -> runsv
// -> job, s6-svscan -> s6-supervise -> job, supervisord -> job.
[[nodiscard]] int peer_job_depth(Peer p) noexcept;

// argv quoted for /bin/sh: every word in single quotes, so any byte
// survives ('\'' for a quote).
[[nodiscard]] std::string shell_quote(const std::vector<std::string>& argv);
// A run script: "#!/bin/sh\nexec 'ARGV0' 'ARGV1'...\n".
[[nodiscard]] std::string run_script(const std::vector<std::string>& argv);

// Creates SCANDIR/NAME/run (mode 0755) for runit or s6.  The directory is
// built as SCANDIR/.NAME (both scanners skip dot names) and renamed into
// place, so a scan never sees a half-made service.  *t_ns (if given): the
// CLOCK_MONOTONIC time just before the rename.
bool write_service_dir(const std::string& scandir, const std::string& name, const std::vector<std::string>& argv,
                       std::string* why, uint64_t* t_ns = nullptr);

// Replaces SERVICEDIR/run by one that execs argv: written as run.new
// (mode 0755) and renamed over run, so the supervisor's next spawn reads
// either the old script or the new one, never half of one.  *t_ns (if
// given): the CLOCK_MONOTONIC time just before the rename (the "save").
bool replace_run_script(const std::string& service_dir, const std::vector<std::string>& argv, std::string* why,
                        uint64_t* t_ns = nullptr);

struct Program {
  std::string name;
  std::vector<std::string> argv;
};
// supervisord's config for running in the foreground out of DIR: its log,
// pidfile and control socket in DIR, children's output discarded, each
// program autostarted and autorestarted, counted as started at once
// (startsecs=0), minfds raised for N programs' pipes.
[[nodiscard]] std::string supervisord_config(const std::string& dir, const std::vector<Program>& programs);

}  // namespace pmtr::bench
