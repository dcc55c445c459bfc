// "did you mean ...?" hints: the closest candidate by optimal string
// alignment distance (Levenshtein plus adjacent transposition, so `jbo`
// is one edit from `job`), offered only when it is close enough to be a
// likely typo: at most 1 edit for words of up to 4 bytes, 2 beyond.  Used
// by the parser (options, statements) and by pmtrctl (job names).
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

// True when `a`, with ASCII letters lowered, equals `lower`.
[[nodiscard]] bool equal_ignoring_case(std::string_view a, std::string_view lower) noexcept;

}  // namespace pmtr::conf
