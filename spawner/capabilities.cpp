#include "spawner/capabilities.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "common/syscalls.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {
namespace {

// The raw interface (capget(2)): version 3 carries 64 bits per set in two
// 32-bit halves.
struct RawCaps {
  uint64_t effective = 0, permitted = 0, inheritable = 0;
};

int cap_get(RawCaps& out) noexcept {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &hdr, data) != 0) return errno;
  out.effective = data[0].effective | (static_cast<uint64_t>(data[1].effective) << 32);
  out.permitted = data[0].permitted | (static_cast<uint64_t>(data[1].permitted) << 32);
  out.inheritable = data[0].inheritable | (static_cast<uint64_t>(data[1].inheritable) << 32);
  return 0;
}

int cap_set(const RawCaps& c) noexcept {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  data[0].effective = static_cast<uint32_t>(c.effective);
  data[1].effective = static_cast<uint32_t>(c.effective >> 32);
  data[0].permitted = static_cast<uint32_t>(c.permitted);
  data[1].permitted = static_cast<uint32_t>(c.permitted >> 32);
  data[0].inheritable = static_cast<uint32_t>(c.inheritable);
  data[1].inheritable = static_cast<uint32_t>(c.inheritable >> 32);
  return ::syscall(SYS_capset, &hdr, data) == 0 ? 0 : errno;
}

constexpr bool listed(uint64_t keep, int cap) noexcept { return (keep >> cap) & 1u; }

}  // namespace

Result<int> kernel_last_cap() {
  unique_fd fd(retry_eintr([] { return ::open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC); }));
  if (!fd) return Error::from_errno("read /proc/sys/kernel/cap_last_cap");
  char buf[16] = {};
  const ssize_t n = retry_eintr([&] { return ::read(fd.get(), buf, sizeof buf - 1); });
  if (n <= 0) return Error::from_errno("read /proc/sys/kernel/cap_last_cap");
  char* end = nullptr;
  const long v = std::strtol(buf, &end, 10);
  if (end == buf || v < 0 || v > 63) return Error{EPROTO, "read /proc/sys/kernel/cap_last_cap"};
  return static_cast<int>(v);
}

Result<CapPlan> plan_caps(const std::vector<uint8_t>& caps, int last_cap, bool ambient) {
  CapPlan p;
  p.apply = true;
  p.last_cap = last_cap;
  p.ambient = ambient;
  for (const uint8_t c : caps) {
    if (c > last_cap)
      return Error{0, "caps: capability " + std::to_string(c) + " is not known to this kernel (its highest is " +
                          std::to_string(last_cap) + ")"};
    p.keep |= uint64_t{1} << c;
  }
  // The child can keep only what pmtr has (a container may have given it
  // less): say so now, naming the option, rather than EPERM at capset.
  RawCaps own;
  if (const int e = cap_get(own); e != 0) return Error{e, "caps: capget"};
  for (const uint8_t c : caps)
    if (!listed(own.permitted, c))
      return Error{0, "caps: pmtr itself does not have capability " + std::to_string(c)};
  return p;
}

int caps_keep_across_setuid() noexcept { return ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0 ? 0 : errno; }

int caps_apply(const CapPlan& p) noexcept {
  RawCaps now;
  if (const int e = cap_get(now); e != 0) return e;
  // After setuid the effective set is empty (PR_SET_KEEPCAPS keeps only
  // the permitted one): raise it again, for CAP_SETPCAP, which dropping
  // from the bounding set needs.
  if (now.effective != now.permitted) {
    now.effective = now.permitted;
    if (const int e = cap_set(now); e != 0) return e;
  }
  // The bounding set first: once permitted is reduced to the plan,
  // CAP_SETPCAP is gone unless listed.
  for (int cap = 0; cap <= p.last_cap; ++cap)
    if (!listed(p.keep, cap) && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return errno;
  // Inheritable too: the ambient set may hold only what is both permitted
  // and inheritable.
  if (const int e = cap_set(RawCaps{p.keep, p.keep, p.keep}); e != 0) return e;
  if (p.ambient)
    for (int cap = 0; cap <= p.last_cap; ++cap)
      if (listed(p.keep, cap) && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return errno;
  return 0;
}

int caps_prove(const CapPlan& p) noexcept {
  RawCaps now;
  if (const int e = cap_get(now); e != 0) return e;
  if (now.effective != p.keep || now.permitted != p.keep || now.inheritable != p.keep) return ENOTRECOVERABLE;
  for (int cap = 0; cap <= p.last_cap; ++cap) {
    const bool keep = listed(p.keep, cap);
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != (keep ? 1 : 0)) return ENOTRECOVERABLE;
    const int amb = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (amb != ((keep && p.ambient) ? 1 : 0)) return ENOTRECOVERABLE;
  }
  return 0;
}

}  // namespace pmtr
