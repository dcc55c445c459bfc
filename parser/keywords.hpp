// The words pmtr.conf knows: job options, top-level statements and ulimit
// flags, each in one sorted table (OpenBSD parse.y's habit).  Options are
// looked up by first letter, then among the few names with that letter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pmtr::conf {

// The first word of a job option line.
enum class Option : uint8_t {
  Backoff, Bounce, Caps, Cmd, Cpu, Depends, Dir, Disable, Env, Err, Give, Group, Groups, In, Limit, Log,
  Name, Nice, Nonewprivs, Once, Operators, Order, Out, Ready, Restart, Stable, Stop, Ulimit, Umask, User,
  Wait,
};
inline constexpr size_t kOptionCount = static_cast<size_t>(Option::Wait) + 1;

// What an option line sets.  One per option, except that the options
// that begin with `stop` (`stop signal`, `stop timeout`), with `ready`
// (`ready fd`, `ready timeout`) and with `limit` (`limit memory`, `limit
// swap`, `limit tasks`, `limit cpu`) are separate settings, each allowed
// once per job; `wait` and `wait ready` are one setting.  The name is
// what messages call it ("duplicate option 'stop signal'").
enum class Setting : uint8_t {
  Backoff, Bounce, Caps, Cmd, Cpu, Depends, Dir, Disable, Env, Err, GiveUp, Group, Groups, In,
  LimitCpu, LimitMemory, LimitSwap, LimitTasks, Log, Name, Nice, Nonewprivs, Once, Operators, Order, Out,
  ReadyFd, ReadyTimeout, Restart, StableAfter, StopSignal, StopTimeout, Ulimit, Umask, User, Wait,
};
inline constexpr size_t kSettingCount = static_cast<size_t>(Setting::Wait) + 1;

// The first word of a line outside job blocks.  `log` is also a job
// option (inside a block, the option).
enum class Statement : uint8_t { Control, Job, Listen, Log, Report };

[[nodiscard]] std::optional<Option> lookup_option(std::string_view word) noexcept;
[[nodiscard]] std::string_view option_name(Option o) noexcept;
[[nodiscard]] std::span<const std::string_view> option_names() noexcept;

// The setting of an option that has only one (Stop, Ready and Limit:
// nullopt, their second word decides).
[[nodiscard]] std::optional<Setting> only_setting(Option o) noexcept;
[[nodiscard]] std::string_view setting_name(Setting s) noexcept;
// Settings that may appear once per job (env, ulimit, depends accumulate).
[[nodiscard]] bool single_valued(Setting s) noexcept;

[[nodiscard]] std::optional<Statement> lookup_statement(std::string_view word) noexcept;
[[nodiscard]] std::span<const std::string_view> statement_names() noexcept;

// `-n` (bash's ulimit letters) or `RLIMIT_NOFILE` (the original pmtr's
// spelling) -> RLIMIT_* number.
[[nodiscard]] std::optional<uint8_t> lookup_ulimit(std::string_view word) noexcept;
// "-c -d -e ..." for messages.
[[nodiscard]] std::string_view ulimit_flag_list() noexcept;

}  // namespace pmtr::conf
