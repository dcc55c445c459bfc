// Bad input and load on the control socket: every malformed request gets
// an error or a closed connection, at most one log line per second, and
// nothing else changes (jobs keep their pids, restarts stay on time).
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/unique_fd.hpp"
#include "common/wire.hpp"
#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/fd_passing.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

// A Status request naming one job, with the name's bytes as given.
std::vector<std::byte> status_naming(const std::string& name) {
  WireWriter w;
  w.u8(kControlVersion);
  w.u8(static_cast<uint8_t>(CtlType::StatusQuery));
  w.u32(1);
  w.str(name);
  return w.take();
}

}  // namespace

TEST_GROUP(ControlAbuse) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ControlAbuse, MalformedRequestsAreRefusedAndChangeNothing) {
  write_file(conf, job("web", "/bin/sleep 1401"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  const std::vector<std::vector<std::byte>> bad = {
      bytes({0xff, 0x00, 0x13, 0x37}),                              // garbage
      bytes({kControlVersion}),                                    // truncated header
      bytes({kControlVersion, static_cast<int>(CtlType::Start), 1, 0}),   // truncated count
      bytes({kControlVersion + 1, static_cast<int>(CtlType::StatusQuery), 0, 0, 0, 0}),   // wrong version
      bytes({kControlVersion, 99}),                                // unknown type
      bytes({kControlVersion, static_cast<int>(CtlType::Outcome), 0, 0, 0, 0, 0}),        // a reply type
      bytes({kControlVersion, static_cast<int>(CtlType::Stop), 0, 0, 0, 0}),              // stop nothing
      bytes({kControlVersion, static_cast<int>(CtlType::Signal), 0, 1, 0, 0, 0, 1, 0, 0, 0, 'a'}),   // signal 0
      status_naming(std::string("we\0b", 4)),                      // NUL inside a name
      status_naming("a b"),                                        // not a job name
      status_naming(std::string(limits::kNameBytes + 1, 'x')),     // too long
  };
  for (const auto& rec : bad) {
    const CtlExchange x = ctl_raw(pmtr.control_socket(), rec);
    CHECK_TEXT(x.complete, x.error.c_str());
    CHECK(x.code == CtlCode::BadRequest);
  }
  // Trailing bytes after a valid request.
  auto trailing = encode_ctl_request(CtlOperate{CtlType::Stop, {"web"}});
  trailing.push_back(std::byte{0});
  CHECK(ctl_raw(pmtr.control_socket(), trailing).code == CtlCode::BadRequest);
  // A record over the cap.
  const std::vector<std::byte> huge(limits::kMessageBytes + 100, std::byte{1});
  const CtlExchange h = ctl_raw(pmtr.control_socket(), huge);
  CHECK(h.complete ? h.code == CtlCode::BadRequest : true);   // refused, or the send itself failed
  CHECK_EQUAL(web, pmtr.job_pid("web"));
  CHECK(process_alive(web));
  CHECK(process_alive(pmtr.pid()));
  // Logged, but not once per bad request.
  CHECK(pmtr.count_log("control: client") <= 3);
  CHECK(ctl(pmtr.control_socket(), CtlStatusRequest{}).complete);
}

TEST(ControlAbuse, AnFdSentAlongIsClosedAndTheRequestRefused) {
  write_file(conf, job("web", "/bin/sleep 1411"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  unique_fd c(ctl_connect(pmtr.control_socket()));
  CHECK(c.valid());
  int p[2];
  CHECK_EQUAL(0, pipe2(p, O_NONBLOCK));
  unique_fd rd(p[0]), wr(p[1]);
  CHECK(send_with_fd(c.get(), encode_ctl_request(CtlStatusRequest{}), wr.get()));
  wr.reset();
  // Refused, and the monitor closed its copy: our read end sees EOF.
  std::vector<std::byte> buf(limits::kMessageBytes + 1);
  CHECK(poll_until([&] { return recv_record(c.get(), buf, MSG_DONTWAIT).status != RecvStatus::WouldBlock; },
                   5000ms));
  CHECK(poll_until([&] {
    char b;
    return ::read(rd.get(), &b, 1) == 0;
  }, 5000ms));
  CHECK(process_alive(pmtr.pid()));
}

TEST(ControlAbuse, AThousandIdleConnectionsAreCappedThenTimedOut) {
  // Our own fd limit must allow the flood.
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  write_file(conf, job("web", "/bin/sleep 1421"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  std::vector<unique_fd> idle;
  for (int i = 0; i < 1000; ++i) {
    unique_fd fd(ctl_connect(pmtr.control_socket()));
    if (fd) idle.push_back(std::move(fd));
  }
  CHECK(idle.size() > 900);
  // Every slot is taken by a client that sends nothing: a new one is told
  // so at once, not left hanging.
  const CtlExchange busy = ctl(pmtr.control_socket(), CtlStatusRequest{}, 2000ms);
  CHECK_TEXT(busy.complete || !busy.error.empty(), busy.error.c_str());
  if (busy.complete) CHECK(busy.code == CtlCode::Busy);
  // After the 5 s request deadline the idle ones are gone and service is back.
  const auto flooded = std::chrono::steady_clock::now();
  CHECK(poll_until([&] {
    const CtlExchange x = ctl(pmtr.control_socket(), CtlStatusRequest{}, 500ms);
    return x.complete && x.code == CtlCode::Ok;
  }, 10000ms));
  CHECK(std::chrono::steady_clock::now() - flooded > 4s);   // the 5 s request deadline, not sooner
  CHECK_EQUAL(web, pmtr.job_pid("web"));
  CHECK(process_alive(web));
  // About one complaint per second, not one per connection.
  CHECK(pmtr.count_log("control: ") < 30);
}

TEST(ControlAbuse, AClientThatNeverReadsItsStatusIsDroppedAndOthersAreServed) {
  // Enough jobs that the reply cannot fit a socket buffer; disabled, so
  // nothing runs.
  std::string text;
  for (int i = 0; i < 6000; ++i) text += job("j" + std::to_string(i), "/bin/true", "  disable\n");
  text += job("web", "/bin/sleep 1431");
  write_file(conf, text);
  Pmtr pmtr(conf);
  CHECK(poll_until([&] { return ctl(pmtr.control_socket(), CtlStatusRequest{{"web"}}).complete; }, 10000ms));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  unique_fd lazy(ctl_connect(pmtr.control_socket()));
  CHECK(lazy.valid());
  CHECK(send_record(lazy.get(), encode_ctl_request(CtlStatusRequest{}), 0).ok());
  // Meanwhile others are answered at once.
  const CtlExchange other = ctl(pmtr.control_socket(), CtlStatusRequest{{"web"}}, 2000ms);
  CHECK(other.complete);
  // Dropped after 5 s without progress: the connection reads EOF once
  // the queued records are drained.
  CHECK(pmtr.wait_log("stopped reading its status", 10000ms));
  CHECK_EQUAL(web, pmtr.job_pid("web"));
  CHECK(ctl(pmtr.control_socket(), CtlStatusRequest{{"web"}}).complete);
}

// Clients that connect as fast as they are served (or turned away) once
// kept the monitor in its accept loop for good: no reply, no restart.  Now
// the jobs' events go first and a crowd of clients shares a CPU budget:
// under the flood a killed job is replaced and status is still answered.
TEST(ControlAbuse, AFloodOfClientsNeitherStarvesTheJobsNorTheClients) {
  write_file(conf, job("web", "/bin/sleep 1431", "  backoff 1s to 1s\n") + job("loop", "/bin/false", "  backoff 1s to 1s\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  CHECK(web > 0);
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 100; ++i)
    flood.emplace_back([&] {
      while (!stop.load())
        if (ctl(pmtr.control_socket(), CtlStatusRequest{}, 2000ms).code == CtlCode::Ok) ++served;
    });
  const int served_before = served.load();
  CHECK_EQUAL(0, ::kill(web, SIGKILL));
  const bool replaced = poll_until([&] { return pmtr.job_pid("web") != web && pmtr.job_pid("web") > 0; }, 5000ms);
  const bool answered = poll_until([&] { return served.load() > served_before + 100; }, 5000ms);
  const int loop_starts = pmtr.count_log("started job loop");
  const bool looping = pmtr.wait_log("started job loop", 5000ms, loop_starts + 2);
  stop = true;
  for (auto& t : flood) t.join();
  CHECK_TEXT(replaced, "the killed job was not replaced under the flood");
  CHECK_TEXT(answered, ("status answers under the flood: " + std::to_string(served.load() - served_before)).c_str());
  CHECK_TEXT(looping, "the crash-looping job stopped being restarted under the flood");
  CHECK(process_alive(pmtr.pid()));
}

// A client slow to read a status that fills its socket buffer is waited
// for, to the last record: once the final StatusEnd found the buffer full
// and the client was dropped as one that never reads.  Tables of 2.5 to 6
// batches, in steps of a quarter: in some of them the last batch fills the
// buffer and leaves no room for the end.
TEST(ControlAbuse, ASlowReaderGetsTheWholeStatusWhateverItsSize) {
  auto table = [&](size_t n) {
    std::string t;
    for (size_t i = 0; i < n; ++i) t += job("a-long-job-name-that-makes-each-status-row-bigger-" + std::to_string(i),
                                            "/bin/true", "  disable\n");
    return t;
  };
  write_file(conf, table(100));
  Pmtr pmtr(conf);
  CtlExchange first;
  CHECK(poll_until([&] { return (first = ctl(pmtr.control_socket(), CtlStatusRequest{}, 500ms)).jobs.size() == 100; },
                   10000ms));
  size_t bytes = 0;
  for (const auto& j : first.jobs) bytes += encoded_status_size(j);
  const size_t per_batch = limits::kMessageBytes / (bytes / 100);
  // The queued bytes stop growing: the monitor wrote what fits and waits.
  auto until_full = [](int fd) {
    int last = -1, now = 0, same = 0;
    poll_until([&] {
      if (::ioctl(fd, FIONREAD, &now) != 0) return true;
      same = now == last ? same + 1 : 0;
      last = now;
      return same >= 4;
    }, 2000ms);
  };
  for (size_t n = per_batch * 5 / 2; n <= per_batch * 6; n += per_batch / 4) {
    write_file(conf, table(n));
    const CtlExchange reload = ctl(pmtr.control_socket(), CtlReload{}, 10000ms);
    CHECK_TEXT(reload.complete && reload.code == CtlCode::Ok, reload.error.c_str());
    const CtlExchange x = ctl_raw(pmtr.control_socket(), encode_ctl_request(CtlStatusRequest{}), 5000ms, until_full);
    CHECK_TEXT(x.complete, ("status of " + std::to_string(n) + " jobs: " + x.error).c_str());
    CHECK_EQUAL(n, x.jobs.size());
  }
  CHECK_EQUAL(0, pmtr.count_log("does not read its replies"));
}
