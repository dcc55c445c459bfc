#include "common/udp_report.hpp"

#include <charconv>
#include <limits>

#include "common/job_check.hpp"
#include "common/limits.hpp"

namespace pmtr {
namespace {

constexpr std::string_view kReportWord = "report";
// gethostname's limit; an IP is what inet_ntop writes (IPv6 at most).
constexpr size_t kHostBytes = 255;
constexpr size_t kIpBytes = 45;
// Larger than any real uptime (some 31,700 years), small enough that the
// milliseconds a reader makes of it fit 64 bits.
constexpr uint64_t kSecondsMax = 999'999'999'999;
constexpr int32_t kPidMax = std::numeric_limits<int32_t>::max();
// UDP's own limit: a datagram from another implementation may be larger
// than the ones we cut, never larger than this.
constexpr size_t kDatagramMax = 65535;

bool is_control(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool has_control(std::string_view s) noexcept {
  for (const char c : s)
    if (is_control(c)) return true;
  return false;
}

// A word of the report line: non-empty, no space, no control byte.
bool plain_word(std::string_view s, size_t max) noexcept {
  if (s.empty() || s.size() > max) return false;
  for (const char c : s)
    if (c == ' ' || is_control(c)) return false;
  return true;
}

bool ip_text(std::string_view s) noexcept {
  if (s.empty() || s.size() > kIpBytes) return false;
  for (const char c : s) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':') return false;
  }
  return true;
}

// Plain decimal, as %u and %d print it: digits only, no sign, no leading
// zero (except "0" itself), at most `max`.
template <typename T>
bool decimal(std::string_view s, T max, T& out) noexcept {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > max) return false;
  out = v;
  return true;
}

// The next space-separated field of `rest` (which loses it and the space).
std::string_view next_field(std::string_view& rest) noexcept {
  const size_t sp = rest.find(' ');
  const std::string_view f = rest.substr(0, sp);
  rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
  return f;
}

Error line_error(size_t line, const std::string& what) {
  return Error{0, "line " + std::to_string(line) + ": " + what};
}

// Control bytes would end the row early or forge another; a '?' keeps the
// datagram parseable and the rest of the name readable.
void append_clean(std::string& out, std::string_view s) {
  for (const char c : s) out += is_control(c) ? '?' : c;
}

std::string report_line(const Report& r) {
  std::string s(kReportWord);
  s += ' ';
  append_clean(s, r.host);
  if (!r.ip.empty()) {
    s += ' ';
    append_clean(s, r.ip);
  }
  s += '\n';
  return s;
}

std::string row_line(const ReportRow& row) {
  std::string s;
  append_clean(s, row.name);
  s += row.enabled ? " e " : " d ";
  s += std::to_string(row.seconds_up);
  s += ' ';
  s += std::to_string(row.pid);
  s += ' ';
  append_clean(s, row.argv0);
  s += '\n';
  return s;
}

Result<ReportRow> parse_row(std::string_view text, size_t line) {
  std::string_view rest = text;
  ReportRow row;
  const std::string_view name = next_field(rest);
  const std::string_view state = next_field(rest);
  const std::string_view seconds = next_field(rest);
  const std::string_view pid = next_field(rest);
  // ARGV0 is the rest of the line: a quoted cmd path may hold spaces, and
  // the original printed it as it was.
  const std::string_view argv0 = rest;
  if (argv0.empty()) return line_error(line, "expected NAME e|d SECONDS PID ARGV0");
  if (!valid_job_name(name)) return line_error(line, "bad job name");
  if (state != "e" && state != "d") return line_error(line, "state is not 'e' or 'd'");
  if (!decimal(seconds, kSecondsMax, row.seconds_up)) return line_error(line, "bad seconds up");
  if (!decimal(pid, kPidMax, row.pid)) return line_error(line, "bad pid");
  if (argv0.size() > limits::kPathBytes || argv0.front() == ' ') return line_error(line, "bad command");
  row.name = name;
  row.enabled = state == "e";
  row.argv0 = argv0;
  return row;
}

Status parse_report_line(std::string_view text, Report& r) {
  std::string_view rest = text;
  if (next_field(rest) != kReportWord) return line_error(1, "not a report line ('report HOST [IP]')");
  const std::string_view host = next_field(rest);
  const std::string_view ip = rest;
  if (!plain_word(host, kHostBytes)) return line_error(1, "bad host name");
  if (!ip.empty() && !ip_text(ip)) return line_error(1, "bad IP address");
  // "report host " (a trailing space, no IP) is not what any sender writes.
  if (ip.empty() && text.size() != kReportWord.size() + 1 + host.size()) return line_error(1, "trailing space");
  r.host = host;
  r.ip = ip;
  return {};
}

}  // namespace

std::vector<std::string> format_report(const Report& r) {
  const std::string head = report_line(r);
  std::vector<std::string> out;
  std::string current = head;
  bool has_rows = false;
  for (const ReportRow& row : r.rows) {
    const std::string line = row_line(row);
    if (has_rows && current.size() + line.size() > kReportDatagramBytes) {
      out.push_back(std::move(current));
      current = head;
    }
    current += line;
    has_rows = true;
  }
  out.push_back(std::move(current));
  return out;
}

Result<Report> parse_report(std::string_view datagram) {
  if (datagram.empty()) return Error{0, "empty datagram"};
  if (datagram.size() > kDatagramMax) return Error{0, "datagram too large"};
  if (datagram.back() != '\n') return Error{0, "the last line has no newline"};
  Report r;
  size_t line = 0;
  size_t pos = 0;
  while (pos < datagram.size()) {
    ++line;
    const size_t nl = datagram.find('\n', pos);
    const std::string_view text = datagram.substr(pos, nl - pos);
    pos = nl + 1;
    if (has_control(text)) return line_error(line, "control character");
    if (line == 1) {
      if (Status s = parse_report_line(text, r); !s) return s.error();
      continue;
    }
    Result<ReportRow> row = parse_row(text, line);
    if (!row) return row.error();
    r.rows.push_back(std::move(row).value());
  }
  return r;
}

}  // namespace pmtr
