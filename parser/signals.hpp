// Signal names for `stop signal`: what kill(1) accepts, as the names of
// signal(7) with or without their SIG prefix, in any case (`TERM`,
// `SIGTERM`, `term`), a number from 1 to limits::kSignalMax, or a real-time
// signal relative to glibc's SIGRTMIN/SIGRTMAX (`RTMIN+3`, `RTMAX-1`), as
// kill(1) and bash spell them.  Numbers are this machine's: pmtr runs jobs
// on the machine whose pmtr-parser read the name.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.hpp"

namespace pmtr::conf {

// The signal number, or an error whose text is the diagnostic (with a
// did-you-mean hint for a misspelled name).
[[nodiscard]] Result<uint8_t> parse_signal(std::string_view word);

// The names without SIG, sorted ("ABRT", "ALRM", ...).
[[nodiscard]] std::span<const std::string_view> signal_names() noexcept;

}  // namespace pmtr::conf
