// Which shared libraries the programs map.  Each one costs resident
// memory for as long as pmtr runs (docs/benchmarks.md, scenario 5): libm
// alone would add some 400 KiB to the monitor.  libstdc++, libseccomp and
// libcap-ng are linked statically on purpose (Makefile); only glibc stays
// shared, so that NSS keeps working.
#include <cstdio>
#include <set>
#include <string>

#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

namespace {

// The NEEDED entries of a binary's dynamic section, read with readelf
// (binutils comes with the compiler).
std::set<std::string> needed_libraries(const std::string& binary) {
  std::set<std::string> out;
  const std::string cmd = "readelf -d '" + binary + "' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char line[512];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    const std::string s = line;
    if (s.find("(NEEDED)") == std::string::npos) continue;
    const auto open = s.find('[');
    const auto close = s.find(']', open);
    if (open != std::string::npos && close != std::string::npos) out.insert(s.substr(open + 1, close - open - 1));
  }
  pclose(p);
  return out;
}

bool sanitized() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
  return true;
#else
  return false;
#endif
}

bool is_glibc(const std::string& lib) { return lib == "libc.so.6" || lib.rfind("ld-linux", 0) == 0; }

}  // namespace

TEST_GROUP(LinkedLibraries){};

TEST(LinkedLibraries, MonitorMapsOnlyGlibc) {
  if (sanitized()) PMTR_SKIP("sanitizer builds link their runtimes");
  const auto libs = needed_libraries(pmtr::test::pmtr_bin());
  CHECK_FALSE(libs.empty());
  for (const auto& l : libs) CHECK_TRUE_TEXT(is_glibc(l), l.c_str());
}

TEST(LinkedLibraries, ParserMapsOnlyGlibc) {
  if (sanitized()) PMTR_SKIP("sanitizer builds link their runtimes");
  const auto libs = needed_libraries(pmtr::test::parser_bin());
  CHECK_FALSE(libs.empty());
  for (const auto& l : libs) CHECK_TRUE_TEXT(is_glibc(l), l.c_str());
}

// pmtrctl too: static libstdc++ keeps its start (and `status`) fast.
TEST(LinkedLibraries, PmtrctlMapsOnlyGlibc) {
  if (sanitized()) PMTR_SKIP("sanitizer builds link their runtimes");
  const auto libs = needed_libraries(pmtr::test::build_dir() + "/pmtrctl");
  CHECK_FALSE(libs.empty());
  for (const auto& l : libs) CHECK_TRUE_TEXT(is_glibc(l), l.c_str());
}
