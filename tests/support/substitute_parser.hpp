// A copy of pmtr with the substitute parser (tests/tools/fake_parser.cpp)
// beside it as pmtr-parser, in a directory of its own: that copy of pmtr
// runs the substitute as its parser.  What the substitute does is set with
// mode() (see the modes in fake_parser.cpp), also while pmtr runs: it reads
// its mode at every parse request.
#pragma once

#include <string>

#include "tests/support/e2e_harness.hpp"

namespace pmtr::test {

class SubstituteParser {
 public:
  SubstituteParser();
  [[nodiscard]] std::string pmtr() const { return dir_.file("pmtr"); }
  [[nodiscard]] std::string dir() const { return dir_.path(); }
  [[nodiscard]] bool ok() const { return ok_; }
  void mode(const std::string& line) const;
  // Bytes the substitute writes to its stderr when it starts.
  void stderr_text(const std::string& bytes) const;

 private:
  TempDir dir_;
  bool ok_ = false;
};

}  // namespace pmtr::test
