#include "monitor/config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pmtr {

Result<OpenedConfig> open_config(const std::string& path, OwnershipRule rule) {
  // O_NONBLOCK: a FIFO planted at the path must not hang the monitor; it is
  // refused below as not a regular file.
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return Error::from_errno("cannot open " + path);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error::from_errno("cannot stat " + path);
  if (!S_ISREG(st.st_mode)) return Error{0, path + " is not a regular file"};
  // Back to blocking reads for the parser.
  const int flags = fcntl(fd.get(), F_GETFL);
  if (flags >= 0) fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);

  std::string problem;
  const uid_t me = geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    problem = path + " is owned by uid " + std::to_string(st.st_uid) +
              (me == 0 ? ", not root" : ", not root or uid " + std::to_string(me));
  else if (st.st_mode & (S_IWGRP | S_IWOTH))
    problem = path + " is writable by " +
              ((st.st_mode & S_IWOTH) ? std::string("others") : std::string("its group")) +
              " (chmod go-w " + path + ")";

  OpenedConfig out;
  if (!problem.empty()) {
    if (rule == OwnershipRule::Enforce) return Error{0, "refusing config: " + problem};
    out.warning = problem;
  }
  out.fd = std::move(fd);
  out.size = static_cast<uint64_t>(st.st_size);
  return out;
}

}  // namespace pmtr
