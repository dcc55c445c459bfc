#include "monitor/udp_sockets.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace pmtr {
namespace {

Error sys_error(const std::string& what) { return Error{errno, what}; }

}  // namespace

std::string udp_address_text(const UdpAddress& a) {
  const bool v6 = a.host.find(':') != std::string::npos;
  return "udp://" + (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port) +
         (a.iface.empty() ? "" : "@" + a.iface);
}

Result<ReportSocket> open_report_socket(const UdpAddress& to) {
  ReportSocket out;
  if (!to.iface.empty()) {
    out.fd.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!out.fd) return sys_error("socket");
    ifreq ifr{};
    if (to.iface.size() >= sizeof ifr.ifr_name) return Error{ENAMETOOLONG, "interface " + to.iface};
    std::memcpy(ifr.ifr_name, to.iface.data(), to.iface.size());
    ifr.ifr_addr.sa_family = AF_INET;
    if (::ioctl(out.fd.get(), SIOCGIFADDR, &ifr) != 0) return sys_error("interface " + to.iface + ": its IPv4 address");
    const in_addr addr = reinterpret_cast<const sockaddr_in*>(&ifr.ifr_addr)->sin_addr;
    if (::setsockopt(out.fd.get(), IPPROTO_IP, IP_MULTICAST_IF, &addr, sizeof addr) != 0)
      return sys_error("interface " + to.iface + ": IP_MULTICAST_IF");
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &addr, buf, sizeof buf);
    out.ip = buf;
    return out;
  }
  out.fd.reset(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (out.fd) {
    const int off = 0;
    if (::setsockopt(out.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == 0) return out;
  }
  // No IPv6 on this host: IPv4 only.
  out.fd.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!out.fd) return sys_error("socket");
  return out;
}

Result<unique_fd> open_listen_socket(const UdpAddress& on) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (on.host.find(':') != std::string::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(on.port);
    if (::inet_pton(AF_INET6, on.host.c_str(), &a->sin6_addr) != 1) return Error{EINVAL, "address " + on.host};
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(on.port);
    if (::inet_pton(AF_INET, on.host.c_str(), &a->sin_addr) != 1) return Error{EINVAL, "address " + on.host};
    len = sizeof *a;
  }
  unique_fd fd(::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return sys_error("socket");
  if (ss.ss_family == AF_INET6) {
    const int on6 = 1;   // [::] means IPv6; 0.0.0.0 is written for IPv4
    (void)::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on6, sizeof on6);
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0) return sys_error("bind");
  return fd;
}

}  // namespace pmtr
