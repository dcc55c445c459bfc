// The pmtr.conf lexer: one line at a time, one word at a time.
//
// A word is a run of unquoted bytes and "double-quoted" segments, glued
// together as in the shell (OPTS="-a -b" is the single word `OPTS=-a -b`).
// Inside quotes only \" and \\ are escapes; outside quotes a backslash is an
// ordinary byte.  A `#` that starts a word (outside quotes) starts a comment
// that runs to the end of the line; inside a word (a#b) it is literal.
// Blanks are space, tab, CR, VT and FF (so CRLF files read like LF files).
//
// `{` and `}` are punctuation in LexMode::Structural (keywords, `job {`,
// `ulimit { ... }`, `depends { ... }`) and ordinary bytes in
// LexMode::Argument (values of name, cmd, env, dir, ...), so
// `cmd /usr/bin/find . -exec {} ;` keeps its braces.
//
// Tokens are views: an unquoted word into the config text, a quoted one
// into the lexer's buffer for the line (allocated once, on the line's
// first quote).  A token stays valid as long as its LineLexer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/limits.hpp"
#include "parser/diag_sink.hpp"

namespace pmtr::conf {

enum class TokKind : uint8_t {
  Word,
  LBrace,
  RBrace,
  End,     // end of line (or start of a comment)
  Error,   // already reported; the caller skips the rest of the line
};

enum class LexMode : uint8_t { Structural, Argument };

struct Token {
  TokKind kind = TokKind::End;
  bool quoted = false;         // had at least one quoted segment
  uint32_t col = 0;            // 1-based byte column of the first byte
  std::string_view text;       // the word's value (quotes and escapes resolved)

  [[nodiscard]] std::string_view value() const noexcept { return text; }
  // A word whose value is `kw`; quoting does not matter ("job" is job),
  // as in the shell.  Only braces differ: a quoted "{" is a word.
  [[nodiscard]] bool is_keyword(std::string_view kw) const noexcept {
    return kind == TokKind::Word && text == kw;
  }
};

// How a token reads in a message: 'word', '{', '}', or "end of line".
[[nodiscard]] std::string describe(const Token& t);

class LineLexer {
 public:
  // `line` excludes the newline; `max_token` is a parameter only so tests
  // can reach the cap (with the shipped limits a line caps a word first).
  LineLexer(std::string_view line, uint32_t line_no, DiagSink& diag,
            size_t max_token = limits::kTokenBytes) noexcept
      : s_(line), line_(line_no), diag_(diag), max_token_(max_token) {}

  Token next(LexMode mode);
  // Skips the first n bytes (a UTF-8 byte order mark); columns still count them.
  void skip(size_t n) noexcept { i_ = n < s_.size() ? n : s_.size(); }

  [[nodiscard]] uint32_t line() const noexcept { return line_; }

 private:
  bool quoted_segment();
  Token fail(uint32_t col, std::string text);

  std::string_view s_;
  std::string buf_;   // values of quoted words; never reallocated once reserved
  size_t i_ = 0;
  uint32_t line_;
  DiagSink& diag_;
  size_t max_token_;
};

}  // namespace pmtr::conf
