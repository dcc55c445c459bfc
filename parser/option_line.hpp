// One job option line while its handler reads it: the lexer (just past
// the keyword), the job being filled in, where diagnostics go, and the
// setting the line sets, for messages.  Shared by the handlers in
// job_options.cpp and policy_options.cpp.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "parser/diag_sink.hpp"
#include "parser/job_state.hpp"
#include "parser/keywords.hpp"
#include "parser/lexer.hpp"

namespace pmtr::conf {

struct OptionLine {
  LineLexer& lx;
  JobState& js;
  DiagSink& diag;
  const Token& kw;
  Setting setting;

  void error(uint32_t col, std::string text) const { diag.error(lx.line(), col, std::move(text)); }
  // "'stop signal'"
  [[nodiscard]] std::string name() const { return quote(setting_name(setting)); }
  [[nodiscard]] SourcePos pos(const Token& t) const { return SourcePos{lx.line(), t.col}; }

  // Records that the job gives this setting here; false (after an error)
  // when it was already given and may be given only once.
  [[nodiscard]] bool claim() const;
  // Nothing more on the line.
  [[nodiscard]] bool end_of_line() const;
  // Exactly one argument word.
  [[nodiscard]] bool one_arg(Token& out) const;
  // The option's first value; at the end of the line, "missing argument
  // for 'umask' (as in 'umask 027')" at the keyword, `usage` being what is
  // in the parentheses.  False when there is none (reported).
  [[nodiscard]] bool first_value(Token& out, std::string_view usage) const;
};

// "(did you mean 'x'?)" for the closest of `choices`, with a blank before
// it, or "".
[[nodiscard]] std::string hint_among(std::string_view word, std::span<const std::string_view> choices);

// "'to'", "'signal' or 'timeout'", "'memory', 'swap', 'tasks' or 'cpu'"
[[nodiscard]] std::string alternatives(std::span<const std::string_view> words);

}  // namespace pmtr::conf
