// The udp://HOST:PORT of `pmtrctl send` and `pmtrctl listen`, parsed in
// one place: HOST a name, an IPv4 address or an [IPv6] address in
// brackets, PORT 1..65535.  The parser's parse_udp_address is the config's
// (numeric hosts, @iface) and lives in a process pmtrctl does not link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace pmtr::ctl {

struct UdpUrl {
  std::string host;   // without the brackets
  uint16_t port = 0;
  bool operator==(const UdpUrl&) const = default;
};

// The error is the reason alone ("missing :PORT"); the caller names the URL.
[[nodiscard]] Result<UdpUrl> parse_udp_url(std::string_view s);

// "HOST:PORT", "[IPv6]:PORT": how messages name an address.
[[nodiscard]] std::string udp_url_text(std::string_view host, uint16_t port);

}  // namespace pmtr::ctl
