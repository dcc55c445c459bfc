#include "parser/lexer.hpp"

#include <array>

namespace pmtr::conf {
namespace {

using lexer_detail::cls;
using lexer_detail::is_blank;
using lexer_detail::kBlank;
using lexer_detail::kBrace;
using lexer_detail::kQuote;

uint32_t col_of(size_t i) noexcept { return static_cast<uint32_t>(i + 1); }

}  // namespace

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokKind::Word: return quote(t.value());
    case TokKind::LBrace: return "'{'";
    case TokKind::RBrace: return "'}'";
    case TokKind::End: return "end of line";
    case TokKind::Error: return "an invalid word";
  }
  return "?";
}

Token LineLexer::fail(uint32_t col, std::string text) {
  diag_.error(line_, col, std::move(text));
  i_ = s_.size();
  Token t;
  t.kind = TokKind::Error;
  t.col = col;
  return t;
}

// At an opening quote; appends the segment's value to buf_.
bool LineLexer::quoted_segment() {
  const size_t open = i_++;
  while (i_ < s_.size()) {
    // Copy the run up to the next quote or backslash in one append.
    size_t j = i_;
    while (j < s_.size() && s_[j] != '"' && s_[j] != '\\') ++j;
    buf_.append(s_.data() + i_, j - i_);
    i_ = j;
    if (i_ == s_.size()) break;
    if (s_[i_] == '"') {
      ++i_;
      return true;
    }
    // Backslash.
    if (i_ + 1 == s_.size()) break;
    const char e = s_[i_ + 1];
    if (e != '"' && e != '\\') {
      std::string msg = "invalid escape '\\";
      msg += e;
      msg += "' in quoted string (only \\\" and \\\\)";
      fail(col_of(i_), std::move(msg));
      return false;
    }
    buf_.push_back(e);
    i_ += 2;
  }
  fail(col_of(open), "unterminated quoted string");
  return false;
}

Token LineLexer::next_word_slow(LexMode mode, size_t start) {
  // A word with a quoted segment, or longer than max_token_ (next()
  // handled everything else).  i_ is at the word's first byte.
  Token t;
  t.kind = TokKind::Word;
  t.col = col_of(start);
  const uint8_t stop = mode == LexMode::Structural ? (kBlank | kQuote | kBrace) : (kBlank | kQuote);
  size_t value_start = 0;
  i_ = start;
  while (i_ < s_.size()) {
    if (s_[i_] == '"') {
      if (!t.quoted) {
        // Every value on the line fits in the line: one allocation, and
        // views into buf_ stay valid.
        if (buf_.capacity() < s_.size()) buf_.reserve(s_.size());
        t.quoted = true;
        value_start = buf_.size();
        buf_.append(s_.data() + start, i_ - start);
      }
      if (!quoted_segment()) return Token{TokKind::Error, false, t.col, {}};
      continue;
    }
    size_t j = i_;
    while (j < s_.size() && !(cls(s_[j]) & stop)) ++j;
    if (t.quoted) buf_.append(s_.data() + i_, j - i_);
    i_ = j;
    if (i_ == s_.size() || s_[i_] != '"') break;
  }
  t.text = t.quoted ? std::string_view(buf_).substr(value_start) : s_.substr(start, i_ - start);
  if (t.text.size() > max_token_) {
    return fail(t.col, "word too long (" + std::to_string(t.text.size()) + " bytes, max " +
                           std::to_string(max_token_) + ")");
  }
  return t;
}

}  // namespace pmtr::conf
