#include "spawner/cpu_mask.hpp"

#include <fcntl.h>
#include <sys/sysinfo.h>

#include "common/syscalls.hpp"

namespace pmtr {
namespace {

constexpr const char* kOnlinePath = "/sys/devices/system/cpu/online";

bool read_number(std::string_view text, size_t& pos, unsigned& out) noexcept {
  const size_t start = pos;
  unsigned v = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    v = v * 10 + static_cast<unsigned>(text[pos] - '0');
    if (v > 1u << 20) return false;   // far beyond any CPU number
    ++pos;
  }
  out = v;
  return pos > start;
}

void set_range(unsigned lo, unsigned hi, cpu_set_t& set) noexcept {
  for (unsigned c = lo; c <= hi && c < CPU_SETSIZE; ++c) CPU_SET(c, &set);
}

}  // namespace

bool parse_cpu_list(std::string_view text, cpu_set_t& out) noexcept {
  CPU_ZERO(&out);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return true;   // the kernel writes an empty line for "none"
  size_t pos = 0;
  for (;;) {
    unsigned lo = 0;
    unsigned hi = 0;
    if (!read_number(text, pos, lo)) return false;
    hi = lo;
    if (pos < text.size() && text[pos] == '-') {
      ++pos;
      if (!read_number(text, pos, hi) || hi < lo) return false;
    }
    set_range(lo, hi, out);
    if (pos == text.size()) return true;
    if (text[pos] != ',') return false;
    ++pos;
  }
}

cpu_set_t online_cpus() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (const FdResult f = sys_open(kOnlinePath, O_RDONLY); f.ok()) {
    char buf[4096];
    const IoResult r = sys_read(f.fd.get(), buf, sizeof buf);
    if (r.ok() && r.bytes > 0 && r.bytes < sizeof buf && parse_cpu_list(std::string_view(buf, r.bytes), set) &&
        CPU_COUNT(&set) > 0)
      return set;
  }
  const int conf = get_nprocs_conf();
  set_range(0, conf > 0 ? static_cast<unsigned>(conf - 1) : 0u, set);
  return set;
}

bool job_cpu_mask(const std::vector<uint16_t>& wanted, const cpu_set_t& present,
                  cpu_set_t& mask) noexcept {
  CPU_ZERO(&mask);
  bool any = false;
  for (const uint16_t c : wanted) {
    if (c < CPU_SETSIZE && CPU_ISSET(c, &present)) {
      CPU_SET(c, &mask);
      any = true;
    }
  }
  return any;
}

}  // namespace pmtr
