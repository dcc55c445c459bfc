// pmtr-parser: started by the monitor (fork + exec, so nothing of the
// monitor's address space survives) with the channel on fd 3.
//   pmtr-parser --uid UID --gid GID [-d]
// It sandboxes itself before reading a single byte of input.
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <exception>

#include "common/terminate_handler.hpp"
#include "parser/parser_session.hpp"
#include "parser/sandbox.hpp"
// Sanitized builds only: LeakSanitizer's exit-time scan would need ptrace
// and clone, which the sandbox forbids.  Included here and nowhere else.
#include "common/helper_sanitizer_options.hpp"

namespace {

bool parse_id(const char* s, unsigned* out) {
  if (s == nullptr || *s == '\0') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long v = std::strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > 0xfffffffeUL) return false;
  *out = static_cast<unsigned>(v);
  return true;
}

[[noreturn]] void usage() {
  std::fputs("usage: pmtr-parser --uid UID --gid GID [-d]  (started by pmtr, channel on fd 3)\n", stderr);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  pmtr::SandboxIdentity id;
  bool have_uid = false, have_gid = false;
  auto action = pmtr::SeccompAction::Kill;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    unsigned v = 0;
    if (a == "--uid" && i + 1 < argc && parse_id(argv[++i], &v)) {
      id.uid = v;
      have_uid = true;
    } else if (a == "--gid" && i + 1 < argc && parse_id(argv[++i], &v)) {
      id.gid = v;
      have_gid = true;
    } else if (a == "-d") {
      action = pmtr::SeccompAction::Log;
    } else {
      usage();
    }
  }
  if (!have_uid || !have_gid) usage();
  prctl(PR_SET_NAME, "pmtr: parser", 0, 0, 0);
  // abort() would need signal syscalls the sandbox refuses (ending in
  // SIGSYS); say why on stderr and leave cleanly instead.
  std::set_terminate(pmtr::terminate_with_exit);

  if (auto s = pmtr::enter_parser_sandbox(id, action); !s) {
    std::fprintf(stderr, "pmtr-parser: sandbox: %s\n", s.error().message().c_str());
    return 1;
  }
  return pmtr::ParserSession(pmtr::kParserChannelFd).run();
}
