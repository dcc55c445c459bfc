#include "net/net_session.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/net_fds.hpp"
#include "net/resolve.hpp"

namespace pmtr {
namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kResolveAgainNs = 30000 * kMs;
constexpr size_t kBatch = 32;
constexpr size_t kDatagramBytes = 65536;

uint64_t mono_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

int64_t unix_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec;
}

uint64_t ns(std::chrono::milliseconds d) { return static_cast<uint64_t>(d.count()) * kMs; }

void say(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

}  // namespace

Status NetSession::prepare() {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return Error{errno, "epoll_create1"};
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = kNetChannelFd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, kNetChannelFd, &ev) != 0) return Error{errno, "epoll_ctl channel"};
  if (listener_ != nullptr) {
    ev.data.fd = kNetListenFd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, kNetListenFd, &ev) != 0) return Error{errno, "epoll_ctl listen"};
    listen_armed_ = true;
  }
  return {};
}

void NetSession::arm_listen(bool on) {
  if (listener_ == nullptr || on == listen_armed_) return;
  epoll_event ev{};
  ev.events = on ? static_cast<uint32_t>(EPOLLIN) : 0u;
  ev.data.fd = kNetListenFd;
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, kNetListenFd, &ev);
  listen_armed_ = on;
}

bool NetSession::on_channel(uint64_t now_ns) {
  static std::byte buf[limits::kMessageBytes + 1];
  for (int i = 0; i < 16; ++i) {
    RawRecord r = recv_record(kNetChannelFd, buf, MSG_DONTWAIT);
    if (r.status == RecvStatus::WouldBlock) return true;
    if (r.status == RecvStatus::Closed) return false;
    if (r.status == RecvStatus::Bad) {
      say("pmtr-net: bad record from the monitor: " + r.why);
      return false;
    }
    auto m = decode_net_message(std::span<const std::byte>(buf, r.size));
    if (!m) {
      say("pmtr-net: bad record from the monitor: " + m.error().message());
      return false;
    }
    auto* jobs = std::get_if<NetJobs>(&*m);   // the only record the monitor sends
    if (jobs == nullptr) {
      say("pmtr-net: the monitor sent a record only pmtr-net sends");
      return false;
    }
    if (incoming_.size() + jobs->jobs.size() > limits::kJobs) {
      say("pmtr-net: the monitor's status has too many jobs");
      return false;
    }
    for (auto& j : jobs->jobs) incoming_.push_back(std::move(j));
    if (!jobs->last) continue;
    const bool changed = !have_status_ || incoming_ != jobs_;
    jobs_.swap(incoming_);
    incoming_.clear();
    index_.clear();
    for (size_t k = 0; k < jobs_.size(); ++k) index_.emplace(jobs_[k].name, k);
    have_status_ = true;
    if (changed && !reporter_.empty()) report_at_ = std::min(report_at_, now_ns + ns(kReportCoalesce));
  }
  return true;
}

void NetSession::pass_on(const ListenOp& op, std::string_view from, uint64_t now_ns) {
  auto it = index_.find(op.name);
  if (it == index_.end()) return listener_->count(Drop::UnknownJob, from, op.name);
  // The status may lag a request just passed on (it comes at most every
  // 200 ms): within kRepeatAfter of one, that request is what counts.
  auto s = sent_.find(op.name);
  if (s != sent_.end() && now_ns - s->second.at_ns < ns(kRepeatAfter)) {
    if (s->second.enable == op.enable) return;   // asked already
  } else if (jobs_[it->second].enabled == op.enable) {
    return;   // already so
  }
  const auto record = encode_net_message(NetOperate{op.enable, op.name});
  if (Status st = send_record(kNetChannelFd, record, MSG_DONTWAIT); !st) {
    say("pmtr-net: " + std::string(op.enable ? "enable " : "disable ") + op.name + ": " + st.error().message());
    return;
  }
  sent_[op.name] = Sent{op.enable, now_ns};
}

void NetSession::on_listen(uint64_t now_ns) {
  static char bufs[kBatch][kDatagramBytes];
  mmsghdr msgs[kBatch];
  iovec iovs[kBatch];
  sockaddr_storage from[kBatch];
  if (now_ns - window_start_ >= ns(kListenWindow)) {
    window_start_ = now_ns;
    window_used_ = 0;
  }
  std::vector<ListenOp> ops;
  while (window_used_ < kListenBudget) {
    const size_t want = std::min<size_t>(kBatch, static_cast<size_t>(kListenBudget - window_used_));
    for (size_t i = 0; i < want; ++i) {
      iovs[i] = iovec{bufs[i], kDatagramBytes};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    const int n = ::recvmmsg(kNetListenFd, msgs, static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
    if (n <= 0) return;   // EAGAIN: read it all
    window_used_ += n;
    const int64_t now_unix = unix_seconds();
    for (int i = 0; i < n; ++i) {
      const std::string who = address_text(from[i]);
      const std::string_view d(bufs[i], msgs[i].msg_len);
      if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
        listener_->count(Drop::NotUnderstood, who, "datagram too long");
        continue;
      }
      ops.clear();
      listener_->handle(d, who, now_unix, ops);
      for (const auto& op : ops) pass_on(op, who, now_ns);
    }
  }
  arm_listen(false);   // the window's budget is spent: the kernel holds (or drops) the rest
}

int NetSession::run() {
  const uint64_t start = mono_ns();
  if (Status st = send_record(kNetChannelFd, encode_net_message(NetUp{})); !st) {
    say("pmtr-net: " + st.error().message());
    return 1;
  }
  summary_at_ = start + 1000 * kMs;
  for (;;) {
    uint64_t now = mono_ns();
    uint64_t next = std::min(report_at_, summary_at_);
    if (!listen_armed_ && listener_ != nullptr) next = std::min(next, window_start_ + ns(kListenWindow));
    if (resolve_again_) next = std::min(next, start + kResolveAgainNs);
    const int timeout = next <= now ? 0 : static_cast<int>(std::min<uint64_t>((next - now) / kMs + 1, 60000));
    epoll_event evs[4];
    const int n = ::epoll_wait(epoll_.get(), evs, 4, timeout);
    if (n < 0 && errno != EINTR) {
      say(std::string("pmtr-net: epoll_wait: ") + std::strerror(errno));
      return 1;
    }
    now = mono_ns();
    for (int i = 0; i < n; ++i) {
      if (evs[i].data.fd == kNetChannelFd) {
        if (!on_channel(now)) return 0;
      } else if (evs[i].data.fd == kNetListenFd) {
        on_listen(now);
      }
    }
    if (!listen_armed_ && listener_ != nullptr && now - window_start_ >= ns(kListenWindow)) arm_listen(true);
    if (have_status_ && now >= report_at_) {
      for (const auto& f : reporter_.send(jobs_, now)) say("pmtr-net: " + f);
      report_at_ = reporter_.empty() ? UINT64_MAX : now + ns(kReportPeriod);
    }
    if (now >= summary_at_) {
      if (listener_ != nullptr) {
        const std::string s = listener_->take_summary();
        if (!s.empty()) say("pmtr-net: " + s);
      }
      summary_at_ = now + 1000 * kMs;
    }
    if (resolve_again_ && now >= start + kResolveAgainNs) return kNetExitResolveAgain;
  }
}

}  // namespace pmtr
