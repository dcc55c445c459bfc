// Helpers shared by the config parser tests.
#pragma once

#include <CppUTest/TestHarness.h>

#include <string>
#include <string_view>

#include "parser/config_parser.hpp"

namespace pmtr::test {

// Every diagnostic as "FILE:L:C: error: text", one per line.
inline std::string diag_lines(const ParsedConfig& c) {
  std::string s;
  for (const auto& d : c.diagnostics) s += format_diagnostic("FILE", d) + "\n";
  return s;
}

// A job block with the two required options (lines 1-3) and `body` from
// line 4 on.
inline std::string job_with(std::string_view body, std::string_view name = "a") {
  return "job {\n  name " + std::string(name) + "\n  cmd /bin/true\n" + std::string(body) + "}\n";
}

// Parses text that must be valid; fails the test with the diagnostics
// otherwise.
inline ParsedConfig parse_ok(std::string_view text) {
  ParsedConfig c = parse_config(text);
  STRCMP_EQUAL("", diag_lines(c).c_str());
  return c;
}

// The one job of text that must be valid.
inline JobDesc only_job(std::string_view text) {
  const ParsedConfig c = parse_ok(text);
  LONGS_EQUAL(1, c.jobs.size());
  return c.jobs.empty() ? JobDesc{} : c.jobs[0];
}

// The job of job_with(body).
inline JobDesc only_job_with(std::string_view body) { return only_job(job_with(body)); }

}  // namespace pmtr::test

// The complete diagnostics of `text`, compared as one string so a failure
// shows everything that was reported.
#define CHECK_DIAGS(text, expected)                                           \
  do {                                                                        \
    const ::pmtr::ParsedConfig check_diags_c = ::pmtr::parse_config(text);    \
    STRCMP_EQUAL(std::string(expected).c_str(), ::pmtr::test::diag_lines(check_diags_c).c_str()); \
  } while (0)
