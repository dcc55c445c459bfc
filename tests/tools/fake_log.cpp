// A substitute pmtr-log for the end-to-end tests: what a pmtr-log taken
// over could send the monitor.  The monitor runs it as its pmtr-log (a
// sibling of its own executable named pmtr-log, channel on fd 3); it does
// not sandbox itself and writes no file.  What it does comes from the file
// `fake-log.mode` beside it, read at start:
//
//   malformed      a record that does not decode, then waits
//   foreign-slot   Drained for a pipe the monitor never let go, then waits
//   monitor-type   a record only the monitor sends (Rotate), then waits
//   with-fd        a Wrote record carrying an fd, then waits
//   quiet          reads the channel and sends nothing (the control case)
//
// "Waits" is reading the channel until it closes, so the monitor is never
// blocked by it; the monitor is expected to kill it at once.
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#include "common/channel.hpp"
#include "common/log_messages.hpp"

namespace {

constexpr int kChannel = 3;

std::string mode_file() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return {};
  std::string dir(self, static_cast<size_t>(n));
  return dir.substr(0, dir.rfind('/')) + "/fake-log.mode";
}

void drain_until_closed() {
  char buf[70000];
  for (;;) {
    const ssize_t n = read(kChannel, buf, sizeof buf);
    if (n == 0) return;
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
  }
}

}  // namespace

int main() {
  std::string mode;
  std::ifstream(mode_file()) >> mode;
  if (mode == "malformed") {
    const std::vector<std::byte> junk{std::byte{1}, std::byte{99}, std::byte{0}};
    (void)pmtr::send_record(kChannel, junk);
  } else if (mode == "foreign-slot") {
    (void)pmtr::send_record(kChannel, pmtr::encode_log_message(pmtr::LogDrained{999}));
  } else if (mode == "monitor-type") {
    (void)pmtr::send_record(kChannel, pmtr::encode_log_message(pmtr::LogRotate{pmtr::kEverySlot}));
  } else if (mode == "with-fd") {
    (void)pmtr::send_record(kChannel, pmtr::encode_log_message(pmtr::LogWrote{}), 0, STDERR_FILENO);
  }
  drain_until_closed();
  return 0;
}
