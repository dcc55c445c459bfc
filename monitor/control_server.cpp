#include "monitor/control_server.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/log.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/job_status.hpp"
#include "monitor/supervisor.hpp"

namespace pmtr {

struct ControlServer::Client {
  enum class Phase : uint8_t { Request, Streaming, Wait, Reload, Dead };
  unique_fd fd;
  Peer peer;
  Phase phase = Phase::Request;
  TimePoint deadline = kNever;
  // Status: the jobs still to send, in order.
  std::vector<std::string> names;
  size_t next = 0;
  bool figures = false;   // read each job's cgroup figures (files) too
  // Wait.
  WaitTarget target = WaitTarget::Up;
  // Reload: the parse whose outcome answers it.
  uint32_t generation = 0;
};

namespace {

// A status record's room: the record cap less its header.
constexpr size_t kBatchBytes = limits::kMessageBytes - 16;

Peer peer_of(int fd) {
  Peer p;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    p.uid = cred.uid;
    p.gid = cred.gid;
    p.pid = cred.pid;
  } else {
    // Unknown: as nobody at all, which only `everyone` lets in.
    p.uid = static_cast<uid_t>(-1);
    p.gid = static_cast<gid_t>(-1);
  }
  std::vector<gid_t> groups(64);
  for (;;) {
    socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) == 0) {
      groups.resize(glen / sizeof(gid_t));
      break;
    }
    if (errno != ERANGE || glen <= groups.size() * sizeof(gid_t) || glen > 65536 * sizeof(gid_t)) {
      groups.clear();
      break;
    }
    groups.resize(glen / sizeof(gid_t));
  }
  p.groups = std::move(groups);
  return p;
}

bool is_down(JobState s) { return !is_up(s) && !is_stopping(s); }

uint64_t thread_cpu_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

// The CPU time of one handler, booked when it returns (and by book() on
// the way, in loops that must stop at the budget).
struct ControlServer::Charge {
  explicit Charge(ControlServer& s) : server(s) { server.cpu_mark_ns_ = thread_cpu_ns(); }
  ~Charge() { server.book(); }
  ControlServer& server;
};

void ControlServer::book() {
  const uint64_t now = thread_cpu_ns();
  charge(now - cpu_mark_ns_);
  cpu_mark_ns_ = now;
}

void ControlServer::charge(uint64_t cpu_ns) {
  const TimePoint now = Clock::now();
  if (now >= window_end_) {
    window_end_ = now + kBudgetWindow;
    spent_ns_ = 0;
  }
  spent_ns_ += cpu_ns;
  // A lone admin's status of 100,000 jobs is not held back; a crowd shares
  // the budget.
  if (clients_.size() < kCrowd) return;
  if (muted_until_ == kNever && spent_ns_ > static_cast<uint64_t>(std::chrono::nanoseconds(kClientBudget).count())) {
    muted_until_ = window_end_;
    set_muted(true);
  }
}

void ControlServer::set_muted(bool muted) {
  if (listen_fd_ >= 0) loop_.mute(listen_fd_, muted);
  for (auto& [fd, c] : clients_)
    if (c->phase != Client::Phase::Dead) loop_.mute(fd, muted, c->phase == Client::Phase::Streaming);
}

ControlServer::ControlServer(EventLoop& loop, Supervisor& supervisor, const ControlAccess& access) noexcept
    : loop_(loop), supervisor_(supervisor), access_(access) {}

ControlServer::~ControlServer() { stop(); }

void ControlServer::serve(int listen_fd) {
  stop();
  if (!buf_) buf_ = std::make_unique_for_overwrite<std::byte[]>(limits::kMessageBytes + 1);
  listen_fd_ = listen_fd;
  if (auto s = loop_.add(listen_fd_, [this](uint32_t) { on_accept(); }, EventLoop::Priority::Clients); !s) {
    log_warnx("control: %s", s.error().message().c_str());
    listen_fd_ = -1;
  }
}

void ControlServer::stop() noexcept {
  for (auto& [fd, c] : clients_) loop_.remove(fd);
  clients_.clear();
  if (listen_fd_ >= 0) loop_.remove(listen_fd_);
  listen_fd_ = -1;
}

