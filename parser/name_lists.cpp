#include "parser/name_lists.hpp"

#include <algorithm>

#include "common/job_check.hpp"

namespace pmtr::conf {
namespace {

// "(separate names with blanks, not commas)" when the word looks like a
// list written the way other tools write lists.
std::string_view comma_hint(std::string_view word) {
  return word.find(',') != std::string_view::npos ? " (separate names with blanks, not commas)" : "";
}

ListItem add_unique(std::vector<std::string>& out, std::string_view name) {
  if (std::find(out.begin(), out.end(), name) != out.end()) return ListItem::Repeated;
  out.emplace_back(name);
  return ListItem::Added;
}

}  // namespace

std::string_view principal_usage() noexcept { return "(a user name, or '@' and a group name)"; }

ListResult read_list(LineLexer& lx, DiagSink& diag, const ListSpec& spec,
                     const std::function<ListItem(const Token&)>& item) {
  ListResult r;
  uint32_t none_col = 0;
  for (;;) {
    const Token t = lx.next(LexMode::Argument);
    if (t.kind == TokKind::Error) return r;
    if (t.kind == TokKind::End) {
      r.end_col = t.col;
      break;
    }
    // Checked against the list so far and again at the end: `none` may
    // come first or last.
    if (spec.none_allowed && t.value() == "none") {
      if (r.items != 0 || none_col != 0) {
        diag.error(lx.line(), t.col, cat({"'none' must stand alone (it means no ", spec.plural, ")"}));
        return r;
      }
      none_col = t.col;
      continue;
    }
    if (none_col != 0) {
      diag.error(lx.line(), none_col, cat({"'none' must stand alone (it means no ", spec.plural, ")"}));
      return r;
    }
    switch (item(t)) {
      case ListItem::Added:
        // Stored all the same: the error rejects the config.
        if (++r.items > spec.max) {
          diag.error(lx.line(), t.col, cat({"too many ", spec.plural, " (max ", std::to_string(spec.max), ")"}));
          return r;
        }
        break;
      case ListItem::Repeated:
        diag.warning(lx.line(), t.col, cat({"duplicate ", spec.noun, " ", quote(t.value()), " ignored"}));
        break;
      case ListItem::Rejected: return r;
    }
  }
  r.none = none_col != 0;
  r.ok = true;
  return r;
}

ListItem add_group(const Token& t, uint32_t line, DiagSink& diag, std::vector<std::string>& out) {
  if (!valid_user_name(t.value())) {
    diag.error(line, t.col, cat({"invalid group name ", quote(t.value()), comma_hint(t.value())}));
    return ListItem::Rejected;
  }
  return add_unique(out, t.value());
}

ListItem add_principal(const Token& t, uint32_t line, DiagSink& diag, std::string_view noun,
                       std::vector<std::string>& out) {
  if (!valid_principal(t.value())) {
    const std::string_view hint = comma_hint(t.value());
    diag.error(line, t.col, cat({"invalid ", noun, " ", quote(t.value()), " ", hint.empty() ? principal_usage() : hint.substr(1)}));
    return ListItem::Rejected;
  }
  return add_unique(out, t.value());
}

}  // namespace pmtr::conf
