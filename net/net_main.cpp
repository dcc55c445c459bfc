// pmtr-net: started by the monitor (fork + exec) when the configuration
// has `report to` or `listen on`, with its fds in place (net/net_fds.hpp):
//   pmtr-net --uid UID --gid GID [--report HOST PORT IP|-]... [--listen] [--keyed] [-d]
// The i-th --report is the socket at kNetReportFd0 + i; IP is the @iface's
// address for the report line.  It sandboxes itself, resolves the names,
// loads its filter, and only then reads a datagram.
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "common/datagram_mac.hpp"
#include "common/limits.hpp"
#include "common/helper_args.hpp"
#include "common/terminate_handler.hpp"
#include "net/listener.hpp"
#include "common/net_fds.hpp"
#include "net/net_session.hpp"
#include "net/nonce_cache.hpp"
#include "net/reporter.hpp"
#include "net/resolve.hpp"
#include "net/sandbox.hpp"
// Sanitized builds only: LeakSanitizer's exit-time scan would need ptrace
// and clone, which the sandbox forbids.
#include "common/helper_sanitizer_options.hpp"

namespace {

[[noreturn]] void usage() {
  std::fputs("usage: pmtr-net --uid UID --gid GID [--report HOST PORT IP|-]... [--listen] [--keyed] [-d]"
             "  (started by pmtr)\n",
             stderr);
  std::exit(2);
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "pmtr-net: %s\n", what.c_str());
  std::exit(1);
}

// The key, from the memfd the monitor wrote it to (it checked the file).
std::vector<std::byte> read_key() {
  struct stat st {};
  if (::fstat(pmtr::kNetKeyFd, &st) != 0) fail("key: fstat");
  const auto size = static_cast<size_t>(st.st_size);
  if (size < pmtr::kKeyBytesMin || size > pmtr::kKeyBytesMax) fail("key: wrong size");
  std::vector<std::byte> key(size);
  if (::pread(pmtr::kNetKeyFd, key.data(), size, 0) != static_cast<ssize_t>(size)) fail("key: read");
  ::close(pmtr::kNetKeyFd);
  return key;
}

std::string label_of(const std::string& host, const std::string& port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

}  // namespace

int main(int argc, char** argv) {
  pmtr::SandboxIdentity id;
  struct Wanted { std::string host; uint16_t port; std::string ip; };
  std::vector<Wanted> wanted;
  bool listen = false, keyed = false;
  int have = 0;
  auto action = pmtr::SeccompAction::Kill;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    uint64_t n = 0;
    if (a == "-d") {
      action = pmtr::SeccompAction::Log;
    } else if (a == "--listen") {
      listen = true;
    } else if (a == "--keyed") {
      keyed = true;
    } else if (a == "--report" && i + 3 < argc && wanted.size() < pmtr::limits::kReportTargets &&
               pmtr::parse_helper_number(argv[i + 2], 65535, &n) && n > 0) {
      wanted.push_back(Wanted{argv[i + 1], static_cast<uint16_t>(n), std::string_view(argv[i + 3]) == "-" ? "" : argv[i + 3]});
      i += 3;
    } else if (a == "--uid" && i + 1 < argc && pmtr::parse_helper_number(argv[i + 1], 0xfffffffe, &n)) {
      id.uid = static_cast<uid_t>(n);
      have |= 1;
      ++i;
    } else if (a == "--gid" && i + 1 < argc && pmtr::parse_helper_number(argv[i + 1], 0xfffffffe, &n)) {
      id.gid = static_cast<gid_t>(n);
      have |= 2;
      ++i;
    } else {
      usage();
    }
  }
  if (have != 3 || (keyed && !listen)) usage();
  prctl(PR_SET_NAME, "pmtr: net", 0, 0, 0);
  // pmtr-net shares pmtr's process group: a ^C in pmtr's terminal is for
  // pmtr, which ends pmtr-net by closing the channel or with SIGKILL.
  // SIGPIPE: a monitor gone mid-send is EPIPE, not death.
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE}) std::signal(sig, SIG_IGN);
  std::set_terminate(pmtr::terminate_with_exit);

  if (auto s = pmtr::enter_net_sandbox(id); !s) fail("sandbox: " + s.error().message());
  if (auto s = pmtr::init_mac_library(); !s) fail(s.error().message());

  // Unprivileged now, and no filter yet: resolve the names.
  std::vector<pmtr::ReportTarget> targets;
  bool resolve_again = false;
  for (size_t i = 0; i < wanted.size(); ++i) {
    pmtr::ReportTarget t;
    t.label = label_of(wanted[i].host, std::to_string(wanted[i].port));
    t.ip = wanted[i].ip;
    t.fd = pmtr::kNetReportFd0 + static_cast<int>(i);
    auto r = pmtr::resolve_for_socket(wanted[i].host, wanted[i].port, t.fd);
    if (r) {
      t.resolved = true;
      t.to = *r;
    } else {
      std::fprintf(stderr, "pmtr-net: report to %s: %s; trying again in 30 s\n", t.label.c_str(),
                   r.error().message().c_str());
      resolve_again = true;
    }
    targets.push_back(std::move(t));
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");

  pmtr::NonceCache nonces;
  std::vector<std::byte> key;
  if (keyed) {
    key = read_key();
    if (auto s = nonces.map(pmtr::kNetNoncesFd); !s) fail(s.error().message());
  }
  pmtr::Reporter reporter(host, std::move(targets));
  pmtr::Listener listener(key, &nonces);
  pmtr::NetSession session(reporter, listen ? &listener : nullptr, resolve_again);
  if (auto s = session.prepare(); !s) fail(s.error().message());
  if (auto s = pmtr::apply_net_seccomp(action); !s) fail("seccomp: " + s.error().message());
  return session.run();
}