void ControlServer::complain(const char* fmt, ...) {
  const TimePoint now = Clock::now();
  if (now - last_complaint_ < 1s) {
    ++complaints_held_;
    return;
  }
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (complaints_held_ != 0)
    log_warnx("control: %s (and %u more such lines held back)", msg, complaints_held_);
  else
    log_warnx("control: %s", msg);
  last_complaint_ = now;
  complaints_held_ = 0;
}

// ---- connections ---------------------------------------------------------------

void ControlServer::on_accept() {
  const Charge charge(*this);
  // Bounded per wakeup, and booked as it goes: clients that connect as
  // fast as they are turned away would otherwise keep us here for ever.
  for (int n = 0; n < kAcceptsPerWakeup; ++n) {
    book();
    if (over_budget()) return;
    unique_fd fd(::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) complain("accept: %s", std::strerror(errno));
      return;
    }
    if (clients_.size() >= kMaxClients) {
      // Told why, if its buffer has room; closed either way.
      (void)send_record(fd.get(), encode_ctl_reply(CtlOutcome{CtlCode::Busy, {}}), MSG_DONTWAIT);
      complain("more than %zu clients; turning new ones away", kMaxClients);
      continue;
    }
    auto c = std::make_unique<Client>();
    c->peer = peer_of(fd.get());
    c->deadline = Clock::now() + kRequestTimeout;
    const int raw = fd.get();
    c->fd = std::move(fd);
    if (auto s = loop_.add(raw, [this, raw](uint32_t ev) { on_client(raw, ev); }, EventLoop::Priority::Clients); !s) {
      complain("%s", s.error().message().c_str());
      continue;
    }
    clients_.emplace(raw, std::move(c));
  }
}

void ControlServer::on_client(int fd, uint32_t events) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  if (over_budget()) {
    // Muted, but epoll reports a hangup whatever the mask: a client that
    // gave up is let go now (cheap), or it would wake us until the window
    // ends.
    if (events & (EPOLLHUP | EPOLLERR)) {
      drop(*it->second, nullptr);
      sweep();
    }
    return;
  }
  const Charge charge(*this);
  Client& c = *it->second;
  switch (c.phase) {
    case Client::Phase::Request: {
      const RawRecord r = recv_record(fd, std::span<std::byte>(buf_.get(), limits::kMessageBytes + 1), MSG_DONTWAIT);
      switch (r.status) {
        case RecvStatus::WouldBlock:
          break;
        case RecvStatus::Closed:
          drop(c, nullptr);
          break;
        case RecvStatus::Bad:
          complain("client uid %u pid %d: %s", c.peer.uid, static_cast<int>(c.peer.pid), r.why.c_str());
          finish(c, CtlCode::BadRequest);
          break;
        case RecvStatus::Message: {
          Result<CtlRequest> req = decode_ctl_request(std::span<const std::byte>(buf_.get(), r.size));
          if (!req) {
            complain("client uid %u pid %d: bad request: %s", c.peer.uid, static_cast<int>(c.peer.pid),
                     req.error().what.c_str());
            finish(c, CtlCode::BadRequest);
            break;
          }
          dispatch(c, *req);
          break;
        }
      }
      break;
    }
    case Client::Phase::Streaming:
    case Client::Phase::Wait:
    case Client::Phase::Reload:
      // One request per connection: readable now means a second request
      // or a hangup, and either ends the client (level-triggered, it
      // would wake us forever otherwise).
      if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        drop(c, nullptr);
        break;
      }
      if ((events & EPOLLOUT) && c.phase == Client::Phase::Streaming) pump_status(c);
      break;
    case Client::Phase::Dead:
      break;
  }
  sweep();
}

bool ControlServer::send(Client& c, const CtlReply& reply) {
  if (c.phase == Client::Phase::Dead) return false;
  const Status s = send_record(c.fd.get(), encode_ctl_reply(reply), MSG_DONTWAIT);
  if (s) return true;
  if (s.error().err == EAGAIN || s.error().err == EWOULDBLOCK) {
    complain("client uid %u pid %d does not read its replies; dropped", c.peer.uid, static_cast<int>(c.peer.pid));
    drop(c, nullptr);
  } else {
    drop(c, nullptr);   // gone (EPIPE, ECONNRESET): nothing to say
  }
  return false;
}

void ControlServer::finish(Client& c, CtlCode code, std::string subject) {
  if (send(c, CtlOutcome{code, std::move(subject)})) drop(c, nullptr);
}

