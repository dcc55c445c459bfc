// The key of `listen on ... key FILE` (pmtr(8) SIGNED DATAGRAMS), read by
// the monitor: the parser cannot open files, and the key must never pass
// through it.  Whoever can read the key can stop and start every job, and
// whoever can write it can choose it: so the file must be pmtr's alone,
// as ssh private keys must be the user's.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

// Reads `listen on ... key FILE`: a regular file owned by root, mode 0600 or
// 0400 (no other bits), kKeyBytesMin..kKeyBytesMax bytes (constants in
// common/datagram_mac.hpp: 32 and 4096).  Opened with O_NOFOLLOW|O_CLOEXEC,
// checked with fstat on the open fd.  The error names the file and what is
// wrong ("owned by uid 1000, not root", "mode 0644, must be 0600 or 0400",
// "31 bytes, at least 32 needed", "a symbolic link", "not a regular file").
// Not run as root, the owner must be the user pmtr runs as.
[[nodiscard]] Result<std::vector<std::byte>> read_listen_key(const std::string& path);

// What kind of problem a key file has, for `pmtr -t`: a CI machine may
// lack the key (Missing is a host fact, a warning, as a missing cmd is),
// and run by someone other than root, -t can neither read root's key nor
// judge its owner for pmtr (Access and Owner are warnings then, as the
// config's ownership is).
enum class KeyFault : uint8_t {
  None,
  Missing,   // no such file (or a parent is not a directory)
  Access,    // cannot be opened or read for another reason
  Owner,     // not owned by `owner`
  Content,   // a symbolic link, not a regular file, wrong mode or size
};

struct KeyCheck {
  std::vector<std::byte> key;   // empty unless fault is None
  KeyFault fault = KeyFault::None;
  std::string problem;          // "listen key /etc/pmtr/listen.key: mode 0644, must be 0600 or 0400"
};

// read_listen_key with the owner given: the two share every check.
[[nodiscard]] KeyCheck check_listen_key(const std::string& path, uid_t owner);

}  // namespace pmtr
