#include "monitor/check_mode.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <sstream>
#include <unordered_map>

#include "common/diagnostic.hpp"
#include "monitor/cgroup_tree.hpp"
#include "monitor/config_file.hpp"
#include "monitor/line_forwarder.hpp"
#include "monitor/listen_key.hpp"
#include "monitor/parser_link.hpp"
#include "monitor/transaction.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {
namespace {

constexpr int kAnswerTimeoutMs = 10000;

void warn_at(const std::string& file, const SourcePos& pos, const std::string& text) {
  std::fprintf(stderr, "%s\n", format_diagnostic(file, Severity::Warning, pos.line, pos.col, text).c_str());
}

// The highest capability number this kernel knows, or -1 when it does
// not say (no /proc): then no capability is warned about.
int kernel_cap_last_cap() {
  std::FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "re");
  if (f == nullptr) return -1;
  int last = -1;
  if (std::fscanf(f, "%d", &last) != 1) last = -1;
  std::fclose(f);
  return last;
}

// The problem with a path, user or group ("" when fine), looked up once
// each: large configs repeat the same few commands, directories, users and
// groups.
class HostFacts {
 public:
  const std::string& cmd(const std::string& path) {
    return memo(cmds_, path, [](const std::string& p) -> std::string {
      struct stat st {};
      if (stat(p.c_str(), &st) != 0) return "cmd " + p + ": " + std::strerror(errno);
      if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) return "cmd " + p + " is not an executable file";
      return {};
    });
  }
  const std::string& dir(const std::string& path) {
    return memo(dirs_, path, [](const std::string& p) -> std::string {
      struct stat st {};
      if (stat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "dir " + p + " does not exist";
      return {};
    });
  }
  const std::string& user(const std::string& name) {
    return memo(users_, name, [](const std::string& u) -> std::string {
      const auto found = lookup_passwd(u);
      if (found) return {};
      if (found.error().err == 0) return "user '" + u + "' does not exist on this host";
      return found.error().message();
    });
  }
  const std::string& group(const std::string& name) {
    return memo(groups_, name, [](const std::string& g) -> std::string {
      const auto found = lookup_group(g);
      if (found) return {};
      if (found.error().err == 0) return "group '" + g + "' does not exist on this host";
      return found.error().message();
    });
  }
  // A user name or "@group" (operators, control users).
  const std::string& principal(const std::string& name) {
    return name.size() > 1 && name[0] == '@' ? group(name.substr(1)) : user(name);
  }
  // "" when pmtr's cgroup offers `controller` to the cgroups it would
  // make (pmtr(8), CGROUPS); whether it may write there is known only
  // when it runs.
  const std::string& controller(const std::string& name) {
    return memo(controllers_, name, [this](const std::string& c) -> std::string {
      if (!cgroup_read_) {
        cgroup_read_ = true;
        auto mi = cgroup_read(AT_FDCWD, "/proc/self/mountinfo");
        auto self = cgroup_read(AT_FDCWD, "/proc/self/cgroup");
        bool in_root = false;
        if (mi && self) cgroup_dir_ = cgroup_dir_from(*mi, *self, in_root);
      }
      if (cgroup_dir_.empty()) return "no cgroup v2 hierarchy holds pmtr here (jobs are confined by process group only)";
      auto offered = cgroup_read(AT_FDCWD, (cgroup_dir_ + "/cgroup.controllers").c_str());
      if (offered) {
        std::istringstream words(*offered);
        for (std::string w; words >> w;)
          if (w == c) return {};
      }
      return "the " + c + " controller is not available in " + cgroup_dir_;
    });
  }
  // "" when the kernel knows capability `cap`.
  std::string cap(uint8_t cap) {
    if (cap_last_ == kUnread) cap_last_ = kernel_cap_last_cap();
    if (cap_last_ < 0 || cap <= cap_last_) return {};
    return "capability " + std::to_string(cap) + " is not known to this kernel (its last is " +
           std::to_string(cap_last_) + ", /proc/sys/kernel/cap_last_cap)";
  }

 private:
  using Memo = std::unordered_map<std::string, std::string>;
  template <typename F>
  static const std::string& memo(Memo& m, const std::string& key, F&& check) {
    auto it = m.find(key);
    if (it == m.end()) it = m.emplace(key, check(key)).first;
    return it->second;
  }
  static constexpr int kUnread = -2;
  Memo cmds_, dirs_, users_, groups_, controllers_;
  int cap_last_ = kUnread;
  bool cgroup_read_ = false;
  std::string cgroup_dir_;   // pmtr's own cgroup, "" without cgroup v2
};

