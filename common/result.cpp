#include "common/result.hpp"

#include <cstring>

namespace pmtr {

std::string Error::message() const {
  if (err == 0) return what;
  return what + ": " + std::strerror(err);
}

}  // namespace pmtr
