// Content hash of a `depends` file.  The monitor hashes bytes, it never
// interprets them.  A missing or unreadable file hashes to 0, so its
// appearance or disappearance counts as a change too.
#pragma once

#include <cstdint>
#include <string>

namespace pmtr {

[[nodiscard]] uint64_t hash_file_content(const std::string& path) noexcept;

}  // namespace pmtr