// The confinement and access facts of one job.  The wire carries no
// position for these options, so they are reported at the job's keyword,
// naming the option.
void confinement_checks(const JobDesc& j, HostFacts& facts,
                        const std::function<void(const SourcePos&, const JobDesc&, const std::string&)>& warn) {
  const Confinement& c = j.confine;
  if (!c.group.empty()) warn(j.pos, j, facts.group(c.group));
  for (const auto& g : c.groups) {
    const std::string& problem = facts.group(g);
    if (!problem.empty()) warn(j.pos, j, "groups: " + problem);
  }
  for (uint8_t cap : c.caps) warn(j.pos, j, facts.cap(cap));
  auto limit = [&](bool set, const char* option, const char* controller) {
    if (!set) return;
    const std::string& problem = facts.controller(controller);
    if (!problem.empty()) warn(j.pos, j, std::string(option) + ": " + problem);
  };
  limit(c.memory_max != 0 || c.has_swap_max, "limit memory", "memory");
  limit(c.tasks_max != 0, "limit tasks", "pids");
  limit(c.cpu_percent != 0, "limit cpu", "cpu");
  for (const auto& op : j.operators) {
    const std::string& problem = facts.principal(op);
    if (!problem.empty()) warn(j.pos, j, "operators: " + problem);
  }
}

// Host facts: warnings here, errors only when the job is started.
size_t host_checks(const std::string& file, const std::vector<IndexedJob>& jobs, const GlobalConfig& globals) {
  // In file order; pointers, since a job descriptor is costly to move.
  std::vector<const IndexedJob*> order;
  order.reserve(jobs.size());
  for (const auto& ij : jobs) order.push_back(&ij);
  if (!std::is_sorted(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->index < b->index; }))
    std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->index < b->index; });
  HostFacts facts;
  size_t warnings = 0;
  auto warn = [&](const SourcePos& pos, const JobDesc& j, const std::string& problem) {
    if (problem.empty()) return;
    warn_at(file, pos, "job '" + j.name + "': " + problem);
    ++warnings;
  };
  for (const IndexedJob* ij : order) {
    const JobDesc& j = ij->job;
    if (!j.user.empty()) warn(j.user_pos, j, facts.user(j.user));
    warn(j.cmd_pos, j, facts.cmd(j.argv[0]));
    warn(j.dir_pos.line ? j.dir_pos : j.pos, j, facts.dir(j.dir));
    confinement_checks(j, facts, warn);
  }
  // Globals carry no position either: reported for the whole file.
  const std::pair<const char*, const Principals*> lists[] = {{"control status", &globals.control.status},
                                                             {"control operate", &globals.control.operate}};
  for (const auto& [what, who] : lists)
    for (const auto& name : who->names) {
      const std::string& problem = facts.principal(name);
      if (problem.empty()) continue;
      warn_at(file, SourcePos{}, std::string(what) + ": " + problem);
      ++warnings;
    }
  return warnings;
}

// The `listen on ... key FILE` file, checked as pmtr will check it.  A
// missing key is a host fact (a warning: CI machines lack it); run by
// anyone but root, -t cannot read root's key nor say whose it should be,
// so those are warnings too (as the config's ownership is).  What pmtr
// would refuse otherwise is an error.  False on an error.
bool listen_key_check(const std::string& file, const GlobalConfig& globals) {
  if (globals.listen_key.empty()) return true;
  const bool root = geteuid() == 0;
  // Not root: a key of root's is what a system pmtr wants, one of ours
  // what our own pmtr wants.
  KeyCheck c = check_listen_key(globals.listen_key, 0);
  if (!root && c.fault == KeyFault::Owner) c = check_listen_key(globals.listen_key, geteuid());
  bool warning = false;
  switch (c.fault) {
    case KeyFault::None: return true;
    case KeyFault::Missing: warning = true; break;
    case KeyFault::Access:
    case KeyFault::Owner: warning = !root; break;
    case KeyFault::Content: break;
  }
  std::fprintf(stderr, "%s\n",
               format_diagnostic(file, warning ? Severity::Warning : Severity::Error, 0, 0, c.problem).c_str());
  return warning;
}

