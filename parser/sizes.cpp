#include "parser/sizes.hpp"

#include <array>
#include <string>

#include "common/limits.hpp"
#include "parser/diag_sink.hpp"

namespace pmtr::conf {
namespace {

struct Unit {
  char letter;
  unsigned shift;   // bytes = number << shift
};
constexpr std::array<Unit, 4> kUnits = {{{'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}}};

constexpr std::string_view kUsage = "a whole number of bytes, or one with the unit K, M, G or T, as in '512M'";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

const Unit* unit_of(char letter) noexcept {
  for (const Unit& u : kUnits)
    if (u.letter == letter) return &u;
  return nullptr;
}

char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The suffixes people write for a unit: `m`, `MB`, `MiB`, `Mi` (Kubernetes),
// `mb`.  The letter meant, or 0.
char meant_unit(std::string_view suffix) noexcept {
  if (suffix.empty() || !unit_of(upper(suffix[0]))) return 0;
  const std::string_view rest = suffix.substr(1);
  if (rest.empty() || rest == "B" || rest == "b" || rest == "iB" || rest == "i" || rest == "ib") return upper(suffix[0]);
  return 0;
}

Error invalid(std::string_view word) { return Error{0, cat({"invalid size ", quote(word), " (", kUsage, ")"})}; }

}  // namespace

std::string size_text(uint64_t bytes) {
  for (size_t i = kUnits.size(); i-- > 0;) {
    const uint64_t unit = uint64_t{1} << kUnits[i].shift;
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + kUnits[i].letter;
  }
  return std::to_string(bytes);
}

Result<uint64_t> parse_size(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && is_digit(word[i])) ++i;
  const std::string_view digits = word.substr(0, i);
  const std::string_view suffix = word.substr(i);
  if (digits.empty()) return invalid(word);
  unsigned shift = 0;
  if (!suffix.empty()) {
    const Unit* u = suffix.size() == 1 ? unit_of(suffix[0]) : nullptr;
    if (u == nullptr) {
      // `512m`, `512MB`, `512MiB`: the unit meant is clear, the spelling
      // is not ours (is `m` milli?  is `MB` 10^6?): say which one we read.
      if (const char letter = meant_unit(suffix))
        return Error{0, cat({"invalid size ", quote(word), " (units are K, M, G and T, uppercase, powers of 1024: did you mean ",
                             quote(cat({digits, std::string_view(&letter, 1)})), "?)"})};
      if (suffix == "B" || suffix == "b")
        return Error{0, cat({"invalid size ", quote(word), " (a size without a unit is in bytes: did you mean ",
                             quote(digits), "?)"})};
      return invalid(word);
    }
    shift = u->shift;
  }
  // Digits past the cap are too large whatever the unit.
  const uint64_t cap = limits::kSizeMax >> shift;
  uint64_t n = 0;
  for (char c : digits) {
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > cap)
      return Error{0, cat({"size ", quote(word), " is too large (max ", size_text(limits::kSizeMax), ")"})};
  }
  return n << shift;
}

}  // namespace pmtr::conf
