// Capability names for `caps`: those of capabilities(7), in any case, with
// or without the CAP_ prefix (`net_bind_service`, `CAP_NET_BIND_SERVICE`),
// or a number from 0 to limits::kCapMax.  The table is our own, numbered
// as <linux/capability.h> numbers them (CAP_CHOWN 0 .. CAP_CHECKPOINT_RESTORE
// 40; a test holds the two together): the parser links no libcap-ng for a
// table of names.  Whether the running kernel knows a capability is a host
// fact, checked by `pmtr -t` (monitor/check_mode.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.hpp"

namespace pmtr::conf {

// The capability number, or an error whose text is the diagnostic (with a
// did-you-mean hint for a misspelled name, written the way the word was:
// `net_bind_servic` -> 'net_bind_service', `CAP_NET_BIND_SERVIC` ->
// 'CAP_NET_BIND_SERVICE', `SYS_ADMN` -> 'SYS_ADMIN').
[[nodiscard]] Result<uint8_t> parse_capability(std::string_view word);

// Lowercase, without CAP_; index == capability number.
[[nodiscard]] std::span<const std::string_view> capability_names() noexcept;

}  // namespace pmtr::conf
