#include "monitor/net_keeper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/channel.hpp"
#include "common/diagnostic.hpp"
#include "common/limits.hpp"
#include "common/log.hpp"
#include "common/net_fds.hpp"
#include "monitor/helper_start.hpp"
#include "monitor/listen_key.hpp"
#include "monitor/restart_policy.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {
namespace {

constexpr int kRecordsPerTurn = 64;
static_assert(kNetChannelFd == kHelperChannelFd);

long long ms(Duration d) { return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); }

// The key, for pmtr-net, in a sealed memfd: it reads it before its filter
// and closes it.
Result<unique_fd> key_memfd(const std::vector<std::byte>& key) {
  unique_fd fd(::memfd_create("pmtr-net key", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return Error::from_errno("memfd_create for the key");
  if (::write(fd.get(), key.data(), key.size()) != static_cast<ssize_t>(key.size())) return Error::from_errno("key memfd");
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return Error::from_errno("sealing the key memfd");
  return fd;
}

}  // namespace

Status NetKeeper::init(const ParserIdentity& helper) {
  helper_ = helper;
  unique_fd m(::memfd_create("pmtr-net nonces", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!m) return Error::from_errno("memfd_create for pmtr-net's nonce cache");
  if (::ftruncate(m.get(), static_cast<off_t>(kNonceTableBytes)) != 0) return Error::from_errno("pmtr-net's nonce cache");
  // Its size is fixed: pmtr-net maps it whole.
  if (::fcntl(m.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
    return Error::from_errno("sealing pmtr-net's nonce cache");
  nonces_ = std::move(m);
  return {};
}

void NetKeeper::configure(const GlobalConfig& g, TimePoint now) {
  report_to_ = g.report_to;
  report_sockets_.clear();
  for (const auto& to : report_to_) {
    auto s = open_report_socket(to);
    if (!s) {
      log_warnx("report to %s: %s; not reporting there", udp_address_text(to).c_str(), s.error().message().c_str());
      report_sockets_.emplace_back();
      continue;
    }
    report_sockets_.push_back(std::move(*s));
  }
  // The listen socket is kept when the address stays: no datagram is lost
  // to a reload, and no other program can take the port in between.
  if (!g.listen_on) {
    listen_.reset();
    listen_addr_.reset();
  } else if (!listen_ || listen_addr_ != g.listen_on) {
    listen_.reset();
    listen_addr_.reset();
    auto fd = open_listen_socket(*g.listen_on);
    if (!fd) {
      log_warnx("listen on %s: %s; not listening", udp_address_text(*g.listen_on).c_str(), fd.error().message().c_str());
    } else {
      listen_ = std::move(*fd);
      listen_addr_ = g.listen_on;
    }
  }
  key_.reset();
  if (listen_ && !g.listen_key.empty()) {
    auto key = read_listen_key(g.listen_key);
    Result<unique_fd> mem = key ? key_memfd(*key) : Result<unique_fd>(key.error());
    if (!mem) {
      // Fail closed: without the key nothing could be checked.
      log_warnx("listen on %s: key %s: %s; not listening", udp_address_text(*g.listen_on).c_str(),
                g.listen_key.c_str(), mem.error().message().c_str());
      listen_.reset();
      listen_addr_.reset();
    } else {
      key_ = std::move(*mem);
    }
  }   // (without a key the parser warns, at the `listen on` line)
  const bool any_report = std::any_of(report_sockets_.begin(), report_sockets_.end(), [](const ReportSocket& s) { return bool(s.fd); });
  wanted_ = any_report || bool(listen_);
  // A new pmtr-net for the new configuration: names resolved again.
  backoff_ = kNetBackoffMin;
  if (pid_ > 0) {
    restart_now_ = true;
    kill_now();
  } else {
    restart_at_ = wanted_ ? now : kNever;
  }
}

void NetKeeper::jobs_changed(TimePoint now) noexcept {
  if (status_dirty_) return;
  status_dirty_ = true;
  status_at_ = std::max(now, last_status_ + kNetStatusEvery);
}

void NetKeeper::send_status(TimePoint now) {
  status_dirty_ = false;
  status_at_ = kNever;
  last_status_ = now;
  if (!sock_ || !status) return;
  std::vector<NetJob> jobs = status();
  NetJobs part;
  for (size_t i = 0; i <= jobs.size(); i += kNetJobsPerRecord) {
    const size_t end = std::min(jobs.size(), i + kNetJobsPerRecord);
    part.jobs.assign(std::make_move_iterator(jobs.begin() + static_cast<std::ptrdiff_t>(i)),
                     std::make_move_iterator(jobs.begin() + static_cast<std::ptrdiff_t>(end)));
    part.last = end == jobs.size();
    if (Status s = send_record(sock_.get(), encode_net_message(part), 0, -1, "send to pmtr-net"); !s)
      return failed(s.error().message());
    if (part.last) break;
  }
}

void NetKeeper::spawn(TimePoint now) {
  restart_at_ = kNever;
  restart_now_ = false;
  if (!wanted_) return;
  auto retry = [&](const std::string& why) {
    log_warnx("pmtr-net: %s; trying again in %lld ms", why.c_str(), ms(backoff_));
    restart_at_ = now + backoff_;
    backoff_ = std::min<Duration>(backoff_ * 2, kNetBackoffMax);
  };
  std::vector<std::string> argv = {"pmtr: net", "--uid", std::to_string(helper_.uid), "--gid", std::to_string(helper_.gid)};
  std::vector<FdPlacement> fds = {{nonces_.get(), kNetNoncesFd}};
  if (listen_) {
    argv.push_back("--listen");
    fds.push_back({listen_.get(), kNetListenFd});
    if (key_) {
      argv.push_back("--keyed");
      fds.push_back({key_.get(), kNetKeyFd});
    }
  }
  int next_fd = kNetReportFd0;
  for (size_t i = 0; i < report_to_.size(); ++i) {
    if (!report_sockets_[i].fd) continue;
    const UdpAddress& to = report_to_[i];
    argv.insert(argv.end(), {"--report", to.host, std::to_string(to.port),
                             report_sockets_[i].ip.empty() ? "-" : report_sockets_[i].ip});
    fds.push_back({report_sockets_[i].fd.get(), next_fd++});
  }
  std::string warning;
  auto started = start_helper("pmtr-net", std::move(argv), {}, std::move(fds), &warning);
  if (!warning.empty() && warning != last_program_warning_) {
    log_warnx("%s", warning.c_str());
    last_program_warning_ = warning;
  }
  if (!started) return retry(started.error().message());
  pid_ = started->pid;
  started_at_ = now;
  sock_ = std::move(started->channel);
  stderr_.watch(std::move(started->stderr_read), "pmtr-net [" + std::to_string(pid_) + "]");
  (void)loop_.add(sock_.get(), [this](uint32_t) { on_readable(); });
  log_debug("started pmtr-net [%d]", static_cast<int>(pid_));
  send_status(now);
}

void NetKeeper::on_readable() {
  static std::byte buf[limits::kMessageBytes + 1];
  for (int i = 0; i < kRecordsPerTurn && sock_; ++i) {
    RawRecord r = recv_record(sock_.get(), buf, MSG_DONTWAIT);
    if (r.status == RecvStatus::WouldBlock) return;
    if (r.status == RecvStatus::Closed) {
      close_channel();   // its exit is reaped and handled by on_exit
      return;
    }
    if (r.status == RecvStatus::Bad) return failed("malformed message: " + r.why);
    Result<NetMessage> m = decode_net_message(std::span<const std::byte>(buf, r.size));
    if (!m) return failed("malformed message: " + m.error().message());
    if (std::holds_alternative<NetUp>(*m)) {
      log_debug("pmtr-net [%d] is up", static_cast<int>(pid_));
      backoff_ = kNetBackoffMin;
      continue;
    }
    const auto* op = std::get_if<NetOperate>(&*m);
    if (op == nullptr) return failed("protocol violation: a record only the monitor sends");
    if (operate) operate(op->name, op->enable);
  }
}

void NetKeeper::failed(const std::string& why) {
  // Never touches a job: pmtr-net goes, a new one follows.
  log_crit("pmtr-net [%d]: %s; killing it", static_cast<int>(pid_), escape_for_log(why).c_str());
  kill_now();
}

void NetKeeper::close_channel() noexcept {
  if (!sock_) return;
  loop_.remove(sock_.get());
  sock_.reset();
}

void NetKeeper::kill_now() noexcept {
  close_channel();
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

bool NetKeeper::on_exit(pid_t pid, int wait_status, TimePoint now) {
  if (pid <= 0 || pid != pid_) return false;
  pid_ = -1;
  close_channel();
  stderr_.finish();   // its last words first
  if (restart_now_) {
    restart_at_ = wanted_ ? now : kNever;
    restart_now_ = false;
    return true;
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == kNetExitResolveAgain) {
    restart_at_ = now;   // it asked to: some name did not resolve
    return true;
  }
  char how[96];
  describe_wait_status(wait_status, how, sizeof how);
  if (now - started_at_ >= kNetStableAfter) backoff_ = kNetBackoffMin;   // (or it said it was up)
  restart_at_ = wanted_ ? now + backoff_ : kNever;
  log_crit("pmtr-net [%d] %s; new pmtr-net in %lld ms (jobs untouched)", static_cast<int>(pid), how, ms(backoff_));
  backoff_ = std::min<Duration>(backoff_ * 2, kNetBackoffMax);
  return true;
}

void NetKeeper::on_timer(TimePoint now) {
  if (restart_at_ <= now && pid_ <= 0) spawn(now);
  if (status_dirty_ && status_at_ <= now) send_status(now);
}

TimePoint NetKeeper::next_deadline() const noexcept { return status_dirty_ ? std::min(restart_at_, status_at_) : restart_at_; }

}  // namespace pmtr
