#include "monitor/listen_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/datagram_mac.hpp"
#include "common/syscalls.hpp"

namespace pmtr {
namespace {

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

KeyCheck fault(KeyFault f, const std::string& path, const std::string& what) {
  KeyCheck c;
  c.fault = f;
  c.problem = "listen key " + path + ": " + what;
  return c;
}

}  // namespace

KeyCheck check_listen_key(const std::string& path, uid_t owner) {
  // O_NONBLOCK: a FIFO planted at the path must not hang the monitor; it
  // is refused below as not a regular file.
  FdResult fd = sys_open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (!fd.ok()) {
    if (fd.err == ELOOP) return fault(KeyFault::Content, path, "a symbolic link (not followed)");
    if (fd.err == ENOENT || fd.err == ENOTDIR) return fault(KeyFault::Missing, path, std::strerror(fd.err));
    return fault(KeyFault::Access, path, std::strerror(fd.err));
  }
  // Checked on the open fd: the path could name another file by now.
  struct stat st {};
  if (::fstat(fd.fd.get(), &st) != 0) return fault(KeyFault::Access, path, std::string("stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fault(KeyFault::Content, path, "not a regular file");
  if (st.st_uid != owner)
    return fault(KeyFault::Owner, path,
                 "owned by uid " + std::to_string(st.st_uid) +
                     (owner == 0 ? ", not root" : ", not uid " + std::to_string(owner) + " (the user pmtr runs as)"));
  const mode_t mode = st.st_mode & 07777;
  if (mode != 0600 && mode != 0400)
    return fault(KeyFault::Content, path, "mode " + octal_mode(mode) + ", must be 0600 or 0400");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size < kKeyBytesMin)
    return fault(KeyFault::Content, path, std::to_string(size) + " bytes, at least " + std::to_string(kKeyBytesMin) + " needed");
  if (size > kKeyBytesMax)
    return fault(KeyFault::Content, path, std::to_string(size) + " bytes, at most " + std::to_string(kKeyBytesMax) + " allowed");
  // One byte more than allowed, so a file that grew after fstat is caught.
  std::vector<std::byte> key(kKeyBytesMax + 1);
  size_t got = 0;
  for (;;) {
    const IoResult r = sys_read(fd.fd.get(), key.data() + got, key.size() - got);
    if (!r.ok()) return fault(KeyFault::Access, path, std::string("read: ") + std::strerror(r.err));
    if (r.bytes == 0) break;
    got += r.bytes;
    if (got == key.size()) break;
  }
  if (got < kKeyBytesMin || got > kKeyBytesMax)
    return fault(KeyFault::Content, path, "changed while it was read (" + std::to_string(got) + " bytes)");
  key.resize(got);
  KeyCheck ok;
  ok.key = std::move(key);
  return ok;
}

Result<std::vector<std::byte>> read_listen_key(const std::string& path) {
  KeyCheck c = check_listen_key(path, ::geteuid());
  if (c.fault != KeyFault::None) return Error{0, std::move(c.problem)};
  return std::move(c.key);
}

}  // namespace pmtr
