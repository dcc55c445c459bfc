#include "monitor/config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>

#include "common/syscalls.hpp"

namespace pmtr {
namespace {

// The kernel's own limit on symlinks in one path resolution.
constexpr int kMaxLinks = 40;

bool trusted_owner(uid_t owner, uid_t me) { return owner == 0 || owner == me; }

std::string owner_problem(const std::string& what, uid_t owner, uid_t me) {
  return what + " is owned by uid " + std::to_string(owner) +
         (me == 0 ? ", not root" : ", not root or uid " + std::to_string(me));
}

// A directory that someone other than root (or us) can change lets them
// replace what the config path names: the same rule as for the file.  A
// sticky directory (/tmp) lets others add entries but not rename or remove
// ours, so its group/other write bits are fine.
std::string directory_problem(const std::string& dir, const struct stat& st, uid_t me) {
  if (!trusted_owner(st.st_uid, me)) return owner_problem("directory " + dir, st.st_uid, me);
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
    return "directory " + dir + " is writable by " +
           ((st.st_mode & S_IWOTH) ? std::string("others") : std::string("its group")) + " (chmod go-w " + dir +
           ")";
  return {};
}

std::deque<std::string> components(const std::string& path) {
  std::deque<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string parent_of(const std::string& dir) {
  const size_t slash = dir.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
}

// Resolves `path` one component at a time, as the kernel will when the
// file is opened, and checks every directory it passes through (the
// config's directory and each parent, the directories of symlinks on the
// way and of their targets) and every symlink it follows.  Returns the
// first problem, or "" (also when the path does not resolve: open() then
// reports that).  *final receives what the last component is, for the
// check that open() found the same file.
std::string check_path(const std::string& path, uid_t me, struct stat* final, bool* resolved) {
  *resolved = false;
  std::deque<std::string> todo;
  if (path.empty() || path[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == nullptr) return {};
    todo = components(cwd);
  }
  for (auto& c : components(path)) todo.push_back(std::move(c));

  std::string dir = "/";
  struct stat st {};
  if (lstat("/", &st) != 0) return {};
  if (std::string p = directory_problem("/", st, me); !p.empty()) return p;
  int links = 0;
  while (!todo.empty()) {
    const std::string name = std::move(todo.front());
    todo.pop_front();
    if (name == ".") continue;
    if (name == "..") {   // every directory above was checked on the way down
      dir = parent_of(dir);
      continue;
    }
    const std::string next = dir == "/" ? "/" + name : dir + "/" + name;
    if (lstat(next.c_str(), &st) != 0) return {};
    if (S_ISLNK(st.st_mode)) {
      if (!trusted_owner(st.st_uid, me)) return owner_problem("symlink " + next, st.st_uid, me);
      if (++links > kMaxLinks) return {};
      char target[PATH_MAX];
      const ssize_t n = readlink(next.c_str(), target, sizeof target - 1);
      if (n <= 0) return {};
      target[n] = '\0';
      std::deque<std::string> spliced = components(target);
      for (auto& c : todo) spliced.push_back(std::move(c));
      todo = std::move(spliced);
      if (target[0] == '/') dir = "/";
      continue;
    }
    if (todo.empty()) {   // the config itself: fstat checks it after open
      *final = st;
      *resolved = true;
      return {};
    }
    if (!S_ISDIR(st.st_mode)) return {};
    if (std::string p = directory_problem(next, st, me); !p.empty()) return p;
    dir = next;
  }
  return {};
}

}  // namespace

Result<OpenedConfig> open_config(const std::string& path, OwnershipRule rule) {
  const uid_t me = geteuid();
  struct stat resolved_st {};
  bool resolved = false;
  std::string problem = check_path(path, me, &resolved_st, &resolved);
  if (!problem.empty() && rule == OwnershipRule::Enforce) return Error{0, "refusing config " + path + ": " + problem};

  // O_NONBLOCK: a FIFO planted at the path must not hang the monitor; it is
  // refused below as not a regular file.
  unique_fd fd(retry_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); }));
  if (!fd) return Error::from_errno("cannot open " + path);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error::from_errno("cannot stat " + path);
  if (!S_ISREG(st.st_mode)) return Error{0, path + " is not a regular file"};
  // Nobody untrusted can change the path (checked above), so this is the
  // file the walk found; a difference means root changed it meanwhile.
  if (resolved && (st.st_dev != resolved_st.st_dev || st.st_ino != resolved_st.st_ino))
    return Error{0, path + " changed while it was being checked"};
  // Back to blocking reads for the parser.
  const int flags = fcntl(fd.get(), F_GETFL);
  if (flags >= 0) fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);

  if (problem.empty()) {
    if (!trusted_owner(st.st_uid, me))
      problem = owner_problem(path, st.st_uid, me);
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
      problem = path + " is writable by " +
                ((st.st_mode & S_IWOTH) ? std::string("others") : std::string("its group")) + " (chmod go-w " +
                path + ")";
  }

  OpenedConfig out;
  if (!problem.empty()) {
    if (rule == OwnershipRule::Enforce) return Error{0, "refusing config: " + problem};
    out.warning = problem;
  }
  out.fd = std::move(fd);
  out.size = static_cast<uint64_t>(st.st_size);
  return out;
}

std::string path_owner_problem(const std::string& path) {
  struct stat last {};
  bool resolved = false;
  return check_path(path, geteuid(), &last, &resolved);
}

}  // namespace pmtr
