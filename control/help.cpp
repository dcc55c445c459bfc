#include "control/help.hpp"

namespace pmtr::ctl {

const char* overall_usage() noexcept { return "usage: pmtrctl [-s SOCKET] COMMAND [ARG...]  (pmtrctl --help)\n"; }

std::string overall_help(std::string_view default_socket) {
  std::string s =
      "usage: pmtrctl [-s SOCKET] COMMAND [ARG...]\n"
      "\n"
      "Commands:\n"
      "  status [JOB...] [--json|--names]   jobs: state, pid, uptime, last exit\n"
      "  start JOB...                       start jobs (also ones stopped by 'stop')\n"
      "  stop JOB...                        stop jobs; they stay stopped across reloads\n"
      "  restart JOB...                     stop jobs, then start them\n"
      "  signal SIG JOB...                  send a signal (TERM, HUP, 9, ...) to jobs\n"
      "  reload                             re-read the config now\n"
      "  wait up|ready|down JOB... [--timeout DURATION]\n"
      "                                     until every job is up, ready or down\n"
      "  metrics                            every job's status, Prometheus text format\n"
      "  log JOB [-n N] [-f]                the last lines of a job's captured output\n"
      "  rotate [JOB...]                    rotate captured logs now (all: every job's)\n"
      "  send udp://HOST:PORT [--key FILE] enable|disable JOB...\n"
      "                                     a datagram to a pmtr's 'listen on'\n"
      "  listen udp://ADDR:PORT [-c N]      print the reports that 'report to' sends\n"
      "  help [COMMAND]                     this text, or a command's\n"
      "\n"
      "Options (anywhere on the line; '--' ends them):\n"
      "  -s, --socket SOCKET  pmtr's control socket (here: ";
  s += default_socket;
  s += ")\n"
       "  -h, --help           help; after a command, that command's\n"
       "  -V, --version        pmtrctl's version\n"
       "\n"
       "Exit status: 0 done, 1 failed (wait timed out, reload rejected, job not\n"
       "running), 2 usage, 3 a named job is not up (status), 4 unknown job,\n"
       "5 permission denied, 6 no pmtr answers on the socket.\n"
       "The socket defaults to $PMTR_CONTROL_SOCKET, else /run/pmtr/control for root\n"
       "and $XDG_RUNTIME_DIR/pmtr/control for other users.  See pmtrctl(8).\n";
  return s;
}

const char* command_usage(Verb v) noexcept {
  switch (v) {
    case Verb::Status: return "usage: pmtrctl [-s SOCKET] status [JOB...] [--json|--names]\n";
    case Verb::Start: return "usage: pmtrctl [-s SOCKET] start JOB...\n";
    case Verb::Stop: return "usage: pmtrctl [-s SOCKET] stop JOB...\n";
    case Verb::Restart: return "usage: pmtrctl [-s SOCKET] restart JOB...\n";
    case Verb::Signal: return "usage: pmtrctl [-s SOCKET] signal SIG JOB...\n";
    case Verb::Reload: return "usage: pmtrctl [-s SOCKET] reload\n";
    case Verb::Wait: return "usage: pmtrctl [-s SOCKET] wait up|ready|down JOB... [--timeout DURATION]\n";
    case Verb::Metrics: return "usage: pmtrctl [-s SOCKET] metrics\n";
    case Verb::Log: return "usage: pmtrctl [-s SOCKET] log JOB [-n N] [-f]\n";
    case Verb::Rotate: return "usage: pmtrctl [-s SOCKET] rotate [JOB...]\n";
    case Verb::Send: return "usage: pmtrctl [-s SOCKET] send udp://HOST:PORT [--key FILE] enable|disable JOB...\n";
    case Verb::Listen: return "usage: pmtrctl [-s SOCKET] listen udp://ADDR:PORT [-c N]\n";
  }
  return "";
}

const char* command_help(Verb v) noexcept {
  switch (v) {
    case Verb::Status:
      return "usage: pmtrctl [-s SOCKET] status [JOB...] [--json|--names]\n"
             "\n"
             "One row per job (every job, or the named ones): NAME, STATE, PID, UPTIME,\n"
             "RESTARTS, LAST EXIT, and NEXT START when a job is delayed.\n"
             "  --json    one JSON array, an object per job (fields: pmtrctl(8))\n"
             "  --names   only the job names, one per line\n"
             "Exit status 3 when a named job is not up (running, ready or starting),\n"
             "4 when a named job does not exist.\n";
    case Verb::Start:
      return "usage: pmtrctl [-s SOCKET] start JOB...\n"
             "\n"
             "Starts the jobs that are down, including those stopped by 'stop'.\n"
             "A job disabled in the config cannot be started (edit the config).\n";
    case Verb::Stop:
      return "usage: pmtrctl [-s SOCKET] stop JOB...\n"
             "\n"
             "Stops the jobs (stop signal, then SIGKILL after the stop timeout).  They\n"
             "stay stopped across reloads until 'start' or a restart of pmtr.\n";
    case Verb::Restart:
      return "usage: pmtrctl [-s SOCKET] restart JOB...\n"
             "\n"
             "Stops the jobs, then starts them again.\n";
    case Verb::Signal:
      return "usage: pmtrctl [-s SOCKET] signal SIG JOB...\n"
             "\n"
             "Sends signal SIG to each job's process group: a name with or without SIG\n"
             "(TERM, SIGHUP, usr1, RTMIN+2) or a number 1..64.  Exit status 1 when a\n"
             "job is not running.\n";
    case Verb::Reload:
      return "usage: pmtrctl [-s SOCKET] reload\n"
             "\n"
             "Makes pmtr re-read its config now.  A config with errors changes\n"
             "nothing: the errors are printed and the exit status is 1.\n";
    case Verb::Wait:
      return "usage: pmtrctl [-s SOCKET] wait up|ready|down JOB... [--timeout DURATION]\n"
             "\n"
             "Returns when every job is up (running, ready or starting), ready (has\n"
             "signalled readiness on its ready fd) or down (has no process).\n"
             "  --timeout DURATION   give up after DURATION, exit status 1: a number and\n"
             "                       a unit, ms s m h d (30s, 1.5s, 2m, 1h30m); default:\n"
             "                       wait for ever\n";
    case Verb::Metrics:
      return "usage: pmtrctl [-s SOCKET] metrics\n"
             "\n"
             "Every job's status in the Prometheus text format (0.0.4), e.g. for\n"
             "node_exporter's textfile collector (metric names: pmtrctl(8)).\n";
    case Verb::Log:
      return "usage: pmtrctl [-s SOCKET] log JOB [-n N] [-f]\n"
             "\n"
             "Prints the last lines of the job's captured output ('log' in its job, or\n"
             "'log all'), read from the files under 'log to DIR' with your own rights:\n"
             "members of group adm may read them.  Each line starts with its UTC time.\n"
             "  -n, --lines N   the last N lines (default 10), from older files if needed\n"
             "  -f, --follow    then print lines as they are written, across rotations,\n"
             "                  until interrupted\n"
             "Exit status 1 when the job's output is not captured or goes to pmtr's\n"
             "stderr ('log to stderr'), 5 when the files may not be read.\n";
    case Verb::Rotate:
      return "usage: pmtrctl [-s SOCKET] rotate [JOB...]\n"
             "\n"
             "Starts a new log file for each job now (every captured job's without a\n"
             "name; that needs the right of 'reload'), as 'log rotate SIZE keep N' does\n"
             "when a file reaches SIZE.  Exit status 1 when a job's output is not\n"
             "captured.\n";
    case Verb::Send:
      return "usage: pmtrctl [-s SOCKET] send udp://HOST:PORT [--key FILE] enable|disable JOB...\n"
             "\n"
             "Sends one datagram, \"enable JOB...\" or \"disable JOB...\", to a pmtr's\n"
             "'listen on' (HOST a name, an IPv4 address or [IPv6]).  pmtr enables a job\n"
             "as 'start' does and disables it as 'stop' does.  UDP: nothing answers,\n"
             "exit status 0 means the datagram was sent, not that it arrived.\n"
             "  --key FILE   sign it (HMAC-SHA256, timestamp, nonce) with the key that\n"
             "               'listen on ... key FILE' names: the file's raw bytes, 32 to\n"
             "               4096 of them; pmtr rejects a clock more than 30 s off\n"
             "-s is accepted and ignored.\n";
    case Verb::Listen:
      return "usage: pmtrctl [-s SOCKET] listen udp://ADDR:PORT [-c N]\n"
             "\n"
             "Binds ADDR:PORT and prints each status report that arrives (from 'report\n"
             "to'; the original pmtr's format) as a table: a line with the reporting\n"
             "host, the sender and the local time, then NAME, STATE (enabled or\n"
             "disabled), UP, PID and CMD per job.  A datagram that is not a report is\n"
             "one line saying why.  Runs until interrupted.\n"
             "  -c, --count N   exit after N datagrams\n"
             "-s is accepted and ignored.\n";
  }
  return "";
}

}  // namespace pmtr::ctl
