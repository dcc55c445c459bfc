#include "control/report_listen.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "common/syscalls.hpp"
#include "common/udp_report.hpp"
#include "common/unique_fd.hpp"
#include "control/report_table.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

// Larger than any UDP payload (65,507 bytes over IPv4).
constexpr size_t kReceiveBytes = 65536;

Result<unique_fd> bind_udp(const UdpUrl& at) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(at.port);
  if (const int e = ::getaddrinfo(at.host.c_str(), port.c_str(), &hints, &found); e != 0)
    return Error{0, "cannot resolve " + at.host + ": " + ::gai_strerror(e)};
  Error last{0, "no address for " + at.host};
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    unique_fd s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (s && ::bind(s.get(), a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return s;
    }
    last = Error::from_errno("bind " + udp_url_text(at.host, at.port));
  }
  ::freeaddrinfo(found);
  return last;
}

std::string sender_text(const sockaddr_storage& from, socklen_t len) {
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&from), len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  return udp_url_text(host, static_cast<uint16_t>(std::strtoul(serv, nullptr, 10)));
}

std::string local_time_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  char buf[64];
  if (::localtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
    return "?";
  return buf;
}

}  // namespace

Status listen_reports(const UdpUrl& at, uint64_t count, int out_fd) {
  Result<unique_fd> s = bind_udp(at);
  if (!s) return s.error();
  std::vector<char> buf(kReceiveBytes);
  for (uint64_t seen = 0; count == 0 || seen < count;) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = retry_eintr([&] {
      return ::recvfrom(s->get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    });
    if (n < 0) return Error::from_errno("receive");
    ++seen;
    const std::string sender = sender_text(from, from_len);
    const Result<Report> r = parse_report(std::string_view(buf.data(), static_cast<size_t>(n)));
    const std::string text =
        r ? format_report_table(r.value(), sender, local_time_now()) : format_not_a_report(sender, r.error().what);
    if (const int e = write_all(out_fd, text); e != 0) return Error{e, "write"};
  }
  return {};
}

}  // namespace pmtr::ctl
