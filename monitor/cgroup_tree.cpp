#include "monitor/cgroup_tree.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "common/syscalls.hpp"

namespace pmtr {
namespace {

constexpr const char* kSupervisor = "supervisor";

// mountinfo escapes blanks and backslashes as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string_view o = s.substr(i + 1, 3);
      if (o.size() == 3 && o[0] >= '0' && o[0] <= '3' && o[1] >= '0' && o[1] <= '7' && o[2] >= '0' && o[2] <= '7') {
        out += static_cast<char>((o[0] - '0') * 64 + (o[1] - '0') * 8 + (o[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\n')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\n') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename F>
void each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

Result<std::string> read_path(const std::string& path) { return cgroup_read(AT_FDCWD, path.c_str()); }

int controller_bit(std::string_view c) {
  if (c == "memory") return 1;
  if (c == "pids") return 2;
  if (c == "cpu") return 4;
  return 0;
}

bool lists(std::string_view words, std::string_view word) {
  for (auto w : fields(words))
    if (w == word) return true;
  return false;
}


// True when cgroup.procs of `dir_fd` lists a process that is not `self`
// or one of `own`.
bool holds_others(int dir_fd, pid_t self, const std::vector<pid_t>& own) {
  auto procs = cgroup_read(dir_fd, "cgroup.procs");
  if (!procs) return true;   // cannot tell: do not take it over
  bool others = false;
  each_line(*procs, [&](std::string_view l) {
    if (l.empty()) return;
    const pid_t p = static_cast<pid_t>(std::strtol(std::string(l).c_str(), nullptr, 10));
    bool ours = p == self;
    for (pid_t o : own) ours = ours || p == o;
    others = others || !ours;
  });
  return others;
}

Status mkdir_at(int dir_fd, const char* name, bool& made) {
  made = false;
  if (::mkdirat(dir_fd, name, 0755) == 0) {
    made = true;
    return {};
  }
  if (errno == EEXIST) return {};
  return Error::from_errno(std::string("mkdir ") + name);
}

}  // namespace

std::string cgroup_dir_from(std::string_view mountinfo, std::string_view self_cgroup, bool& in_root) {
  in_root = false;
  std::string own;
  bool found = false;
  each_line(self_cgroup, [&](std::string_view l) {
    if (!found && l.substr(0, 3) == "0::") {
      own = std::string(l.substr(3));
      found = true;
    }
  });
  if (!found || own.empty() || own[0] != '/') return {};
  std::string dir;
  each_line(mountinfo, [&](std::string_view l) {
    if (!dir.empty()) return;
    const auto f = fields(l);
    // id parent dev root mountpoint options [optional...] - fstype source superopts
    size_t dash = 0;
    for (size_t i = 6; i < f.size(); ++i)
      if (f[i] == "-") {
        dash = i;
        break;
      }
    if (dash == 0 || dash + 1 >= f.size() || f[dash + 1] != "cgroup2") return;
    const std::string root = unescape(f[3]), mnt = unescape(f[4]);
    // The cgroup must lie inside what is mounted here.
    if (root == "/") {
      dir = own == "/" ? mnt : mnt + own;
      in_root = own == "/";
    } else if (own == root || own.compare(0, root.size() + 1, root + "/") == 0) {
      dir = mnt + own.substr(root.size());
      in_root = own == root;
    }
  });
  return dir;
}

Result<std::string> cgroup_read(int dir_fd, const char* path) {
  unique_fd fd(retry_eintr([&] { return ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC); }));
  if (!fd) return Error::from_errno(std::string("open ") + path);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = retry_eintr([&] { return ::read(fd.get(), buf, sizeof buf); });
    if (n < 0) return Error::from_errno(std::string("read ") + path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status cgroup_write(int dir_fd, const char* path, std::string_view text) {
  unique_fd fd(retry_eintr([&] { return ::openat(dir_fd, path, O_WRONLY | O_CLOEXEC); }));
  if (!fd) return Error::from_errno(std::string("open ") + path);
  const ssize_t n = retry_eintr([&] { return ::write(fd.get(), text.data(), text.size()); });
  if (n < 0) return Error::from_errno(std::string("write ") + path);
  if (static_cast<size_t>(n) != text.size()) return Error{EIO, std::string("write ") + path};
  return {};
}

Status CgroupTree::setup(const CgroupProbe& probe) {
  auto mi = read_path(probe.mountinfo);
  auto sc = read_path(probe.self_cgroup);
  if (!mi || !sc) return Error{0, "cannot read " + (mi ? probe.self_cgroup : probe.mountinfo)};
  bool in_root = false;
  std::string dir = cgroup_dir_from(*mi, *sc, in_root);
  if (dir.empty()) return Error{0, "no cgroup v2 hierarchy holds pmtr"};
  const pid_t self = ::getpid();

  unique_fd own(retry_eintr([&] { return ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); }));
  if (!own) return Error::from_errno("open " + dir);
  const size_t slash = dir.rfind('/');
  const bool reexec = !in_root && dir.compare(slash + 1, std::string::npos, kSupervisor) == 0;
  if (reexec) {
    // Re-executed: already in our own `supervisor`; its parent is the base.
    base_path_ = dir.substr(0, slash);
    base_.reset(retry_eintr([&] { return ::open(base_path_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); }));
    if (!base_) return Error::from_errno("open " + base_path_);
    return {};
  }
  unique_fd base;
  if (in_root || holds_others(own.get(), self, probe.own_pids)) {
    // A pmtr.PID that exists is another pmtr's (the same pid in another
    // pid namespace: every container's pmtr is pid 1) or a killed one's:
    // never share it, take the next free name.
    std::string name;
    for (int i = 0; i < 100 && !made_base_; ++i) {
      name = "pmtr." + std::to_string(self) + (i == 0 ? "" : "-" + std::to_string(i));
      if (Status s = mkdir_at(own.get(), name.c_str(), made_base_); !s)
        return Error{s.error().err, dir + ": " + s.error().what};
    }
    if (!made_base_) return Error{EEXIST, dir + ": mkdir " + name};
    base_path_ = dir + "/" + name;
    base.reset(retry_eintr([&] { return ::openat(own.get(), name.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); }));
    parent_ = std::move(own);
    parent_path_ = dir;
  } else {
    base_path_ = dir;
    base = std::move(own);
  }
  auto undo = [&](const Error& e) -> Status {
    if (made_supervisor_) (void)::unlinkat(base.get(), kSupervisor, AT_REMOVEDIR);
    if (made_base_) (void)::rmdir(base_path_.c_str());
    made_supervisor_ = made_base_ = false;
    parent_.reset();
    return e;
  };
  if (!base) return undo(Error::from_errno("open " + base_path_));
  if (Status s = mkdir_at(base.get(), kSupervisor, made_supervisor_); !s)
    return undo(Error{s.error().err, base_path_ + ": " + s.error().what});
  // "0": the writer itself, with all of its threads.
  if (Status s = cgroup_write(base.get(), "supervisor/cgroup.procs", "0"); !s)
    return undo(Error{s.error().err, base_path_ + ": " + s.error().what});
  base_ = std::move(base);
  return {};
}

Status CgroupTree::enable(std::string_view controller) {
  const int bit = controller_bit(controller);
  if (bit != 0 && (enabled_ & static_cast<uint32_t>(bit))) return {};
  const std::string plus = "+" + std::string(controller);
  auto available = [&](int fd) {
    auto c = cgroup_read(fd, "cgroup.controllers");
    return c && lists(*c, controller);
  };
  if (!available(base_.get()) && parent_ && available(parent_.get()))
    (void)cgroup_write(parent_.get(), "cgroup.subtree_control", plus);
  if (!available(base_.get()) || !cgroup_write(base_.get(), "cgroup.subtree_control", plus))
    return Error{0, "the " + std::string(controller) + " controller is not available in " + base_path_};
  enabled_ |= static_cast<uint32_t>(bit);
  return {};
}

void CgroupTree::teardown(int grace_ms) noexcept {
  if (!base_ || !made_base_) {
    base_.reset();
    return;
  }
  // Back to where we came from, then wait for the helpers (the parser
  // exits once its channel is closed) to leave `supervisor` empty.
  (void)cgroup_write(parent_.get(), "cgroup.procs", "0");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (::unlinkat(base_.get(), kSupervisor, AT_REMOVEDIR) != 0 && errno == EBUSY &&
         std::chrono::steady_clock::now() < deadline)
    ::poll(nullptr, 0, 5);
  (void)::rmdir(base_path_.c_str());
  base_.reset();
  parent_.reset();
}

}  // namespace pmtr
