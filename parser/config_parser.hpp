// The pmtr.conf language (SPEC §1): lexer + hand-written parser (a line-
// driven state machine, no recursion) + validator.  Pure: text in, jobs and
// diagnostics out; no I/O, no locale, no exceptions on bad input, so it
// runs unchanged inside the sandboxed pmtr-parser and in unit tests.
//
// The exact rules are in parser/LANGUAGE.md; in short:
//  - line-oriented: one option per line, `cmd` takes the rest of its line;
//    blocks (`job {}`, `ulimit {}`, `depends {}`) span lines, and their `{`
//    may also open the next line;
//  - words are shell-like: "quoted" segments glue to their word, only \"
//    and \\ escape inside quotes, a backslash outside quotes is literal;
//    `#` starting a word (outside quotes) comments out the rest of the line,
//    `cmd` lines included;
//  - every rule of common/job_check.hpp is enforced with a positioned
//    diagnostic, so a config with errors() == 0 only yields jobs that pass
//    check_job() and fit one channel record;
//  - ulimit values are raw setrlimit(2) units (not scaled like bash), or
//    infinity/unlimited;
//  - every problem is reported (recovery at the end of the line), sorted by
//    position, at most limits::kDiagnostics plus "too many errors, giving
//    up"; misspelled keywords get "(did you mean 'name'?)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/messages.hpp"
#include "parser/encoded_jobs.hpp"

namespace pmtr {

struct Diagnostic {
  Severity severity = Severity::Error;
  uint32_t line = 0;   // 1-based; 0 for whole-file problems
  uint32_t col = 0;    // 1-based byte column; 0 when line is 0
  std::string text;    // "unknown option 'nmae' (did you mean 'name'?)"
};

[[nodiscard]] size_t count_errors(const std::vector<Diagnostic>& diagnostics) noexcept;
[[nodiscard]] size_t count_warnings(const std::vector<Diagnostic>& diagnostics) noexcept;

struct ParsedConfig {
  // In file order.  Also filled when there are errors (what could be read),
  // but only meaningful when errors() == 0.
  std::vector<JobDesc> jobs;
  GlobalConfig globals;
  std::vector<Diagnostic> diagnostics;   // sorted by (line, col); "giving up" last
  [[nodiscard]] size_t errors() const noexcept { return count_errors(diagnostics); }
  [[nodiscard]] size_t warnings() const noexcept { return count_warnings(diagnostics); }
};

// The same parse, with each job kept in its wire encoding (the parser
// process sends them as they are; parser/encoded_jobs.hpp).  Diagnostics
// and globals are exactly parse_config()'s, and the jobs decode to its jobs.
struct EncodedConfig {
  EncodedJobs jobs;
  GlobalConfig globals;
  std::vector<Diagnostic> diagnostics;
  [[nodiscard]] size_t errors() const noexcept { return count_errors(diagnostics); }
  [[nodiscard]] size_t warnings() const noexcept { return count_warnings(diagnostics); }
};

[[nodiscard]] ParsedConfig parse_config(std::string_view text);
[[nodiscard]] EncodedConfig parse_config_encoded(std::string_view text);

// "FILE:LINE:COL: error: TEXT" (or "FILE: error: TEXT" when line is 0).
[[nodiscard]] std::string format_diagnostic(std::string_view file, const Diagnostic& d);

}  // namespace pmtr
