// The pmtr.conf language (SPEC §1): lexer + recursive-descent parser +
// validator.  Pure: text in, jobs and diagnostics out; no I/O, so it runs
// unchanged inside the sandboxed pmtr-parser and in unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/messages.hpp"

namespace pmtr {

struct Diagnostic {
  Severity severity = Severity::Error;
  uint32_t line = 0;   // 1-based; 0 for whole-file problems
  uint32_t col = 0;    // 1-based byte column; 0 when line is 0
  std::string text;    // "unknown option 'nmae' (did you mean 'name'?)"
};

struct ParsedConfig {
  std::vector<JobDesc> jobs;   // in file order; only when errors() == 0
  GlobalConfig globals;
  std::vector<Diagnostic> diagnostics;   // file order
  [[nodiscard]] size_t errors() const noexcept;
  [[nodiscard]] size_t warnings() const noexcept;
};

[[nodiscard]] ParsedConfig parse_config(std::string_view text);

// "FILE:LINE:COL: error: TEXT" (or "FILE: error: TEXT" when line is 0).
[[nodiscard]] std::string format_diagnostic(std::string_view file, const Diagnostic& d);

}  // namespace pmtr
