// `pmtrctl send` and `pmtrctl listen` over real UDP on 127.0.0.1: the
// bytes a send puts on the wire (signed ones verified with the key), and
// the tables a listen prints for what arrives.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "common/datagram_mac.hpp"
#include "common/udp_report.hpp"
#include "common/unique_fd.hpp"
#include "control/pmtrctl.hpp"
#include "control/report_table.hpp"
#include "tests/control/ctl_runner.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

constexpr int kDeadlineMs = 10000;

struct Receiver {
  unique_fd fd;
  uint16_t port = 0;
};

// A UDP socket on 127.0.0.1 with a port the kernel chose.
Receiver bound_receiver() {
  Receiver r;
  r.fd = unique_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK_EQUAL(0, ::bind(r.fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a));
  socklen_t len = sizeof a;
  CHECK_EQUAL(0, ::getsockname(r.fd.get(), reinterpret_cast<sockaddr*>(&a), &len));
  r.port = ntohs(a.sin_port);
  return r;
}

std::string receive(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, kDeadlineMs) != 1) return "(nothing within the deadline)";
  char buf[65536];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  return n < 0 ? "(recv failed)" : std::string(buf, static_cast<size_t>(n));
}

std::string url(uint16_t port) { return "udp://127.0.0.1:" + std::to_string(port); }

struct KeyFile {
  std::string path;
  explicit KeyFile(std::string_view bytes) {
    char t[] = "/tmp/pmtr-key-XXXXXX";
    const int fd = ::mkstemp(t);
    path = t;
    CHECK_EQUAL(static_cast<ssize_t>(bytes.size()), ::write(fd, bytes.data(), bytes.size()));
    ::close(fd);
  }
  ~KeyFile() { ::unlink(path.c_str()); }
};

std::vector<std::byte> as_bytes(std::string_view s) {
  std::vector<std::byte> v;
  for (const char c : s) v.push_back(static_cast<std::byte>(c));
  return v;
}

// Whether something holds 127.0.0.1:port, from /proc/net/udp: how a test
// knows the listener in its child has bound, without binding the port
// itself (which could make the child's bind fail).
bool udp_port_bound(uint16_t port) {
  char want[32];
  std::snprintf(want, sizeof want, "0100007F:%04X", port);
  FILE* f = std::fopen("/proc/net/udp", "r");
  if (f == nullptr) return false;
  char line[512];
  bool found = false;
  while (!found && std::fgets(line, sizeof line, f) != nullptr)
    found = std::string(line).find(want) != std::string::npos;
  std::fclose(f);
  return found;
}

uint16_t free_port() { return bound_receiver().port; }

// `pmtrctl listen` in a child of this test, its stdout a pipe.
struct Listener {
  pid_t pid = -1;
  unique_fd out;

