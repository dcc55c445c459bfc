// The monitor's end of the control socket.  Any local user can connect, so
// it trusts nothing a client sends and never waits for one: non-blocking
// accept and I/O, at most kMaxClients at once, a request must arrive whole
// within kRequestTimeout, one request per connection, a reply that finds
// the client's socket buffer full is dropped with the client (a status
// stream waits for writability, but not longer than kRequestTimeout
// without progress).  Who may do what: control_access.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/control_messages.hpp"
#include "common/messages.hpp"
#include "monitor/clock.hpp"
#include "monitor/control_access.hpp"

namespace pmtr {

class EventLoop;
class Supervisor;

inline constexpr size_t kMaxClients = 64;
inline constexpr Duration kRequestTimeout = 5s;
// The CPU time clients may cost the monitor while kCrowd or more are
// connected: at most kClientBudget in any kBudgetWindow (15 % of a core).
// Beyond, the listening socket and every client are muted until the window
// ends: their requests wait in the kernel, the jobs' events do not.  Fewer
// clients are served at full speed (the jobs' events still go first).
inline constexpr Duration kBudgetWindow = 100ms;
inline constexpr Duration kClientBudget = 15ms;
inline constexpr size_t kCrowd = 4;
// Connections taken per wakeup of the listening socket; the rest wait in
// the kernel's queue for the next turn of the loop, after the jobs' events.
inline constexpr int kAcceptsPerWakeup = 16;
// A reload waits for the parser: its 10 s deadline, and some room.
inline constexpr Duration kReloadTimeout = 15s;

class ControlServer {
 public:
  ControlServer(EventLoop& loop, Supervisor& supervisor, const ControlAccess& access) noexcept;
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Serves connections on a listening socket (owned by the caller);
  // stop() forgets it and ends every client.
  void serve(int listen_fd);
  void stop() noexcept;

  // Asks for a parse of the config; returns the generation whose outcome
  // answers the reload (set by the Monitor).
  std::function<uint32_t()> start_reload;
  // The config's path: the subject of a reload's outcome, so the client
  // can name the file in the diagnostics it prints.
  std::string config_path;
  // pmtrctl log and rotate (set by the Monitor, which owns the LogKeeper):
  // where a defined job's output goes; whether its next start is captured;
  // rotate the named jobs' logs (none: every job's).
  std::function<CtlLogPlace(const std::string&)> log_place;
  std::function<bool(const std::string&)> log_captured;
  std::function<void(const std::vector<std::string>&)> rotate_logs;
  // The parser's answer to a parse: its diagnostics, then the outcome.
  void parse_diag(uint32_t generation, const MsgDiag& d);
  void parse_done(uint32_t generation, bool ok);
  // A reload that could not start (the config could not be opened).
  void parse_refused(const std::string& why);

  // After anything that may have changed a job's state: answers `wait`s.
  void check_waits();
  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const noexcept;
  [[nodiscard]] size_t client_count() const noexcept { return clients_.size(); }

 private:
  struct Client;
  using Handler = void (ControlServer::*)(Client&, CtlRequest&);

  void on_accept();
  void on_client(int fd, uint32_t events);
  void dispatch(Client& c, CtlRequest& req);
  void on_status(Client& c, CtlRequest& req);
  void on_operate(Client& c, CtlRequest& req);
  void on_signal(Client& c, CtlRequest& req);
  void on_reload(Client& c, CtlRequest& req);
  void on_wait(Client& c, CtlRequest& req);
  void on_log_where(Client& c, CtlRequest& req);
  void on_rotate(Client& c, CtlRequest& req);
  // Names that are not jobs, or that the client may not operate: the
  // outcome is sent and false returned, before anything is done.
  bool check_operable(Client& c, const std::vector<std::string>& names, bool starts);
  bool check_known(Client& c, const std::vector<std::string>& names);
  void pump_status(Client& c);
  // One record of a status stream, without blocking: sent, held until the
  // client has room (a slow reader), or the client dropped (gone).
  enum class Streamed : uint8_t { Sent, Held, Dropped };
  Streamed stream(Client& c, const CtlReply& reply, TimePoint now);
  [[nodiscard]] bool wait_satisfied(const Client& c, std::string* failing) const;
  // Sends one reply without blocking; on failure the client is dropped.
  bool send(Client& c, const CtlReply& reply);
  void finish(Client& c, CtlCode code, std::string subject = {});
  void drop(Client& c, const char* why);
  void sweep();
  // Books CPU time spent on clients; past the budget, mutes them all.
  void charge(uint64_t cpu_ns);
  void book();
  [[nodiscard]] bool over_budget() const noexcept { return muted_until_ != kNever; }
  void set_muted(bool muted);
  struct Charge;
  // At most one line per second about misbehaving clients.
  void complain(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

  EventLoop& loop_;
  Supervisor& supervisor_;
  const ControlAccess& access_;
  int listen_fd_ = -1;
  std::unordered_map<int, std::unique_ptr<Client>> clients_;
  bool dead_clients_ = false;
  std::unique_ptr<std::byte[]> buf_;   // one request at a time
  TimePoint last_complaint_{};
  uint32_t complaints_held_ = 0;
  TimePoint window_end_{};
  uint64_t spent_ns_ = 0;
  TimePoint muted_until_ = kNever;
  uint64_t cpu_mark_ns_ = 0;
};

}  // namespace pmtr
