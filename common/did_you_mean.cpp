#include "common/did_you_mean.hpp"

#include <algorithm>
#include <array>

namespace pmtr::conf {
namespace {

// Keywords are short; anything longer is not a typo of one.
constexpr size_t kMaxWord = 32;

}  // namespace

bool equal_ignoring_case(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

size_t edit_distance(std::string_view a, std::string_view b, size_t max_dist) noexcept {
  const size_t too_far = max_dist + 1;
  if (a.size() > kMaxWord || b.size() > kMaxWord) return too_far;
  const size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > max_dist) return too_far;
  // Three rolling rows of the OSA matrix: i-2, i-1, i.
  std::array<std::array<size_t, kMaxWord + 1>, 3> rows{};
  for (size_t j = 0; j <= b.size(); ++j) rows[1][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    auto& cur = rows[(i + 1) % 3];
    const auto& prev = rows[i % 3];
    const auto& prev2 = rows[(i + 2) % 3];
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_dist) return too_far;
  }
  return std::min(rows[(a.size() + 1) % 3][b.size()], too_far);
}

std::string_view did_you_mean(std::string_view word,
                              std::span<const std::string_view> candidates) noexcept {
  const size_t max_dist = word.size() <= 4 ? 1 : 2;
  std::string_view best;
  size_t best_dist = max_dist + 1;
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(word, c, max_dist);
    if (d < best_dist && d < c.size()) {
      best = c;
      best_dist = d;
    }
  }
  return best;
}

}  // namespace pmtr::conf