class CheckSession {
 public:
  explicit CheckSession(std::string path) : path_(std::move(path)) {}

  int run() {
    auto cfg = open_config(path_, OwnershipRule::Warn);
    if (!cfg) {
      std::fprintf(stderr, "pmtr: %s\n", cfg.error().message().c_str());
      return 2;
    }
    if (!cfg->warning.empty())
      std::fprintf(stderr, "%s\n", format_diagnostic(path_, Severity::Warning, 0, 0, cfg->warning).c_str());
    auto id = resolve_parser_identity();
    if (!id) return fail(id.error().message());
    if (auto s = link_.spawn(*id, ParseMode::Check, path_, {}, true); !s) return fail(s.error().message());
    parser_stderr_.reset(link_.take_stderr(), "parser stderr");
    if (auto s = link_.request_parse(1, cfg->fd.get()); !s) return fail(s.error().message());
    cfg->fd.reset();
    assembler_.expect(1, 0, transaction_byte_cap(cfg->size, 0));
    const int rc = receive_loop();
    link_.close();
    int st;
    while (waitpid(link_.pid(), &st, 0) < 0 && errno == EINTR) {}
    // The parser is gone: what it wrote last is all in the pipe.
    while (forward_stderr()) {}
    return rc;
  }

 private:
  int fail(const std::string& why) {
    // `why` may quote what the parser sent.
    std::fprintf(stderr, "pmtr: %s: check failed: %s\n", path_.c_str(), escape_for_log(why).c_str());
    if (link_.pid() > 0) link_.kill_now();
    return 1;
  }

  // The parser's stderr, escaped line by line, on ours.  False at its end.
  bool forward_stderr() {
    if (!parser_stderr_.open()) return false;
    if (parser_stderr_.pump([](const std::string& line) { std::fprintf(stderr, "pmtr: parser stderr: %s\n", line.c_str()); }))
      return true;
    parser_stderr_.reset(unique_fd(), {});
    return false;
  }

  int receive_loop() {
    // One deadline for the whole answer, not one per record: a parser
    // sending a record every few seconds must not keep -t running.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerTimeoutMs);
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return fail("parser did not answer within 10 s");
      pollfd p[2] = {{link_.fd(), POLLIN, 0}, {parser_stderr_.fd(), POLLIN, 0}};   // -1: ignored
      const int n = poll(p, 2, static_cast<int>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return fail("parser did not answer within 10 s");
      if (p[1].revents != 0) forward_stderr();
      if (p[0].revents == 0) continue;
      RecvResult r = link_.receive();
      switch (r.status) {
        case RecvStatus::WouldBlock: continue;
        case RecvStatus::Closed: return fail("parser exited unexpectedly");
        case RecvStatus::Bad: return fail("malformed message from parser: " + r.why);
        case RecvStatus::Message: break;
      }
      switch (assembler_.feed(std::move(r.received->message), r.bytes)) {
        case TransactionAssembler::Outcome::Continue:
          break;
        case TransactionAssembler::Outcome::Diagnostic: {
          const MsgDiag& d = assembler_.last_diag();
          std::fprintf(stderr, "%s\n", format_diagnostic(path_, d.severity, d.line, d.col, d.text).c_str());
          break;
        }
        case TransactionAssembler::Outcome::Failed:
          std::fprintf(stderr, "pmtr: %s: %s\n", path_.c_str(), parse_failed_summary(assembler_.failure().errors).c_str());
          return 1;
        case TransactionAssembler::Outcome::Complete: {
          Transaction txn = assembler_.take();
          (void)host_checks(path_, txn.added, txn.globals);
          if (!listen_key_check(path_, txn.globals)) {
            std::fprintf(stderr, "pmtr: %s: check failed (listen key)\n", path_.c_str());
            return 1;
          }
          std::fprintf(stderr, "pmtr: %s: ok (%u %s)\n", path_.c_str(), txn.job_count, txn.job_count == 1 ? "job" : "jobs");
          return 0;
        }
        case TransactionAssembler::Outcome::Violation:
          return fail("protocol violation by parser: " + assembler_.why());
      }
    }
  }

  std::string path_;
  ParserLink link_;
  LineForwarder parser_stderr_;
  TransactionAssembler assembler_{[](std::string_view) { return false; }, 0};
};

}  // namespace

int run_config_check(const std::string& path) { return CheckSession(path).run(); }

}  // namespace pmtr
