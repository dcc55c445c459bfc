// Where the lexer, parser and validator put their diagnostics.  At most
// limits::kDiagnostics of them, then one "too many errors, giving up": the
// monitor treats more than kDiagnostics + 1 as a protocol violation.
// Warnings may take only a tenth of that room and are dropped beyond it
// (silently: a flood of warnings must neither crowd out the errors nor turn
// a valid config into a failed one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "parser/config_parser.hpp"

namespace pmtr::conf {

class DiagSink {
 public:
  explicit DiagSink(std::vector<Diagnostic>& out, size_t max = limits::kDiagnostics) noexcept
      : out_(out), max_(max), max_warnings_(max / 10) {}

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
  size_t max_;            // errors and warnings together
  size_t max_warnings_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  bool gave_up_ = false;
};

// A word from the config as it appears inside a message: in single quotes,
// cut to 64 bytes ("...") so a diagnostic stays under kDiagnosticBytes.
[[nodiscard]] std::string quote(std::string_view word);

// The parts, joined: one call where a chain of std::string operator+
// would be expanded inline at every message (error paths only, but their
// code is mapped with the rest).
[[nodiscard]] std::string cat(std::initializer_list<std::string_view> parts);

}  // namespace pmtr::conf
