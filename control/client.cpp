#include "control/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/syscalls.hpp"
#include "common/unique_fd.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

Answer fail(AnswerKind kind, int err, std::string why) {
  Answer a;
  a.kind = kind;
  a.err = err;
  a.why = std::move(why);
  return a;
}

std::string seconds_text(int ms) {
  std::string s;
  append_ms_as_seconds(s, static_cast<uint64_t>(ms));
  s += " s";
  return s;
}

int64_t monotonic_ms() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Waits until `fd` is readable or `timeout_ms` passed (negative: no
// limit); signals do not restart the clock.  False on timeout.
bool wait_readable(int fd, int timeout_ms) noexcept {
  const int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
  for (;;) {
    int left = -1;
    if (deadline >= 0) {
      const int64_t now = monotonic_ms();
      left = now >= deadline ? 0 : static_cast<int>(deadline - now);
    }
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, left);
    if (n > 0) return true;   // readable, or hung up: recv tells which
    if (n == 0) return false;
    if (errno != EINTR) return true;   // let recv report the problem
  }
}

// Connects with SO_SNDTIMEO as the limit: a blocking AF_UNIX connect waits
// only while the listener's queue is full, and gives up with EAGAIN when
// the send timeout passes.  The same timeout then bounds the send.
unique_fd connect_to(const std::string& path, int timeout_ms, Answer& failure) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    failure = fail(AnswerKind::NoAnswer, ENAMETOOLONG, "socket path too long for AF_UNIX");
    return {};
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  unique_fd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd) {
    failure = fail(AnswerKind::NoAnswer, errno, "socket");
    return {};
  }
  if (timeout_ms >= 0) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1000;   // 0 would mean "no limit"
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  const auto* sa = reinterpret_cast<const sockaddr*>(&addr);
  const int rc = retry_eintr([&] { return ::connect(fd.get(), sa, sizeof addr); });
  if (rc == 0) return fd;
  const int err = errno;
  if (err == EACCES || err == EPERM) {
    failure = fail(AnswerKind::NoAccess, err, "connect");
  } else if (err == EAGAIN || err == EINPROGRESS) {
    failure = fail(AnswerKind::NoAnswer, ETIMEDOUT,
                   "not accepted within " + seconds_text(timeout_ms) + " (too many clients waiting?)");
  } else {
    failure = fail(AnswerKind::NoAnswer, err, "");
  }
  return {};
}

// Follows the protocol's order of reply records (client.hpp) and hands
// each to the sink; true from a call when the exchange is over, with
// `done` holding the answer (the final record, or a record out of place).
class ReplyOrder {
 public:
  ReplyOrder(const CtlRequest& request, ReplySink& sink)
      : status_request_(std::holds_alternative<CtlStatusRequest>(request)),
        log_request_(std::holds_alternative<CtlLogWhere>(request)),
        sink_(sink) {}

  bool operator()(CtlStatusBegin& m) {
    if (!status_request_ || in_status_) return malformed("an unexpected StatusBegin");
    in_status_ = true;
    expected_ = m.count;
    sink_.begin(m);
    return false;
  }
  bool operator()(CtlStatusJobs& m) {
    if (!in_status_) return malformed("job records without a StatusBegin");
    received_ += m.jobs.size();
    if (received_ > expected_) return malformed("more job records than announced");
    sink_.jobs(std::move(m.jobs));
    return false;
  }
  bool operator()(CtlStatusEnd&) {
    if (!in_status_) return malformed("a StatusEnd without a StatusBegin");
    // Fewer is fine: a job removed from the config while its reply streamed
    // is left out.
    done.kind = AnswerKind::StatusEnd;
    return true;
  }
  bool operator()(CtlDiag& m) {
    if (status_request_) return malformed("a diagnostic in a status reply");
    sink_.diag(m);
    return false;
  }
  bool operator()(CtlLogPlace& m) {
    if (!log_request_ || placed_) return malformed("an unexpected LogPlace");
    placed_ = true;
    sink_.log_place(m);
    return false;
  }
  bool operator()(CtlOutcome& m) {
    done.kind = AnswerKind::Outcome;
    done.outcome = std::move(m);
    return true;
  }

  Answer done;

 private:
  bool malformed(const char* why) {
    done = fail(AnswerKind::Malformed, 0, why);
    return true;
  }

  bool status_request_;
  bool log_request_;
  bool placed_ = false;
  ReplySink& sink_;
  bool in_status_ = false;
  uint64_t expected_ = 0, received_ = 0;
};

}  // namespace

Answer exchange(const std::string& socket_path, const CtlRequest& request, const Timeouts& timeouts,
                ReplySink& sink) {
  Answer failure;
  unique_fd fd = connect_to(socket_path, timeouts.connect_ms, failure);
  if (!fd) return failure;

  const std::vector<std::byte> bytes = encode_ctl_request(request);
  if (Status s = send_record(fd.get(), bytes, 0); !s) {
    const int err = s.error().err;
    if (err == EAGAIN)
      return fail(AnswerKind::NoAnswer, ETIMEDOUT,
                  "the request was not taken within " + seconds_text(timeouts.connect_ms));
    if (err == EPIPE || err == ECONNRESET)
      return fail(AnswerKind::NoAnswer, err, "the connection closed before the request was sent");
    return fail(AnswerKind::NoAnswer, err, s.error().what);
  }

  ReplyOrder order(request, sink);
  std::vector<std::byte> buf(limits::kMessageBytes + 1);
  bool any = false;
  for (;;) {
    const int wait_ms = any ? timeouts.next_reply_ms : timeouts.first_reply_ms;
    if (!wait_readable(fd.get(), wait_ms)) {
      const char* what = any ? "the reply stopped for " : "no reply within ";
      return fail(AnswerKind::NoAnswer, ETIMEDOUT, what + seconds_text(wait_ms));
    }
    RawRecord rec = recv_record(fd.get(), buf, MSG_DONTWAIT);
    switch (rec.status) {
      case RecvStatus::Message: break;
      case RecvStatus::WouldBlock: continue;
      case RecvStatus::Closed:
        return fail(AnswerKind::NoAnswer, 0,
                    any ? "the connection closed before the reply was complete"
                        : "the connection closed without a reply");
      case RecvStatus::Bad:
        if (rec.err != 0) return fail(AnswerKind::NoAnswer, rec.err, "receive");
        return fail(AnswerKind::Malformed, 0, rec.why);
    }
    any = true;
    Result<CtlReply> reply = decode_ctl_reply(std::span<const std::byte>(buf.data(), rec.size));
    if (!reply) return fail(AnswerKind::Malformed, 0, reply.error().what);
    if (std::visit(order, reply.value())) return std::move(order.done);
  }
}

}  // namespace pmtr::ctl
