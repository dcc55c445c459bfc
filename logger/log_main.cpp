// pmtr-log: started by the monitor (fork + exec) when some job's output is
// captured, with its fds in place (logger/log_session.hpp):
//   pmtr-log --uid UID --gid GID --to dir|stderr --dir PATH --rotate BYTES --keep N [-d]
// PATH only names the directory in messages: the directory itself is fd 4.
// It sandboxes itself before reading a single byte of input.
#include <sys/prctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>

#include "common/helper_args.hpp"
#include "common/terminate_handler.hpp"
#include "logger/landlock.hpp"
#include "logger/log_session.hpp"
#include "logger/sandbox.hpp"
// Sanitized builds only: LeakSanitizer's exit-time scan would need ptrace
// and clone, which the sandbox forbids.  Included here and in pmtr-parser's main.
#include "common/helper_sanitizer_options.hpp"

namespace {

[[noreturn]] void usage() {
  std::fputs("usage: pmtr-log --uid UID --gid GID --to dir|stderr --dir PATH --rotate BYTES --keep N [-d]"
             "  (started by pmtr)\n",
             stderr);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  pmtr::SandboxIdentity id;
  pmtr::LogSettings settings;
  int have = 0;
  auto action = pmtr::SeccompAction::Kill;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    uint64_t n = 0;
    if (a == "-d") {
      action = pmtr::SeccompAction::Log;
      continue;
    }
    if (v == nullptr) usage();
    ++i;
    if (a == "--uid" && pmtr::parse_helper_number(v, 0xfffffffe, &n)) {
      id.uid = static_cast<uid_t>(n);
      have |= 1;
    } else if (a == "--gid" && pmtr::parse_helper_number(v, 0xfffffffe, &n)) {
      id.gid = static_cast<gid_t>(n);
      have |= 2;
    } else if (a == "--to" && (std::string_view(v) == "dir" || std::string_view(v) == "stderr")) {
      settings.to_stderr = std::string_view(v) == "stderr";
      have |= 4;
    } else if (a == "--dir") {
      settings.dir_path = v;
    } else if (a == "--rotate" && pmtr::parse_helper_number(v, UINT64_MAX, &n) && n > 0) {
      settings.rotate_bytes = n;
    } else if (a == "--keep" && pmtr::parse_helper_number(v, 0xffffffff, &n)) {
      settings.keep = static_cast<uint32_t>(n);
    } else {
      usage();
    }
  }
  if (have != 7) usage();
  settings.out_fd = pmtr::kLogOutFd;
  prctl(PR_SET_NAME, "pmtr: log", 0, 0, 0);
  // pmtr-log shares pmtr's process group and cgroup: a ^C in pmtr's
  // terminal, or systemd's stop (SIGTERM to the whole cgroup), must not
  // end it while jobs still write their last lines.  pmtr ends it by
  // closing the channel (it drains the pipes and exits) or with SIGKILL.
  // SIGPIPE: a monitor gone mid-send is EPIPE, not death.
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE}) std::signal(sig, SIG_IGN);
  std::set_terminate(pmtr::terminate_with_exit);
  // Files 0640 and directories 0750 whatever umask pmtr was started with.
  ::umask(027);

  if (auto s = pmtr::enter_log_sandbox(id, settings.to_stderr ? -1 : pmtr::kLogOutFd); !s) {
    std::fprintf(stderr, "pmtr-log: sandbox: %s\n", s.error().message().c_str());
    return 1;
  }
  bool landlocked = false;
  if (auto s = pmtr::confine_to_directory(settings.to_stderr ? -1 : pmtr::kLogOutFd, &landlocked); !s) {
    std::fprintf(stderr, "pmtr-log: sandbox: %s\n", s.error().message().c_str());
    return 1;
  }
  pmtr::Journal journal;
  if (auto s = journal.map(pmtr::kLogJournalFd); !s) {
    std::fprintf(stderr, "pmtr-log: %s\n", s.error().message().c_str());
    return 1;
  }
  pmtr::CounterPipe counter(pmtr::kLogCounterReadFd, pmtr::kLogCounterWriteFd);
  pmtr::LogSession session(settings, journal, counter);
  if (auto s = session.prepare(); !s) {
    std::fprintf(stderr, "pmtr-log: %s\n", s.error().message().c_str());
    return 1;
  }
  if (auto s = pmtr::apply_log_seccomp(action); !s) {
    std::fprintf(stderr, "pmtr-log: seccomp: %s\n", s.error().message().c_str());
    return 1;
  }
  return session.run();
}
