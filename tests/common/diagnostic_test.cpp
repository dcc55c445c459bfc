// Diagnostic lines and log escaping: the monitor prints text that came from
// an untrusted process, so the escape must leave nothing but printable
// ASCII and must be reversible (two different texts never look the same).
#include "common/diagnostic.hpp"


#include <cctype>
#include <cstdlib>
#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using pmtr::escape_for_log;
using pmtr::format_diagnostic;
using pmtr::Severity;

namespace {

// The inverse of escape_for_log, strict: any backslash not followed by
// "xNN" is a failure (returns "<invalid>").
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 >= s.size() || s[i + 1] != 'x') {   // a lone backslash is itself
      out.push_back(s[i]);
      continue;
    }
    if (i + 3 >= s.size()) return "<invalid>";
    const std::string hex = s.substr(i + 2, 2);
    if (!std::isxdigit(static_cast<unsigned char>(hex[0])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[1])))
      return "<invalid>";
    const long v = std::strtol(hex.c_str(), nullptr, 16);
    out.push_back(static_cast<char>(v));
    i += 3;
  }
  return out;
}

}  // namespace

TEST_GROUP(Diagnostic){};

TEST(Diagnostic, FileLineColumn) {
  STRCMP_EQUAL("pmtr.conf:3:7: error: unknown keyword",
               format_diagnostic("pmtr.conf", Severity::Error, 3, 7, "unknown keyword").c_str());
  STRCMP_EQUAL("/etc/pmtr.conf:12:1: warning: deprecated",
               format_diagnostic("/etc/pmtr.conf", Severity::Warning, 12, 1, "deprecated").c_str());
}

TEST(Diagnostic, LineZeroMeansTheWholeFile) {
  STRCMP_EQUAL("pmtr.conf: error: cannot read config",
               format_diagnostic("pmtr.conf", Severity::Error, 0, 0, "cannot read config").c_str());
  // A column without a line means nothing and is not shown.
  STRCMP_EQUAL("pmtr.conf: warning: x",
               format_diagnostic("pmtr.conf", Severity::Warning, 0, 9, "x").c_str());
}

TEST(Diagnostic, LineWithoutColumn) {
  STRCMP_EQUAL("pmtr.conf:5: error: x", format_diagnostic("pmtr.conf", Severity::Error, 5, 0, "x").c_str());
}

TEST(Diagnostic, LargestNumbers) {
  STRCMP_EQUAL("f:4294967295:4294967295: error: t",
               format_diagnostic("f", Severity::Error, 0xffffffff, 0xffffffff, "t").c_str());
}

TEST(Diagnostic, TextIsEscapedSoItCannotForgeALine) {
  STRCMP_EQUAL("f:1:1: error: a\\x0apmtr: job started\\x1b[31m",
               format_diagnostic("f", Severity::Error, 1, 1, "a\npmtr: job started\x1b[31m").c_str());
  STRCMP_EQUAL("f: error: ", format_diagnostic("f", Severity::Error, 0, 0, "").c_str());
}

TEST(Diagnostic, EscapeLeavesPrintableAsciiAlone) {
  std::string printable;
  for (int c = 0x20; c < 0x7f; ++c)
    printable.push_back(static_cast<char>(c));
  STRCMP_EQUAL(printable.c_str(), escape_for_log(printable).c_str());
  STRCMP_EQUAL("", escape_for_log("").c_str());
}

TEST(Diagnostic, EscapeSpellsOutControlsDelAmbiguousBackslashAndNonAscii) {
  STRCMP_EQUAL("\\x00", escape_for_log(std::string(1, '\0')).c_str());
  STRCMP_EQUAL("\\x0a\\x0d\\x09\\x1b", escape_for_log("\n\r\t\x1b").c_str());
  STRCMP_EQUAL("\\x7f", escape_for_log("\x7f").c_str());
  STRCMP_EQUAL("\\", escape_for_log("\\").c_str());
  STRCMP_EQUAL("only \\\" and \\\\", escape_for_log("only \\\" and \\\\").c_str());
  STRCMP_EQUAL("\\x5cx41", escape_for_log("\\x41").c_str());
  STRCMP_EQUAL("caf\\xc3\\xa9", escape_for_log("caf\xc3\xa9").c_str());
  STRCMP_EQUAL("\\xff", escape_for_log("\xff").c_str());
}

// Every byte value: output is printable ASCII only and decodes back, so the
// escape is unambiguous.
TEST(Diagnostic, EscapeIsPrintableAndReversibleForEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  for (const std::string& in : {all, std::string("\\x41"), std::string("a\\\\b\\")}) {
    const std::string out = escape_for_log(in);
    for (char c : out) {
      const auto u = static_cast<unsigned char>(c);
      CHECK(u >= 0x20 && u < 0x7f);
    }
    CHECK_TRUE(unescape(out) == in);
  }
}

TEST(Diagnostic, ParseFailedSummaryIsSingularForOneError) {
  STRCMP_EQUAL("parse failed (1 error)", pmtr::parse_failed_summary(1).c_str());
  STRCMP_EQUAL("parse failed (2 errors)", pmtr::parse_failed_summary(2).c_str());
  STRCMP_EQUAL("parse failed (1001 errors)", pmtr::parse_failed_summary(1001).c_str());
  STRCMP_EQUAL("parse failed (0 errors)", pmtr::parse_failed_summary(0).c_str());
}
