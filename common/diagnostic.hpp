// Compiler-style diagnostic lines, shared by the parser's own tests and the
// monitor, which prints what the parser sent (after escaping: the text came
// from an untrusted process).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/messages.hpp"

namespace pmtr {

// "FILE:LINE:COL: error: TEXT"; "FILE: error: TEXT" when line is 0.
[[nodiscard]] std::string format_diagnostic(std::string_view file, Severity severity, uint32_t line,
                                            uint32_t col, std::string_view text);

// "parse failed (1 error)", "parse failed (3 errors)": the summary of a
// rejected config, printed by `pmtr -t` and logged on a rejected reload.
// Scripts written for the original pmtr look for "parse failed".
[[nodiscard]] std::string parse_failed_summary(uint32_t errors);

// Control bytes and non-ASCII escaped as \xNN, so hostile text cannot forge
// log lines or terminal escapes; a backslash is escaped only before an 'x'
// (so the output still decodes unambiguously).
[[nodiscard]] std::string escape_for_log(std::string_view text);

}  // namespace pmtr
