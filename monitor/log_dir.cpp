#include "monitor/log_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "common/syscalls.hpp"
#include "monitor/config_file.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {
namespace {

// mkdir -p of every parent of `path` (absolute), as root's 0755.
Status make_parents(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir " + parent);
  }
  return {};
}

bool is_empty(int dirfd) {
  unique_fd dup(::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
  if (!dup) return false;
  DIR* d = ::fdopendir(dup.get());
  if (d == nullptr) return false;
  (void)dup.release();   // the DIR owns it now
  bool empty = true;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view n = e->d_name;
    if (n != "." && n != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(d);
  return empty;
}

}  // namespace

gid_t log_group(gid_t fallback) {
  auto adm = lookup_group("adm");
  return adm ? *adm : fallback;
}

Result<unique_fd> prepare_log_dir(const std::string& path, const LogDirOwner& owner) {
  if (path.size() < 2 || path.front() != '/') return Error{0, "log to " + path + ": not an absolute path"};
  std::string dir = path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (Status s = make_parents(dir); !s) return s.error();
  const bool root = geteuid() == 0;
  // Whoever could change a directory on the way could make pmtr, as root,
  // create and hand over a directory somewhere else.
  if (std::string p = path_owner_problem(dir); !p.empty()) return Error{0, "log to " + dir + ": " + p};
  bool created = ::mkdir(dir.c_str(), root ? 0700 : 0750) == 0;
  if (!created && errno != EEXIST) return Error::from_errno("mkdir " + dir);
  FdResult fd = sys_open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!fd.ok()) {
    if (fd.err == ELOOP || fd.err == ENOTDIR)
      return Error{0, "log to " + dir + ": not a directory (a symbolic link is not followed)"};
    return Error{fd.err, "open " + dir};
  }
  struct stat st {};
  if (::fstat(fd.fd.get(), &st) != 0) return Error::from_errno("stat " + dir);
  if (!root) return std::move(fd.fd);
  if (st.st_uid != 0 && st.st_uid != owner.uid)
    return Error{0, "log to " + dir + ": owned by uid " + std::to_string(st.st_uid) + ", not root or the helpers' user"};
  // A directory of root's is handed over only when pmtr made it or it is
  // empty: `log to /var/log` must not give /var/log away.
  if (st.st_uid == 0 && !created && !is_empty(fd.fd.get()))
    return Error{0, "log to " + dir + ": a directory of root's with files in it; pmtr hands its log directory to "
                    "its helpers' user, so name one of its own (such as /var/log/pmtr)"};
  // Ownership before mode: chown clears the set-group-id bit.
  if (::fchown(fd.fd.get(), owner.uid, owner.gid) != 0) return Error::from_errno("chown " + dir);
  if (::fchmod(fd.fd.get(), kLogRootMode) != 0) return Error::from_errno("chmod " + dir);
  return std::move(fd.fd);
}

}  // namespace pmtr
