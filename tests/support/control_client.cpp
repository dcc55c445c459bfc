#include "tests/support/control_client.hpp"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/unique_fd.hpp"
#include "common/wire.hpp"
#include "tests/support/e2e_harness.hpp"

namespace pmtr::test {

int ctl_connect(const std::string& socket) {
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket.size() >= sizeof addr.sun_path) {
    ::close(fd);
    return -1;
  }
  std::memcpy(addr.sun_path, socket.c_str(), socket.size() + 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

CtlExchange ctl_raw(const std::string& socket, std::span<const std::byte> record, std::chrono::milliseconds timeout,
                    const std::function<void(int fd)>& before_reading) {
  CtlExchange x;
  unique_fd fd(ctl_connect(socket));
  if (!fd) {
    x.error = std::string("connect: ") + std::strerror(errno);
    return x;
  }
  x.connected = true;
  if (auto s = send_record(fd.get(), record, 0); !s) {
    x.error = s.error().message();
    return x;
  }
  if (before_reading) before_reading(fd.get());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::byte> buf(limits::kMessageBytes + 1);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      x.error = "timed out";
      return x;
    }
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const RawRecord r = recv_record(fd.get(), buf, 0);
    if (r.status == RecvStatus::Closed) {
      x.error = "closed before the final reply";
      return x;
    }
    if (r.status != RecvStatus::Message) {
      x.error = r.why;
      return x;
    }
    Result<CtlReply> reply = decode_ctl_reply(std::span<const std::byte>(buf.data(), r.size));
    if (!reply) {
      x.error = "bad reply: " + reply.error().what;
      return x;
    }
    x.replies.push_back(*reply);
    if (const auto* jobs = std::get_if<CtlStatusJobs>(&x.replies.back()))
      x.jobs.insert(x.jobs.end(), jobs->jobs.begin(), jobs->jobs.end());
    if (std::holds_alternative<CtlStatusEnd>(x.replies.back())) {
      x.complete = true;
      return x;
    }
    if (const auto* o = std::get_if<CtlOutcome>(&x.replies.back())) {
      x.code = o->code;
      x.subject = o->subject;
      x.complete = true;
      return x;
    }
  }
}

CtlExchange ctl(const std::string& socket, const CtlRequest& request, std::chrono::milliseconds timeout) {
  return ctl_raw(socket, encode_ctl_request(request), timeout);
}

namespace {

// What a child hands back: completion, code, subject, and the job names of
// a status reply, as one record.
std::vector<std::byte> pack(const CtlExchange& x) {
  WireWriter w;
  w.boolean(x.connected);
  w.boolean(x.complete);
  w.u8(static_cast<uint8_t>(x.code));
  w.str(x.subject);
  w.str(x.error);
  w.u32(static_cast<uint32_t>(x.jobs.size()));
  for (const auto& j : x.jobs) w.str(j.name);
  return w.take();
}

CtlExchange unpack(std::span<const std::byte> b) {
  CtlExchange x;
  WireReader r(b);
  x.connected = r.boolean();
  x.complete = r.boolean();
  x.code = static_cast<CtlCode>(r.u8());
  x.subject = r.str(4096);
  x.error = r.str(4096);
  const uint32_t n = r.count(100000, 4);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    JobStatus s;
    s.name = r.str(limits::kNameBytes);
    x.jobs.push_back(s);
  }
  if (!r.finish()) x.error = "child's answer garbled";
  return x;
}

}  // namespace

CtlExchange ctl_as(uid_t uid, gid_t gid, const std::vector<gid_t>& groups, const std::string& socket,
                   const CtlRequest& request) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return CtlExchange{};
  unique_fd mine(sv[0]), theirs(sv[1]);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgroups(groups.size(), groups.data()) != 0 || ::setresgid(gid, gid, gid) != 0 ||
        ::setresuid(uid, uid, uid) != 0)
      _exit(3);
    const auto bytes = pack(ctl(socket, request));
    (void)send_record(theirs.get(), bytes, 0);
    _exit(0);
  }
  theirs.reset();
  CtlExchange x;
  std::vector<std::byte> buf(limits::kMessageBytes + 1);
  const RawRecord r = recv_record(mine.get(), buf, 0);
  if (r.status == RecvStatus::Message) x = unpack(std::span<const std::byte>(buf.data(), r.size));
  else x.error = "child said nothing";
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  return x;
}

const JobStatus* find_status(const CtlExchange& x, const std::string& name) {
  for (const auto& j : x.jobs)
    if (j.name == name) return &j;
  return nullptr;
}

bool wait_listening(const Pmtr& p) {
  return poll_until([&] { return ctl(p.control_socket(), CtlStatusRequest{}).complete; },
                    std::chrono::milliseconds(5000));
}

}  // namespace pmtr::test
