#include "parser/lexer.hpp"

#include <array>

namespace pmtr::conf {
namespace {

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
constexpr std::array<uint8_t, 256> kClass = make_classes();

constexpr uint8_t cls(char c) noexcept { return kClass[static_cast<unsigned char>(c)]; }
constexpr bool is_blank(char c) noexcept { return cls(c) == kBlank; }
constexpr bool is_brace(char c) noexcept { return cls(c) == kBrace; }

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

Token LineLexer::next(LexMode mode) {
  while (i_ < s_.size() && is_blank(s_[i_])) ++i_;
  Token t;
  t.col = col_of(i_);
  if (i_ == s_.size()) return t;
  const char c = s_[i_];
  if (c == '#') {
    i_ = s_.size();
    return t;
  }
  const bool structural = mode == LexMode::Structural;
  if (structural && is_brace(c)) {
    t.kind = c == '{' ? TokKind::LBrace : TokKind::RBrace;
    t.text = s_.substr(i_++, 1);
    return t;
  }
  t.kind = TokKind::Word;
  const uint8_t stop = structural ? (kBlank | kQuote | kBrace) : (kBlank | kQuote);
  const size_t start = i_;
  size_t value_start = 0;   // in buf_, once quoted
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
