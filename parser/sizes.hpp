// Sizes of the cgroup limits (`limit memory 512M`, `limit swap 1G`) and of
// log rotation (`log rotate 10M keep 10`): a whole decimal number of bytes,
// or one glued to the unit K, M, G or T (powers of 1024), at most
// limits::kSizeMax (1024T).  Units are uppercase only: `512m` could mean
// mega or milli, and `512MB` decimal or binary; those spellings are errors
// whose hint is the one meant (`512M`).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.hpp"

namespace pmtr::conf {

// Bytes; zero is a size (the callers that need a positive one say so).
// The error text is the diagnostic, quoting the word.
[[nodiscard]] Result<uint64_t> parse_size(std::string_view word);

// "1024T", "16K": the largest unit that divides `bytes`, for messages.
[[nodiscard]] std::string size_text(uint64_t bytes);

}  // namespace pmtr::conf
