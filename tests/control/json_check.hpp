// A strict little JSON reader for the tests: pmtrctl's --json output is
// parsed back (RFC 8259 syntax: no trailing commas, no NaN, escapes only
// as the RFC lists them), so a quoting bug fails a test instead of a
// user's script.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmtr::test {

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  std::string text;   // a number as written, or a string decoded
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;   // in document order

  // The field `key` of an object, or nullptr.
  [[nodiscard]] const Json* get(std::string_view key) const;
  [[nodiscard]] bool is_null() const { return kind == Kind::Null; }
};

// The document, or nullopt with `error` saying where it broke.
std::optional<Json> parse_json(std::string_view text, std::string* error);

}  // namespace pmtr::test
