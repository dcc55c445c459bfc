#include "monitor/parser_link.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>

#include "common/limits.hpp"

namespace pmtr {
namespace {

constexpr int kChannelFd = 3;

// System users live in /etc/passwd: read it directly first, so a monitor
// whose jobs name no user never loads NSS modules (libnss_systemd and its
// libraries cost more memory than the rest of the monitor).  NSS is the
// fallback for a site that keeps even system users elsewhere.
std::optional<std::pair<uid_t, gid_t>> lookup_system_user(const char* name) {
  if (FILE* f = std::fopen("/etc/passwd", "re")) {
    std::optional<std::pair<uid_t, gid_t>> found;
    while (const passwd* pw = fgetpwent(f)) {
      if (std::strcmp(pw->pw_name, name) == 0) {
        found = std::make_pair(pw->pw_uid, pw->pw_gid);
        break;
      }
    }
    std::fclose(f);
    if (found) return found;
  }
  if (const passwd* pw = getpwnam(name)) return std::make_pair(pw->pw_uid, pw->pw_gid);
  return std::nullopt;
}

}  // namespace

Result<ParserIdentity> resolve_parser_identity() {
  ParserIdentity id;
  if (geteuid() != 0) {
    id.uid = geteuid();
    id.gid = getegid();
    return id;
  }
  if (const auto pmtr = lookup_system_user("pmtr")) {
    id.uid = pmtr->first;
    id.gid = pmtr->second;
  } else if (const auto nobody = lookup_system_user("nobody")) {
    id.uid = nobody->first;
    id.gid = nobody->second;
    id.warning = "no 'pmtr' user; the parser runs as 'nobody' (make install creates 'pmtr')";
  } else {
    return Error{0, "neither a 'pmtr' nor a 'nobody' user exists to run the parser"};
  }
  if (id.uid == 0 || id.gid == 0) return Error{0, "the parser's user must not be root"};
  return id;
}

std::string parser_program_path() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir.resize(dir.rfind('/') + 1);
    std::string sibling = dir + "pmtr-parser";
    if (access(sibling.c_str(), X_OK) == 0) return sibling;
  }
  return std::string(PMTR_LIBEXECDIR) + "/pmtr-parser";
}

Status ParserLink::spawn(const ParserIdentity& id, ParseMode mode, const std::string& config_name,
                         const std::vector<JobDesc>& table, bool keep_stderr) {
  auto pair = make_channel_pair();
  if (!pair) return pair.error();
  unique_fd mine = std::move(pair->first);
  unique_fd theirs = std::move(pair->second);
  // A parser that stops reading must not block the monitor for long: a
  // send that cannot complete within 5 s fails (EAGAIN) and the parser is
  // treated as failed.  Without the timeout there is no parser.
  const timeval tv{kParserSendTimeoutSeconds, 0};
  if (setsockopt(mine.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
    return Error::from_errno("setsockopt SO_SNDTIMEO");

  // Everything the child needs is built before fork.
  const std::string path = parser_program_path();
  char uid_s[16], gid_s[16];
  std::snprintf(uid_s, sizeof uid_s, "%u", static_cast<unsigned>(id.uid));
  std::snprintf(gid_s, sizeof gid_s, "%u", static_cast<unsigned>(id.gid));
  char arg0[] = "pmtr: parser";
  char opt_uid[] = "--uid";
  char opt_gid[] = "--gid";
  char* argv[] = {arg0, opt_uid, uid_s, opt_gid, gid_s, nullptr};
  // The parser idles between reloads for as long as pmtr runs: without
  // glibc's per-thread cache of freed blocks (which malloc_trim never
  // returns) its heap stays some 40 KiB smaller, at no measurable cost.
  char tunables[] = "GLIBC_TUNABLES=glibc.malloc.tcache_count=0";
  char* envp[] = {tunables, nullptr};

  unique_fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull) return Error::from_errno("open /dev/null");
  unique_fd err_read, err_write;
  if (keep_stderr) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return Error::from_errno("pipe for the parser's stderr");
    err_read.reset(p[0]);
    err_write.reset(p[1]);
  }

  const pid_t pid = fork();
  if (pid < 0) return Error::from_errno("fork parser");
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (dup2(devnull.get(), 0) != 0 || dup2(devnull.get(), 1) != 1) _exit(127);
    if (dup2(keep_stderr ? err_write.get() : devnull.get(), 2) != 2) _exit(127);
    if (theirs.get() == kChannelFd) {
      if (fcntl(kChannelFd, F_SETFD, 0) != 0) _exit(127);
    } else if (dup2(theirs.get(), kChannelFd) != kChannelFd) {
      _exit(127);
    }
    syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
    execve(path.c_str(), argv, envp);
    _exit(127);
  }
  pid_ = pid;
  theirs.reset();
  err_write.reset();   // EOF on err_read once the parser is gone
  stderr_ = std::move(err_read);
  sock_ = std::move(mine);

  if (auto s = send_message(sock_.get(), MsgHello{mode, config_name}); !s) return s;
  if (auto s = send_message(sock_.get(), MsgTableBegin{static_cast<uint32_t>(table.size())}); !s)
    return s;
  for (auto& batch : pack_table(table))
    if (auto s = send_message(sock_.get(), batch); !s) return s;
  return send_message(sock_.get(), MsgTableEnd{});
}

Status ParserLink::request_parse(uint32_t generation, int config_fd) {
  return send_message(sock_.get(), MsgParse{generation}, config_fd);
}

void ParserLink::kill_now() noexcept {
  if (pid_ > 0) kill(pid_, SIGKILL);
  sock_.reset();
}

void ParserLink::close() noexcept { sock_.reset(); }

}  // namespace pmtr
