// UDP on loopback for the pmtr-net tests: a collector bound to a free
// port that `report to` can name, a free port for `listen on`, and
// datagrams sent the way any other program would.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/unique_fd.hpp"

namespace pmtr::test {

class UdpCollector {
 public:
  UdpCollector();   // bound to 127.0.0.1, a port the kernel picks
  [[nodiscard]] uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url() const { return "udp://127.0.0.1:" + std::to_string(port_); }
  // The next datagram, or nothing within the timeout.
  std::optional<std::string> next(std::chrono::milliseconds timeout);
  // Drops what has arrived so far.
  void drain();

 private:
  unique_fd fd_;
  uint16_t port_ = 0;
};

// A port no socket holds now (bound and released: a small race, on loopback).
uint16_t free_udp_port();
// One datagram to 127.0.0.1:port from a fresh socket.
bool send_udp(uint16_t port, std::string_view bytes);

}  // namespace pmtr::test