void ControlServer::drop(Client& c, const char* why) {
  if (c.phase == Client::Phase::Dead) return;
  if (why != nullptr) complain("client uid %u pid %d: %s", c.peer.uid, static_cast<int>(c.peer.pid), why);
  loop_.remove(c.fd.get());
  c.phase = Client::Phase::Dead;
  dead_clients_ = true;
}

void ControlServer::sweep() {
  if (!dead_clients_) return;
  for (auto it = clients_.begin(); it != clients_.end();)
    it = it->second->phase == Client::Phase::Dead ? clients_.erase(it) : std::next(it);
  dead_clients_ = false;
}

// ---- requests ------------------------------------------------------------------

namespace {

// What each request is, in the order of the CtlRequest variant; a new
// alternative without a row fails to compile.
struct Rule {
  size_t index;
  const char* name;
};
constexpr Rule kRequests[] = {{0, "status"}, {1, "operate"}, {2, "signal"},  {3, "reload"},
                              {4, "wait"},   {5, "log"},     {6, "rotate"}};
static_assert(std::size(kRequests) == std::variant_size_v<CtlRequest>);

}  // namespace

void ControlServer::dispatch(Client& c, CtlRequest& req) {
  static constexpr Handler kHandlers[] = {&ControlServer::on_status, &ControlServer::on_operate,
                                          &ControlServer::on_signal, &ControlServer::on_reload,
                                          &ControlServer::on_wait,   &ControlServer::on_log_where,
                                          &ControlServer::on_rotate};
  static_assert(std::size(kHandlers) == std::size(kRequests));
  log_debug("control: %s from uid %u pid %d", kRequests[req.index()].name, c.peer.uid, static_cast<int>(c.peer.pid));
  (this->*kHandlers[req.index()])(c, req);
}

bool ControlServer::check_known(Client& c, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (!supervisor_.table().is_defined(n)) {
      finish(c, CtlCode::NoSuchJob, n);
      return false;
    }
  }
  return true;
}

bool ControlServer::check_operable(Client& c, const std::vector<std::string>& names, bool starts) {
  if (!check_known(c, names)) return false;
  for (const auto& n : names) {
    const Job* job = supervisor_.table().find(n);
    if (!access_.may_operate(c.peer, job->operators)) {
      finish(c, CtlCode::Denied, "operate " + n);
      return false;
    }
    if (starts && (job->state == JobState::Disabled || job->state == JobState::StoppingDisable)) {
      finish(c, CtlCode::Refused, n);
      return false;
    }
  }
  if (supervisor_.shutting_down()) {
    finish(c, CtlCode::Failed, "shutting down");
    return false;
  }
  return true;
}

void ControlServer::on_status(Client& c, CtlRequest& req) {
  auto& names = std::get<CtlStatusRequest>(req).names;
  c.figures = std::get<CtlStatusRequest>(req).figures;
  if (!access_.may_read(c.peer)) return finish(c, CtlCode::Denied, "status");
  if (!check_known(c, names)) return;
  if (names.empty()) {
    // Every job, in file order.
    std::vector<std::pair<uint32_t, const std::string*>> all;
    all.reserve(supervisor_.table().size());
    supervisor_.table().for_each([&](const Job& j) {
      if (j.state != JobState::Absent && j.state != JobState::StoppingRemove) all.emplace_back(j.index, &j.name);
    });
    std::sort(all.begin(), all.end());
    names.reserve(all.size());
    for (const auto& [i, n] : all) names.push_back(*n);
  }
  c.names = std::move(names);
  c.next = 0;
  c.phase = Client::Phase::Streaming;
  if (!send(c, CtlStatusBegin{static_cast<uint32_t>(c.names.size()), unix_now_ms()})) return;
  pump_status(c);
}

