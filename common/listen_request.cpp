#include "common/listen_request.hpp"

#include <algorithm>

#include "common/diagnostic.hpp"
#include "common/job_check.hpp"

namespace pmtr {
namespace {

// Problems are logged by pmtr-net: a datagram of 60,000 bad words must
// not become 30,000 log lines.
constexpr size_t kProblemsMax = 16;
// The longest part of a word a problem quotes.
constexpr size_t kQuoteBytes = 64;

bool separator(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// 'word', escaped (no control byte reaches a log or a terminal) and cut
// so that the escaped text is at most kQuoteBytes, never inside an
// escape, with "..." after a cut.
std::string quoted(std::string_view word) {
  // The longest prefix whose escaped text fits, counting every byte that
  // may be escaped (escape_for_log: not printable ASCII, or a backslash)
  // as four: linear, and one escape_for_log call (a flood of garbage is
  // parsed at this cost per word).
  size_t n = 0, bytes = 0;
  for (; n < word.size(); ++n) {
    const auto u = static_cast<unsigned char>(word[n]);
    const size_t cost = (u >= 0x20 && u < 0x7f && u != '\\') ? 1 : 4;
    if (bytes + cost > kQuoteBytes) break;
    bytes += cost;
  }
  return "'" + escape_for_log(word.substr(0, n)) + (n < word.size() ? "...'" : "'");
}

class Problems {
 public:
  explicit Problems(std::vector<std::string>& out) : out_(out) {}
  void add(std::string line) {
    if (out_.size() < kProblemsMax) out_.push_back(std::move(line));
    else ++dropped_;
  }
  void finish() {
    if (dropped_ > 0) out_.push_back("and " + std::to_string(dropped_) + " more problems");
  }

 private:
  std::vector<std::string>& out_;
  size_t dropped_ = 0;
};

}  // namespace

ListenParse parse_listen_datagram(std::string_view text) {
  enum class Mode { None, Enable, Disable };
  ListenParse out;
  Problems problems(out.problems);
  Mode mode = Mode::None;
  size_t names = 0;
  bool over = false;
  size_t pos = 0;
  while (pos < text.size()) {
    if (separator(text[pos])) {
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < text.size() && !separator(text[end])) ++end;
    const std::string_view word = text.substr(pos, end - pos);
    pos = end;
    if (word == "enable") {
      mode = Mode::Enable;
      continue;
    }
    if (word == "disable") {
      mode = Mode::Disable;
      continue;
    }
    if (mode == Mode::None) {
      problems.add("name before enable/disable: " + quoted(word));
      continue;
    }
    if (over) continue;
    if (++names > kListenNamesMax) {
      over = true;
      problems.add("more than " + std::to_string(kListenNamesMax) + " names, dropped from " + quoted(word) + " on");
      continue;
    }
    // NUL and other control bytes are not separators: they make the word
    // invalid, so "we\0b" cannot pass for "we".
    if (!valid_job_name(word)) {
      problems.add("not a job name: " + quoted(word));
      continue;
    }
    out.ops.push_back(ListenOp{mode == Mode::Enable, std::string(word)});
  }
  problems.finish();
  return out;
}

std::string format_listen_datagram(bool enable, const std::vector<std::string>& names) {
  std::string s = enable ? "enable" : "disable";
  for (const std::string& n : names) {
    s += ' ';
    s += n;
  }
  return s;
}

}  // namespace pmtr
