// pmtr [-F] [-v] [-c FILE] [-p PIDFILE] [-t] [-h] [-V]
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "common/log.hpp"
#include "common/terminate_handler.hpp"
#include "monitor/check_mode.hpp"
#include "monitor/daemon.hpp"
#include "monitor/monitor.hpp"

namespace {

constexpr const char* kDefaultConfig = "/etc/pmtr.conf";

void usage(FILE* out) {
  std::fprintf(out,
               "usage: pmtr [-F] [-v] [-c FILE] [-p PIDFILE] [-t] [-h] [-V]\n"
               "  -F          stay in the foreground, log to stderr too (default as pid 1)\n"
               "  -v          verbose (repeatable)\n"
               "  -c FILE     config file (default %s)\n"
               "  -p PIDFILE  write our pid there while running\n"
               "  -t          check the config and exit: 0 valid, 1 invalid, 2 unreadable\n"
               "  -h          this help\n"
               "  -V          version\n",
               kDefaultConfig);
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

int g_notify_fd = -1;

void on_startup(bool ok, void* pidfile) {
  // A failed start gives its pidfile up before anyone hears of the
  // failure: whoever starts pmtr again at once must find it free.
  if (!ok && pidfile != nullptr) static_cast<pmtr::PidFile*>(pidfile)->release();
  if (g_notify_fd >= 0) {
    pmtr::daemon_ready(g_notify_fd, ok);
    ::close(g_notify_fd);
    g_notify_fd = -1;
    pmtr::log_init("pmtr", pmtr::LogTarget::Syslog, pmtr::log_verbosity());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(pmtr::terminate_with_abort);
  bool foreground = getpid() == 1;
  bool check = false;
  int verbosity = 0;
  std::string config = kDefaultConfig;
  std::string pidfile;
  int opt;
  while ((opt = getopt(argc, argv, "Fvc:p:thV")) != -1) {
    switch (opt) {
      case 'F': foreground = true; break;
      case 'v': ++verbosity; break;
      case 'c': config = optarg; break;
      case 'p': pidfile = optarg; break;
      case 't': check = true; break;
      case 'h': usage(stdout); return 0;
      case 'V': std::printf("pmtr %s\n", PMTR_VERSION); return 0;
      default: usage(stderr); return 2;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return 2;
  }
  if (check) {
    pmtr::log_init("pmtr", pmtr::LogTarget::Stderr, verbosity);
    return pmtr::run_config_check(config);
  }

  config = absolute(config);
  if (!foreground) {
    auto notify = pmtr::daemonize();
    if (!notify) {
      std::fprintf(stderr, "pmtr: %s\n", notify.error().message().c_str());
      return 1;
    }
    g_notify_fd = notify->release();
  }
  // Until startup is reported, errors also reach the terminal.
  pmtr::log_init("pmtr", pmtr::LogTarget::Both, verbosity);
  if (!foreground) pmtr::log_set_verbosity(verbosity);

  // Static: exit() from a fatal error destroys it (lock released, file
  // removed) before the kernel closes the pipe our waiting parent reads.
  static pmtr::PidFile pid;
  if (!pidfile.empty()) {
    if (auto s = pid.create(absolute(pidfile)); !s) {
      pmtr::log_warnx("%s", s.error().message().c_str());
      on_startup(false, nullptr);
      return 1;
    }
  }
  pmtr::MonitorOptions opts;
  opts.config_path = config;
  opts.verbosity = verbosity;
  opts.foreground = foreground;
  pmtr::Monitor monitor;
  return monitor.run(opts, on_startup, &pid);
}
