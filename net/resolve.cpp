#include "net/resolve.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace pmtr {
namespace {

struct AddrInfoFree {
  void operator()(addrinfo* p) const noexcept { ::freeaddrinfo(p); }
};

}  // namespace

Result<ResolvedAddress> resolve_for_socket(const std::string& host, uint16_t port, int fd) {
  int domain = 0;
  socklen_t dlen = sizeof domain;
  if (::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) != 0) return Error{errno, "getsockopt SO_DOMAIN"};
  addrinfo hints{};
  hints.ai_family = domain == AF_INET ? AF_INET : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
  if (rc != 0) return Error{0, std::string("cannot resolve: ") + ::gai_strerror(rc)};
  std::unique_ptr<addrinfo, AddrInfoFree> list(raw);
  // An IPv4 answer first, as the original pmtr (IPv4 only) would send to,
  // and what a collector written for it listens on ("localhost" is both
  // 127.0.0.1 and ::1 on most hosts); else the first IPv6 one.
  for (const int family : {AF_INET, AF_INET6}) {
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family != family) continue;
      ResolvedAddress out;
      if (family == domain && ai->ai_addrlen <= sizeof out.addr) {
        std::memcpy(&out.addr, ai->ai_addr, ai->ai_addrlen);
        out.len = ai->ai_addrlen;
        return out;
      }
      if (domain == AF_INET6 && family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = v4->sin_port;
        v6->sin6_addr.s6_addr[10] = 0xff;
        v6->sin6_addr.s6_addr[11] = 0xff;
        std::memcpy(&v6->sin6_addr.s6_addr[12], &v4->sin_addr, 4);
        out.len = sizeof(sockaddr_in6);
        return out;
      }
    }
  }
  return Error{0, domain == AF_INET ? "no IPv4 address (an @iface report is IPv4 multicast)" : "no usable address"};
}

std::string address_text(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (a.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (a.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      ::inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, sizeof buf);
      return std::string(buf) + ":" + std::to_string(ntohs(v6->sin6_port));
    }
    ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return "?";
}

}  // namespace pmtr
