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

#include <array>
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

namespace lexer_detail {

// Byte classes, so the word scanner is one table lookup per byte.
enum : uint8_t { kBlank = 1, kQuote = 2, kBrace = 4 };

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  for (unsigned char c : {' ', '\t', '\r', '\v', '\f'}) t[c] = kBlank;
  t['"'] = kQuote;
  t['{'] = kBrace;
  t['}'] = kBrace;
  return t;
}
inline constexpr std::array<uint8_t, 256> kClass = make_classes();

constexpr uint8_t cls(char c) noexcept { return kClass[static_cast<unsigned char>(c)]; }
constexpr bool is_blank(char c) noexcept { return cls(c) == kBlank; }

}  // namespace lexer_detail

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

  // Inline, as it runs for every word of the file: blanks, the end, a
  // comment, a brace or a plain word here; quoted and overlong words in
  // next_word_slow().
  Token next(LexMode mode) {
    using namespace lexer_detail;
    const char* const begin = s_.data();
    const char* const end = begin + s_.size();
    const char* p = begin + i_;
    while (p != end && is_blank(*p)) ++p;
    i_ = static_cast<size_t>(p - begin);
    Token t;
    t.col = static_cast<uint32_t>(i_ + 1);
    if (p == end) return t;
    if (*p == '#') {
      i_ = s_.size();
      return t;
    }
    const bool structural = mode == LexMode::Structural;
    if (structural && cls(*p) == kBrace) {
      t.kind = *p == '{' ? TokKind::LBrace : TokKind::RBrace;
      t.text = std::string_view(p, 1);
      ++i_;
      return t;
    }
    const uint8_t stop = structural ? (kBlank | kQuote | kBrace) : (kBlank | kQuote);
    const char* q = p;
    while (q != end && !(cls(*q) & stop)) ++q;
    if ((q != end && *q == '"') || static_cast<size_t>(q - p) > max_token_) return next_word_slow(mode, i_);
    t.kind = TokKind::Word;
    t.text = std::string_view(p, static_cast<size_t>(q - p));
    i_ = static_cast<size_t>(q - begin);
    return t;
  }
  // Skips the first n bytes (a UTF-8 byte order mark); columns still count them.
  void skip(size_t n) noexcept { i_ = n < s_.size() ? n : s_.size(); }

  [[nodiscard]] uint32_t line() const noexcept { return line_; }

 private:
  Token next_word_slow(LexMode mode, size_t start);
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
