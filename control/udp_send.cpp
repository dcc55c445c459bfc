#include "control/udp_send.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/datagram_mac.hpp"
#include "common/syscalls.hpp"
#include "common/unique_fd.hpp"

namespace pmtr::ctl {

Result<std::vector<std::byte>> read_key_file(const std::string& path) {
  unique_fd fd(retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY); }));
  if (!fd) return Error::from_errno("key " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno("key " + path);
  if (!S_ISREG(st.st_mode)) return Error{0, "key " + path + ": not a regular file"};
  // One byte more than allowed tells "too long" from "exactly the maximum".
  std::vector<std::byte> key(kKeyBytesMax + 1);
  size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = retry_eintr([&] { return ::read(fd.get(), key.data() + got, key.size() - got); });
    if (n < 0) return Error::from_errno("key " + path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < kKeyBytesMin || got > kKeyBytesMax)
    return Error{0, "key " + path + ": " + (got > kKeyBytesMax ? "more than " + std::to_string(kKeyBytesMax)
                                                                 : std::to_string(got)) +
                        " bytes (a key is " + std::to_string(kKeyBytesMin) + " to " + std::to_string(kKeyBytesMax) +
                        " bytes, e.g. head -c 32 /dev/urandom)"};
  key.resize(got);
  return key;
}

Status send_udp(const UdpUrl& to, const std::string& datagram) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(to.port);
  if (const int e = ::getaddrinfo(to.host.c_str(), port.c_str(), &hints, &found); e != 0)
    return Error{0, "cannot resolve " + to.host + ": " + ::gai_strerror(e)};
  Error last{0, "no address for " + to.host};
  // The first address that takes the datagram: a name may resolve to an
  // IPv6 address on a host without IPv6.
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    unique_fd s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!s) {
      last = Error::from_errno("socket");
      continue;
    }
    const ssize_t n = retry_eintr(
        [&] { return ::sendto(s.get(), datagram.data(), datagram.size(), 0, a->ai_addr, a->ai_addrlen); });
    if (n == static_cast<ssize_t>(datagram.size())) {
      ::freeaddrinfo(found);
      return {};
    }
    last = n < 0 ? Error::from_errno("send to " + udp_url_text(to.host, to.port))
                 : Error{0, "send to " + udp_url_text(to.host, to.port) + ": datagram cut short"};
  }
  ::freeaddrinfo(found);
  return last;
}

}  // namespace pmtr::ctl
