// `pmtrctl send`: one `enable`/`disable` datagram to a pmtr's `listen on`,
// signed when a key is given (pmtr(8) SIGNED DATAGRAMS).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "control/udp_url.hpp"

namespace pmtr::ctl {

// The whole file as raw bytes, kKeyBytesMin..kKeyBytesMax of them (the
// same rule pmtr applies to `listen on ... key FILE`).
[[nodiscard]] Result<std::vector<std::byte>> read_key_file(const std::string& path);

// Resolves the host (a name is fine here: pmtrctl is no sandboxed
// process) and sends `datagram` once.
[[nodiscard]] Status send_udp(const UdpUrl& to, const std::string& datagram);

}  // namespace pmtr::ctl
