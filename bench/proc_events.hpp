// The kernel's process-events connector (netlink NETLINK_CONNECTOR,
// CN_IDX_PROC): every fork, exec and exit on the machine, each stamped by
// the kernel with CLOCK_MONOTONIC nanoseconds.  The bench reads the stamps,
// not its own clock, so how late it reads an event does not matter, and it
// never polls while the supervisor works.  Needs root (CAP_NET_ADMIN) and
// the initial network namespace; open() says why when it cannot be had.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/unique_fd.hpp"

namespace pmtr::bench {

enum class ProcEventKind : uint8_t {
  Fork,   // pid is the new process, parent its parent (threads are skipped)
  Exec,
  Exit,
  Lost,   // the socket overflowed: events are missing, the sample is void
};

struct ProcEvent {
  ProcEventKind kind = ProcEventKind::Lost;
  uint64_t ns = 0;   // CLOCK_MONOTONIC, stamped by the kernel
  pid_t pid = -1;
  pid_t parent = -1;
};

enum class ReadResult : uint8_t { Event, Timeout, Error };

class ProcConnector {
 public:
  ProcConnector() = default;
  ~ProcConnector();
  ProcConnector(const ProcConnector&) = delete;
  ProcConnector& operator=(const ProcConnector&) = delete;

  // Subscribes to process events; false with the reason when unavailable.
  bool open(std::string* why);
  [[nodiscard]] bool is_open() const noexcept { return fd_.valid(); }
  // Waits up to timeout_ms (0: do not wait) for the next event that is a
  // fork, exec or exit of a process; thread-level events are dropped here.
  ReadResult next(ProcEvent& ev, int timeout_ms);

 private:
  bool send_op(uint32_t op);
  unique_fd fd_;
};

// CLOCK_MONOTONIC in nanoseconds: the clock of the kernel's event stamps.
[[nodiscard]] uint64_t now_ns() noexcept;

}  // namespace pmtr::bench
