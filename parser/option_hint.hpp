// The hint for an unknown job option: besides typos (common/did_you_mean),
// the words people coming from other supervisors use for a pmtr option
// (`command`, `cwd`, `stdout`, `kill_signal`).
#pragma once

#include <span>
#include <string_view>

namespace pmtr::conf {

// In this order: a known synonym (compared ignoring case: `CMD`,
// `WorkDir`), an option name that differs only in case (`NAME`), the
// closest option name (did_you_mean).  The answer is an option as written
// in the config: "cmd", "stop signal".
[[nodiscard]] std::string_view option_hint(std::string_view word) noexcept;

// The synonyms, sorted, lowercase (for tests: each must name an option).
struct Synonym {
  std::string_view word;
  std::string_view option;
};
[[nodiscard]] std::span<const Synonym> option_synonyms() noexcept;

}  // namespace pmtr::conf
