#include "monitor/parser_link.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>

#include "common/limits.hpp"
#include "common/log.hpp"
#include "spawner/spawn.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {
namespace {

constexpr int kChannelFd = 3;

}  // namespace

Result<ParserIdentity> resolve_parser_identity() {
  ParserIdentity id;
  if (geteuid() != 0) {
    id.uid = geteuid();
    id.gid = getegid();
    return id;
  }
  if (const auto pmtr = lookup_system_user("pmtr")) {
    id.uid = pmtr->uid;
    id.gid = pmtr->gid;
  } else if (const auto nobody = lookup_system_user("nobody")) {
    id.uid = nobody->uid;
    id.gid = nobody->gid;
    id.warning =
        "no 'pmtr' user: the parser runs as 'nobody', so any other process running as 'nobody' can stop "
        "or kill it and hold up every reload (make install and the Debian package create 'pmtr': "
        "adduser --system --group --no-create-home pmtr)";
  } else {
    return Error{0, "neither a 'pmtr' nor a 'nobody' user exists to run the parser"};
  }
  if (id.uid == 0 || id.gid == 0) return Error{0, "the parser's user must not be root"};
  return id;
}

namespace {

std::string owner_mode_problem(const std::string& what, const struct stat& st, uid_t me) {
  if (st.st_uid != 0 && st.st_uid != me)
    return what + " is owned by uid " + std::to_string(st.st_uid) +
           (me == 0 ? ", not root" : ", not root or uid " + std::to_string(me));
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return what + " is writable by group or others";
  return {};
}

// The candidate dir/NAME, or why it is not to be trusted.  *missing is set
// when there is no such file (not a reason to warn).
Result<unique_fd> open_trusted(const std::string& dir, const char* name, bool* missing) {
  *missing = false;
  const uid_t me = geteuid();
  const std::string path = dir + "/" + name;
  unique_fd dfd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dfd) {
    *missing = errno == ENOENT || errno == ENOTDIR;
    return Error::from_errno(dir);
  }
  struct stat st {};
  if (fstat(dfd.get(), &st) != 0) return Error::from_errno(dir);
  if (std::string p = owner_mode_problem("directory " + dir, st, me); !p.empty()) return Error{0, p};
  unique_fd fd(::openat(dfd.get(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    *missing = errno == ENOENT;
    return Error::from_errno(path);
  }
  if (fstat(fd.get(), &st) != 0) return Error::from_errno(path);
  if (S_ISLNK(st.st_mode)) return Error{0, path + " is a symlink"};
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) return Error{0, path + " is not an executable file"};
  if (std::string p = owner_mode_problem(path, st, me); !p.empty()) return Error{0, p};
  // Well above 0-4, so that the child can put it at fd 4 after the channel.
  unique_fd high(fcntl(fd.get(), F_DUPFD_CLOEXEC, 10));
  if (!high) return Error::from_errno(path);
  return high;
}

}  // namespace

Result<ParserProgram> open_helper_program(const char* name, const std::string& self_dir,
                                         const std::string& libexec_dir) {
  ParserProgram out;
  if (!self_dir.empty()) {
    bool missing = false;
    auto sibling = open_trusted(self_dir, name, &missing);
    if (sibling) {
      out.fd = std::move(*sibling);
      out.path = self_dir + "/" + name;
      return out;
    }
    if (!missing) out.warning = "not running " + self_dir + "/" + name + ": " + sibling.error().message();
  }
  bool missing = false;
  auto installed = open_trusted(libexec_dir, name, &missing);
  if (!installed)
    return Error{0, std::string("no ") + name + " to trust: " + (out.warning.empty() ? "" : out.warning + "; ") +
                        installed.error().message()};
  out.fd = std::move(*installed);
  out.path = libexec_dir + "/" + name;
  // Say which program replaced the refused one: an admin (and the test)
  // can then tell that the refused file was never run.
  if (!out.warning.empty()) out.warning += "; running " + out.path + " instead";
  return out;
}

Result<ParserProgram> open_parser_program(const std::string& self_dir, const std::string& libexec_dir) {
  return open_helper_program("pmtr-parser", self_dir, libexec_dir);
}

Result<ParserProgram> open_helper_program(const char* name) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir;
  if (n > 0) {
    self[n] = '\0';
    dir = self;
    dir.resize(dir.rfind('/'));
    if (dir.empty()) dir = "/";
  }
  return open_helper_program(name, dir, PMTR_LIBEXECDIR);
}

Result<ParserProgram> open_parser_program() { return open_helper_program("pmtr-parser"); }

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
  auto program = open_parser_program();
  if (!program) return program.error();
  if (!program->warning.empty() && program->warning != last_program_warning_) {
    log_warnx("%s", program->warning.c_str());   // once, not at every restart
    last_program_warning_ = program->warning;
  }
  HelperCommand cmd;
  cmd.program_fd = program->fd.get();
  cmd.argv = {"pmtr: parser", "--uid", std::to_string(id.uid), "--gid", std::to_string(id.gid)};
  // The parser idles between reloads for as long as pmtr runs: without
  // glibc's per-thread cache of freed blocks (which malloc_trim never
  // returns) its heap stays some 40 KiB smaller, at no measurable cost.
  cmd.env = {"GLIBC_TUNABLES=glibc.malloc.tcache_count=0"};
  cmd.placements.push_back(FdPlacement{theirs.get(), kChannelFd});
  unique_fd err_read, err_write;
  if (keep_stderr) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return Error::from_errno("pipe for the parser's stderr");
    err_read.reset(p[0]);
    err_write.reset(p[1]);
    cmd.placements.push_back(FdPlacement{err_write.get(), STDERR_FILENO});
  }
  // The same child steps as every job (spawner/): signals reset, every fd
  // of ours closed but these, then exec of the checked program by its fd.
  Result<SpawnedJob> spawned = spawn_helper(cmd);
  if (!spawned) return Error{spawned.error().err, "start parser: " + spawned.error().what};
  const pid_t pid = spawned->pid;
  start_report_ = std::move(spawned->error_pipe);
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

std::string ParserLink::start_failure() {
  if (!start_report_) return {};
  const SpawnReport r = read_spawn_report(start_report_.get());
  start_report_.reset();
  if (r.state != SpawnReport::State::Failed) return {};
  return std::string(spawn_step_name(r.failure.step)) + ": " + std::strerror(r.failure.err);
}

void ParserLink::kill_now() noexcept {
  if (pid_ > 0) kill(pid_, SIGKILL);
  sock_.reset();
}

void ParserLink::close() noexcept { sock_.reset(); }

}  // namespace pmtr
