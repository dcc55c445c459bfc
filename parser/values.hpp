// Value syntax of pmtr.conf options: integers with range checks, CPU lists
// and masks, umasks, ulimit values, bounce intervals, udp:// addresses.  Pure
// functions; an Error's text is the diagnostic (no position: the caller
// knows where the word was).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"

namespace pmtr::conf {

// Decimal, optional leading '-' or '+', no blanks, within [min, max].
[[nodiscard]] std::optional<int64_t> parse_int(std::string_view s, int64_t min, int64_t max) noexcept;

// "0,2-4" or "0x1d" -> sorted unique CPU numbers, each < limits::kCpus.
[[nodiscard]] Result<std::vector<uint16_t>> parse_cpus(std::string_view s);

// `umask`: 1 to 4 octal digits (`027`, `27`, `0027`), at most 0777.
[[nodiscard]] std::optional<uint16_t> parse_umask(std::string_view s) noexcept;

// A non-negative decimal (raw setrlimit units) or infinity/unlimited.
[[nodiscard]] Result<uint64_t> parse_ulimit_value(std::string_view s);

// "30s", "5m", "2h", "1d" (unit glued), or number and unit as two words
// (`unit` non-empty) -> seconds in 1 .. limits::kBounceSecondsMax.
[[nodiscard]] Result<uint32_t> parse_bounce(std::string_view number, std::string_view unit);

// Which statement an address is for: `report to` takes host names (pmtr-net
// resolves them) and @iface; `listen on` is a bind address, so numeric only.
enum class UdpUse : uint8_t { Report, Listen };

// udp://HOST:PORT[@iface]; HOST numeric IPv4 or [IPv6], or for Report a host
// name (valid_host_name).
[[nodiscard]] Result<UdpAddress> parse_udp_address(std::string_view s, UdpUse use);

}  // namespace pmtr::conf
