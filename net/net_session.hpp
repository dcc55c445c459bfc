// pmtr-net's event loop: the channel from the monitor (the jobs' status),
// the `listen on` socket, and the deadlines (the next report, the next
// summary of dropped datagrams, a new try at names that did not resolve).
//
// A flood costs a bounded share of a CPU: at most kListenBudget datagrams
// are read per kListenWindow; beyond that the socket is left unread until
// the window ends and the kernel drops the excess (its receive buffer is
// full), which costs pmtr-net nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/net_messages.hpp"
#include "common/unique_fd.hpp"
#include "net/listener.hpp"
#include "net/reporter.hpp"

namespace pmtr {

inline constexpr std::chrono::milliseconds kListenWindow{100};
inline constexpr int kListenBudget = 1000;   // per window: 10,000 datagrams a second at most
// The same request for the same job is passed on at most this often
// (until the monitor's next status shows it done).
inline constexpr std::chrono::milliseconds kRepeatAfter{1000};

class NetSession {
 public:
  // `listener` null: no `listen on`.  `resolve_again`: some name did not
  // resolve; exit (kNetExitResolveAgain) after a while to try again.
  NetSession(Reporter& reporter, Listener* listener, bool resolve_again) noexcept
      : reporter_(reporter), listener_(listener), resolve_again_(resolve_again) {}
  // Before the seccomp filter: the epoll instance and its fds.
  [[nodiscard]] Status prepare();
  // Returns the exit status: 0 when the monitor closed the channel.
  int run();

 private:
  bool on_channel(uint64_t now_ns);   // false: leave (closed, or a bad record)
  void on_listen(uint64_t now_ns);
  void pass_on(const ListenOp& op, std::string_view from, uint64_t now_ns);
  void arm_listen(bool on);

  Reporter& reporter_;
  Listener* listener_;
  bool resolve_again_;
  unique_fd epoll_;
  std::vector<NetJob> jobs_, incoming_;
  std::unordered_map<std::string, size_t> index_;   // name -> position in jobs_
  struct Sent { bool enable; uint64_t at_ns; };
  std::unordered_map<std::string, Sent> sent_;
  bool have_status_ = false;
  bool listen_armed_ = false;
  uint64_t report_at_ = UINT64_MAX;
  uint64_t window_start_ = 0;
  int window_used_ = 0;
  uint64_t summary_at_ = 0;
};

}  // namespace pmtr
