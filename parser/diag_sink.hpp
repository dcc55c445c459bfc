// Where the lexer, parser and validator put their diagnostics.  Caps the
// number of errors (limits::kDiagnostics, then one "too many errors, giving
// up") and of warnings (beyond the cap they are dropped: a flood of warnings
// must never turn a valid config into a failed one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "parser/config_parser.hpp"

namespace pmtr::conf {

class DiagSink {
 public:
  explicit DiagSink(std::vector<Diagnostic>& out, size_t max_errors = limits::kDiagnostics) noexcept
      : out_(out), max_errors_(max_errors) {}

  void error(uint32_t line, uint32_t col, std::string text);
  void warning(uint32_t line, uint32_t col, std::string text);

  // True once the error cap was hit: the parser stops reading.
  [[nodiscard]] bool gave_up() const noexcept { return gave_up_; }
  [[nodiscard]] size_t errors() const noexcept { return errors_; }

  // Puts the diagnostics in file order (line, then column); detection order
  // differs for checks made when a block closes.  The final "giving up"
  // stays last.
  void sort_by_position();

 private:
  std::vector<Diagnostic>& out_;
  size_t max_errors_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  bool gave_up_ = false;
};

// A word from the config as it appears inside a message: in single quotes,
// cut to 64 bytes ("...") so a diagnostic stays under kDiagnosticBytes.
[[nodiscard]] std::string quote(std::string_view word);

}  // namespace pmtr::conf
