// The monitor's end of pmtr-parser: starting it (fork + exec of a fresh
// binary, channel on fd 3), handing it the job table, asking for parses.
// Every record from it goes through recv_message (no fds accepted) and the
// TransactionAssembler; the policy on failure lives in Monitor.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/channel.hpp"
#include "common/job.hpp"
#include "common/messages.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// How long a send to the parser may block before the parser counts as hung.
inline constexpr int kParserSendTimeoutSeconds = 5;

struct ParserIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string warning;   // e.g. fell back to `nobody`
};

// `pmtr` when root (falling back to `nobody`), our own ids otherwise.
[[nodiscard]] Result<ParserIdentity> resolve_parser_identity();

// The pmtr-parser program, opened (O_PATH) and checked, to be exec'd by fd:
// what was checked is what runs, whatever happens to the name meanwhile.
struct ParserProgram {
  unique_fd fd;
  std::string path;      // for messages
  std::string warning;   // a sibling that exists but was not trusted
};
// A pmtr-parser is trusted when it is a regular executable file, and it
// and its directory are owned by root (or by the uid pmtr runs as) and not
// writable by group or others: nobody else could have put it there.  The
// one beside our own executable (a build tree: `make test` runs
// build/pmtr with build/pmtr-parser) is used if it is trusted; otherwise,
// with a warning if it exists, the installed one in libexec_dir, which
// must be trusted.
[[nodiscard]] Result<ParserProgram> open_parser_program(const std::string& self_dir,
                                                        const std::string& libexec_dir);
// The same for this process: the directory of /proc/self/exe and the
// LIBEXECDIR pmtr was built with.
[[nodiscard]] Result<ParserProgram> open_parser_program();
// The same rule for any helper program (pmtr-log): NAME beside us if
// trusted, else LIBEXECDIR/NAME.
[[nodiscard]] Result<ParserProgram> open_helper_program(const char* name, const std::string& self_dir,
                                                        const std::string& libexec_dir);
[[nodiscard]] Result<ParserProgram> open_helper_program(const char* name);

class ParserLink {
 public:
  // keep_stderr: the parser's fd 2 is a pipe whose read end take_stderr()
  // hands over, for its last-resort errors (and sanitizer reports) to be
  // forwarded escaped (LineForwarder); never our own stderr, which a
  // parser taken over could write anything to.  Otherwise 0-2 are
  // /dev/null, so a daemon's parser never holds its caller's terminal.
  [[nodiscard]] Status spawn(const ParserIdentity& id, ParseMode mode, const std::string& config_name,
                             const std::vector<JobDesc>& table, bool keep_stderr);
  [[nodiscard]] Status request_parse(uint32_t generation, int config_fd);
  [[nodiscard]] RecvResult receive() { return recv_message(sock_.get(), false, MSG_DONTWAIT); }
  // SIGKILL and forget the channel; the pid is still reaped by the monitor.
  void kill_now() noexcept;
  // Closing the channel tells the parser to exit.
  void close() noexcept;

  // The read end of the last spawned parser's stderr pipe (once).
  [[nodiscard]] unique_fd take_stderr() noexcept { return std::move(stderr_); }
  // Once it has exited: the step of its start that failed, with its errno
  // ("execve: Exec format error"), or "" when it reached exec.
  [[nodiscard]] std::string start_failure();

  [[nodiscard]] bool alive() const noexcept { return sock_.valid(); }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] int fd() const noexcept { return sock_.get(); }

 private:
  unique_fd sock_;
  unique_fd stderr_;
  unique_fd start_report_;   // the spawner's error pipe: EOF once it exec'd
  pid_t pid_ = -1;
  std::string last_program_warning_;
};

}  // namespace pmtr
