#include "common/diagnostic.hpp"

#include <cstdio>

namespace pmtr {

std::string escape_for_log(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    // A backslash stays readable ("invalid escape '\n'") and is escaped
    // only where it would read as the start of an \xNN escape.
    const bool ambiguous_backslash = c == '\\' && i + 1 < text.size() && text[i + 1] == 'x';
    if (u >= 0x20 && u < 0x7f && !ambiguous_backslash) {
      out.push_back(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

std::string parse_failed_summary(uint32_t errors) {
  return "parse failed (" + std::to_string(errors) + (errors == 1 ? " error)" : " errors)");
}

std::string format_diagnostic(std::string_view file, Severity severity, uint32_t line,
                              uint32_t col, std::string_view text) {
  const char* sev = severity == Severity::Error ? "error" : "warning";
  std::string out(file);
  if (line != 0) {
    out += ':' + std::to_string(line);
    if (col != 0) out += ':' + std::to_string(col);
  }
  out += ": ";
  out += sev;
  out += ": ";
  out += escape_for_log(text);
  return out;
}

}  // namespace pmtr
