#include "parser/option_line.hpp"

#include "common/did_you_mean.hpp"

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

bool OptionLine::first_value(Token& out, std::string_view usage) const {
  out = lx.next(LexMode::Argument);
  if (out.kind == TokKind::Word) return true;
  if (out.kind != TokKind::Error) error(kw.col, cat({"missing argument for ", name(), " (", usage, ")"}));
  return false;
}

std::string hint_among(std::string_view word, std::span<const std::string_view> choices) {
  const std::string_view hint = did_you_mean(word, choices);
  return hint.empty() ? std::string() : cat({" (did you mean ", quote(hint), "?)"});
}

std::string alternatives(std::span<const std::string_view> words) {
  std::string s;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) s += i + 1 == words.size() ? " or " : ", ";
    s += quote(words[i]);
  }
  return s;
}

}  // namespace pmtr::conf
