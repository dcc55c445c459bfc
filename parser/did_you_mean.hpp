// "did you mean ...?" hints: the closest candidate by optimal string
// alignment distance (Levenshtein plus adjacent transposition, so `jbo`
// is one edit from `job`), offered only when it is close enough to be a
// likely typo: at most 1 edit for words of up to 4 bytes, 2 beyond.
// Unknown job options also get the option that people coming from other
// supervisors mean by a word (`command`, `cwd`, `stdout`, `kill_signal`).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace pmtr::conf {

// Edit distance, or a value > max_dist once it exceeds max_dist (so long,
// unrelated words cost O(len) and no allocation).
[[nodiscard]] size_t edit_distance(std::string_view a, std::string_view b, size_t max_dist) noexcept;

// The best candidate, or an empty view when none is close enough.  Ties go
// to the earlier candidate.
[[nodiscard]] std::string_view did_you_mean(std::string_view word,
                                            std::span<const std::string_view> candidates) noexcept;

// The hint for an unknown job option, in this order: a known synonym
// (compared ignoring case: `CMD`, `WorkDir`), an option name that differs
// only in case (`NAME`), the closest option name (did_you_mean).  The
// answer is an option as written in the config: "cmd", "stop signal".
[[nodiscard]] std::string_view option_hint(std::string_view word) noexcept;

// The synonyms, sorted, lowercase (for tests: each must name an option).
struct Synonym {
  std::string_view word;
  std::string_view option;
};
[[nodiscard]] std::span<const Synonym> option_synonyms() noexcept;

}  // namespace pmtr::conf
