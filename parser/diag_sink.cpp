#include "parser/diag_sink.hpp"

#include <algorithm>

namespace pmtr::conf {
namespace {

constexpr size_t kQuotedWordBytes = 64;

}  // namespace

void DiagSink::error(uint32_t line, uint32_t col, std::string text) {
  if (gave_up_) return;
  if (errors_ + warnings_ == max_) {
    gave_up_ = true;
    ++errors_;
    out_.push_back(Diagnostic{Severity::Error, line, col, "too many errors, giving up"});
    return;
  }
  ++errors_;
  out_.push_back(Diagnostic{Severity::Error, line, col, std::move(text)});
}

void DiagSink::warning(uint32_t line, uint32_t col, std::string text) {
  if (gave_up_ || warnings_ == max_warnings_ || errors_ + warnings_ == max_) return;
  ++warnings_;
  out_.push_back(Diagnostic{Severity::Warning, line, col, std::move(text)});
}

void DiagSink::sort_by_position() {
  const auto end = gave_up_ ? out_.end() - 1 : out_.end();
  std::stable_sort(out_.begin(), end, [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
}

std::string cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string s;
  s.reserve(n);
  for (std::string_view p : parts) s += p;
  return s;
}

std::string quote(std::string_view word) {
  std::string s;
  const bool cut = word.size() > kQuotedWordBytes;
  if (cut) word = word.substr(0, kQuotedWordBytes);
  s.reserve(word.size() + 5);
  s += '\'';
  s += word;
  if (cut) s += "...";
  s += '\'';
  return s;
}

}  // namespace pmtr::conf
