#include "parser/values.hpp"

#include <sys/resource.h>

#include <bitset>
#include <limits>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "parser/diag_sink.hpp"
#include "parser/durations.hpp"

namespace pmtr::conf {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Unsigned decimal, all digits, no overflow past `max`.
std::optional<uint64_t> parse_u64(std::string_view s, uint64_t max) noexcept {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error err(std::initializer_list<std::string_view> parts) { return Error{0, cat(parts)}; }

std::string cpu_max_text() { return std::to_string(limits::kCpus - 1); }

Result<std::vector<uint16_t>> cpus_from(const std::bitset<limits::kCpus>& set) {
  std::vector<uint16_t> v;
  v.reserve(set.count());
  for (size_t i = 0; i < set.size(); ++i)
    if (set.test(i)) v.push_back(static_cast<uint16_t>(i));
  return v;
}

Result<std::vector<uint16_t>> parse_cpu_mask(std::string_view whole, std::string_view hex) {
  if (hex.empty()) return err({"invalid cpu mask ", quote(whole), " (no hex digits after 0x)"});
  std::bitset<limits::kCpus> set;
  // Rightmost digit holds CPUs 0-3.
  for (size_t k = 0; k < hex.size(); ++k) {
    const int d = hex_digit(hex[hex.size() - 1 - k]);
    if (d < 0) return err({"invalid cpu mask ", quote(whole), " (hex digits only)"});
    for (size_t b = 0; b < 4; ++b) {
      if (!(d & (1 << b))) continue;
      const size_t cpu = 4 * k + b;
      if (cpu >= limits::kCpus)
        return err({"cpu mask ", quote(whole), " selects a cpu above ", cpu_max_text()});
      set.set(cpu);
    }
  }
  if (set.none()) return err({"cpu mask ", quote(whole), " selects no cpu"});
  return cpus_from(set);
}

}  // namespace

std::optional<int64_t> parse_int(std::string_view s, int64_t min, int64_t max) noexcept {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  // Magnitude bound: |min| for negatives, max otherwise (both fit u64).
  const uint64_t bound = neg ? (min < 0 ? static_cast<uint64_t>(-(min + 1)) + 1 : 0)
                             : (max > 0 ? static_cast<uint64_t>(max) : 0);
  const auto mag = parse_u64(s, bound);
  if (!mag) return std::nullopt;
  const int64_t v = neg ? (*mag == 0 ? 0 : -static_cast<int64_t>(*mag - 1) - 1)
                        : static_cast<int64_t>(*mag);
  if (v < min || v > max) return std::nullopt;
  return v;
}

Result<std::vector<uint16_t>> parse_cpus(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return parse_cpu_mask(s, s.substr(2));
  std::bitset<limits::kCpus> set;
  std::string_view rest = s;
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const size_t dash = item.find('-');
    const auto lo = parse_u64(item.substr(0, dash), std::numeric_limits<uint32_t>::max());
    const auto hi = dash == std::string_view::npos
                        ? lo
                        : parse_u64(item.substr(dash + 1), std::numeric_limits<uint32_t>::max());
    if (!lo || !hi)
      return err({"invalid cpu list ", quote(s), " (expected a list like 0,2-4 or a mask like 0x1d)"});
    if (*lo > *hi) return err({"invalid cpu range ", quote(item), " (start above end)"});
    if (*hi >= limits::kCpus)
      return err({"cpu ", std::to_string(*hi), " out of range (max ", cpu_max_text(), ")"});
    for (uint64_t c = *lo; c <= *hi; ++c) set.set(c);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return cpus_from(set);
}

std::optional<uint16_t> parse_umask(std::string_view s) noexcept {
  // Four digits at most: `0022`, as umask(1) prints it, but no run of
  // zeros that hides a typo.
  if (s.empty() || s.size() > 4) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '7') return std::nullopt;
    v = v * 8 + static_cast<unsigned>(c - '0');
  }
  if (v > 0777) return std::nullopt;
  return static_cast<uint16_t>(v);
}

