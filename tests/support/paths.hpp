// Where the programs under test are: $PMTR_BUILD_DIR (set by
// tests/run_all.sh) or ./build.
#pragma once

#include <cstdlib>
#include <string>

namespace pmtr::test {

inline std::string build_dir() {
  const char* d = std::getenv("PMTR_BUILD_DIR");
  return d && *d ? d : "build";
}
inline std::string pmtr_bin() { return build_dir() + "/pmtr"; }
inline std::string parser_bin() { return build_dir() + "/pmtr-parser"; }
inline std::string pmtrctl_bin() { return build_dir() + "/pmtrctl"; }
inline std::string fake_parser_bin() { return build_dir() + "/tests/fake-parser"; }
inline std::string log_bin() { return build_dir() + "/pmtr-log"; }
inline std::string fake_log_bin() { return build_dir() + "/tests/fake-log"; }
inline std::string line_writer_bin() { return build_dir() + "/tests/line-writer"; }

}  // namespace pmtr::test
