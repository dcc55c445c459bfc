// One job option line while its handler reads it: the lexer (just past
// the keyword), the job being filled in, where diagnostics go, and the
// setting the line sets, for messages.  Shared by the handlers in
// job_options.cpp and policy_options.cpp.
#pragma once

#include <cstdint>
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
};

}  // namespace pmtr::conf
