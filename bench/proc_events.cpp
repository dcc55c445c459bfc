#include "bench/proc_events.hpp"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "common/syscalls.hpp"

namespace pmtr::bench {
namespace {

// Room for thousands of events: the bench may be busy for a moment (reading
// /proc) while a supervisor forks a thousand jobs.
constexpr int kReceiveBuffer = 64 << 20;

// The connector's records, read field by field from the datagram (the
// kernel headers use flexible arrays, which C++ cannot take by value).
constexpr size_t kCnHeader = sizeof(nlmsghdr);
constexpr size_t kEventOffset = NLMSG_LENGTH(sizeof(cn_msg));
constexpr size_t kWhatOffset = kEventOffset + offsetof(proc_event, what);
constexpr size_t kStampOffset = kEventOffset + offsetof(proc_event, timestamp_ns);
constexpr size_t kDataOffset = kEventOffset + offsetof(proc_event, event_data);

template <typename T>
T load(const unsigned char* buf, size_t off) {
  T v;
  std::memcpy(&v, buf + off, sizeof v);
  return v;
}

}  // namespace

uint64_t now_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

ProcConnector::~ProcConnector() {
  if (fd_) (void)send_op(PROC_CN_MCAST_IGNORE);
}

bool ProcConnector::send_op(uint32_t op) {
  alignas(nlmsghdr) unsigned char buf[NLMSG_LENGTH(sizeof(cn_msg) + sizeof(uint32_t))] = {};
  auto* nl = reinterpret_cast<nlmsghdr*>(buf);
  nl->nlmsg_len = sizeof buf;
  nl->nlmsg_type = NLMSG_DONE;
  nl->nlmsg_pid = static_cast<uint32_t>(getpid());
  auto* cn = reinterpret_cast<cn_msg*>(NLMSG_DATA(nl));
  cn->id.idx = CN_IDX_PROC;
  cn->id.val = CN_VAL_PROC;
  cn->len = sizeof(uint32_t);
  std::memcpy(buf + NLMSG_LENGTH(sizeof(cn_msg)), &op, sizeof op);
  return ::send(fd_.get(), buf, sizeof buf, 0) == static_cast<ssize_t>(sizeof buf);
}

bool ProcConnector::open(std::string* why) {
  unique_fd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR));
  if (!fd) {
    *why = std::string("netlink connector socket: ") + std::strerror(errno);
    return false;
  }
  int size = kReceiveBuffer;
  // FORCE needs CAP_NET_ADMIN, which the subscription needs too.
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    (void)setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  addr.nl_pid = 0;   // the kernel picks a unique port id
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *why = std::string("bind to CN_IDX_PROC: ") + std::strerror(errno);
    return false;
  }
  fd_ = std::move(fd);
  if (!send_op(PROC_CN_MCAST_LISTEN)) {
    *why = std::string("PROC_CN_MCAST_LISTEN: ") + std::strerror(errno);
    fd_.reset();
    return false;
  }
  // The subscription is acknowledged with a PROC_EVENT_NONE record; the
  // fork event of a child of our own, seen within a second, proves that
  // events flow (they do not outside the initial network namespace).
  const pid_t probe = fork();
  if (probe == 0) _exit(0);
  (void)sys_waitpid(probe, 0);
  ProcEvent ev;
  const uint64_t deadline = now_ns() + 1000000000u;
  while (now_ns() < deadline) {
    if (next(ev, 100) != ReadResult::Event) continue;
    if (ev.kind == ProcEventKind::Fork && ev.pid == probe) return true;
  }
  *why = "no process events received (not in the initial network namespace?)";
  fd_.reset();
  return false;
}

ReadResult ProcConnector::next(ProcEvent& ev, int timeout_ms) {
  alignas(nlmsghdr) unsigned char buf[4096];
  for (;;) {
    const IoResult got = sys_recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (!got.ok()) {
      if (got.err == ENOBUFS) {
        ev = ProcEvent{};
        ev.kind = ProcEventKind::Lost;
        return ReadResult::Event;
      }
      if (got.err != EAGAIN) return ReadResult::Error;
      if (timeout_ms == 0) return ReadResult::Timeout;
      pollfd p{fd_.get(), POLLIN, 0};
      const ReadyResult r = sys_poll(&p, 1, timeout_ms);
      if (!r.ok()) return ReadResult::Error;
      if (r.count == 0) return ReadResult::Timeout;
      timeout_ms = 0;   // one wait only; the data is there now
      continue;
    }
    if (got.bytes < kDataOffset + 16 || got.bytes < kCnHeader) continue;
    const auto what = load<uint32_t>(buf, kWhatOffset);
    ev.ns = load<uint64_t>(buf, kStampOffset);
    switch (what) {
      case proc_event::PROC_EVENT_FORK: {
        const auto parent_tgid = load<pid_t>(buf, kDataOffset + 4);
        const auto child_pid = load<pid_t>(buf, kDataOffset + 8);
        const auto child_tgid = load<pid_t>(buf, kDataOffset + 12);
        if (child_pid != child_tgid) continue;   // a thread
        ev.kind = ProcEventKind::Fork;
        ev.pid = child_tgid;
        ev.parent = parent_tgid;
        return ReadResult::Event;
      }
      case proc_event::PROC_EVENT_EXEC:
        ev.kind = ProcEventKind::Exec;
        ev.pid = load<pid_t>(buf, kDataOffset + 4);
        ev.parent = -1;
        return ReadResult::Event;
      case proc_event::PROC_EVENT_EXIT: {
        const auto pid = load<pid_t>(buf, kDataOffset);
        const auto tgid = load<pid_t>(buf, kDataOffset + 4);
        if (pid != tgid) continue;   // a thread
        ev.kind = ProcEventKind::Exit;
        ev.pid = tgid;
        ev.parent = -1;
        return ReadResult::Event;
      }
      default:
        continue;
    }
  }
}

}  // namespace pmtr::bench
