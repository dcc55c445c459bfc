#include "common/channel.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "common/limits.hpp"
#include "common/syscalls.hpp"

namespace pmtr {
namespace {

// Room for more fds than any record may legally carry, so a peer that sends
// two or three is reported as such (and every one of them closed) instead of
// being cut to one by MSG_CTRUNC.  Beyond this the kernel truncates, sets
// MSG_CTRUNC and drops the rest itself.
constexpr size_t kFdsNoticed = 16;

RecvResult bad(std::string why, int err = 0) {
  RecvResult r;
  r.status = RecvStatus::Bad;
  r.why = std::move(why);
  r.err = err;
  return r;
}

// Takes ownership of every fd in every SCM_RIGHTS header at once, before
// anything is checked, so no return path can leak one.  Any other kind of
// control message is noted, not trusted.
void collect_fds(msghdr& msg, std::vector<unique_fd>& fds, bool& foreign_cmsg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
      foreign_cmsg = true;
      continue;
    }
    if (c->cmsg_len < CMSG_LEN(0)) continue;
    const size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char* data = CMSG_DATA(c);
    for (size_t i = 0; i < n; ++i) {
      int fd;
      std::memcpy(&fd, data + i * sizeof(int), sizeof(int));   // CMSG_DATA may be unaligned
      fds.emplace_back(fd);
    }
  }
}

}  // namespace

Result<std::pair<unique_fd, unique_fd>> make_channel_pair() {
  return sys_socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
}

namespace {

// "send txn-add", from the record's type byte.
std::string send_what(std::span<const std::byte> rec) {
  const auto type = rec.size() > 1 ? static_cast<MsgType>(rec[1]) : MsgType{};
  return std::string("send ") + message_type_name(type);
}

// `label`: what an error says ("send to pmtr-log"); null: the parser
// channel's type name, from the record's type byte.
Status send_bytes(int sock, std::span<const std::byte> rec, int attach_fd, int flags, const char* label) {
  const auto what = [&] { return label == nullptr ? send_what(rec) : std::string(label); };
  if (rec.size() > limits::kMessageBytes) return Error{EMSGSIZE, what()};

  iovec iov{};
  iov.iov_base = const_cast<std::byte*>(rec.data());   // sendmsg does not write through it
  iov.iov_len = rec.size();
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;

  alignas(cmsghdr) unsigned char cbuf[CMSG_SPACE(sizeof(int))];
  if (attach_fd >= 0) {
    std::memset(cbuf, 0, sizeof cbuf);
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &attach_fd, sizeof(int));
  }

  const IoResult r = sys_sendmsg(sock, msg, MSG_NOSIGNAL | flags);
  if (!r.ok()) return Error{r.err, what()};
  // A SOCK_SEQPACKET record goes whole or not at all; anything else means
  // the fd is not the socket we think it is.
  if (r.bytes != rec.size()) return Error{0, "short send on a record channel"};
  return {};
}

}  // namespace

Status send_message(int sock, const Message& m, int attach_fd) {
  return send_bytes(sock, encode_message(m), attach_fd, 0, nullptr);
}

Status send_record(int sock, std::span<const std::byte> record, int flags, int attach_fd, const char* label) {
  return send_bytes(sock, record, attach_fd, flags, label);
}

namespace {

// What one recvmsg delivered: a record's size, the fds that came with it
// (already owned), or why it is Bad.
struct Delivery {
  RecvStatus status = RecvStatus::Bad;
  size_t size = 0;
  unique_fd fd;
  std::string why;
  int err = 0;
};

Delivery refused(const char* why) {
  Delivery d;
  d.why = why;
  return d;
}

Delivery receive(int sock, std::span<std::byte> buf, bool accept_fd, int flags) {
  iovec iov{};
  iov.iov_base = buf.data();
  iov.iov_len = buf.size();
  alignas(cmsghdr) unsigned char cbuf[CMSG_SPACE(kFdsNoticed * sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;

  // Room for every fd the control buffer can hold, taken before any can
  // arrive: collecting them must not be able to fail halfway.
  std::vector<unique_fd> fds;   // closes them all on every Bad return below
  fds.reserve(kFdsNoticed);

  Delivery d;
  const IoResult r = sys_recvmsg(sock, msg, flags | MSG_CMSG_CLOEXEC);
  if (!r.ok()) {
    if (r.err == EAGAIN || r.err == EWOULDBLOCK) {
      d.status = RecvStatus::WouldBlock;
      return d;
    }
    d.why = std::string("recvmsg: ") + std::strerror(r.err);
    d.err = r.err;
    return d;
  }

  bool foreign_cmsg = false;
  collect_fds(msg, fds, foreign_cmsg);

  if (msg.msg_flags & MSG_TRUNC) return refused("oversized record");
  if (msg.msg_flags & MSG_CTRUNC) return refused("control data truncated");
  if (foreign_cmsg) return refused("unexpected control message");
  if (r.bytes == 0 && fds.empty()) {
    d.status = RecvStatus::Closed;
    return d;
  }
  if (!fds.empty() && !accept_fd) return refused("unexpected file descriptor");
  if (fds.size() > 1) return refused("more than one file descriptor");
  if (r.bytes > limits::kMessageBytes) return refused("oversized record");
  d.status = RecvStatus::Message;
  d.size = r.bytes;
  if (!fds.empty()) d.fd = std::move(fds.front());
  return d;
}

}  // namespace

RecvResult recv_message(int sock, bool accept_fd, int flags) {
  // One byte more than any legal record, so an oversized one is always
  // seen: it either fills the buffer (n > kMessageBytes) or is cut
  // (MSG_TRUNC).  Not value-initialised: zeroing 64 KiB per record adds up
  // when the monitor drains a large table.
  constexpr size_t kBufBytes = limits::kMessageBytes + 1;
  const auto buf = std::make_unique_for_overwrite<std::byte[]>(kBufBytes);
  Delivery d = receive(sock, std::span<std::byte>(buf.get(), kBufBytes), accept_fd, flags);
  if (d.status != RecvStatus::Message) {
    RecvResult out;
    out.status = d.status;
    out.why = std::move(d.why);
    out.err = d.err;
    return out;
  }
  Result<Message> decoded = decode_message(std::span<const std::byte>(buf.get(), d.size));
  if (!decoded) return bad(decoded.error().what);

  RecvResult ok;
  ok.status = RecvStatus::Message;
  ok.bytes = d.size;
  ok.received.emplace(Received{std::move(decoded).value(), std::move(d.fd)});
  return ok;
}

RawRecord recv_record(int sock, std::span<std::byte> buf, int flags, unique_fd* fd) {
  Delivery d = receive(sock, buf, fd != nullptr, flags);
  if (fd != nullptr) *fd = std::move(d.fd);
  RawRecord out;
  out.status = d.status;
  out.size = d.size;
  out.why = std::move(d.why);
  out.err = d.err;
  return out;
}


}  // namespace pmtr
