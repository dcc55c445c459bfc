#include "parser/option_line.hpp"

namespace pmtr::conf {

bool OptionLine::claim() const {
  SourcePos& first = js.first(setting);
  if (first.line != 0 && single_valued(setting)) {
    error(kw.col, cat({"duplicate option ", name(), " (first set at line ", std::to_string(first.line), ")"}));
    return false;
  }
  if (first.line == 0) first = pos(kw);
  return true;
}

bool OptionLine::end_of_line() const {
  const Token extra = lx.next(LexMode::Argument);
  if (extra.kind == TokKind::End) return true;
  if (extra.kind != TokKind::Error) error(extra.col, cat({"extra argument ", describe(extra), " for ", name()}));
  return false;
}

bool OptionLine::one_arg(Token& out) const {
  out = lx.next(LexMode::Argument);
  if (out.kind == TokKind::Error) return false;
  if (out.kind != TokKind::Word) {
    error(kw.col, cat({"missing argument for ", name()}));
    return false;
  }
  return end_of_line();
}

}  // namespace pmtr::conf
