#include "tests/support/substitute_parser.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/paths.hpp"

namespace pmtr::test {

SubstituteParser::SubstituteParser() {
  namespace fs = std::filesystem;
  std::error_code ec1, ec2;
  fs::copy_file(pmtr_bin(), dir_.file("pmtr"), fs::copy_options::overwrite_existing, ec1);
  fs::copy_file(fake_parser_bin(), dir_.file("pmtr-parser"), fs::copy_options::overwrite_existing, ec2);
  // pmtr runs a parser beside it only if nobody but its owner can change it.
  ok_ = !ec1 && !ec2 && chmod(dir_.file("pmtr").c_str(), 0755) == 0 &&
        chmod(dir_.file("pmtr-parser").c_str(), 0755) == 0;
  mode("serve");
}

void SubstituteParser::mode(const std::string& line) const { write_file(dir_.file("fake-parser.mode"), line + "\n"); }

void SubstituteParser::stderr_text(const std::string& bytes) const {
  std::ofstream out(dir_.file("fake-parser.stderr"), std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace pmtr::test
