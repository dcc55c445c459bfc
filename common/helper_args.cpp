#include "common/helper_args.hpp"

#include <cerrno>
#include <cstdlib>

namespace pmtr {

bool parse_helper_number(const char* s, uint64_t max, uint64_t* out) noexcept {
  if (s == nullptr || *s < '0' || *s > '9') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}

}  // namespace pmtr