void ControlServer::pump_status(Client& c) {
  const TimePoint now = Clock::now();
  const uint64_t now_unix = unix_now_ms();
  while (c.next < c.names.size()) {
    CtlStatusJobs batch;
    size_t bytes = 0;
    size_t i = c.next;
    for (; i < c.names.size(); ++i) {
      const Job* job = supervisor_.table().find(c.names[i]);
      if (job == nullptr) continue;   // removed while streaming: left out
      JobStatus s = job_status(*job, now, now_unix);
      // Three files per job: only when asked (--json, metrics), not for
      // every table or a client polling status.
      if (c.figures) add_cgroup_figures(s, supervisor_.cgroup_figures(job->name));
      const size_t cost = encoded_status_size(s);
      if (bytes + cost > kBatchBytes) break;
      bytes += cost;
      batch.jobs.push_back(std::move(s));
    }
    if (batch.jobs.empty()) {
      c.next = i;
      continue;
    }
    const Streamed sent = stream(c, batch, now);
    book();
    if (sent != Streamed::Sent) return;
    c.next = i;
    if (over_budget()) {
      // Resumed when the budget window ends (writable then, so pumped).
      c.deadline = now + kRequestTimeout;
      return;
    }
  }
  c.names.clear();
  c.names.shrink_to_fit();
  // The end waits for room like any batch: the last batch may have filled
  // the client's buffer (the client is slow, not gone).
  if (stream(c, CtlStatusEnd{}, now) == Streamed::Sent) drop(c, nullptr);
}

ControlServer::Streamed ControlServer::stream(Client& c, const CtlReply& reply, TimePoint now) {
  const Status s = send_record(c.fd.get(), encode_ctl_reply(reply), MSG_DONTWAIT);
  if (s) return Streamed::Sent;
  if (s.error().err == EAGAIN || s.error().err == EWOULDBLOCK) {
    // The client reads more slowly than we write: wait for room, but not
    // forever.
    loop_.want_writable(c.fd.get(), true);
    c.deadline = now + kRequestTimeout;
    return Streamed::Held;
  }
  drop(c, nullptr);
  return Streamed::Dropped;
}

void ControlServer::on_operate(Client& c, CtlRequest& req) {
  const auto& op = std::get<CtlOperate>(req);
  const bool starts = op.op != CtlType::Stop;
  if (!check_operable(c, op.names, starts)) return;
  const JobEvent event = op.op == CtlType::Start  ? JobEvent::OperatorStart
                         : op.op == CtlType::Stop ? JobEvent::OperatorStop
                                                  : JobEvent::OperatorRestart;
  const TimePoint now = Clock::now();
  for (const auto& n : op.names) {
    log_info("control: %s of job %s by uid %u", op.op == CtlType::Start ? "start" : op.op == CtlType::Stop ? "stop" : "restart",
             n.c_str(), c.peer.uid);
    (void)supervisor_.operate(n, event, now);
  }
  finish(c, CtlCode::Ok);
}

void ControlServer::on_signal(Client& c, CtlRequest& req) {
  const auto& sig = std::get<CtlSignal>(req);
  if (!check_operable(c, sig.names, false)) return;
  for (const auto& n : sig.names)
    if (supervisor_.table().find(n)->pid <= 0) return finish(c, CtlCode::Failed, n);
  for (const auto& n : sig.names) {
    log_info("control: signal %u to job %s by uid %u", sig.signal, n.c_str(), c.peer.uid);
    (void)supervisor_.signal(n, sig.signal);
  }
  finish(c, CtlCode::Ok);
}

void ControlServer::on_reload(Client& c, CtlRequest&) {
  if (!access_.may_operate_all(c.peer)) return finish(c, CtlCode::Denied, "reload");
  if (supervisor_.shutting_down() || !start_reload) return finish(c, CtlCode::Failed, "shutting down");
  log_info("control: reload by uid %u", c.peer.uid);
  c.phase = Client::Phase::Reload;
  c.deadline = Clock::now() + kReloadTimeout;
  c.generation = start_reload();
}

void ControlServer::on_wait(Client& c, CtlRequest& req) {
  auto& w = std::get<CtlWait>(req);
  if (!access_.may_read(c.peer)) return finish(c, CtlCode::Denied, "status");
  if (!check_known(c, w.names)) return;
  c.names = std::move(w.names);
  c.target = w.target;
  c.phase = Client::Phase::Wait;
  c.deadline = w.timeout_ms == 0 ? kNever : Clock::now() + std::chrono::milliseconds(w.timeout_ms);
  check_waits();
}

// pmtrctl reads the files itself, with its user's rights (group adm):
// the monitor only says where they are, to whoever may read status.
void ControlServer::on_log_where(Client& c, CtlRequest& req) {
  const auto& w = std::get<CtlLogWhere>(req);
  if (!access_.may_read(c.peer)) return finish(c, CtlCode::Denied, "status");
  if (!check_known(c, {w.name})) return;
  if (!log_place) return finish(c, CtlCode::Failed, w.name);
  if (send(c, log_place(w.name))) finish(c, CtlCode::Ok);
}

