// The options whose value is a list of words on one line: `groups`,
// `caps`, `operators`, `control status users`, `control operate users`.
// One reader, so they all treat a repeated word, the `none` of `groups
// none` and `caps none`, and their caps the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/diag_sink.hpp"
#include "parser/lexer.hpp"

namespace pmtr::conf {

// What the caller did with one word of the list.
enum class ListItem : uint8_t {
  Added,      // stored
  Repeated,   // already in the list: a warning, and kept once
  Rejected,   // an error, already reported: the rest of the line is skipped
};

struct ListSpec {
  std::string_view noun;      // "group": "duplicate group 'adm' ignored"
  std::string_view plural;    // "groups": "too many groups (max 256)", "it means no groups"
  size_t max = 0;             // items in the list
  bool none_allowed = false;  // `none` alone: the empty list
};

struct ListResult {
  bool ok = false;      // false after an error
  size_t items = 0;     // stored
  bool none = false;    // the list was the word `none`
  uint32_t end_col = 0; // where the line ended (for "missing ..." after a keyword)
};

// Reads every word to the end of the line, handing each (but `none`) to
// `item`.  `none` must then be the only word: with anything else it is an
// error at the `none`.  An empty list is not reported here: the caller
// knows what it should have held.
[[nodiscard]] ListResult read_list(LineLexer& lx, DiagSink& diag, const ListSpec& spec,
                                   const std::function<ListItem(const Token&)>& item);

// A group name (as valid_user_name: the spawner's rule) into `out`.
[[nodiscard]] ListItem add_group(const Token& t, uint32_t line, DiagSink& diag, std::vector<std::string>& out);

// A user name or "@group" (valid_principal) into `out`; `noun` names the
// list's items in messages ("operator", "user").
[[nodiscard]] ListItem add_principal(const Token& t, uint32_t line, DiagSink& diag, std::string_view noun,
                                     std::vector<std::string>& out);

// What a principal is, for messages: "(a user name, or '@' and a group name)".
[[nodiscard]] std::string_view principal_usage() noexcept;

}  // namespace pmtr::conf
