// The whole pmtr-parser sandbox (parser/sandbox.cpp, enter_parser_sandbox),
// tested for real, because each step (ids, capabilities, limits,
// no_new_privs, the filter) only protects if it is in force in the running
// process: every test forks a child laid out like pmtr-parser that enters
// the sandbox, and the parent checks the result from outside (wait status,
// /proc/<pid>/status, /proc/<pid>/limits).  The id changes need root; the
// filter alone is in sandbox_policy_test.cpp.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/limits.hpp"
#include "common/unique_fd.hpp"
#include "parser/sandbox.hpp"
#include "parser/sandbox_private.hpp"
#include "tests/support/sandbox_support.hpp"
#include "tests/support/skip.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;
using pmtr::SandboxIdentity;
using pmtr::SeccompAction;
using pmtr::unique_fd;

namespace {

// /proc/<pid>/status as "Key" -> "value" (whitespace trimmed).
std::map<std::string, std::string> proc_status(pid_t pid) {
  std::map<std::string, std::string> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string v = line.substr(colon + 1);
    const size_t b = v.find_first_not_of(" \t");
    const size_t e = v.find_last_not_of(" \t");
    out[line.substr(0, colon)] = b == std::string::npos ? "" : v.substr(b, e - b + 1);
  }
  return out;
}

// The soft and hard columns of one /proc/<pid>/limits row, as "soft hard".
std::string proc_limit(pid_t pid, const std::string& row) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, row.size(), row) != 0) continue;
    std::istringstream rest(line.substr(row.size()));
    std::string soft, hard;
    rest >> soft >> hard;
    return soft + " " + hard;
  }
  return "(no row " + row + ")";
}

// Tests that need nobody's ids resolve them in the parent.
bool nobody_identity(SandboxIdentity* id) {
  const passwd* pw = getpwnam("nobody");
  if (pw == nullptr) return false;
  id->uid = pw->pw_uid;
  id->gid = pw->pw_gid;
  return id->uid != 0 && id->gid != 0;
}

// Forks a child laid out like pmtr-parser (channel at fd 3), runs
// `before` (unsandboxed), enters the sandbox, and reports on the channel:
// "entered" or "error: <message>".  When entered, it runs `after` and then
// blocks on the channel until the parent closes its end, so the parent can
// look at it in /proc meanwhile; then it exits 0.
template <typename Before, typename After>
unique_fd fork_entering(Child& child, const SandboxIdentity& id, Before before, After after) {
  Pair chan = seqpacket_pair();
  child.pid = fork_flushed();
  if (child.pid == 0) {
    child_place(chan.b.get(), pmtr::kParserChannelFd);
    close(chan.a.get());
    close(chan.b.get());
    before();
    const pmtr::Status s = pmtr::enter_parser_sandbox(id, SeccompAction::Kill);
    if (!s) {
      send_text(pmtr::kParserChannelFd, "error: " + s.error().message());
      _exit(1);
    }
    if (!send_text(pmtr::kParserChannelFd, "entered")) _exit(2);
    after();
    while (!recv_text(pmtr::kParserChannelFd).empty()) {
    }
    _exit(0);
  }
  return std::move(chan.a);
}

void nothing() {}

}  // namespace

TEST_GROUP(Sandbox) {
  Child child;
  void teardown() override { child.cleanup(); }
};

