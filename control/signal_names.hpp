// Signal names both ways, as kill(1) and bash write them: "TERM" or
// "SIGTERM" (any case) or a number 1..64 in, "TERM" / "RTMIN+3" out.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pmtr::ctl {

// 1..64, or 0 when `text` names no signal.
[[nodiscard]] uint8_t parse_signal(std::string_view text) noexcept;

// "TERM", "RTMIN", "RTMIN+3", "RTMAX-2"; the decimal number for the two
// signals glibc keeps for itself (32, 33) and anything out of range.
// Appends to `out`, so a table of 100,000 rows allocates nothing per row.
void append_signal_name(std::string& out, int sig);
[[nodiscard]] std::string signal_name(int sig);

// The classic names (without SIG), for "did you mean" hints.
[[nodiscard]] std::span<const std::string_view> classic_signal_names() noexcept;

}  // namespace pmtr::ctl
