// The logger's last line of defence (issue 11, finding 5): whatever reaches
// a format, a log record is one line with no control bytes in it.
#include "common/log.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <string>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

// What the logger writes on stderr while f runs.
template <typename F>
std::string captured(F&& f) {
  char tmpl[] = "/tmp/pmtr-log-test.XXXXXX";
  const int fd = mkstemp(tmpl);
  CHECK(fd >= 0);
  unlink(tmpl);
  const int saved = dup(2);
  dup2(fd, 2);
  log_init("pmtr", LogTarget::Stderr, 0);
  f();
  dup2(saved, 2);
  close(saved);
  std::string out;
  char buf[4096];
  ssize_t n;
  off_t off = 0;
  while ((n = pread(fd, buf, sizeof buf, off)) > 0) {
    out.append(buf, static_cast<size_t>(n));
    off += n;
  }
  close(fd);
  return out;
}

}  // namespace

TEST_GROUP(Log){};

TEST(Log, ControlBytesNeverReachTheLogRaw) {
  const std::string out = captured([] {
    log_warnx("job %s removed", "x\npmtr: started job sshd-backdoor [1]");
    log_info("%s", "\x1b[2J\x7f tab\there \xc2\x9b" "31m \xc3\xa9");
  });
  STRCMP_EQUAL("pmtr: job x\\x0apmtr: started job sshd-backdoor [1] removed\n"
               "pmtr: \\x1b[2J\\x7f tab\\x09here \\xc2\\x9b31m \xc3\xa9\n",
               out.c_str());
}

TEST(Log, ALongEscapedMessageStaysOneLine) {
  const std::string out = captured([] { log_warnx("%s", std::string(2000, '\n').c_str()); });
  CHECK_EQUAL(1, static_cast<int>(std::count(out.begin(), out.end(), '\n')));
  CHECK(out.rfind("pmtr: \\x0a", 0) == 0);
}