Result<uint64_t> parse_ulimit_value(std::string_view s) {
  if (s == "infinity" || s == "unlimited") return static_cast<uint64_t>(RLIM_INFINITY);
  const auto v = parse_u64(s, std::numeric_limits<uint64_t>::max());
  if (!v) return err({"invalid ulimit value ", quote(s), " (a number, or infinity)"});
  return *v;
}

Result<uint32_t> parse_bounce(std::string_view number, std::string_view unit) {
  const std::string_view written = number;
  if (unit.empty()) {
    size_t n = 0;
    while (n < number.size() && is_digit(number[n])) ++n;
    unit = number.substr(n);
    number = number.substr(0, n);
  }
  // The duration units, less `ms`: bounce intervals are whole seconds.
  const auto unit_ms = unit == "ms" ? std::nullopt : duration_unit_ms(unit);
  const uint64_t scale = unit_ms ? *unit_ms / 1000 : 0;
  const auto n = parse_u64(number, std::numeric_limits<uint32_t>::max());
  if (!n || scale == 0)
    return err({"invalid bounce interval ", quote(written),
                " (a number and a unit: s, m, h or d, as in 'bounce every 1d')"});
  if (*n == 0) return err({"bounce interval must be positive"});
  if (*n * scale > limits::kBounceSecondsMax)
    return err({"bounce interval too long (max ", std::to_string(limits::kBounceSecondsMax / 86400), "d)"});
  return static_cast<uint32_t>(*n * scale);
}

Result<UdpAddress> parse_udp_address(std::string_view s, UdpUse use) {
  constexpr std::string_view kScheme = "udp://";
  const bool report = use == UdpUse::Report;
  const std::string usage = " (expected udp://HOST:PORT" + std::string(report ? "[@iface]" : "") + ")";
  if (s.substr(0, kScheme.size()) != kScheme)
    return err({"invalid address ", quote(s), usage});
  std::string_view rest = s.substr(kScheme.size());
  UdpAddress a;
  const size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    if (!report) return err({"'listen on' takes no @iface: ", quote(s)});
    a.iface = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    UdpAddress probe{"127.0.0.1", 1, a.iface};
    if (a.iface.empty() || !valid_udp_address(probe))
      return err({"invalid interface name ", quote(a.iface)});
  }
  std::string_view host, port;
  bool bracketed = false;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return err({"invalid address ", quote(s), " (missing ']')"});
    host = rest.substr(1, close - 1);
    if (host.find(':') == std::string_view::npos)
      return err({"invalid address ", quote(s), " (brackets are for IPv6 only)"});
    bracketed = true;
    rest = rest.substr(close + 1);
    if (rest.empty() || rest[0] != ':') return err({"invalid address ", quote(s), usage});
    port = rest.substr(1);
  } else {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return err({"invalid address ", quote(s), " (missing :PORT)"});
    if (rest.find(':', colon + 1) != std::string_view::npos)
      return err({"invalid address ", quote(s), " (write an IPv6 host in brackets: udp://[::1]:PORT)"});
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  a.host = std::string(host);
  const bool host_ok = valid_numeric_host(host) || (report && !bracketed && valid_host_name(host));
  if (!host_ok)
    return err({"invalid host ", quote(host),
                report ? " (an IPv4 address, an [IPv6] address or a host name)"
                       : " (numeric IPv4 or [IPv6] only; no DNS)"});
  const auto p = parse_u64(port, 65535);
  if (!p || *p == 0) return err({"invalid port ", quote(port), " (1 to 65535)"});
  a.port = static_cast<uint16_t>(*p);
  if (!(report ? valid_report_address(a) : valid_udp_address(a))) return err({"invalid address ", quote(s), usage});
  return a;
}

}  // namespace pmtr::conf
