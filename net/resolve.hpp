// `report to` host names, resolved by pmtr-net at its start: after the
// privilege drop and before the seccomp filter, which allows no name
// resolution at all.  A new pmtr-net (every reload starts one) resolves
// again; one whose names did not all resolve exits after a while so that
// the next one tries again (net/net_fds.hpp kNetExitResolveAgain).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace pmtr {

struct ResolvedAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

// An address the socket `fd` can send to: the first IPv4 answer, else the
// first IPv6 one.  For an AF_INET6 socket (dual stack) an IPv4 answer
// becomes a v4-mapped address; an AF_INET socket (the @iface ones) takes
// IPv4 answers only.  The error says why.
[[nodiscard]] Result<ResolvedAddress> resolve_for_socket(const std::string& host, uint16_t port, int fd);

// "1.2.3.4:9999" / "[::1]:9999", for messages.
[[nodiscard]] std::string address_text(const sockaddr_storage& a);

}  // namespace pmtr
