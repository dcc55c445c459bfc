#include "tests/support/log_stamps.hpp"

#include <time.h>

#include <sstream>

namespace pmtr::test {
namespace {

constexpr const char* kShape = "dddd-dd-ddTdd:dd:dd.dddZ ";
constexpr size_t kShapeLength = 25;

}  // namespace

double log_stamp(const std::string& line) {
  if (line.size() < kShapeLength) return -1;
  for (size_t i = 0; i < kShapeLength; ++i) {
    const bool ok = kShape[i] == 'd' ? (line[i] >= '0' && line[i] <= '9') : line[i] == kShape[i];
    if (!ok) return -1;
  }
  tm t{};
  if (strptime(line.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &t) == nullptr) return -1;
  return static_cast<double>(timegm(&t)) + std::stoi(line.substr(20, 3)) / 1000.0;
}

double stamp_of(const std::string& log, const std::string& needle, int nth) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos && nth-- == 0) return log_stamp(line);
  return -1;
}

std::string lines_with(const std::string& log, const std::string& needle) {
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find(needle) == std::string::npos) continue;
    out += (log_stamp(line) >= 0 ? line.substr(kShapeLength) : line) + "\n";
  }
  return out;
}

}  // namespace pmtr::test
