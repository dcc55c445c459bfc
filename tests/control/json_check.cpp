#include "tests/control/json_check.hpp"

namespace pmtr::test {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view t) : t_(t) {}

  std::optional<Json> document(std::string* error) {
    std::optional<Json> v = value();
    space();
    if (v && i_ != t_.size()) fail("text after the document");
    if (!error_.empty()) {
      if (error) *error = error_ + " at byte " + std::to_string(i_);
      return std::nullopt;
    }
    return v;
  }

 private:
  void fail(const char* why) {
    if (error_.empty()) error_ = why;
  }
  void space() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\t' || t_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    space();
    if (i_ < t_.size() && t_[i_] == c) return ++i_, true;
    return false;
  }
  bool word(std::string_view w) {
    if (t_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  std::optional<Json> value() {
    space();
    if (i_ >= t_.size()) return fail("unexpected end"), std::nullopt;
    Json v;
    const char c = t_[i_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      v.kind = Json::Kind::String;
      if (!string(v.text)) return std::nullopt;
      return v;
    }
    if (word("null")) return v;
    if (word("true") || word("false")) {
      v.kind = Json::Kind::Bool;
      v.boolean = t_[i_ - 1] == 'e' && t_[i_ - 2] == 'u';
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    return fail("unexpected character"), std::nullopt;
  }

  std::optional<Json> number() {
    const size_t start = i_;
    auto digits = [&] {
      const size_t s = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      return i_ - s;
    };
    if (t_[i_] == '-') ++i_;
    const size_t int_start = i_;
    if (digits() == 0) return fail("digits expected"), std::nullopt;
    if (t_[int_start] == '0' && i_ - int_start > 1) return fail("leading zero"), std::nullopt;
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      if (digits() == 0) return fail("fraction digits expected"), std::nullopt;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (digits() == 0) return fail("exponent digits expected"), std::nullopt;
    }
    Json v;
    v.kind = Json::Kind::Number;
    v.text = std::string(t_.substr(start, i_ - start));
    return v;
  }

  bool string(std::string& out) {
    ++i_;   // the opening quote
    while (i_ < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[i_++]);
      if (c == '"') return true;
      if (c < 0x20) return fail("control character in a string"), false;
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (i_ >= t_.size()) break;
      const char e = t_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i_ + 4 > t_.size()) return fail("short \\u escape"), false;
          unsigned v = 0;
          for (int k = 0; k < 4; ++k) {
            const char h = t_[i_++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
            else return fail("bad \\u escape"), false;
          }
          if (v > 0x7f) return fail("only ASCII \\u escapes expected here"), false;
          out += static_cast<char>(v);
          break;
        }
        default: return fail("unknown escape"), false;
      }
    }
    return fail("unterminated string"), false;
  }

  std::optional<Json> array() {
    ++i_;
    Json v;
    v.kind = Json::Kind::Array;
    if (eat(']')) return v;
    for (;;) {
      std::optional<Json> item = value();
      if (!item) return std::nullopt;
      v.items.push_back(std::move(*item));
      if (eat(']')) return v;
      if (!eat(',')) return fail("',' or ']' expected"), std::nullopt;
    }
  }

  std::optional<Json> object() {
    ++i_;
    Json v;
    v.kind = Json::Kind::Object;
    if (eat('}')) return v;
    for (;;) {
      space();
      if (i_ >= t_.size() || t_[i_] != '"') return fail("a key expected"), std::nullopt;
      std::string key;
      if (!string(key)) return std::nullopt;
      if (v.get(key) != nullptr) return fail("duplicate key"), std::nullopt;
      if (!eat(':')) return fail("':' expected"), std::nullopt;
      std::optional<Json> item = value();
      if (!item) return std::nullopt;
      v.fields.emplace_back(std::move(key), std::move(*item));
      if (eat('}')) return v;
      if (!eat(',')) return fail("',' or '}' expected"), std::nullopt;
    }
  }

  std::string_view t_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace

const Json* Json::get(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

std::optional<Json> parse_json(std::string_view text, std::string* error) { return Reader(text).document(error); }

}  // namespace pmtr::test
