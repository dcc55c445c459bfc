// The SOCK_SEQPACKET channel: records round-trip; fds pass only where
// accepted and are closed everywhere else (counted in /proc/self/fd);
// oversized, truncated and garbled records are Bad; end of stream, empty
// queue and signals are told apart.
#include "common/channel.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/limits.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>
#include "tests/support/skip.hpp"

using namespace pmtr;
using pmtr::test::eq;

namespace {

size_t count_open_fds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) FAIL("opendir /proc/self/fd");
  size_t n = 0;
  while (const dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n;
}

// A raw record, as a hostile peer could write it: any bytes, any fds.
void raw_send(int sock, const void* data, size_t len, const std::vector<int>& fds = {}) {
  iovec iov{const_cast<void*>(data), len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<unsigned char> cbuf(CMSG_SPACE(sizeof(int) * fds.size()));
  if (!fds.empty()) {
    msg.msg_control = cbuf.data();
    msg.msg_controllen = cbuf.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  const ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  CHECK_EQUAL(static_cast<ssize_t>(len), n);
}

void raw_send(int sock, const std::vector<std::byte>& rec, const std::vector<int>& fds = {}) {
  raw_send(sock, rec.data(), rec.size(), fds);
}

struct Pipe {
  unique_fd r, w;
  Pipe() {
    int p[2];
    CHECK_EQUAL(0, pipe2(p, O_CLOEXEC));
    r.reset(p[0]);
    w.reset(p[1]);
  }
  // True once no read end of this pipe is open anywhere.
  bool reader_gone() const {
    pollfd pfd{w.get(), POLLOUT, 0};
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR) != 0;
  }
};

bool cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

bool same_file(int a, int b) {
  struct stat sa {}, sb {};
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

const char* status_name(RecvStatus s) {
  switch (s) {
    case RecvStatus::Message: return "message";
    case RecvStatus::Closed: return "closed";
    case RecvStatus::WouldBlock: return "would-block";
    case RecvStatus::Bad: return "bad";
  }
  return "?";
}

#define CHECK_STATUS(want, got) STRCMP_EQUAL(status_name(want), status_name(got))

// A TableJob of exactly `size` encoded bytes.
MsgTableJob job_message_of_size(size_t size) { return MsgTableJob{{test::job_with_record_size(size)}}; }

std::atomic<bool> g_usr1_seen{false};
void on_usr1(int) { g_usr1_seen = true; }

}  // namespace

TEST_GROUP(Channel) {
  unique_fd a, b;
  void setup() override {
    auto pair = make_channel_pair();
    CHECK_TRUE(pair.ok());
    a = std::move(pair->first);
    b = std::move(pair->second);
  }
};

TEST(Channel, PairIsUnixSeqpacketAndCloseOnExec) {
  for (int fd : {a.get(), b.get()}) {
    CHECK_TRUE(cloexec(fd));
    int v = 0;
    socklen_t len = sizeof v;
    CHECK_EQUAL(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
    CHECK_EQUAL(SOCK_SEQPACKET, v);
    CHECK_EQUAL(0, getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len));
    CHECK_EQUAL(AF_UNIX, v);
  }
}

TEST(Channel, EveryMessageRoundTripsBothWays) {
  for (const Message& m : test::sample_messages()) {
    CHECK_TRUE(send_message(a.get(), m).ok());
    RecvResult r = recv_message(b.get(), false);
    CHECK_STATUS(RecvStatus::Message, r.status);
    CHECK_TRUE(eq(m, r.received->message));
    CHECK_FALSE(r.received->fd.valid());

    CHECK_TRUE(send_message(b.get(), m).ok());
    RecvResult back = recv_message(a.get(), true);
    CHECK_STATUS(RecvStatus::Message, back.status);
    CHECK_TRUE(eq(m, back.received->message));
    CHECK_FALSE(back.received->fd.valid());
  }
}

TEST(Channel, RecordsKeepTheirBoundariesAndOrder) {
  for (uint32_t g = 0; g < 5; ++g) CHECK_TRUE(send_message(a.get(), MsgParse{g}).ok());
  for (uint32_t g = 0; g < 5; ++g) {
    RecvResult r = recv_message(b.get(), false);
    CHECK_STATUS(RecvStatus::Message, r.status);
    CHECK_EQUAL(g, std::get<MsgParse>(r.received->message).generation);
  }
}

TEST(Channel, AcceptedFdArrivesCloseOnExecAndWorks) {
  Pipe p;
  CHECK_TRUE(send_message(a.get(), MsgParse{42}, p.r.get()).ok());
  RecvResult r = recv_message(b.get(), true);
  CHECK_STATUS(RecvStatus::Message, r.status);
  CHECK_EQUAL(42u, std::get<MsgParse>(r.received->message).generation);
  const unique_fd& got = r.received->fd;
  CHECK_TRUE(got.valid());
  CHECK(got.get() != p.r.get());
  CHECK_TRUE(same_file(got.get(), p.r.get()));
  CHECK_TRUE(cloexec(got.get()));
  CHECK_EQUAL(2, write(p.w.get(), "hi", 2));
  char buf[2];
  CHECK_EQUAL(2, read(got.get(), buf, 2));
  MEMCMP_EQUAL("hi", buf, 2);
}

TEST(Channel, SenderKeepsItsOwnCopyOfThePassedFd) {
  Pipe p;
  CHECK_TRUE(send_message(a.get(), MsgParse{1}, p.r.get()).ok());
  CHECK(fcntl(p.r.get(), F_GETFD) >= 0);
  RecvResult r = recv_message(b.get(), true);
  CHECK_STATUS(RecvStatus::Message, r.status);
}

TEST(Channel, FdMayBeAcceptedWithoutOneComing) {
  CHECK_TRUE(send_message(a.get(), MsgParse{3}).ok());
  RecvResult r = recv_message(b.get(), true);
  CHECK_STATUS(RecvStatus::Message, r.status);
  CHECK_FALSE(r.received->fd.valid());
}

TEST(Channel, UnexpectedFdIsClosedAndTheRecordBad) {
  Pipe p;
  CHECK_TRUE(send_message(a.get(), MsgParse{1}, p.r.get()).ok());
  p.r.reset();   // the copy in flight is now the pipe's only read end
  CHECK_FALSE(p.reader_gone());
  const size_t before = count_open_fds();
  RecvResult r = recv_message(b.get(), false);
  CHECK_STATUS(RecvStatus::Bad, r.status);
  STRCMP_EQUAL("unexpected file descriptor", r.why.c_str());
  CHECK_FALSE(r.received.has_value());
  CHECK_EQUAL(before, count_open_fds());
  CHECK_TRUE(p.reader_gone());
}

TEST(Channel, TwoFdsAreBadEvenWhenOneIsAccepted) {
  for (bool accept : {true, false}) {
    Pipe p1, p2;
    raw_send(a.get(), encode_message(MsgParse{1}), {p1.r.get(), p2.r.get()});
    p1.r.reset();
    p2.r.reset();
    const size_t before = count_open_fds();
    RecvResult r = recv_message(b.get(), accept);
    CHECK_STATUS(RecvStatus::Bad, r.status);
    STRCMP_EQUAL(accept ? "more than one file descriptor" : "unexpected file descriptor", r.why.c_str());
    CHECK_EQUAL(before, count_open_fds());
    CHECK_TRUE(p1.reader_gone());
    CHECK_TRUE(p2.reader_gone());
  }
}

// More fds than the receive buffer has room for: the kernel drops the
// excess and says MSG_CTRUNC; the ones that did arrive are closed too.
TEST(Channel, AFloodOfFdsIsBadAndNoneLeaks) {
  std::vector<Pipe> pipes(40);
  std::vector<int> fds;
  for (const Pipe& p : pipes) fds.push_back(p.r.get());
  raw_send(a.get(), encode_message(MsgParse{1}), fds);
  for (Pipe& p : pipes) p.r.reset();
  const size_t before = count_open_fds();
  RecvResult r = recv_message(b.get(), true);
  CHECK_STATUS(RecvStatus::Bad, r.status);
  STRCMP_EQUAL("control data truncated", r.why.c_str());
  CHECK_EQUAL(before, count_open_fds());
  for (const Pipe& p : pipes) CHECK_TRUE(p.reader_gone());
}

TEST(Channel, EmptyRecordWithAnFdIsBadAndTheFdClosed) {
  for (bool accept : {true, false}) {
    Pipe p;
    raw_send(a.get(), "", 0, {p.r.get()});
    p.r.reset();
    const size_t before = count_open_fds();
    RecvResult r = recv_message(b.get(), accept);
    CHECK_STATUS(RecvStatus::Bad, r.status);
    STRCMP_EQUAL(accept ? "truncated record" : "unexpected file descriptor", r.why.c_str());
    CHECK_EQUAL(before, count_open_fds());
    CHECK_TRUE(p.reader_gone());
  }
}

TEST(Channel, RecordAtTheSizeLimitPasses) {
  const MsgTableJob m = job_message_of_size(limits::kMessageBytes);
  CHECK_EQUAL(limits::kMessageBytes, encode_message(m).size());
  CHECK_TRUE(send_message(a.get(), m).ok());
  RecvResult r = recv_message(b.get(), false);
  CHECK_STATUS(RecvStatus::Message, r.status);
  CHECK_TRUE(eq(Message{m}, r.received->message));
}

TEST(Channel, SendRefusesAnOversizedMessageAndSendsNothing) {
  const MsgTableJob m = job_message_of_size(limits::kMessageBytes + 1);
  CHECK_EQUAL(limits::kMessageBytes + 1, encode_message(m).size());
  const Status st = send_message(a.get(), m);
  CHECK_FALSE(st.ok());
  CHECK_EQUAL(EMSGSIZE, st.error().err);
  CHECK_STATUS(RecvStatus::WouldBlock, recv_message(b.get(), false, MSG_DONTWAIT).status);
}

TEST(Channel, SendRecordSendsTheBytesAsTheyAre) {
  const Message m = MsgTxnEnd{7};
  const auto rec = encode_message(m);
  CHECK_TRUE(send_record(a.get(), rec).ok());
  RecvResult r = recv_message(b.get(), false);
  CHECK_STATUS(RecvStatus::Message, r.status);
  CHECK_TRUE(eq(m, r.received->message));
}

TEST(Channel, SendRecordRefusesAnOversizedRecordAndSendsNothing) {
  const auto rec = encode_message(job_message_of_size(limits::kMessageBytes + 1));
  const Status st = send_record(a.get(), rec);
  CHECK_FALSE(st.ok());
  CHECK_EQUAL(EMSGSIZE, st.error().err);
  STRCMP_EQUAL("send table-job", st.error().what.c_str());
  CHECK_STATUS(RecvStatus::WouldBlock, recv_message(b.get(), false, MSG_DONTWAIT).status);
}

// One byte over: fits the receive buffer whole, so only the size check can
// catch it.  Far over: the kernel truncates (MSG_TRUNC).  Either way the
// stream stays in step: the next record is read whole.
TEST(Channel, OversizedRawRecordsAreBad) {
  for (size_t size : {limits::kMessageBytes + 1, limits::kMessageBytes + 2, size_t{100000}}) {
    std::vector<std::byte> rec = encode_message(job_message_of_size(limits::kMessageBytes));
    rec.resize(size, std::byte{'z'});
    raw_send(a.get(), rec);
    RecvResult r = recv_message(b.get(), false);
    CHECK_STATUS(RecvStatus::Bad, r.status);
    STRCMP_EQUAL("oversized record", r.why.c_str());

    CHECK_TRUE(send_message(a.get(), MsgTxnEnd{9}).ok());
    RecvResult next = recv_message(b.get(), false);
    CHECK_STATUS(RecvStatus::Message, next.status);
    CHECK_EQUAL(9u, std::get<MsgTxnEnd>(next.received->message).warnings);
  }
}

TEST(Channel, OversizedRecordWithAnFdClosesIt) {
  Pipe p;
  std::vector<std::byte> rec(100000, std::byte{1});
  raw_send(a.get(), rec, {p.r.get()});
  p.r.reset();
  const size_t before = count_open_fds();
  RecvResult r = recv_message(b.get(), true);
  CHECK_STATUS(RecvStatus::Bad, r.status);
  STRCMP_EQUAL("oversized record", r.why.c_str());
  CHECK_EQUAL(before, count_open_fds());
  CHECK_TRUE(p.reader_gone());
}

TEST(Channel, UndecodableRecordsAreBadWithTheDecodersReason) {
  struct Case {
    std::vector<std::byte> rec;
    const char* why;
  };
  const Case cases[] = {
      // Version 1: the protocol before the lifecycle options; 2: before
      // several `report to` and `listen on ... key`.
      {test::bytes({1, 5, 0, 0, 0, 0}), "wrong protocol version"},
      {test::bytes({2, 5, 0, 0, 0, 0}), "wrong protocol version"},
      {test::bytes({kProtocolVersion, 99}), "unknown message type"},
      {test::bytes({kProtocolVersion, 5, 0}), "truncated record"},
      {test::bytes({kProtocolVersion, 4, 0}), "trailing bytes after record"},
      {test::bytes({kProtocolVersion}), "truncated record"},
  };
  for (const Case& c : cases) {
    raw_send(a.get(), c.rec);
    RecvResult r = recv_message(b.get(), false);
    CHECK_STATUS(RecvStatus::Bad, r.status);
    STRCMP_EQUAL(c.why, r.why.c_str());
    CHECK_EQUAL(0, r.err);
  }
}

TEST(Channel, DecodeFailureWithAnAcceptedFdClosesIt) {
  Pipe p;
  raw_send(a.get(), test::bytes({kProtocolVersion, 5, 0}), {p.r.get()});
  p.r.reset();
  const size_t before = count_open_fds();
  RecvResult r = recv_message(b.get(), true);
  CHECK_STATUS(RecvStatus::Bad, r.status);
  STRCMP_EQUAL("truncated record", r.why.c_str());
  CHECK_EQUAL(before, count_open_fds());
  CHECK_TRUE(p.reader_gone());
}

TEST(Channel, PeerClosedIsClosedAfterTheQueuedRecords) {
  CHECK_TRUE(send_message(a.get(), MsgTableEnd{}).ok());
  a.reset();
  CHECK_STATUS(RecvStatus::Message, recv_message(b.get(), false).status);
  CHECK_STATUS(RecvStatus::Closed, recv_message(b.get(), false).status);
  CHECK_STATUS(RecvStatus::Closed, recv_message(b.get(), false, MSG_DONTWAIT).status);
}

// SOCK_SEQPACKET cannot tell an empty record from end of stream; a peer that
// sends one is treated as gone, which the monitor handles like a crash.
TEST(Channel, EmptyRecordReadsAsClosed) {
  raw_send(a.get(), "", 0);
  CHECK_STATUS(RecvStatus::Closed, recv_message(b.get(), false).status);
}

TEST(Channel, NothingQueuedWouldBlock) {
  RecvResult r = recv_message(b.get(), true, MSG_DONTWAIT);
  CHECK_STATUS(RecvStatus::WouldBlock, r.status);
  CHECK_FALSE(r.received.has_value());
  CHECK_TRUE(send_message(a.get(), MsgParse{5}).ok());
  CHECK_STATUS(RecvStatus::Message, recv_message(b.get(), true, MSG_DONTWAIT).status);
  CHECK_STATUS(RecvStatus::WouldBlock, recv_message(b.get(), true, MSG_DONTWAIT).status);
}

// Credentials were not asked for on this channel; a record that brings any
// control message other than SCM_RIGHTS is refused.
TEST(Channel, ForeignControlMessageIsBad) {
  const int on = 1;
  CHECK_EQUAL(0, setsockopt(b.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  CHECK_TRUE(send_message(a.get(), MsgParse{1}).ok());
  RecvResult r = recv_message(b.get(), false);
  CHECK_STATUS(RecvStatus::Bad, r.status);
  STRCMP_EQUAL("unexpected control message", r.why.c_str());
}

TEST(Channel, RecvOnSomethingElseIsBadWithErrno) {
  Pipe p;
  RecvResult r = recv_message(p.r.get(), false, MSG_DONTWAIT);
  CHECK_STATUS(RecvStatus::Bad, r.status);
  CHECK_EQUAL(ENOTSOCK, r.err);
  STRCMP_CONTAINS("recvmsg", r.why.c_str());
  RecvResult closed = recv_message(-1, false);
  CHECK_STATUS(RecvStatus::Bad, closed.status);
  CHECK_EQUAL(EBADF, closed.err);
}

TEST(Channel, SendToAClosedPeerIsEpipe) {
  b.reset();
  const Status st = send_message(a.get(), MsgParse{1});
  CHECK_FALSE(st.ok());
  CHECK_EQUAL(EPIPE, st.error().err);
}

// Linux raises no SIGPIPE for SOCK_SEQPACKET today, so the proof that
// send_message passes MSG_NOSIGNAL uses a stream socket, where the kernel
// does: without the flag this test process dies of SIGPIPE right here.
TEST(Channel, SendNeverRaisesSigpipe) {
  int sv[2];
  CHECK_EQUAL(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  unique_fd mine(sv[0]);
  close(sv[1]);
  const Status st = send_message(mine.get(), MsgParse{1});
  CHECK_FALSE(st.ok());
  CHECK_EQUAL(EPIPE, st.error().err);
}

TEST(Channel, SendWithABadFdFails) {
  const Status st = send_message(a.get(), MsgParse{1}, 1 << 20);
  CHECK_FALSE(st.ok());
  CHECK_EQUAL(EBADF, st.error().err);
  CHECK_STATUS(RecvStatus::WouldBlock, recv_message(b.get(), true, MSG_DONTWAIT).status);
}

// A signal (handler installed without SA_RESTART) interrupts a blocked
// recvmsg with EINTR; recv_message goes back to waiting and returns the
// record that comes after.  The helper thread signals only once the main
// thread is inside recvmsg, and sends only once the handler has run, so
// without the retry this test fails every time.
TEST(Channel, BlockingRecvRetriesAfterASignal) {
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  const std::string syscall_file = "/proc/self/task/" + std::to_string(tid) + "/syscall";
  if (FILE* f = std::fopen(syscall_file.c_str(), "r"))
    std::fclose(f);
  else
    PMTR_SKIP("no /proc/self/task/TID/syscall");

  struct sigaction sa {}, old {};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  CHECK_EQUAL(0, sigaction(SIGUSR1, &sa, &old));
  g_usr1_seen = false;

  const pthread_t main_thread = pthread_self();
  const int sender = a.get();
  std::atomic<bool> timed_out{false};
  std::thread helper([&] {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    auto in_recvmsg = [&] {
      FILE* f = std::fopen(syscall_file.c_str(), "r");
      if (f == nullptr) return false;
      long nr = -1;
      const bool got = std::fscanf(f, "%ld", &nr) == 1;
      std::fclose(f);
      return got && nr == SYS_recvmsg;
    };
    while (!in_recvmsg() && Clock::now() < deadline) std::this_thread::yield();
    pthread_kill(main_thread, SIGUSR1);
    while (!g_usr1_seen && Clock::now() < deadline) std::this_thread::yield();
    timed_out = Clock::now() >= deadline;
    // Sent even after a timeout, so the main thread is never left blocked.
    (void)send_message(sender, MsgParse{77});
  });
  RecvResult r = recv_message(b.get(), false);
  helper.join();
  sigaction(SIGUSR1, &old, nullptr);

  CHECK_FALSE(timed_out.load());
  CHECK_TRUE(g_usr1_seen.load());
  CHECK_STATUS(RecvStatus::Message, r.status);
  CHECK_EQUAL(77u, std::get<MsgParse>(r.received->message).generation);
}