TEST(Sandbox, EnterAsRootDropsEverything) {
  PMTR_REQUIRE_ROOT();
  SandboxIdentity id;
  if (!nobody_identity(&id)) PMTR_SKIP("no user nobody with non-zero uid and gid");

  unique_fd chan = fork_entering(child, id, nothing, nothing);
  STRCMP_EQUAL("entered", recv_text(chan.get()).c_str());

  // The child now blocks on its channel: look at it from outside.
  auto st = proc_status(child.pid);
  const std::string u = std::to_string(id.uid), g = std::to_string(id.gid);
  STRCMP_EQUAL((u + "\t" + u + "\t" + u + "\t" + u).c_str(), st["Uid"].c_str());
  STRCMP_EQUAL((g + "\t" + g + "\t" + g + "\t" + g).c_str(), st["Gid"].c_str());
  STRCMP_EQUAL("", st["Groups"].c_str());
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    STRCMP_EQUAL_TEXT("0000000000000000", st[set].c_str(), set);
  STRCMP_EQUAL("1", st["NoNewPrivs"].c_str());
  STRCMP_EQUAL("2", st["Seccomp"].c_str());
  STRCMP_EQUAL("1", st["Seccomp_filters"].c_str());

  // Not dumpable: the kernel then hands /proc/<pid> to root.
  struct stat ps {};
  CHECK_EQUAL(0, stat(("/proc/" + std::to_string(child.pid) + "/status").c_str(), &ps));
  CHECK_EQUAL(0u, ps.st_uid);

  const std::string nofile = std::to_string(pmtr::kParserOpenFiles + pmtr::sandbox_detail::kSanitizerExtraFds);
  STRCMP_EQUAL((nofile + " " + nofile).c_str(), proc_limit(child.pid, "Max open files").c_str());
  STRCMP_EQUAL("0 0", proc_limit(child.pid, "Max file size").c_str());
  STRCMP_EQUAL("0 0", proc_limit(child.pid, "Max core file size").c_str());
  STRCMP_EQUAL("0 0", proc_limit(child.pid, "Max processes").c_str());
#if !PMTR_SANDBOX_ASAN
  const std::string mem = std::to_string(pmtr::sandbox_detail::kParserMemoryBytes);
  STRCMP_EQUAL((mem + " " + mem).c_str(), proc_limit(child.pid, "Max address space").c_str());
  STRCMP_EQUAL((mem + " " + mem).c_str(), proc_limit(child.pid, "Max data size").c_str());
#endif

  chan.reset();   // releases the child
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(Sandbox, EnterRefusesUidZeroByProof) {
  // Nothing rejects uid 0 up front: the proof (setuid(0) must fail) is
  // what catches it, so this also shows the proof is live.
  PMTR_REQUIRE_ROOT();
  unique_fd chan = fork_entering(child, SandboxIdentity{0, 0}, nothing, nothing);
  STRCMP_EQUAL("error: proof: setuid(0) succeeded after the uid drop", recv_text(chan.get()).c_str());
  chan.reset();
  STRCMP_EQUAL("exit 1", status_text(child.wait()).c_str());
}

TEST(Sandbox, EnterRefusesGidZeroByProof) {
  PMTR_REQUIRE_ROOT();
  SandboxIdentity id;
  if (!nobody_identity(&id)) PMTR_SKIP("no user nobody with non-zero uid and gid");
  id.gid = 0;
  unique_fd chan = fork_entering(child, id, nothing, nothing);
  STRCMP_EQUAL("error: proof: setgid(0) succeeded after the gid drop", recv_text(chan.get()).c_str());
  chan.reset();
  STRCMP_EQUAL("exit 1", status_text(child.wait()).c_str());
}

TEST(Sandbox, EnterAsRootThenForbiddenCallKills) {
  PMTR_REQUIRE_ROOT();
  SandboxIdentity id;
  if (!nobody_identity(&id)) PMTR_SKIP("no user nobody with non-zero uid and gid");
  unique_fd chan = fork_entering(child, id, nothing, [] { g_sink = static_cast<uintptr_t>(getppid()); });
  STRCMP_EQUAL("entered", recv_text(chan.get()).c_str());
  chan.reset();   // a child the filter failed to kill exits 0 instead of waiting
  STRCMP_EQUAL("signal SIGSYS", status_text(child.wait()).c_str());
}

TEST(Sandbox, EnterAsOrdinaryUserStillFilters) {
  // Not root: no id or bounding-set changes, the rest applies.  As root,
  // the child first becomes nobody by itself to get there.
  SandboxIdentity nobody;
  const bool root = geteuid() == 0;
  if (root && !nobody_identity(&nobody)) PMTR_SKIP("no user nobody with non-zero uid and gid");
  static SandboxIdentity become;
  become = nobody;
  static bool drop;
  drop = root;
  const uid_t expect_uid = root ? nobody.uid : geteuid();

  unique_fd chan = fork_entering(
      child, SandboxIdentity{1, 1},   // ignored when not root
      [] {
        if (!drop) return;
        if (setgroups(0, nullptr) != 0 || setresgid(become.gid, become.gid, become.gid) != 0 ||
            setresuid(become.uid, become.uid, become.uid) != 0)
          _exit(kSetupFailed);
      },
      nothing);
  STRCMP_EQUAL("entered", recv_text(chan.get()).c_str());

  auto st = proc_status(child.pid);
  const std::string u = std::to_string(expect_uid);
  STRCMP_EQUAL((u + "\t" + u + "\t" + u + "\t" + u).c_str(), st["Uid"].c_str());
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapAmb"})
    STRCMP_EQUAL_TEXT("0000000000000000", st[set].c_str(), set);
  STRCMP_EQUAL("1", st["NoNewPrivs"].c_str());
  STRCMP_EQUAL("2", st["Seccomp"].c_str());
  const std::string nofile = std::to_string(pmtr::kParserOpenFiles + pmtr::sandbox_detail::kSanitizerExtraFds);
  STRCMP_EQUAL((nofile + " " + nofile).c_str(), proc_limit(child.pid, "Max open files").c_str());
  STRCMP_EQUAL("0 0", proc_limit(child.pid, "Max file size").c_str());

  chan.reset();
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(Sandbox, StderrOnAFileFailsWithEfbigInsteadOfKilling) {
  // RLIMIT_FSIZE 0 with stderr redirected to a log file: the last-resort
  // write must fail (EFBIG), not kill the parser with SIGXFSZ.
  SandboxIdentity id{geteuid(), getegid()};
  if (geteuid() == 0 && !nobody_identity(&id)) PMTR_SKIP("no user nobody with non-zero uid and gid");
  char path[] = "/tmp/pmtr-sandbox-stderr.XXXXXX";
  unique_fd log(mkostemp(path, O_CLOEXEC));
  CHECK(log.valid());
  unlink(path);
  log = high_fd(std::move(log));
  static int log_fd;
  log_fd = log.get();

  unique_fd chan = fork_entering(
      child, id, [] { child_place(log_fd, STDERR_FILENO); },
      [] {
        const ssize_t n = write(STDERR_FILENO, "x", 1);
        send_text(pmtr::kParserChannelFd, n == -1 && errno == EFBIG ? "EFBIG" : "write returned " + std::to_string(n));
      });
  STRCMP_EQUAL("entered", recv_text(chan.get()).c_str());
  STRCMP_EQUAL("EFBIG", recv_text(chan.get()).c_str());
  chan.reset();
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}

TEST(Sandbox, MemoryIsCappedButFitsAConfig) {
#if PMTR_SANDBOX_ASAN
  PMTR_SKIP("no RLIMIT_AS under AddressSanitizer (its shadow memory is terabytes of address space)");
#endif
  SandboxIdentity id{geteuid(), getegid()};
  if (geteuid() == 0 && !nobody_identity(&id)) PMTR_SKIP("no user nobody with non-zero uid and gid");
  unique_fd chan = fork_entering(child, id, nothing, [] {
    void* (*volatile alloc)(size_t) = std::malloc;
    // Twice the largest config (a string growing to it doubles), touched.
    char* fits = static_cast<char*>(alloc(2 * pmtr::limits::kConfigBytes));
    if (fits == nullptr) {
      send_text(pmtr::kParserChannelFd, "a config-sized allocation failed");
      return;
    }
    for (size_t i = 0; i < 2 * pmtr::limits::kConfigBytes; i += 4096) fits[i] = 1;
    g_sink = static_cast<uintptr_t>(fits[2 * pmtr::limits::kConfigBytes - 4096]);
    // Then untouched blocks until malloc says no.  Without the cap,
    // overcommit would let this run past the cap (the loop stops there).
    constexpr size_t kBlock = size_t{256} << 20;
    uint64_t total = 2 * pmtr::limits::kConfigBytes;
    while (total <= pmtr::sandbox_detail::kParserMemoryBytes && alloc(kBlock) != nullptr) total += kBlock;
    send_text(pmtr::kParserChannelFd, total <= pmtr::sandbox_detail::kParserMemoryBytes
                                          ? "capped"
                                          : "allocated past the cap: " + std::to_string(total));
  });
  STRCMP_EQUAL("entered", recv_text(chan.get()).c_str());
  STRCMP_EQUAL("capped", recv_text(chan.get()).c_str());
  chan.reset();
  STRCMP_EQUAL("exit 0", status_text(child.wait()).c_str());
}
