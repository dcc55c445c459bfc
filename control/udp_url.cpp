#include "control/udp_url.hpp"

#include <charconv>

namespace pmtr::ctl {
namespace {

constexpr std::string_view kScheme = "udp://";
// A DNS name's limit; an IPv6 literal with a zone is far shorter.
constexpr size_t kHostBytes = 253;

bool host_chars(std::string_view h) noexcept {
  for (const char c : h) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == ':' || c == '%';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<UdpUrl> parse_udp_url(std::string_view s) {
  if (!s.starts_with(kScheme)) return Error{0, "not udp://HOST:PORT"};
  std::string_view rest = s.substr(kScheme.size());
  std::string_view host, port;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return Error{0, "missing ']'"};
    host = rest.substr(1, close - 1);
    if (host.find(':') == std::string_view::npos) return Error{0, "brackets are for IPv6 addresses only"};
    rest = rest.substr(close + 1);
    if (!rest.starts_with(':')) return Error{0, "missing :PORT"};
    port = rest.substr(1);
  } else {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return Error{0, "missing :PORT"};
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos || port.find(':') != std::string_view::npos)
      return Error{0, "an IPv6 address goes in brackets: udp://[::1]:PORT"};
  }
  if (host.empty() || host.size() > kHostBytes || !host_chars(host)) return Error{0, "bad host"};
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (port.empty() || port[0] == '+' || ec != std::errc() || end != port.data() + port.size() || v == 0 ||
      v > 65535)
    return Error{0, "bad port (1 to 65535)"};
  return UdpUrl{std::string(host), static_cast<uint16_t>(v)};
}

std::string udp_url_text(std::string_view host, uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  std::string s = v6 ? "[" + std::string(host) + "]" : std::string(host);
  return s + ":" + std::to_string(port);
}

}  // namespace pmtr::ctl
