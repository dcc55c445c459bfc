// The helpers' command lines (pmtr-log, pmtr-net): the monitor writes
// them, but a helper reads its argv as strictly as any input.
#pragma once

#include <cstdint>

namespace pmtr {

// A decimal number without sign or spaces, at most `max`.
[[nodiscard]] bool parse_helper_number(const char* s, uint64_t max, uint64_t* out) noexcept;

}  // namespace pmtr