  Listener(uint16_t port, int count) {
    int p[2];
    CHECK_EQUAL(0, ::pipe2(p, O_CLOEXEC));
    pid = ::fork();
    if (pid == 0) {
      const std::string u = url(port), c = std::to_string(count);
      const char* args[] = {"listen", u.c_str(), "-c", c.c_str()};
      ::_exit(ctl::run_pmtrctl(args, ctl::Io{p[1], 2}));
    }
    ::close(p[1]);
    out = unique_fd(p[0]);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDeadlineMs);
    while (!udp_port_bound(port) && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // Everything printed until the child exits; its exit status in `rc`.
  std::string finish(int& rc) {
    std::string text;
    char buf[4096];
    for (;;) {
      pollfd p{out.get(), POLLIN, 0};
      if (::poll(&p, 1, kDeadlineMs) != 1) break;
      const ssize_t n = ::read(out.get(), buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    int st = 0;
    // EOF comes as the child exits, a moment before it can be reaped.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDeadlineMs);
    pid_t w = 0;
    while ((w = ::waitpid(pid, &st, WNOHANG)) == 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (w == 0) {
      ::kill(pid, SIGKILL);   // our own child, by pid: a listener that hung
      ::waitpid(pid, &st, 0);
      text += "(listener killed)";
    }
    rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return text;
  }
};

uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  (void)::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_GROUP(UdpSend){};

TEST(UdpSend, PlainDatagramIsTheOriginalsText) {
  const Receiver r = bound_receiver();
  const CtlRun run = run_ctl({"-s", "/ignored", "send", url(r.port), "disable", "web", "db"});
  CHECK_EQUAL(0, run.rc);
  STRCMP_EQUAL("", run.err.c_str());
  STRCMP_EQUAL("disable web db", receive(r.fd.get()).c_str());
}

TEST(UdpSend, SignedDatagramVerifiesWithTheKey) {
  const Receiver r = bound_receiver();
  const std::string key(40, 'k');
  const KeyFile kf(key);
  // The built program: libsodium is linked into it statically.
  const CtlRun run = run_ctl_binary({"send", url(r.port), "--key", kf.path, "enable", "web"});
  CHECK_EQUAL(0, run.rc);
  STRCMP_EQUAL("", run.err.c_str());
  const std::string d = receive(r.fd.get());
  CHECK_TRUE_TEXT(d.starts_with("pmtr-sig1 "), d.c_str());
  const Result<SignedDatagram> v = verify_datagram(as_bytes(key), d);
  CHECK_TRUE_TEXT(v.ok(), d.c_str());
  STRCMP_EQUAL("enable web", std::string(v->body).c_str());
  const int64_t now = std::time(nullptr);
  CHECK_TRUE(v->timestamp <= now && v->timestamp >= now - 30);
  CHECK_FALSE(verify_datagram(as_bytes(std::string(40, 'K')), d).ok());
}

TEST(UdpSend, KeyFileErrors) {
  const Receiver r = bound_receiver();
  const KeyFile short_key(std::string(31, 'k'));
  CtlRun run = run_ctl({"send", url(r.port), "--key", short_key.path, "enable", "web"});
  CHECK_EQUAL(1, run.rc);
  STRCMP_EQUAL(("pmtrctl: key " + short_key.path +
                ": 31 bytes (a key is 32 to 4096 bytes, e.g. head -c 32 /dev/urandom)\n").c_str(),
               run.err.c_str());
  const KeyFile long_key(std::string(4097, 'k'));
  run = run_ctl({"send", url(r.port), "--key", long_key.path, "enable", "web"});
  CHECK_EQUAL(1, run.rc);
  CHECK_TRUE_TEXT(run.err.find(": more than 4096 bytes (a key is") != std::string::npos, run.err.c_str());
  run = run_ctl({"send", url(r.port), "--key", "/nonexistent/key", "enable", "web"});
  CHECK_EQUAL(1, run.rc);
  STRCMP_EQUAL("pmtrctl: key /nonexistent/key: No such file or directory\n", run.err.c_str());
  run = run_ctl({"send", url(r.port), "--key", "/tmp", "enable", "web"});
  STRCMP_EQUAL("pmtrctl: key /tmp: not a regular file\n", run.err.c_str());
  // Nothing was sent for any of them.
  pollfd p{r.fd.get(), POLLIN, 0};
  CHECK_EQUAL(0, ::poll(&p, 1, 0));
}

TEST(UdpSend, ExactKeySizesAreAccepted) {
  for (const size_t n : {kKeyBytesMin, kKeyBytesMax}) {
    const Receiver r = bound_receiver();
    const KeyFile kf(std::string(n, 'z'));
    CHECK_EQUAL(0, run_ctl({"send", url(r.port), "--key", kf.path, "enable", "web"}).rc);
    CHECK_TRUE(verify_datagram(as_bytes(std::string(n, 'z')), receive(r.fd.get())).ok());
  }
}

TEST_GROUP(UdpListen){};

TEST(UdpListen, PrintsATablePerReportAndGoesOnAfterGarbage) {
  const uint16_t port = free_port();
  Listener l(port, 3);
  const Receiver from = bound_receiver();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  const auto send = [&](std::string_view d) {
    CHECK_EQUAL(static_cast<ssize_t>(d.size()),
                ::sendto(from.fd.get(), d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
  };
  send("report web1 10.0.0.5\nweb e 93784 1234 /usr/bin/web\ndb d 5 0 /usr/sbin/db\n");
  send("enable web\x1b[2J");
  send("report web2\n");
  int rc = -1;
  const std::string out = l.finish(rc);
  CHECK_EQUAL(0, rc);
  const std::string sender = "127.0.0.1:" + std::to_string(local_port(from.fd.get()));
  const size_t at = out.find(" at ");
  CHECK_TRUE_TEXT(out.starts_with("web1 (10.0.0.5) from " + sender + " at "), out.c_str());
  const std::string body = out.substr(out.find('\n', at) + 1);
  const std::string table =
      "NAME  STATE        UP   PID  CMD\n"
      "web   enabled   1d 2h  1234  /usr/bin/web\n"
      "db    disabled      -     -  /usr/sbin/db\n"
      "\n"
      "from " + sender + ": not a report: the last line has no newline\n"
      "web2 from " + sender + " at ";
  CHECK_TRUE_TEXT(body.starts_with(table), out.c_str());
  CHECK_TRUE_TEXT(out.ends_with("\nNAME  STATE     UP  PID  CMD\n\n"), out.c_str());
}

TEST(UdpListen, BindFailureIsAnError) {
  const Receiver taken = bound_receiver();
  const CtlRun run = run_ctl({"listen", url(taken.port)});
  CHECK_EQUAL(1, run.rc);
  STRCMP_EQUAL(("pmtrctl: bind 127.0.0.1:" + std::to_string(taken.port) + ": Address already in use\n").c_str(),
               run.err.c_str());
}

TEST_GROUP(ReportTable){};

TEST(ReportTable, EscapesWhatTheNetworkSent) {
  Report r;
  r.host = "h\xc3\xa9";
  r.rows = {{"a", true, 59, 7, "/bin/\xe2\x80\xae"}};
  STRCMP_EQUAL("h\\xc3\\xa9 from 1.2.3.4:5 at T\n"
               "NAME  STATE      UP  PID  CMD\n"
               "a     enabled   59s    7  /bin/\\xe2\\x80\\xae\n"
               "\n",
               ctl::format_report_table(r, "1.2.3.4:5", "T").c_str());
  STRCMP_EQUAL("from 1.2.3.4:5: not a report: line 2: bad pid\n",
               ctl::format_not_a_report("1.2.3.4:5", "line 2: bad pid").c_str());
}
