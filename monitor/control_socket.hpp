// Where pmtrctl finds pmtr, and the single-instance lock beside it.  The
// lock (PATH.lock, flock held for pmtr's lifetime, our pid inside) is what
// keeps a second pmtr with the same socket from starting: it refuses,
// naming the first one's pid, whether or not -p was given.
#pragma once

#include <string>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// The socket a configuration asks for: its `control socket`, else the
// default both pmtr and pmtrctl use (common/control_path.hpp).  Empty:
// none (`control socket none`, or a default too long for a socket).
[[nodiscard]] std::string control_socket_path(const ControlConfig& c);

class ControlSocket {
 public:
  // Takes PATH.lock, then binds and listens on PATH (non-blocking, mode
  // 0666: access is decided per request).  Creates the directory (0755)
  // when it is missing; refuses one that someone else owns or can write.
  [[nodiscard]] Status open(const std::string& path);
  // Unlinks the socket (only ours: we hold the lock) and closes both.
  void close() noexcept;
  [[nodiscard]] int fd() const noexcept { return sock_.get(); }
  [[nodiscard]] bool is_open() const noexcept { return sock_.valid(); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  ControlSocket() = default;
  ~ControlSocket() { close(); }
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;
  ControlSocket(ControlSocket&& o) noexcept
      : path_(std::move(o.path_)), lock_(std::move(o.lock_)), sock_(std::move(o.sock_)) {}
  ControlSocket& operator=(ControlSocket&& o) noexcept {
    if (this != &o) {
      close();
      path_ = std::move(o.path_);
      lock_ = std::move(o.lock_);
      sock_ = std::move(o.sock_);
    }
    return *this;
  }

 private:
  std::string path_;
  unique_fd lock_;
  unique_fd sock_;
};

}  // namespace pmtr
