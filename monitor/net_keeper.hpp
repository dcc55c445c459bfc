// The monitor's side of `report to` / `listen on` (SPEC §4): the UDP
// sockets, bound here and handed to pmtr-net; pmtr-net itself, started,
// restarted with the parser's backoff rule (jobs untouched) and started
// anew at every applied configuration (names are resolved again, new
// sockets and key taken); the jobs' status sent to it when it changes; and
// its enable/disable requests, decoded as hostile input and carried out as
// an operator's `start` / `stop`.  Nothing here reads a datagram.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/net_messages.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"
#include "monitor/clock.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/helper_stderr.hpp"
#include "monitor/parser_link.hpp"
#include "monitor/udp_sockets.hpp"

namespace pmtr {

inline constexpr Duration kNetBackoffMin = 100ms;
inline constexpr Duration kNetBackoffMax = 60s;
// A pmtr-net that lived this long did not die of what it was given.
inline constexpr Duration kNetStableAfter = 10s;
// Job changes are sent at most this often (a restart storm is one status
// a tick, not one per event).
inline constexpr Duration kNetStatusEvery = 200ms;

class NetKeeper {
 public:
  explicit NetKeeper(EventLoop& loop) noexcept : loop_(loop) {}
  // The nonce cache's memfd; the helpers' user.
  [[nodiscard]] Status init(const ParserIdentity& helper);

  // Each applied configuration: sockets for what it asks, and a new
  // pmtr-net (none when it has neither `report to` nor `listen on`).
  void configure(const GlobalConfig& g, TimePoint now);
  // The job table changed: pmtr-net gets the new status soon.
  void jobs_changed(TimePoint now) noexcept;

  // The jobs' status, for pmtr-net (set by the monitor).
  std::function<std::vector<NetJob>()> status;
  // A `listen on` request, already checked for form (the monitor checks
  // the name against the table and who may do what).
  std::function<void(const std::string& name, bool enable)> operate;

  bool on_exit(pid_t pid, int wait_status, TimePoint now);
  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const noexcept;
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  // Shutdown: pmtr-net goes at once (it holds no job's data) and for good.
  void stop() noexcept {
    wanted_ = false;
    restart_at_ = kNever;
    kill_now();
  }
  void kill_now() noexcept;

 private:
  void spawn(TimePoint now);
  void send_status(TimePoint now);
  void on_readable();
  void failed(const std::string& why);
  void close_channel() noexcept;

  EventLoop& loop_;
  ParserIdentity helper_;
  unique_fd nonces_;
  std::vector<UdpAddress> report_to_;
  std::vector<ReportSocket> report_sockets_;   // one per report_to_ entry; fd -1 where it failed
  unique_fd listen_;
  std::optional<UdpAddress> listen_addr_;      // what listen_ is bound to
  unique_fd key_;                              // memfd with the key; empty: unsigned datagrams
  bool wanted_ = false;                        // the configuration asks for pmtr-net

  unique_fd sock_;
  pid_t pid_ = -1;
  HelperStderr stderr_{loop_};
  std::string last_program_warning_;
  TimePoint started_at_{};
  bool restart_now_ = false;
  TimePoint restart_at_ = kNever;
  Duration backoff_ = kNetBackoffMin;
  bool status_dirty_ = false;
  TimePoint status_at_ = kNever;
  TimePoint last_status_{};
};

}  // namespace pmtr