// Rotating every job's log is as global as a reload: the global operate
// right; naming jobs needs the right on each, as stop does.  Nothing is
// rotated unless every named job can be.
void ControlServer::on_rotate(Client& c, CtlRequest& req) {
  const auto& r = std::get<CtlRotate>(req);
  if (r.names.empty()) {
    if (!access_.may_operate_all(c.peer)) return finish(c, CtlCode::Denied, "operate");
    if (supervisor_.shutting_down()) return finish(c, CtlCode::Failed, "shutting down");
  } else {
    if (!check_operable(c, r.names, false)) return;
    for (const auto& n : r.names)
      if (!log_captured || !log_captured(n)) return finish(c, CtlCode::Failed, n);
  }
  const char* what = r.names.empty() ? "every log" : r.names.size() == 1 ? r.names[0].c_str() : "several logs";
  log_info("control: rotate of %s by uid %u", what, c.peer.uid);
  // A captured job that never started has no log yet: nothing to rotate.
  if (rotate_logs) rotate_logs(r.names);
  finish(c, CtlCode::Ok);
}

// ---- waiting clients ---------------------------------------------------------------

bool ControlServer::wait_satisfied(const Client& c, std::string* failing) const {
  for (const auto& n : c.names) {
    const Job* job = supervisor_.table().find(n);
    const bool gone = job == nullptr || job->state == JobState::StoppingRemove;
    bool ok = false;
    switch (c.target) {
      case WaitTarget::Up:
        ok = !gone && is_up(job->state);
        break;
      case WaitTarget::Ready:
        // A job without a ready fd is ready when it is up.
        ok = !gone && (job->state == JobState::Ready ||
                       (job->policy.ready_fd == 0 && job->state == JobState::Running));
        break;
      case WaitTarget::Down:
        ok = gone || is_down(job->state);
        break;
    }
    if (!ok) {
      if (failing != nullptr) *failing = n;
      return false;
    }
  }
  return true;
}

void ControlServer::check_waits() {
  for (auto& [fd, c] : clients_)
    if (c->phase == Client::Phase::Wait && wait_satisfied(*c, nullptr)) finish(*c, CtlCode::Ok);
  sweep();
}

void ControlServer::parse_diag(uint32_t generation, const MsgDiag& d) {
  for (auto& [fd, c] : clients_)
    if (c->phase == Client::Phase::Reload && c->generation == generation)
      (void)send(*c, CtlDiag{static_cast<uint8_t>(d.severity), d.line, d.col, d.text});
  sweep();
}

void ControlServer::parse_done(uint32_t generation, bool ok) {
  for (auto& [fd, c] : clients_)
    if (c->phase == Client::Phase::Reload && c->generation <= generation)
      finish(*c, ok ? CtlCode::Ok : CtlCode::Failed, config_path);
  sweep();
}

void ControlServer::parse_refused(const std::string& why) {
  for (auto& [fd, c] : clients_) {
    if (c->phase != Client::Phase::Reload) continue;
    if (send(*c, CtlDiag{static_cast<uint8_t>(Severity::Error), 0, 0, why.substr(0, limits::kDiagnosticBytes)}))
      finish(*c, CtlCode::Failed, config_path);
  }
  sweep();
}

void ControlServer::on_timer(TimePoint now) {
  if (muted_until_ <= now) {
    muted_until_ = kNever;
    set_muted(false);
  }
  for (auto& [fd, c] : clients_) {
    if (c->deadline > now) continue;
    switch (c->phase) {
      case Client::Phase::Request:
        drop(*c, "no request within 5 s");
        break;
      case Client::Phase::Streaming:
        drop(*c, "stopped reading its status for 5 s");
        break;
      case Client::Phase::Wait: {
        std::string failing;
        (void)wait_satisfied(*c, &failing);
        finish(*c, CtlCode::Failed, failing);
        break;
      }
      case Client::Phase::Reload:
        finish(*c, CtlCode::Failed, config_path);
        break;
      case Client::Phase::Dead:
        break;
    }
  }
  sweep();
}

TimePoint ControlServer::next_deadline() const noexcept {
  TimePoint next = muted_until_;
  for (const auto& [fd, c] : clients_)
    if (c->phase != Client::Phase::Dead) next = std::min(next, c->deadline);
  return next;
}

}  // namespace pmtr
