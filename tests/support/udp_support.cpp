#include "tests/support/udp_support.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace pmtr::test {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

}  // namespace

UdpCollector::UdpCollector() {
  fd_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a = loopback(0);
  if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
  socklen_t len = sizeof a;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0) port_ = ntohs(a.sin_port);
}

std::optional<std::string> UdpCollector::next(std::chrono::milliseconds timeout) {
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
  std::string buf(65536, '\0');
  const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

void UdpCollector::drain() {
  char buf[65536];
  while (::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT) >= 0) {
  }
}

uint16_t free_udp_port() {
  unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a = loopback(0);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
  socklen_t len = sizeof a;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  return ntohs(a.sin_port);
}

bool send_udp(uint16_t port, std::string_view bytes) {
  unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in a = loopback(port);
  return ::sendto(fd.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a) ==
         static_cast<ssize_t>(bytes.size());
}

}  // namespace pmtr::test
