// The words pmtr.conf knows: job options, top-level statements and ulimit
// flags, each in one sorted table (OpenBSD parse.y's habit), looked up by
// binary search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pmtr::conf {

enum class Option : uint8_t {
  Bounce, Cmd, Cpu, Depends, Dir, Disable, Env, Err, In, Name, Nice, Once, Order, Out,
  Ulimit, User, Wait,
};
inline constexpr size_t kOptionCount = static_cast<size_t>(Option::Wait) + 1;

enum class Statement : uint8_t { Job, Listen, Report };

[[nodiscard]] std::optional<Option> lookup_option(std::string_view word) noexcept;
[[nodiscard]] std::string_view option_name(Option o) noexcept;
// Options that may appear once per job (env, ulimit, depends accumulate).
[[nodiscard]] bool single_valued(Option o) noexcept;
[[nodiscard]] std::span<const std::string_view> option_names() noexcept;

[[nodiscard]] std::optional<Statement> lookup_statement(std::string_view word) noexcept;
[[nodiscard]] std::span<const std::string_view> statement_names() noexcept;

// `-n` (bash's ulimit letters) or `RLIMIT_NOFILE` (the original pmtr's
// spelling) -> RLIMIT_* number.
[[nodiscard]] std::optional<uint8_t> lookup_ulimit(std::string_view word) noexcept;
// "-c -d -e ..." for messages.
[[nodiscard]] std::string_view ulimit_flag_list() noexcept;

}  // namespace pmtr::conf
