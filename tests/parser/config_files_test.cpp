// The sample configs under tests/configs/ (also used by the end-to-end
// tests): every valid/*.conf parses cleanly, every invalid/*.conf produces
// exactly the diagnostics in its sibling .expected file (file name written
// as FILE).
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/job_check.hpp"
#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"
#include "tests/support/skip.hpp"

using namespace pmtr;
namespace fs = std::filesystem;

namespace {

const char* kConfigDir = "tests/configs";

bool read_file(const fs::path& p, std::string& out) {
  FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) return false;
  char buf[65536];
  size_t n;
  out.clear();
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return true;
}

std::vector<fs::path> confs(const char* sub) {
  std::vector<fs::path> v;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(kConfigDir) / sub, ec))
    if (e.path().extension() == ".conf") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_GROUP(ConfigFiles){};

TEST(ConfigFiles, ValidSamplesParseWithoutDiagnostics) {
  if (!fs::is_directory(kConfigDir)) PMTR_SKIP("run from the source tree (tests/configs not found)");
  const auto files = confs("valid");
  CHECK_TRUE(files.size() >= 5);
  for (const auto& p : files) {
    std::string text;
    CHECK_TRUE_TEXT(read_file(p, text), p.c_str());
    const ParsedConfig c = parse_config(text);
    STRCMP_EQUAL_TEXT("", test::diag_lines(c).c_str(), p.c_str());
    for (const auto& j : c.jobs) CHECK_TRUE_TEXT(check_job(j).ok(), p.c_str());
    CHECK_TRUE(check_globals(c.globals).ok());
  }
}

TEST(ConfigFiles, InvalidSamplesGiveExactlyTheExpectedDiagnostics) {
  if (!fs::is_directory(kConfigDir)) PMTR_SKIP("run from the source tree (tests/configs not found)");
  const auto files = confs("invalid");
  CHECK_TRUE(files.size() >= 10);
  for (const auto& p : files) {
    std::string text, expected;
    CHECK_TRUE_TEXT(read_file(p, text), p.c_str());
    fs::path exp = p;
    exp.replace_extension(".expected");
    CHECK_TRUE_TEXT(read_file(exp, expected), exp.c_str());
    const ParsedConfig c = parse_config(text);
    CHECK_TRUE_TEXT(c.errors() > 0, p.c_str());
    STRCMP_EQUAL_TEXT(expected.c_str(), test::diag_lines(c).c_str(), p.c_str());
  }
}
